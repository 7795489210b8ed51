"""scripts/run serves the demo over real HTTP (gunicorn today, appserver later)."""
from __future__ import annotations

import json
import signal
import urllib.error
import urllib.request
from xml.etree import ElementTree


def fetch(url: str, data: bytes | None = None, **headers: str):
    req = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_prints_urls_and_serves_list_and_detail(served):
    out = served.output.read_text()
    assert served.base + "/api/products/" in out and "curl" in out
    status, headers, body = fetch(served.base + "/api/products/")
    assert status == 200 and headers["Content-Type"] == "application/json"
    data = json.loads(body)
    assert data["count"] == 120 and len(data["results"]) == 100
    status, _, body = fetch(served.base + "/api/products/10/")
    assert status == 200 and json.loads(body)["sku"] == "SKU-00010"


def test_xml_negotiation_over_http(served):
    status, headers, body = fetch(served.base + "/api/products/2/", Accept="application/xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    assert ElementTree.fromstring(body).findtext("id") == "2"


def test_post_and_bad_bodies_over_http(served):
    order = {"customer": {"name": "Http", "email": "h@example.com"},
             "items": [{"product": 3, "quantity": 1}]}
    status, headers, body = fetch(served.base + "/api/orders/", json.dumps(order).encode(),
                                  **{"Content-Type": "application/json"})
    assert status == 201, body
    assert headers["Location"] == "/api/orders/%d/" % json.loads(body)["id"]
    status, _, body = fetch(served.base + "/api/orders/", b"{nope",
                            **{"Content-Type": "application/json"})
    assert status == 400 and json.loads(body)["detail"].startswith("JSON parse error")
    status, _, body = fetch(served.base + "/api/orders/", json.dumps({"items": []}).encode(),
                            **{"Content-Type": "application/json"})
    assert status == 400 and "customer" in json.loads(body)["non_field_errors"][0]
    status, _, _ = fetch(served.base + "/api/orders/", b"x=1",
                         **{"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 415


def test_logs_are_json_lines(served):
    fetch(served.base + "/api/categories/?probe=served")
    lines = [line for line in served.output.read_text().splitlines() if line.startswith("{")]
    parsed = [json.loads(line) for line in lines]
    assert any(p.get("path") == "/api/categories/?probe=served" and p["status"] == 200
               for p in parsed)


def test_stops_on_sigterm(served):
    import os
    import socket

    os.killpg(served.proc.pid, signal.SIGTERM)
    assert served.proc.wait(timeout=30) is not None
    port = int(served.base.rsplit(":", 1)[1])
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
