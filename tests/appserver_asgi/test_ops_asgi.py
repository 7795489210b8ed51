"""ASGI requests and WebSocket sessions go through the same Prometheus
metrics and access log as WSGI requests (ops.go, asgi_ops.go)."""
from __future__ import annotations

import asyncio
import http.client
import json
import re
import socket
import time
import urllib.request
from collections import Counter

from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from appserver_harness import free_port


def scrape(port: int) -> dict:
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
        text = r.read().decode()
    out = {"requests": Counter(), "families": {}}
    for f in text_string_to_metric_families(text):
        out["families"][f.name] = f
        for s in f.samples:
            if s.name == "appserver_requests_total":
                out["requests"][(s.labels["method"], s.labels["status"])] += int(s.value)
    return out


def value(m: dict, name: str, **labels) -> float:
    total = 0.0
    for f in m["families"].values():
        for s in f.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                total += s.value
    return total


def wait_metrics(port: int, check, timeout: float = 10.0) -> dict:
    """Scrapes until check(m) holds (a request is counted just after its
    last byte went out, so the client may be a moment ahead)."""
    deadline = time.time() + timeout
    while True:
        m = scrape(port)
        if check(m) or time.time() > deadline:
            return m
        time.sleep(0.05)


def wait_lines(path, n, timeout=10.0):
    deadline = time.time() + timeout
    lines = []
    while time.time() < deadline:
        try:
            lines = path.read_text().splitlines()
        except FileNotFoundError:
            lines = []
        if len(lines) >= n:
            return lines
        time.sleep(0.05)
    raise AssertionError("expected %d lines in %s, got %r" % (n, path, lines))


async def ws_sessions(port: int) -> None:
    for _ in range(2):
        async with connect("ws://127.0.0.1:%d/echo" % port) as ws:
            for i in range(3):
                await ws.send("m%d" % i)
                assert await ws.recv() == "m%d" % i
    try:
        async with connect("ws://127.0.0.1:%d/deny" % port):
            raise AssertionError("the handshake should be denied")
    except InvalidStatus as e:
        assert e.response.status_code == 403


def start(start_server, tmp_path, *extra):
    mport = free_port()
    log = tmp_path / "access.log"
    srv = start_server("--interface", "asgi", "--loop", "asyncio", "--metrics",
                       "--metrics-address", "127.0.0.1:%d" % mport,
                       "--access-log-file", str(log), *extra, "apps_asgi:ops_app")
    return srv, mport, log


def test_metrics_count_asgi_requests_and_websockets(start_server, tmp_path):
    srv, mport, log = start(start_server, tmp_path)
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    expected = Counter()
    sent_bodies = 0
    for i in range(10):
        c.request("GET", "/?i=%d" % i)
        r = c.getresponse()
        sent_bodies += len(r.read())
        assert r.status == 200
        expected[("GET", "200")] += 1
    for _ in range(3):
        c.request("HEAD", "/head")
        r = c.getresponse()
        r.read()
        assert r.status == 200
        expected[("HEAD", "200")] += 1
    body = b"u" * (100 << 10)  # above 64 KiB: streamed to the app
    c.request("POST", "/echo", body=body)
    r = c.getresponse()
    assert json.loads(r.read())["len"] == len(body)
    expected[("POST", "200")] += 1
    c.request("GET", "/stream?1")  # chunked
    r = c.getresponse()
    assert r.read() == b"chunk0\nend\n"
    expected[("GET", "200")] += 1
    c.close()
    for _ in range(2):
        c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        c.request("GET", "/raise")
        assert c.getresponse().status == 500
        c.close()
        expected[("GET", "500")] += 1
    asyncio.run(ws_sessions(srv.port))
    expected[("GET", "101")] += 2
    expected[("GET", "403")] += 1

    # A request inside the app is in flight; its client leaves before any
    # response: counted once it is cancelled, as 499.
    s = socket.create_connection(("127.0.0.1", srv.port))
    s.sendall(b"GET /wait HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    m = wait_metrics(mport, lambda m: value(m, "appserver_requests_in_flight") == 1)
    assert value(m, "appserver_requests_in_flight") == 1
    s.close()
    expected[("GET", "499")] += 1

    total = sum(expected.values())
    m = wait_metrics(mport, lambda m: m["requests"] == expected
                     and value(m, "appserver_requests_in_flight") == 0)
    assert m["requests"] == expected
    assert value(m, "appserver_requests_in_flight") == 0
    assert value(m, "appserver_request_duration_seconds_count") == total
    assert value(m, "appserver_request_duration_seconds_bucket", le="+Inf") == total
    # Bytes: the streamed upload and the WebSocket messages in; every body out.
    assert value(m, "appserver_received_bytes_total") >= len(body) + 6 * 2
    assert value(m, "appserver_sent_bytes_total") >= sent_bodies + 6 * 2 + len("chunk0\nend\n")
    assert value(m, "appserver_app_errors_total") == 2

    # One access log line per request and per WebSocket handshake.
    lines = wait_lines(log, total)
    assert len(lines) == total
    pat = (r'^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] 127\.0\.0\.1 - '
           r'"(GET|HEAD|POST) (\S+) HTTP/1\.1" (\d{3}) \d+\.\d{3}$')
    seen = Counter()
    for line in lines:
        mt = re.match(pat, line)
        assert mt, line
        seen[(mt.group(1), mt.group(3))] += 1
    assert seen == expected
    assert any(re.search(r'"GET /echo HTTP/1\.1" 101 ', x) for x in lines)
    assert any(re.search(r'"GET /wait HTTP/1\.1" 499 ', x) for x in lines)


def test_access_log_json_and_atoms_for_asgi(start_server, tmp_path):
    fmt = "%(method)s|%(path)s|%(query_string)s|%(status)d|%(header{user-agent})s|%(scheme)s"
    srv, _, log = start(start_server, tmp_path, "--access-log-fmt", fmt)
    req = urllib.request.Request("http://127.0.0.1:%d/x/y?a=1" % srv.port,
                                 headers={"User-Agent": "asgi-tester"})
    with urllib.request.urlopen(req, timeout=10) as r:
        r.read()
    assert wait_lines(log, 1)[0] == "GET|/x/y|a=1|200|asgi-tester|http"

    (tmp_path / "access.log").unlink()
    srv2, _, log2 = start(start_server, tmp_path, "--access-log-fmt", "json")
    with urllib.request.urlopen("http://127.0.0.1:%d/j?n=1" % srv2.port, timeout=10) as r:
        n = len(r.read())
    rec = json.loads(wait_lines(log2, 1)[0])
    assert rec["method"] == "GET" and rec["path"] == "/j" and rec["query_string"] == "n=1"
    assert rec["status"] == 200 and rec["bytes"] > n
