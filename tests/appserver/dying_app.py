"""Loads fine, then the process dies shortly after (a crash loop)."""
import os
import threading

threading.Timer(0.3, lambda: os._exit(7)).start()


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"alive"]
