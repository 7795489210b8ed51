"""Lifespan through the command line; Starlette and Django end to end."""
from __future__ import annotations

import json
import os

from test_http_asgi import get


def test_lifespan_state_and_shutdown(start_server, tmp_path):
    marker = tmp_path / "shutdown"
    srv = start_server("--interface", "asgi", "apps_asgi:app", env={"ASGI_SHUTDOWN_FILE": str(marker)})
    assert json.loads(get(srv.port, "/state")[1]) == {"state": {"started_by": "lifespan"}}
    assert srv.stop() == 0
    assert marker.read_text() == "shutdown"


def test_failed_startup_exits_non_zero_with_the_message(start_server):
    srv = start_server("--interface", "asgi", "apps_asgi:failing_startup", ready=False)
    assert srv.proc.wait(30) != 0
    assert "database unreachable: 42" in srv.log()


def test_asginl_skips_lifespan(start_server, tmp_path):
    marker = tmp_path / "shutdown"
    srv = start_server("--interface", "asginl", "apps_asgi:app", env={"ASGI_SHUTDOWN_FILE": str(marker)})
    assert json.loads(get(srv.port, "/state")[1]) == {"state": {}}
    srv.stop()
    assert not marker.exists()
    # An app that does not speak lifespan also works under --interface asgi.
    srv = start_server("--interface", "asgi", "apps_asgi:no_lifespan")
    assert json.loads(get(srv.port, "/")[1]) == {"state": False}


def test_starlette(start_server):
    srv = start_server("--interface", "asgi", "--loop", "uvloop", "starlette_app:app")
    r, data = get(srv.port, "/items/7?q=x")
    assert r.status == 200 and json.loads(data) == {"id": 7, "q": "x", "db": "connected"}
    body = json.dumps({"a": [1, 2, 3]}).encode()
    r, data = get(srv.port, "/items", "POST", body, {"Content-Type": "application/json"})
    assert r.status == 201 and json.loads(data) == {"got": {"a": [1, 2, 3]}, "len": len(body)}
    r, data = get(srv.port, "/stream")
    assert r.status == 200 and data == b"part0;part1;part2;part3;part4;"
    assert r.getheader("transfer-encoding") == "chunked"
    r, data = get(srv.port, "/nope")
    assert r.status == 404


def test_django_asgi(start_server):
    srv = start_server("--interface", "asgi", "django_app:application")
    r, data = get(srv.port, "/hello/ann?q=1", "POST", b"payload")
    assert r.status == 200
    assert json.loads(data) == {"hello": "ann", "method": "POST", "q": "1", "body": "payload"}
    r, data = get(srv.port, "/async")
    assert json.loads(data) == {"async": True, "path": "/async"}
    r, data = get(srv.port, "/stream")
    assert data == b"row0\nrow1\nrow2\nrow3\n"
    r, data = get(srv.port, "/missing")
    assert r.status == 404
    assert "Traceback" not in srv.log()
