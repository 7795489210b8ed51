"""WSGI entry point: ``demo_project.wsgi:application`` (gunicorn, uwsgi, appserver).

On first use it creates, migrates and seeds the SQLite database (idempotent,
serialised between worker processes by a file lock).
"""
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from catalog.setup import ensure_database  # noqa: E402  (needs the app registry)

ensure_database()
