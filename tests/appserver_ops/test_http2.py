"""HTTP/2: cleartext with prior knowledge and ALPN h2 over TLS, through the
same WSGI path (curl and h2load from the nghttp2-client package)."""
from __future__ import annotations

import re
import subprocess

from prometheus_client.parser import text_string_to_metric_families

from httpc import get
from test_tls import certs  # noqa: F401  (the certificate fixture)


def curl(*args):
    r = subprocess.run(["curl", "-s", "-S", "-i", "--max-time", "20", *args], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_h2c_prior_knowledge(start_server):
    srv = start_server("--workers", "2", "--threads", "2", "ops_apps:h2app")
    out = curl("--http2-prior-knowledge", "-H", "X-Test: hi", "-d", "abc", srv.url("/p?q=1"))
    assert out.startswith("HTTP/2 201")
    assert re.search(r"(?im)^x-reply: yes\r?$", out)
    assert not re.search(r"(?im)^connection:", out)  # not allowed in HTTP/2
    assert out.endswith("POST /p q=1 HTTP/2.0 http body=3:hi")
    out = curl("--http2-prior-knowledge", srv.url("/stream"))
    assert out.startswith("HTTP/2 200") and out.endswith("part0;part1;part2;")
    # HTTP/1.1 on the same port still works.
    assert get(srv.port, "/x")[0] == 201


def test_h2_over_tls_alpn(start_server, certs):  # noqa: F811
    srv = start_server("--ssl-certfile", str(certs / "server.pem"), "--ssl-keyfile", str(certs / "server.key"),
                       "ops_apps:h2app")
    url = "https://127.0.0.1:%d/tls" % srv.port
    out = curl("--http2", "--cacert", str(certs / "ca.pem"), url)
    assert out.startswith("HTTP/2 201") and out.endswith("GET /tls  HTTP/2.0 https body=0:-")
    out = curl("--http1.1", "--cacert", str(certs / "ca.pem"), url)
    assert out.startswith("HTTP/1.1 201") and out.endswith("GET /tls  HTTP/1.1 https body=0:-")


def test_http1_only(start_server):
    srv = start_server("--http", "1", "ops_apps:h2app")
    r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                        "--http2-prior-knowledge", srv.url("/")], capture_output=True, text=True, timeout=30)
    assert r.stdout != "201"


def test_h2load_counts_add_up(start_server):
    srv = start_server("--workers", "2", "--threads", "2", "--metrics", "--http2-max-concurrent-streams", "8",
                       "ops_apps:h2app")
    r = subprocess.run(["h2load", "-n", "600", "-c", "4", "-m", "8", srv.url("/h")],
                       capture_output=True, text=True, timeout=60)
    assert "600 succeeded, 0 failed, 0 errored" in r.stdout, r.stdout
    assert re.search(r"status codes: 0 2xx", r.stdout) is None
    total = 0
    for f in text_string_to_metric_families(srv.metrics()):
        for s in f.samples:
            if s.name == "appserver_requests_total":
                assert s.labels["status"] == "201"
                total += s.value
    assert total == 600


def curl_bytes(*args, timeout=30):
    r = subprocess.run(["curl", "-s", "-S", "--max-time", "20", "--http2-prior-knowledge", *args],
                       capture_output=True, timeout=timeout)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_h2_flow_control_large_bodies(start_server, tmp_path):
    """Responses and uploads far beyond the 64 KB initial windows: the
    writer waits for WINDOW_UPDATE, the reader gives the window back."""
    (tmp_path / "big.bin").write_bytes(bytes(range(256)) * 2000)  # 512 KB, sendfile path on HTTP/1.1
    srv = start_server("--threads", "2", "--static-path-route", "/static", "--static-path-mount", str(tmp_path),
                       "ops_apps:h2app")
    n = 1_000_000
    assert curl_bytes(srv.url("/big?%d" % n)) == bytes(i % 251 for i in range(n))
    assert curl_bytes(srv.url("/bigstream")) == b"".join(bytes([i]) * 100000 for i in range(7))
    assert curl_bytes(srv.url("/static/big.bin")) == bytes(range(256)) * 2000
    up = tmp_path / "up.bin"
    up.write_bytes(b"x" * 300_000)
    out = curl_bytes("--data-binary", "@%s" % up, "-H", "X-Test: up", srv.url("/echo")).decode()
    assert out == "POST /echo  HTTP/2.0 http body=300000:up"
    # Several large responses at once on one connection share the window.
    r = subprocess.run(["h2load", "-n", "24", "-c", "1", "-m", "8", srv.url("/big?200000")],
                       capture_output=True, text=True, timeout=60)
    assert "24 succeeded, 0 failed, 0 errored" in r.stdout, r.stdout


def test_h2_limits_and_errors(start_server):
    srv = start_server("--threads", "1", "--max-header-size", "8192", "--max-body-size", "1000",
                       "ops_apps:h2app")
    big = []
    for i in range(5):  # 15 KB of headers in all, each under the limit
        big += ["-H", "X-Big%d: %s" % (i, "a" * 3000)]
    code = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--http2-prior-knowledge",
                           *big, srv.url("/")], capture_output=True, text=True, timeout=30).stdout
    assert code == "431"
    code = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--http2-prior-knowledge",
                           "--data-binary", "y" * 5000, srv.url("/")], capture_output=True, text=True,
                          timeout=30).stdout
    assert code == "413"
    # HEAD: headers only, END_STREAM on them.
    out = curl("--http2-prior-knowledge", "-I", srv.url("/h"))
    assert out.startswith("HTTP/2 201") and re.search(r"(?im)^content-length: \d+\r?$", out)
    # Garbage after the preface: the connection ends, the server keeps serving.
    import socket
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as s:
        s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x04\x09\x00\x00\x00\x00\x00junk")
        s.settimeout(5)
        got = b""
        try:
            while True:
                b = s.recv(4096)
                if not b:
                    break
                got += b
        except OSError:
            pass
        assert b"\x07" in got[:200]  # a GOAWAY frame (type 7) before the close
    assert curl("--http2-prior-knowledge", srv.url("/h")).startswith("HTTP/2 201")


def test_h2_request_timeout_and_graceful_stop(start_server):
    srv = start_server("--workers", "1", "--threads", "2", "--request-timeout", "1", "--grace-timeout", "10",
                       "ops_apps:app")
    import time
    t0 = time.time()
    out = curl("--http2-prior-knowledge", srv.url("/hang"))
    assert out.startswith("HTTP/2 504") and out.endswith("request timeout\n")
    assert time.time() - t0 < 10  # the stream ended with the 504, not when the worker was killed
    # A stream in flight when SIGTERM comes is answered (GOAWAY, then drain).
    srv2 = start_server("--workers", "1", "--threads", "2", "--grace-timeout", "10", "ops_apps:app")
    import threading
    import signal
    res = []
    t = threading.Thread(target=lambda: res.append(curl("--http2-prior-knowledge", srv2.url("/sleep?1.5"))))
    t.start()
    time.sleep(0.7)
    srv2.signal(signal.SIGTERM)
    t.join(20)
    assert res and res[0].startswith("HTTP/2 200") and res[0].endswith("app:/sleep")
    assert srv2.proc.wait(20) == 0
