"""--forwarded-allow-ips: forwarded client address, scheme and host reach
the environ only from trusted proxies."""
from __future__ import annotations

import subprocess
import sys

from httpc import get


def env(port, **headers):
    status, _, body = get(port, "/env", headers={k.replace("_", "-"): v for k, v in headers.items()})
    assert status == 200
    return dict(line.split("=", 1) for line in body.decode().splitlines())


def test_trusted_proxy_headers_reach_the_environ(start_server, tmp_path):
    log = tmp_path / "access.log"
    srv = start_server("--forwarded-allow-ips", "127.0.0.1", "--access-log-file", str(log),
                       "--access-log-fmt", "%(addr)s %(scheme)s", "ops_apps:app")
    e = env(srv.port, X_Forwarded_For="203.0.113.7", X_Forwarded_Proto="https", X_Forwarded_Host="shop.example")
    assert e["REMOTE_ADDR"] == "203.0.113.7"
    assert e["wsgi.url_scheme"] == "https"
    assert e["HTTP_HOST"] == "shop.example"
    e = env(srv.port, Forwarded='for="[2001:db8::5]:1234";proto=https;host=h.example')
    assert (e["REMOTE_ADDR"], e["wsgi.url_scheme"], e["HTTP_HOST"]) == ("2001:db8::5", "https", "h.example")
    # The next request on a connection does not inherit the previous one's.
    e = env(srv.port)
    assert (e["REMOTE_ADDR"], e["wsgi.url_scheme"], e["HTTP_HOST"]) == ("127.0.0.1", "http", "localhost")
    import time
    deadline = time.time() + 10
    while "203.0.113.7 https" not in (log.read_text() if log.exists() else ""):
        assert time.time() < deadline
        time.sleep(0.05)


def test_untrusted_peer_cannot_spoof(start_server):
    srv = start_server("--forwarded-allow-ips", "10.0.0.0/8", "ops_apps:app")
    e = env(srv.port, X_Forwarded_For="203.0.113.7", X_Forwarded_Proto="https", Forwarded="for=1.1.1.1")
    assert (e["REMOTE_ADDR"], e["wsgi.url_scheme"], e["HTTP_HOST"]) == ("127.0.0.1", "http", "localhost")


def test_off_by_default(start_server):
    srv = start_server("ops_apps:app")
    e = env(srv.port, X_Forwarded_For="203.0.113.7", X_Forwarded_Proto="https")
    assert (e["REMOTE_ADDR"], e["wsgi.url_scheme"]) == ("127.0.0.1", "http")


def test_bad_list_is_a_usage_error():
    r = subprocess.run([sys.executable, "-m", "appserver", "--forwarded-allow-ips", "10.0.0.0/99", "x:app"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "--forwarded-allow-ips" in r.stderr
