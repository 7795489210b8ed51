"""The request event built in C (python/asgi_event.c): header names
lowercased and interned in a bounded table (many distinct names, slots
replaced on collision, must never mix up names or values), methods,
HTTP versions, paths with and without escapes, bodies."""
from __future__ import annotations

import http.client
import json


def scope(port, path, method="GET", headers=None, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    assert r.status == 200, data
    return json.loads(data)


def test_many_distinct_header_names(asgi_server):
    for batch in range(4):  # 4 x 60 names: more than the 256 interning slots
        sent = {"X-Name-%d-%d" % (batch, i): "v%d-%d" % (batch, i) for i in range(60)}
        s = scope(asgi_server.port, "/scope/h", headers=sent)
        got = {k: v for k, v in s["headers"] if k.startswith("x-name-")}
        assert got == {k.lower(): v for k, v in sent.items()}
    # The same names again (now interned, some replaced): still exact.
    s = scope(asgi_server.port, "/scope/h", headers={"X-Name-0-1": "again", "Content-Type": "a/b"})
    assert ["x-name-0-1", "again"] in s["headers"] and ["content-type", "a/b"] in s["headers"]


def test_methods_paths_and_long_names(asgi_server):
    long_name = "X-" + "L" * 100  # above the interning limit
    for method in ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CUSTOMVERB"):
        s = scope(asgi_server.port, "/scope/p%C3%A9?q=%20", method=method,
                  headers={long_name: "x"}, body=b"" if method != "GET" else None)
        assert s["method"] == method
        assert s["path"] == "/scope/pé" and s["raw_path"] == "/scope/p%C3%A9"
        assert s["query_string"] == "q=%20"
        assert [long_name.lower(), "x"] in s["headers"]
    s = scope(asgi_server.port, "/scope/plain")
    assert s["path"] == "/scope/plain" and s["http_version"] == "1.1"
