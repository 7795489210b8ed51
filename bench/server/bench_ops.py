"""Production-feature benchmarks (issue 8), every figure from the same run:
(3. hello-world over HTTP/2 with h2load vs HTTP/1.1 with wrk, same server.)

1. a 10 KB static file: appserver (--static-path-route, Go) vs NGINX
   (one worker each, sendfile on, access logs off), wrk keep-alive;
2. a metrics scrape during peak load: hello-world req/s with and without a
   scraper fetching /metrics every --scrape-interval seconds.

    .venv/bin/python bench/server/bench_ops.py --duration 5 --rounds 3

Servers are pinned to core 0 and wrk to core 1 (when there are 2 cores);
the machine is shared, so only the ratios printed mean anything.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Server, free_port, python, record, wrk  # noqa: E402

NGINX_CONF = """
worker_processes 1;
daemon off;
master_process off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location /static/ {{ alias {root}/; expires 1d; etag on; }}
        location / {{ return 200 "ok"; }}
    }}
}}
"""


def static_round(root: str, a) -> dict:
    out = {}
    port = free_port()
    cmd = [python(), "-m", "appserver", "--port", str(port), "--workers", "1", "--threads", "1",
           "--static-path-route", "/static", "--static-path-mount", root, "hello:app"]
    with Server("appserver", cmd, port):
        out["appserver"] = wrk(port, "/static/file10k.css", connections=a.connections, duration=a.duration)
    prefix = tempfile.mkdtemp(prefix="goaccel-nginx-")
    try:
        port = free_port()
        with open(os.path.join(prefix, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(prefix=prefix, port=port, root=root))
        with Server("nginx", ["nginx", "-p", prefix, "-c", os.path.join(prefix, "nginx.conf")], port):
            out["nginx"] = wrk(port, "/static/file10k.css", connections=a.connections, duration=a.duration)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
    return out


def scrape_round(a) -> dict:
    out = {}
    for scrape in (False, True):
        port, mport = free_port(), free_port()
        cmd = [python(), "-m", "appserver", "--port", str(port), "--workers", "2", "--threads", "2",
               "--metrics", "--metrics-address", "127.0.0.1:%d" % mport, "hello:app"]
        with Server("appserver", cmd, port):
            stop = threading.Event()
            n = [0]

            def scraper():
                while not stop.is_set():
                    try:
                        urllib.request.urlopen("http://127.0.0.1:%d/metrics" % mport, timeout=5).read()
                        n[0] += 1
                    except OSError:
                        pass
                    stop.wait(a.scrape_interval)

            t = threading.Thread(target=scraper)
            if scrape:
                time.sleep(1.0)  # the metrics thread is up
                t.start()
            r = wrk(port, "/", connections=a.connections, duration=a.duration)
            stop.set()
            if scrape:
                t.join()
            out["scraped" if scrape else "plain"] = r
            if scrape:
                out["scrapes"] = n[0]
    return out


def h2_round(a) -> dict:
    """hello-world over HTTP/2 (h2load, cleartext prior knowledge) and
    HTTP/1.1 (wrk) against the same server, same connection count."""
    import re
    import subprocess
    from common import pin
    out = {}
    port = free_port()
    cmd = [python(), "-m", "appserver", "--port", str(port), "--workers", "1", "--threads", "2", "hello:app"]
    with Server("appserver", cmd, port):
        out["http1"] = wrk(port, "/", connections=a.connections, duration=a.duration).rps
        r = subprocess.run(pin(1) + ["h2load", "-D", str(int(a.duration)), "-c", str(a.connections), "-m", "1",
                                     "http://127.0.0.1:%d/" % port], capture_output=True, text=True,
                           timeout=a.duration + 60)
        m = re.search(r"finished in [\d.]+m?s, ([\d.]+) req/s", r.stdout)
        out["http2"] = float(m.group(1)) if m else 0.0
        out["h2_ok"] = re.search(r"(\d+) succeeded, (\d+) failed", r.stdout).groups() if m else ("?", "?")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--scrape-interval", type=float, default=0.1)
    ap.add_argument("--skip", default="", help="static,scrape,h2")
    a = ap.parse_args()
    skip = set(a.skip.split(","))
    root = tempfile.mkdtemp(prefix="goaccel-static-")
    try:
        with open(os.path.join(root, "file10k.css"), "w") as f:
            f.write(("body { margin: 0 } /* padding */\n" * 400)[:10240])
        if "static" not in skip:
            ratios = []
            print("static 10 KB file, wrk -c%d, %ss x %d rounds" % (a.connections, a.duration, a.rounds))
            for i in range(a.rounds):
                r = static_round(root, a)
                ratio = r["appserver"].rps / r["nginx"].rps
                record("static 10 KB file", "req/s", {"appserver": r["appserver"].rps, "nginx": r["nginx"].rps},
                       ours="appserver", unit="rps")
                ratios.append(ratio)
                print("  round %d: appserver %8.0f req/s (p99 %.2f ms, errors %d) | nginx %8.0f req/s "
                      "(p99 %.2f ms, errors %d) | ratio %.2fx"
                      % (i + 1, r["appserver"].rps, r["appserver"].p99_ms, r["appserver"].errors,
                         r["nginx"].rps, r["nginx"].p99_ms, r["nginx"].errors, ratio))
            print("  median ratio appserver/nginx: %.2fx" % statistics.median(ratios))
        if "scrape" not in skip:
            print("metrics scrape every %.2fs during hello-world load (2 workers x 2 threads)" % a.scrape_interval)
            ratios = []
            for i in range(a.rounds):
                r = scrape_round(a)
                ratio = r["scraped"].rps / r["plain"].rps
                record("metrics scrape during load", "req/s", {"scraped": r["scraped"].rps, "plain": r["plain"].rps},
                       ours="scraped", unit="rps")
                ratios.append(ratio)
                print("  round %d: no scrape %8.0f req/s | scraped %8.0f req/s (%d scrapes) | ratio %.3f"
                      % (i + 1, r["plain"].rps, r["scraped"].rps, r["scrapes"], ratio))
            print("  median ratio scraped/plain: %.3f" % statistics.median(ratios))
        if "h2" not in skip:
            print("hello world, HTTP/2 (h2load -c%d -m1) vs HTTP/1.1 (wrk -c%d), 1 worker x 2 threads"
                  % (a.connections, a.connections))
            ratios = []
            for i in range(a.rounds):
                r = h2_round(a)
                ratio = r["http2"] / r["http1"] if r["http1"] else 0.0
                record("HTTP/2 vs HTTP/1.1", "req/s", {"HTTP/2": r["http2"], "HTTP/1.1": r["http1"]},
                       ours="HTTP/2", unit="rps")
                ratios.append(ratio)
                print("  round %d: HTTP/1.1 %8.0f req/s | HTTP/2 %8.0f req/s (%s ok, %s failed) | ratio %.2f"
                      % (i + 1, r["http1"], r["http2"], r["h2_ok"][0], r["h2_ok"][1], ratio))
            print("  median ratio h2/h1: %.2f" % statistics.median(ratios))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
