"""Production-feature benchmarks (issue 8), every figure from the same run:
(3. hello-world over HTTP/2 with h2load vs HTTP/1.1 with wrk, same server,
 with the server's CPU time per request for each.)

1. a 10 KB static file: appserver (--static-path-route, Go) vs NGINX
   (one worker each, sendfile on, access logs off), wrk keep-alive;
2. a metrics scrape during peak load: hello-world req/s and server CPU time
   per request with metrics off, on, and on with a scraper fetching /metrics
   every --scrape-interval seconds (order rotated per round).

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
    with Server("appserver", cmd, port) as srv:
        c0 = server_cpu(srv)
        out["appserver"] = wrk(port, "/static/file10k.css", connections=a.connections, duration=a.duration)
        out["appserver_cpu_us"] = (server_cpu(srv) - c0) / max(1.0, out["appserver"].rps * a.duration) * 1e6
    prefix = tempfile.mkdtemp(prefix="goaccel-nginx-")
    try:
        port = free_port()
        with open(os.path.join(prefix, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(prefix=prefix, port=port, root=root))
        with Server("nginx", ["nginx", "-p", prefix, "-c", os.path.join(prefix, "nginx.conf")], port) as srv:
            c0 = server_cpu(srv)
            out["nginx"] = wrk(port, "/static/file10k.css", connections=a.connections, duration=a.duration)
            out["nginx_cpu_us"] = (server_cpu(srv) - c0) / max(1.0, out["nginx"].rps * a.duration) * 1e6
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
    return out


def scrape_round(a, rnd: int) -> dict:
    """hello-world under wrk on 2 workers x 2 threads, three ways: metrics
    off, metrics on and never scraped, metrics on and scraped every
    --scrape-interval s. For each: req/s and the server's CPU time per
    request (supervisor + workers; the scraper is the benchmark's own
    thread). The order rotates with the round, so drift in the machine's
    load does not favour one configuration."""
    out = {}
    modes = ["off", "plain", "scraped"]
    k = rnd % len(modes)
    for mode in modes[k:] + modes[:k]:
        port, mport = free_port(), free_port()
        cmd = [python(), "-m", "appserver", "--port", str(port), "--workers", "2", "--threads", "2"]
        if mode != "off":
            cmd += ["--metrics", "--metrics-address", "127.0.0.1:%d" % mport]
        with Server("appserver", cmd + ["hello:app"], port) as srv:
            stop = threading.Event()
            n = [0]

            def scraper():
                # On the server's core, not the load generator's: a scraper
                # competing with wrk lowered wrk's rate, not the server's.
                if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) >= 2:
                    os.sched_setaffinity(0, {0})
                while not stop.is_set():
                    try:
                        urllib.request.urlopen("http://127.0.0.1:%d/metrics" % mport, timeout=5).read()
                        n[0] += 1
                    except OSError:
                        pass
                    stop.wait(a.scrape_interval)

            t = threading.Thread(target=scraper)
            if mode == "scraped":
                time.sleep(1.0)  # the metrics thread is up
                t.start()
            c0 = server_cpu(srv)
            r = wrk(port, "/", connections=a.connections, duration=a.duration)
            c1 = server_cpu(srv)
            stop.set()
            if mode == "scraped":
                t.join()
                out["scrapes"] = n[0]
            out[mode] = r
            out[mode + "_cpu_us"] = (c1 - c0) / max(1.0, r.rps * a.duration) * 1e6
            out[mode + "_cpu_s"] = c1 - c0
    return out


def server_cpu(srv: Server) -> float:
    """CPU seconds (user + system) used so far by the server's processes."""
    import psutil
    total = 0.0
    root = psutil.Process(srv.proc.pid)
    for p in [root] + root.children(recursive=True):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def h2load(port: int, a, path: str = "/") -> tuple:
    """h2load, cleartext HTTP/2 with prior knowledge: (req/s, succeeded, failed)."""
    import re
    import subprocess
    from common import pin
    r = subprocess.run(pin(1) + ["h2load", "-t", "1", "-D", str(int(a.duration)), "-c", str(a.connections),
                                 "-m", str(a.streams), "http://127.0.0.1:%d%s" % (port, path)],
                       capture_output=True, text=True, timeout=a.duration + 60)
    m = re.search(r"finished in [\d.]+m?s, ([\d.]+) req/s", r.stdout)
    ok = re.search(r"(\d+) succeeded, (\d+) failed", r.stdout)
    return (float(m.group(1)) if m else 0.0, int(ok.group(1)) if ok else 0, int(ok.group(2)) if ok else -1)


