"""Settings of the goaccel demo: a DRF API on SQLite.

Everything a benchmark or a test may want to change comes from the environment:

GOACCEL_DEMO_STACK        stock | goaccel (default): see demo_project/stack.py
GOACCEL_DEMO_DB           SQLite file (default: examples/django/db.sqlite3)
GOACCEL_DEMO_LOG_LEVEL    level of the JSON logs on stdout (default INFO)
GOACCEL_DEMO_ACCESS_LOG   1 (default) logs one JSON line per request; 0 turns it off
GOACCEL_DEMO_DEBUG        1 turns on Django's DEBUG
"""
from __future__ import annotations

import os
from pathlib import Path

from demo_project.stack import selected

BASE_DIR = Path(__file__).resolve().parent.parent

# A demo served on loopback: the key signs nothing that matters here.
SECRET_KEY = os.environ.get("GOACCEL_DEMO_SECRET_KEY", "goaccel-demo-not-a-secret")
DEBUG = os.environ.get("GOACCEL_DEMO_DEBUG", "0") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"] + [
    h for h in os.environ.get("GOACCEL_DEMO_ALLOWED_HOSTS", "").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "rest_framework",
    "catalog",
]

MIDDLEWARE = [
    "catalog.middleware.AccessLogMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "demo_project.urls"
WSGI_APPLICATION = "demo_project.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("GOACCEL_DEMO_DB", str(BASE_DIR / "db.sqlite3")),
        # Several server workers share the file: wait for a writer instead of failing.
        "OPTIONS": {"timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# ---- the swappable stack -------------------------------------------------
STACK_NAME, STACK = selected()
GOACCEL_DEMO = {"STACK": STACK_NAME, **STACK}

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": [STACK["JSON_RENDERER"], STACK["XML_RENDERER"]],
    "DEFAULT_PARSER_CLASSES": [STACK["JSON_PARSER"], STACK["XML_PARSER"]],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "catalog.pagination.Pagination",
    "PAGE_SIZE": 100,
}

# ---- JSON structured logs on stdout -------------------------------------
LOG_LEVEL = os.environ.get("GOACCEL_DEMO_LOG_LEVEL", "INFO").upper()
ACCESS_LOG = os.environ.get("GOACCEL_DEMO_ACCESS_LOG", "1") == "1"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": STACK["LOG_FORMATTER"],
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "static_fields": {"service": "goaccel-demo", "stack": STACK_NAME},
            "timestamp": True,
        },
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                   "formatter": "json"},
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "demo": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
    },
}
