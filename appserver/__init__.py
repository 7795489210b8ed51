"""appserver: a Go HTTP server for WSGI and ASGI apps, in the Python process."""
from _goaccel import server as _native  # noqa: F401

__all__: list = []
