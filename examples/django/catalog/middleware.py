"""One JSON log line per request on the ``demo.access`` logger."""
from __future__ import annotations

import logging
import time

from django.conf import settings

log = logging.getLogger("demo.access")


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.ACCESS_LOG

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        start = time.perf_counter()
        response = self.get_response(request)
        if log.isEnabledFor(logging.INFO):
            path = request.get_full_path()
            log.info("%s %s %d", request.method, path, response.status_code, extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - start) * 1000, 3),
                "content_type": response.get("Content-Type", ""),
                "remote_addr": request.META.get("REMOTE_ADDR", ""),
            })
        return response
