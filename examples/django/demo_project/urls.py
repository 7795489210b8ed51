"""URLs: the DRF API under /api/, and a health check."""
from django.http import HttpResponse
from django.urls import include, path


def healthz(request):
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz),
    path("api/", include("catalog.urls")),
]
