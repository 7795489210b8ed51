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
