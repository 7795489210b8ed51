"""ASGI over HTTP/2 (cleartext prior knowledge, and ALPN h2 over TLS) with
103 Early Hints; clients: curl and h2load (nghttp2-client)."""
from __future__ import annotations

import json
import socket
import re
import subprocess
import time
import urllib.request

from test_extensions import certs  # noqa: F401  (the certificate fixture)
from test_ops_asgi import free_port, scrape, start, value, wait_lines, wait_metrics


def curl(*args):
    r = subprocess.run(["curl", "-s", "-S", "-i", "--max-time", "20", *args],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout


def url(srv, path):
    return "http://127.0.0.1:%d%s" % (srv.port, path)


def test_h2c_scope_body_streaming_and_early_hints(start_server):
    srv = start_server("--interface", "asgi", "--loop", "asyncio", "apps_asgi:app")
    out = curl("--http2-prior-knowledge", "-H", "X-Test: hi", url(srv, "/scope?q=1"))
    assert out.startswith("HTTP/2 200")
    assert not re.search(r"(?im)^connection:", out)
    scope = json.loads(re.split(r"\r?\n\r?\n", out, 1)[1])
    assert scope["http_version"] == "2" and scope["query_string"] == "q=1"
    assert ["x-test", "hi"] in scope["headers"]
    assert sorted(scope["extensions"]) == ["http.response.early_hint", "http.response.pathsend",
                                           "http.response.trailers"]
    body = "z" * 200000  # above the 64 KiB of the first HTTP/1.1 message
    r = subprocess.run(["curl", "-s", "--http2-prior-knowledge", "--data-binary", "@-", url(srv, "/echo")],
                       input=body, capture_output=True, text=True, timeout=30)
    assert json.loads(r.stdout)["len"] == len(body)
    out = curl("--http2-prior-knowledge", url(srv, "/stream?2"))
    assert out.startswith("HTTP/2 200") and out.endswith("chunk0\nchunk1\nend\n")
    # The 103 comes first, with its Link; the final response does not repeat it.
    out = curl("--http2-prior-knowledge", url(srv, "/early-hint"))
    hints, final = re.split(r"\r?\n\r?\n", out, 1)
    assert hints.startswith("HTTP/2 103")
    assert re.search(r"(?im)^link: </style.css>; rel=preload; as=style\r?$", hints)
    assert final.startswith("HTTP/2 200") and "link:" not in final.lower()
    # Trailers: a HEADERS frame after the data (curl prints them after the body);
    # framing fields dropped.
    for path in ("/trailers", "/trailers-single"):
        out = curl("--http2-prior-knowledge", url(srv, path))
        assert out.startswith("HTTP/2 200")
        body = re.split(r"\r?\n\r?\n", out, 1)[1]
        assert re.fullmatch(r"hellox-checksum: abc123\r?\nx-status: ok\r?\n", body), body
    out = curl("--http2-prior-knowledge", url(srv, "/raise"))
    assert out.startswith("HTTP/2 500")
    # HTTP/1.1 on the same port: no 103, no early_hint advertised.
    out = curl("--http1.1", url(srv, "/early-hint"))
    assert out.startswith("HTTP/1.1 200") and "early_hint" not in out


def test_h2_over_tls_alpn_with_tls_extension(start_server, certs):  # noqa: F811
    srv = start_server("--interface", "asgi", "--loop", "asyncio",
                       "--ssl-certfile", str(certs / "server.pem"), "--ssl-keyfile", str(certs / "server.key"),
                       "apps_asgi:app")
    u = "https://localhost:%d/tls" % srv.port
    out = curl("--http2", "--cacert", str(certs / "ca.pem"), u)
    assert out.startswith("HTTP/2 200")
    d = json.loads(re.split(r"\r?\n\r?\n", out, 1)[1])
    assert d["scheme"] == "https" and d["tls"]["tls_version"] in (0x0303, 0x0304)
    assert "http.response.early_hint" in d["extensions"] and "tls" in d["extensions"]
    out = curl("--http1.1", "--cacert", str(certs / "ca.pem"), u)
    assert out.startswith("HTTP/1.1 200") and '"tls"' in out


def test_h2_disconnect_cancels_and_metrics_count(start_server):
    mport = free_port()
    srv = start_server("--interface", "asgi", "--loop", "asyncio", "--metrics",
                       "--metrics-address", "127.0.0.1:%d" % mport, "apps_asgi:app")
    r = subprocess.run(["h2load", "-n", "300", "-c", "4", "-m", "8", url(srv, "/")],
                       capture_output=True, text=True, timeout=60)
    assert "300 succeeded" in r.stdout, r.stdout
    # The client gives up on /wait (the app sleeps 30 s): the stream's end
    # reaches the app as a cancellation.
    p = subprocess.run(["curl", "-s", "--http2-prior-knowledge", "--max-time", "1", url(srv, "/wait")],
                       capture_output=True, timeout=30)
    assert p.returncode == 28  # curl's timeout
    deadline = time.time() + 10
    while time.time() < deadline:
        with urllib.request.urlopen(url(srv, "/stats"), timeout=10) as resp:
            if json.loads(resp.read())["cancelled"] >= 1:
                break
        time.sleep(0.1)
    else:
        raise AssertionError("the app was not cancelled")
    m = wait_metrics(mport, lambda m: m["requests"][("GET", "200")] >= 300 + 1)
    assert m["requests"][("GET", "200")] >= 301  # h2load's and the /stats ones
    assert m["requests"][("GET", "499")] == 1
    assert value(scrape(mport), "appserver_requests_in_flight") == 0


def test_h2_access_log_says_http2(start_server, tmp_path):
    """The access log's protocol for an ASGI request on an h2 stream is
    HTTP/2.0 (as for WSGI), HTTP/1.1 for one on the same port over h1."""
    srv, _, log = start(start_server, tmp_path)
    assert curl("--http2-prior-knowledge", url(srv, "/a")).startswith("HTTP/2 200")
    assert curl("--http1.1", url(srv, "/b")).startswith("HTTP/1.1 200")
    lines = wait_lines(log, 2)
    assert len(lines) == 2
    assert re.search(r'"GET /a HTTP/2\.0" 200 ', lines[0]), lines
    assert re.search(r'"GET /b HTTP/1\.1" 200 ', lines[1]), lines


def _rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def test_no_rss_growth_over_h2_trailers_and_early_hints(start_server):
    """HTTP/2 streams (with early hints) and HTTP/1.1 responses with trailers,
    many times over: the worker's RSS stays flat after a warm-up."""
    srv = start_server("--interface", "asgi", "--loop", "asyncio", "apps_asgi:app")
    (worker,) = srv.worker_pids()

    def load():
        for path in ("/", "/early-hint", "/trailers"):
            r = subprocess.run(["h2load", "-n", "1500", "-c", "4", "-m", "8", url(srv, path)],
                               capture_output=True, text=True, timeout=120)
            assert "1500 succeeded" in r.stdout, r.stdout
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        req = b"GET /trailers HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n"
        for _ in range(10):  # pipelined in 10 writes of 100 requests
            s.sendall(req * 100)
        got = b""
        while got.count(b"x-status: ok\r\n\r\n") < 1000:
            chunk = s.recv(1 << 16)
            assert chunk
            got += chunk
        s.close()

    load()
    before = _rss_mb(worker)
    for _ in range(3):
        load()
    assert _rss_mb(worker) - before < 8