def h2_round(a) -> dict:
    """hello-world over HTTP/2 (h2load, cleartext prior knowledge) and
    HTTP/1.1 (wrk) against the same server, same connection count; the
    server's CPU time per request for each (the machine is shared, so CPU
    time is the steadier figure)."""
    out = {}
    port = free_port()
    cmd = [python(), "-m", "appserver", "--port", str(port), "--workers", "1", "--threads", "2", "hello:app"]
    with Server("appserver", cmd, port) as srv:
        c0 = server_cpu(srv)
        out["http1"] = wrk(port, "/", connections=a.connections, duration=a.duration).rps
        c1 = server_cpu(srv)
        out["http2"], ok, failed = h2load(port, a)
        c2 = server_cpu(srv)
        out["h2_ok"] = (ok, failed)
        out["cpu1_us"] = (c1 - c0) / max(1.0, out["http1"] * a.duration) * 1e6
        out["cpu2_us"] = (c2 - c1) / max(1, ok) * 1e6
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--scrape-interval", type=float, default=0.1)
    ap.add_argument("--streams", type=int, default=1, help="h2load -m (concurrent streams per connection)")
    ap.add_argument("--skip", default="", help="static,scrape,h2")
    a = ap.parse_args()
    skip = set(a.skip.split(","))
    root = tempfile.mkdtemp(prefix="goaccel-static-")
    try:
        with open(os.path.join(root, "file10k.css"), "w") as f:
            f.write(("body { margin: 0 } /* padding */\n" * 400)[:10240])
        if "static" not in skip:
            ratios, cpu_ratios = [], []
            print("static 10 KB file, wrk -c%d, %ss x %d rounds" % (a.connections, a.duration, a.rounds))
            for i in range(a.rounds):
                r = static_round(root, a)
                ratio = r["appserver"].rps / r["nginx"].rps
                record("static 10 KB file", "req/s", {"appserver": r["appserver"].rps, "nginx": r["nginx"].rps},
                       ours="appserver", unit="rps")
                ratios.append(ratio)
                cpu_ratios.append(r["nginx_cpu_us"] / r["appserver_cpu_us"] if r["appserver_cpu_us"] else 0.0)
                print("  round %d: appserver %8.0f req/s (p99 %.2f ms, errors %d) | nginx %8.0f req/s "
                      "(p99 %.2f ms, errors %d) | ratio %.2fx"
                      % (i + 1, r["appserver"].rps, r["appserver"].p99_ms, r["appserver"].errors,
                         r["nginx"].rps, r["nginx"].p99_ms, r["nginx"].errors, ratio))
                print("           server CPU per request: appserver %.1f us | nginx %.1f us"
                      % (r["appserver_cpu_us"], r["nginx_cpu_us"]))
            print("  median ratio appserver/nginx: %.2fx" % statistics.median(ratios))
            print("  median CPU-per-request ratio nginx/appserver: %.2fx (above 1: appserver spends less)"
                  % statistics.median(cpu_ratios))
        if "scrape" not in skip:
            print("metrics scrape every %.2fs during hello-world load (2 workers x 2 threads)" % a.scrape_interval)
            ratios, cpu_on, cpu_scraped, extra_ms, per_scrape = [], [], [], [], []
            for i in range(a.rounds):
                r = scrape_round(a, i)
                ratio = r["scraped"].rps / r["plain"].rps
                record("metrics scrape during load", "req/s", {"scraped": r["scraped"].rps, "plain": r["plain"].rps},
                       ours="scraped", unit="rps")
                ratios.append(ratio)
                cpu_on.append(r["plain_cpu_us"] / r["off_cpu_us"])
                cpu_scraped.append(r["scraped_cpu_us"] / r["off_cpu_us"])
                # Extra server CPU while scraped, beyond the same requests unscraped.
                extra = r["scraped_cpu_s"] - r["plain_cpu_us"] * 1e-6 * r["scraped"].rps * a.duration
                extra_ms.append(extra / a.duration * 1e3)
                per_scrape.append(extra / max(1, r["scrapes"]) * 1e3)
                print("  round %d: no scrape %8.0f req/s | scraped %8.0f req/s (%d scrapes) | ratio %.3f"
                      % (i + 1, r["plain"].rps, r["scraped"].rps, r["scrapes"], ratio))
                print("           server CPU per request: metrics off %.2f us | on, not scraped %.2f us | "
                      "on, scraped %.2f us (metrics off: %8.0f req/s)"
                      % (r["off_cpu_us"], r["plain_cpu_us"], r["scraped_cpu_us"], r["off"].rps))
            print("  median ratio scraped/plain: %.3f" % statistics.median(ratios))
            print("  median CPU-per-request ratio vs metrics off: on %.3f, on+scraped %.3f (1.02 = 2%% more)"
                  % (statistics.median(cpu_on), statistics.median(cpu_scraped)))
            # The scrape is a fixed cost per second, not per request: at peak
            # load (every worker busy) it is spread over more requests.
            print("  scraping cost: %.2f ms of server CPU per second (%.2f ms per scrape), i.e. %.2f%% of "
                  "2 busy workers' CPU at peak" % (statistics.median(extra_ms), statistics.median(per_scrape),
                                                   statistics.median(extra_ms) / 2000 * 100))
        if "h2" not in skip:
            print("hello world, HTTP/2 (h2load -t1 -c%d -m%d) vs HTTP/1.1 (wrk -t1 -c%d), 1 worker x 2 threads"
                  % (a.connections, a.streams, a.connections))
            ratios, cpu_ratios = [], []
            for i in range(a.rounds):
                r = h2_round(a)
                ratio = r["http2"] / r["http1"] if r["http1"] else 0.0
                record("HTTP/2 vs HTTP/1.1", "req/s", {"HTTP/2": r["http2"], "HTTP/1.1": r["http1"]},
                       ours="HTTP/2", unit="rps")
                cpu_ratio = r["cpu1_us"] / r["cpu2_us"] if r["cpu2_us"] else 0.0
                ratios.append(ratio)
                cpu_ratios.append(cpu_ratio)
                print("  round %d: HTTP/1.1 %8.0f req/s | HTTP/2 %8.0f req/s (%s ok, %s failed) | ratio %.2f"
                      % (i + 1, r["http1"], r["http2"], r["h2_ok"][0], r["h2_ok"][1], ratio))
                print("           server CPU per request: HTTP/1.1 %.1f us | HTTP/2 %.1f us | h1/h2 %.2f"
                      % (r["cpu1_us"], r["cpu2_us"], cpu_ratio))
            print("  median ratio h2/h1: %.2f" % statistics.median(ratios))
            print("  median CPU-per-request ratio h1/h2: %.2f (1.0 = HTTP/2 costs the server the same)"
                  % statistics.median(cpu_ratios))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
