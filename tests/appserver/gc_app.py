"""The app of test_gc_threshold.py: answers the worker's collector
thresholds and how many objects it froze."""
import gc
import json


def app(environ, start_response):
    body = json.dumps({"threshold": list(gc.get_threshold()), "frozen": gc.get_freeze_count()}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
