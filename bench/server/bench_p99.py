"""p99 A/B on the Django demo (issue 7): appserver variants and Granian,
interleaved round by round, same app, 2 workers x 4 threads, bench/loadgen
closed loop, server on core 0 and the load generator on core 1.

    .venv/bin/python bench/server/bench_p99.py --rounds 4 --duration 8 \\
        --variant nofreeze:--no-gc-freeze

Wall-clock latency on a machine shared with other work swings from run to
run, so besides req/s, p50 and p99 each run also reports the server's CPU
time per request (process CPU of all its processes / requests answered:
steadier than req/s) and p99/p50 (the tail relative to the run's own
level). The summary is the median of each column over the rounds.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Server, Stack, cpu_seconds, free_port, loadgen, venv  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default="demo_project.wsgi:application")
    ap.add_argument("--working-dir", default=os.path.join(ROOT, "examples", "django"))
    ap.add_argument("--path", default="/api/products/")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--duration", type=float, default=8)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--variant", action="append", default=[],
                    help="NAME:ITEM[,ITEM]: an appserver variant; an ITEM is KEY=VALUE (environment) or --option")
    ap.add_argument("--no-granian", action="store_true")
    ap.add_argument("--classic", action="store_true",
                    help="also NGINX -> HAProxy -> uWSGI (maxconn workers x threads) with --classic-env")
    ap.add_argument("--classic-env", action="append", default=["GOACCEL_DEMO_STACK=stock"],
                    help="KEY=VALUE for the classic stack only (default: DRF's stock renderers, the seed's before)")
    ap.add_argument("--together", action="store_true",
                    help="run every server at the same time (each with its own load generator), so "
                         "they see the same outside load; each gets a share of core 0")
    a = ap.parse_args()
    cwd = os.path.abspath(a.working_dir)
    env = {"GOACCEL_DEMO_ACCESS_LOG": "0", "GOACCEL_DEMO_LOG_LEVEL": "WARNING", "PYTHONPATH": cwd}
    w, t = str(a.workers), str(a.threads)

    def appserver(name, extra, args=()):
        def mk(port):
            return Server(name, [venv("appserver"), "--port", str(port), "--workers", w, "--threads", t,
                                 "--log-level", "error"] + list(args) + [a.app], port, cwd=cwd,
                          env=dict(env, **extra))
        return mk

    def granian(port):
        return Server("granian", [venv("granian"), "--interface", "wsgi", "--port", str(port), "--workers", w,
                                  "--blocking-threads", t, "--no-ws", "--http", "1", "--log-level", "error",
                                  a.app], port, cwd=cwd, env=env)

    makers = [appserver("appserver", {})]
    for v in a.variant:
        name, _, kvs = v.partition(":")
        # Items split at a comma that starts a new --option or KEY=: an
        # option's value may hold commas (--gc-threshold=70000,5,2).
        items = [x for x in re.split(r",(?=-|[A-Za-z_][A-Za-z0-9_]*=)", kvs) if x]
        makers.append(appserver("appserver-" + name, dict(kv.split("=", 1) for kv in items if not kv.startswith("-")),
                                [x for x in items if x.startswith("-")]))
    if not a.no_granian:
        makers.append(granian)
    if a.classic:
        module, _, attr = a.app.partition(":")
        uwsgi_args = ["--module", "%s:%s" % (module, attr), "--processes", w, "--threads", t,
                      "--disable-logging", "--master", "--die-on-term", "--listen", "1024"]
        classic_env = dict(env, **dict(kv.split("=", 1) for kv in a.classic_env))
        makers.append(lambda port: Stack(port, uwsgi_args, maxconn=a.workers * a.threads, cwd=cwd, env=classic_env))
    rows = {}

    def cpu_of(srv):
        return sum(cpu_seconds(p) for p in srv.started) if isinstance(srv, Stack) else cpu_seconds(srv)

    def report(r, srv, st, cpu):
        ms = st["all_ms"]
        row = (st["rps"], ms["P50"], ms["P99"], ms["P99"] / ms["P50"] if ms["P50"] else 0,
               1000 * cpu / max(st["requests"], 1), st["requests"] - st["ok"])
        rows.setdefault(srv.name, []).append(row)
        print("round %d %-18s %5.0f req/s  p50 %7.1f ms  p99 %7.1f ms  p99/p50 %.2f  "
              "CPU %.1f ms/req  errors %d" % ((r + 1, srv.name) + row), flush=True)

    for r in range(a.rounds if a.together else 0):
        srvs = [mk(free_port()) for mk in makers]
        with contextlib.ExitStack() as stack:
            for srv in srvs:
                stack.enter_context(srv)
            for srv in srvs:
                loadgen(srv.port, a.path, connections=a.workers * a.threads, duration=1)
            time.sleep(1)
            cpu0 = [cpu_of(srv) for srv in srvs]
            with concurrent.futures.ThreadPoolExecutor(len(srvs)) as ex:
                futs = [ex.submit(loadgen, srv.port, a.path, connections=a.connections, duration=a.duration)
                        for srv in srvs]
                sts = [f.result()[0] for f in futs]
            for srv, st, c0 in zip(srvs, sts, cpu0):
                report(r, srv, st, cpu_of(srv) - c0)
    for r in range(0 if a.together else a.rounds):
        order = makers if r % 2 == 0 else makers[::-1]
        for mk in order:
            port = free_port()
            with mk(port) as srv:
                loadgen(port, a.path, connections=a.workers * a.threads, duration=1)
                time.sleep(1)
                cpu0 = cpu_of(srv)
                st = loadgen(port, a.path, connections=a.connections, duration=a.duration)[0]
                report(r, srv, st, cpu_of(srv) - cpu0)
    print("\n%s%s, %s workers x %s threads, %d connections, %d rounds x %gs, medians"
          % (a.app, a.path, w, t, a.connections, a.rounds, a.duration))
    print("| server | req/s | p50 ms | p99 ms | p99/p50 | CPU ms/req | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, rs in rows.items():
        med = [statistics.median(c) for c in zip(*rs)]
        print("| %s | %.0f | %.0f | %.0f | %.2f | %.1f | %d |" % ((name,) + tuple(med[:5]) + (sum(r[5] for r in rs),)))


if __name__ == "__main__":
    main()
