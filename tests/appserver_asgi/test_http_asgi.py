"""The ASGI http bridge through the real command line (one worker)."""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import time

import pytest


def get(port, path, method="GET", body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = headers or {}
    c.request(method, path, body=body, headers=headers,
              encode_chunked="Transfer-Encoding" in headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data


def stats(port):
    return json.loads(get(port, "/stats")[1])


def wait_for(pred, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_scope_fields(asgi_server):
    r, data = get(asgi_server.port, "/scope/a%20b%2Fc?x=1&y=%20", headers={"X-Thing": "Va"})
    assert r.status == 200
    s = json.loads(data)
    assert s["type"] == "http"
    assert s["asgi"] == {"version": "3.0", "spec_version": "2.4"}
    assert s["http_version"] == "1.1"
    assert s["method"] == "GET"
    assert s["scheme"] == "http"
    assert s["path"] == "/scope/a b/c"
    assert s["raw_path"] == "/scope/a%20b%2Fc"
    assert s["query_string"] == "x=1&y=%20"
    assert s["root_path"] == ""
    assert s["server"] == ["127.0.0.1", asgi_server.port]
    assert s["client"][0] == "127.0.0.1" and isinstance(s["client"][1], int)
    assert ["x-thing", "Va"] in s["headers"]  # names lowercased, values as sent
    assert s["header_types"] == ["bytes"]
    assert s["types"]["raw_path"] == "bytes" and s["types"]["query_string"] == "bytes"
    assert s["types"]["client"] == "tuple" and s["types"]["headers"] == "list"
    assert s["state"] == {"started_by": "lifespan"}


def test_root_path(start_server):
    srv = start_server("--interface", "asgi", "--url-path-prefix", "/mnt", "apps_asgi:app")
    s = json.loads(get(srv.port, "/scope/x")[1])
    assert s["root_path"] == "/mnt" and s["path"] == "/mnt/scope/x"


def test_keepalive_and_http10(asgi_server):
    c = http.client.HTTPConnection("127.0.0.1", asgi_server.port, timeout=10)
    for i in range(20):
        c.request("GET", "/")
        r = c.getresponse()
        assert r.status == 200 and json.loads(r.read()) == {"hello": "world", "method": "GET"}
    c.close()
    with socket.create_connection(("127.0.0.1", asgi_server.port)) as s:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    assert data.startswith(b"HTTP/1.0 200 OK\r\n") and data.endswith(b'"method": "GET"}')


def test_pipelined_requests_answered_in_order(asgi_server):
    with socket.create_connection(("127.0.0.1", asgi_server.port)) as s:
        s.sendall(b"GET /scope/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /scope/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    assert data.count(b"HTTP/1.1 200 OK") == 2
    assert data.index(b'"/scope/1"') < data.index(b'"/scope/2"')


@pytest.mark.parametrize("size", [0, 10, 64 * 1024, 64 * 1024 + 1, 3 * 1024 * 1024 + 17])
def test_request_body_content_length(asgi_server, size):
    body = os.urandom(size)
    r, data = get(asgi_server.port, "/echo", "POST", body)
    d = json.loads(data)
    assert d["len"] == size and d["sha"] == hashlib.sha256(body).hexdigest()
    if size > 64 * 1024:
        # Large bodies stream: several http.request messages with more_body.
        assert len(d["sizes"]) == -(-size // (64 * 1024))
        assert all(n == 64 * 1024 for n in d["sizes"][:-1])


def test_request_body_chunked(asgi_server):
    body = os.urandom(200_000)

    def gen():
        for i in range(0, len(body), 30_000):
            yield body[i:i + 30_000]
    r, data = get(asgi_server.port, "/echo", "POST", gen(), {"Transfer-Encoding": "chunked"})
    d = json.loads(data)
    assert d["len"] == len(body) and d["sha"] == hashlib.sha256(body).hexdigest()


def test_streamed_response_arrives_chunk_by_chunk(asgi_server):
    with socket.create_connection(("127.0.0.1", asgi_server.port), timeout=10) as s:
        s.sendall(b"GET /stream?3 HTTP/1.1\r\nHost: x\r\n\r\n")
        first = s.recv(65536)
        t0 = time.time()
        assert b"Transfer-Encoding: chunked" in first
        assert b"chunk0" in first and b"chunk1" not in first  # sent before the app's pause
        data = first
        while not data.endswith(b"0\r\n\r\n"):
            data += s.recv(65536)
        assert time.time() - t0 > 0.3
    body = data.split(b"\r\n\r\n", 1)[1]
    assert body == b"7\r\nchunk0\n\r\n7\r\nchunk1\n\r\n7\r\nchunk2\n\r\n4\r\nend\n\r\n0\r\n\r\n"


def test_head_and_explicit_content_length(asgi_server):
    r, data = get(asgi_server.port, "/head")
    assert r.status == 200 and data == b"hello" and r.getheader("content-length") == "5"
    r, data = get(asgi_server.port, "/head", "HEAD")
    assert r.status == 200 and data == b"" and r.getheader("content-length") == "5"


def test_backpressure_slow_client(asgi_server):
    """A client that does not read: send() waits, the app does not run
    ahead and the server does not buffer the 64 MiB."""
    port = asgi_server.port
    pid = asgi_server.worker_pids()[0]
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    s.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(1.5)
    sent = stats(port)["chunks_sent"]
    # Socket buffers (a few MiB on loopback) + 256 KiB of send buffer.
    assert sent < 16, sent
    rss = _rss_mb(pid)
    total = 0
    while total < (64 << 20):
        b = s.recv(1 << 20)
        assert b
        total += len(b)
    s.close()
    assert wait_for(lambda: stats(port)["chunks_sent"] == 64)
    assert rss < 300


def _rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def test_disconnect_cancels_the_task(asgi_server):
    port = asgi_server.port
    before = stats(port)["cancelled"]
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.3)
    s.close()
    assert wait_for(lambda: stats(port)["cancelled"] == before + 1)


def test_disconnect_message_and_send_raises_without_cancel(start_server):
    srv = start_server("--interface", "asgi", "--no-cancel-on-disconnect", "apps_asgi:app")
    s = socket.create_connection(("127.0.0.1", srv.port))
    s.sendall(b"GET /wait-disconnect HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.3)
    s.close()
    assert wait_for(lambda: stats(srv.port)["disconnect_seen"] == 1)
    assert wait_for(lambda: stats(srv.port)["send_raised"] == 1)


def test_app_errors(asgi_server):
    port = asgi_server.port
    r, data = get(port, "/raise")
    assert r.status == 500
    r, data = get(port, "/noresponse")
    assert r.status == 500
    r, data = get(port, "/badheader")
    assert r.status == 500 and r.getheader("injected") is None
    # Raising after the headers went out: the client sees an incomplete body.
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/raise-late")
    r = c.getresponse()
    with pytest.raises(http.client.IncompleteRead):
        r.read()
    c.close()
    # The worker serves on.
    assert get(port, "/")[0].status == 200
    log = asgi_server.log()
    assert "ValueError: boom" in log and "late boom" in log


def test_malformed_requests_never_reach_the_app(asgi_server):
    port = asgi_server.port
    before = stats(port)["requests"]
    for raw in (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
                b"GET / HTTP/1.1\nHost: x\n\n", b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(raw)
            assert s.recv(100).startswith(b"HTTP/1.1 400")
    assert stats(port)["requests"] == before + 1  # only the /stats call itself


def test_many_requests_do_not_grow_rss(asgi_server):
    port = asgi_server.port
    pid = asgi_server.worker_pids()[0]

    def burst(n):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for i in range(n):
            c.request("POST", "/echo?%d" % i, body=b"x" * (i % 300))
            r = c.getresponse()
            r.read()
            assert r.status == 200
            if i % 50 == 0:
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.close()
    burst(1500)
    base = _rss_mb(pid)
    burst(4000)
    assert _rss_mb(pid) - base < 8


def test_pathsend(asgi_server, tmp_path):
    port = asgi_server.port
    s = json.loads(get(port, "/scope")[1])
    assert "http.response.pathsend" in s["extensions"]
    data = os.urandom(3 * 1024 * 1024 + 5)
    f = tmp_path / "blob.bin"
    f.write_bytes(data)
    from urllib.parse import quote
    r, body = get(port, "/pathsend?" + quote(str(f)))
    assert r.status == 200 and body == data and r.getheader("content-length") == str(len(data))
    r, body = get(port, "/pathsend?" + quote(str(f)), "HEAD")
    assert r.status == 200 and body == b"" and r.getheader("content-length") == str(len(data))
    r, body = get(port, "/pathsend?" + quote(str(tmp_path / "missing")))
    assert r.status == 500
    # Keep-alive after a file response.
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(3):
        c.request("GET", "/pathsend?" + quote(str(f)))
        resp = c.getresponse()
        assert resp.read() == data
    c.close()
