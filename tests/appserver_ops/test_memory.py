"""A long loop through every production feature does not grow the
worker's RSS (metrics, access log, static files and their cache, health,
proxy headers, HTTP/1.1 and HTTP/2)."""
from __future__ import annotations

import subprocess
import threading

import psutil

from httpc import Client


def test_rss_stays_flat_with_every_feature_on(start_server, tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    for i in range(20):
        (root / ("f%d.css" % i)).write_text("x" * (500 * (i + 1)))
    srv = start_server("--threads", "4", "--metrics", "--liveness-path", "/healthz", "--readiness-path", "/readyz",
                       "--static-path-route", "/static", "--static-path-mount", str(root),
                       "--access-log-file", str(tmp_path / "access.log"), "--access-log-fmt", "json",
                       "--forwarded-allow-ips", "127.0.0.1", "ops_apps:app")
    [worker] = psutil.Process(srv.proc.pid).children()

    def load(n):
        def client(k):
            c = Client(srv.port)
            for i in range(n):
                path = ("/static/f%d.css" % ((i + k) % 20), "/healthz", "/hello?x=%d" % i, "/readyz",
                        "/status?404")[i % 5]
                status, _, _ = c.request(path, headers={"X-Forwarded-For": "10.%d.0.1" % (i % 200),
                                                         "Accept-Encoding": "gzip"})
                assert status in (200, 404)
            c.close()
        ts = [threading.Thread(target=client, args=(k,)) for k in range(6)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(120)
        r = subprocess.run(["h2load", "-n", str(n), "-c", "2", "-m", "4", srv.url("/hello")],
                           capture_output=True, text=True, timeout=120)
        assert "0 failed" in r.stdout
        srv.metrics()

    load(500)  # warm up: caches, arenas, goroutine stacks
    base = worker.memory_info().rss
    load(2000)
    grown = worker.memory_info().rss - base
    assert grown < 8 * 1024 * 1024, "RSS grew by %d bytes" % grown
