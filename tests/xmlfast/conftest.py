"""Django settings for the xmlfast tests (DRF needs configured settings)."""
import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        USE_I18N=True,
        LANGUAGE_CODE="en",
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
        DATABASES={},
    )
    django.setup()
