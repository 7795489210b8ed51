"""Django's ASGI handler with a minimal in-module configuration."""
import django
from django.conf import settings
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import path

settings.configure(
    DEBUG=False, SECRET_KEY="test", ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"],
    MIDDLEWARE=[], INSTALLED_APPS=[], DATABASES={},
)
django.setup()


def hello(request, name):
    return JsonResponse({"hello": name, "method": request.method, "q": request.GET.get("q"),
                         "body": request.body.decode()})


async def ahello(request):
    return JsonResponse({"async": True, "path": request.path})


def stream(request):
    return StreamingHttpResponse((b"row%d\n" % i for i in range(4)), content_type="text/plain")


urlpatterns = [path("hello/<str:name>", hello), path("async", ahello), path("stream", stream)]

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
