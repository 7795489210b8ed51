"""A child process holding Django's test Client on the demo project.

The integration tests talk to it over stdin/stdout (one JSON object per line)
so that the demo's settings never leak into the pytest process, where other
suites configure Django their own way. Run from examples/django.

request:  {"method": "GET", "path": "/api/", "body": "<base64>", "content_type": "...",
           "headers": {"Accept": "..."}}
response: {"status": 200, "headers": {...}, "body": "<base64>"}
"""
import base64
import json
import os
import sys

proto = os.fdopen(os.dup(1), "w", buffering=1)
# The demo logs JSON to sys.stdout: send it to a file the tests can read.
sys.stdout = open(os.environ["DEMO_CLIENT_LOG"], "a", buffering=1)
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from catalog.setup import ensure_database  # noqa: E402

ensure_database()
client = Client()
proto.write(json.dumps({"ready": True}) + "\n")

for line in sys.stdin:
    req = json.loads(line)
    headers = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in req.get("headers", {}).items()}
    kwargs = dict(headers)
    method = req["method"].lower()
    if "body" in req:
        kwargs["data"] = base64.b64decode(req["body"])
        kwargs["content_type"] = req.get("content_type", "application/octet-stream")
    resp = getattr(client, method)(req["path"], **kwargs)
    proto.write(json.dumps({
        "status": resp.status_code,
        "headers": dict(resp.items()),
        "body": base64.b64encode(resp.content).decode("ascii"),
    }) + "\n")
