"""One WSGI app behind every server, same workers x threads, wrk (or
bench/loadgen with --client loadgen) on loopback.

    .venv/bin/python bench/server/bench_compare.py --app hello:app --workers 2 --threads 4
    .venv/bin/python bench/server/bench_compare.py --app mysite.wsgi:application \\
        --working-dir examples/django --path /api/items/ --workers 2 --threads 4
    .venv/bin/python bench/server/bench_compare.py --ramp 1,16,64,200 [--backpressure 32]
    # the seed's before/after on the Django demo: goaccel renderers on appserver
    # vs stock DRF renderers behind NGINX -> HAProxy -> uWSGI
    .venv/bin/python bench/server/bench_compare.py --working-dir examples/django \
        --app demo_project.wsgi:application --path /api/products/ \
        --env GOACCEL_DEMO_LOG_LEVEL=WARNING --classic-env GOACCEL_DEMO_STACK=stock --client loadgen

Servers: appserver, granian (--blocking-threads), uWSGI (--http11-socket),
gunicorn gthread and the classic NGINX -> HAProxy -> uWSGI stack. Prints
req/s, p50, p99, RSS and appserver's ratio to each (higher req/s ratio and
lower latency ratio favour appserver). The server side is pinned to core 0
and the load generator to core 1 when there are two cores.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, Server, Stack, free_port, loadgen_closed, record_server, venv, wrk  # noqa: E402


def makers(a):
    module, _, attr = a.app.partition(":")
    cwd = os.path.abspath(a.working_dir) if a.working_dir else HERE
    w, t = str(a.workers), str(a.threads)
    env = dict(kv.split("=", 1) for kv in a.env)
    env["PYTHONPATH"] = cwd
    classic_env = dict(env, **dict(kv.split("=", 1) for kv in a.classic_env))

    def appserver(port):
        cmd = [venv("appserver"), "--port", str(port), "--workers", w, "--threads", t,
               "--log-level", "error", a.app]
        if a.backpressure:
            cmd[1:1] = ["--backpressure", str(a.backpressure)]
        return Server("appserver", cmd, port, cwd=cwd, env=env)

    def granian(port):
        return Server("granian", [venv("granian"), "--interface", "wsgi", "--port", str(port),
                                  "--workers", w, "--blocking-threads", t, "--no-ws",
                                  "--http", "1", "--log-level", "error", a.app], port, cwd=cwd, env=env)

    uwsgi_args = ["--module", "%s:%s" % (module, attr), "--processes", w, "--threads", t,
                  "--disable-logging", "--master", "--die-on-term", "--listen", "1024"]

    def uwsgi(port):
        # --lazy-apps: the app (and goaccel's Go runtime) loads in each worker,
        # after uWSGI's fork; goaccel refuses to run in a forked copy.
        return Server("uwsgi", [venv("uwsgi"), "--http11-socket", "127.0.0.1:%d" % port, "--lazy-apps"] + uwsgi_args,
                      port, cwd=cwd, env=env)

    def gunicorn(port):
        return Server("gunicorn-gthread", [venv("gunicorn"), "-k", "gthread", "-w", w, "--threads", t,
                                           "-b", "127.0.0.1:%d" % port, "--log-level", "error", a.app],
                      port, cwd=cwd, env=env)

    def stack(port):
        return Stack(port, uwsgi_args, maxconn=a.workers * a.threads, cwd=cwd, env=classic_env)

    allm = [appserver, granian, uwsgi, gunicorn, stack]
    names = ["appserver", "granian", "uwsgi", "gunicorn-gthread", "nginx-haproxy-uwsgi"]
    if a.ab_env or a.ab_arg:
        # A/B: the same appserver command with extra environment (e.g. an
        # experimental switch), measured in the same rounds as the rest.
        def appserver_b(port):
            srv = appserver(port)
            srv.name = "appserver-b"
            srv.env = dict(srv.env, **dict(kv.split("=", 1) for kv in a.ab_env))
            srv.cmd[1:1] = a.ab_arg
            return srv
        allm.insert(1, appserver_b)
        names.insert(1, "appserver-b")
    if a.only:
        keep = a.only.split(",")
        allm = [m for m, n in zip(allm, names) if n in keep or n.startswith("appserver")]
    return allm


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default="hello:app")
    ap.add_argument("--working-dir", default=None)
    ap.add_argument("--path", default="/")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--ramp", default="", help="comma-separated connection counts")
    ap.add_argument("--backpressure", type=int, default=0, help="appserver --backpressure")
    ap.add_argument("--duration", type=float, default=5)
    ap.add_argument("--client", choices=("wrk", "loadgen"), default="wrk",
                    help="load generator: wrk (peak throughput) or bench/loadgen, which also waits for the "
                         "requests still unanswered at the end (slow endpoints: a server that starves some "
                         "connections cannot hide them from p99)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", default="", help="peers to include (comma-separated)")
    ap.add_argument("--env", action="append", default=[], help="KEY=VALUE for every server")
    ap.add_argument("--classic-env", action="append", default=[],
                    help="KEY=VALUE for the NGINX -> HAProxy -> uWSGI stack only (e.g. the stock renderers)")
    ap.add_argument("--ab-env", action="append", default=[],
                    help="KEY=VALUE: also run appserver with this environment as 'appserver-b' (A/B)")
    ap.add_argument("--ab-arg", action="append", default=[],
                    help="an extra appserver option for 'appserver-b' (e.g. --ab-arg=--no-gc-freeze)")
    a = ap.parse_args()
    conns = [int(x) for x in a.ramp.split(",")] if a.ramp else [a.connections]
    best = {}
    for r in range(a.rounds):
        ms = makers(a)
        if r % 2:
            ms.reverse()
        for mk in ms:
            port = free_port()
            srv = mk(port)
            with srv:
                # Warm-up with as many connections as there are threads, then
                # a pause: a warm-up at 200 connections on a slow endpoint
                # leaves a backlog of abandoned requests that HAProxy (no
                # abortonclose) still sends to uWSGI (measured: 0 req/s for
                # the stack in the next 8 s on the DRF list), while appserver
                # drops them (request cancellation) -- not a fair start.
                measure = loadgen_closed if a.client == "loadgen" else wrk
                measure(port, a.path, connections=min(max(conns), a.workers * a.threads), duration=1)
                time.sleep(1)
                for c in conns:
                    res = measure(port, a.path, connections=c, duration=a.duration)
                    res.rss = srv.rss_mb()
                    record_server("%s%s c=%d" % (a.app, a.path, c), srv.name, res)
                    key = (srv.name, c)
                    if key not in best or res.rps > best[key].rps:
                        best[key] = res
                    print("round %d %-20s c=%-4d %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  non-2xx/errors %d"
                          % (r + 1, srv.name, c, res.rps, res.p50_ms, res.p99_ms, res.errors), flush=True)
    for c in conns:
        base = best[("appserver", c)]
        print("\n%s%s, %d worker(s) x %d threads, %d connections, best of %d x %gs, %s"
              % (a.app, a.path, a.workers, a.threads, c, a.rounds, a.duration, a.client))
        print("| server | req/s | p50 ms | p99 ms | RSS MB | errors | appserver req/s ratio | p50 ratio | p99 ratio |")
        print("|---|---|---|---|---|---|---|---|---|")
        for (name, cc), res in best.items():
            if cc != c:
                continue
            print("| %s | %.0f | %.2f | %.2f | %.0f | %d | %.2fx | %.2f | %.2f |" % (
                name, res.rps, res.p50_ms, res.p99_ms, res.rss, res.errors,
                base.rps / res.rps if res.rps else float("inf"),
                base.p50_ms / res.p50_ms if res.p50_ms else float("nan"),
                base.p99_ms / res.p99_ms if res.p99_ms else float("nan")))


if __name__ == "__main__":
    main()
