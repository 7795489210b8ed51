"""Django settings for the jsonfast DRF tests (DRF needs configured settings).

The same minimal settings as tests/xmlfast/conftest.py, applied only when no
other suite in this pytest process has configured Django already."""
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
