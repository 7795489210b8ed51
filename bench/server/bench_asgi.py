"""Hello-world ASGI: appserver --interface asgi vs uvicorn (uvloop +
httptools), Granian --interface asgi, hypercorn (uvloop) and daphne.

Same app (bench/server/hello_asgi.py), one worker each, wrk on loopback;
server pinned to core 0 and wrk to core 1 when there are two. Prints
requests/s, p50, p99 and the ratio appserver/peer, all from one run.

    .venv/bin/python bench/server/bench_asgi.py [--duration 5] [--rounds 2] [--connections 64]
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Server, cpu_seconds, free_port, record_server, venv, wrk  # noqa: E402


def servers(workers: int, app: str, env: dict):
    def appserver(port):
        return Server("appserver", [venv("appserver"), "--interface", "asgi", "--loop", "uvloop",
                                    "--port", str(port), "--workers", str(workers), app], port,
                      env=env)

    def uvicorn(port):
        return Server("uvicorn", [venv("uvicorn"), "--loop", "uvloop", "--http", "httptools",
                                  "--port", str(port), "--workers", str(workers),
                                  "--no-access-log", "--log-level", "warning", app], port)

    def granian(port):
        return Server("granian", [venv("granian"), "--interface", "asgi", "--port", str(port),
                                  "--workers", str(workers), "--no-ws", "--http", "1",
                                  "--loop", "uvloop", app], port)
    def hypercorn(port):
        return Server("hypercorn", [venv("hypercorn"), "--worker-class", "uvloop", "--workers", str(workers),
                                    "-b", "127.0.0.1:%d" % port, "--log-level", "warning", app], port)

    def daphne(port):
        # daphne has no worker count: one process (compare with --workers 1).
        return Server("daphne", [venv("daphne"), "-b", "127.0.0.1", "-p", str(port), "-v", "0", app], port)
    makers = [appserver, uvicorn, granian, hypercorn]
    if workers == 1:
        makers.append(daphne)
    return makers


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--duration", type=float, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--app", default="hello_asgi:app")
    ap.add_argument("--path", default="/")
    ap.add_argument("--only", default="", help="comma-separated server names")
    ap.add_argument("--env", action="append", default=[], help="KEY=VALUE for appserver only (A/B tests)")
    args = ap.parse_args()
    best = {}
    for r in range(args.rounds):
        makers = servers(args.workers, args.app, dict(e.split("=", 1) for e in args.env))
        if r % 2:
            makers.reverse()  # alternate the order: drift hits everyone
        for mk in makers:
            port = free_port()
            srv = mk(port)
            if args.only and srv.name not in args.only.split(","):
                continue
            with srv:
                wrk(port, path=args.path, connections=args.connections, duration=1)  # warm-up
                cpu0 = cpu_seconds(srv)
                res = wrk(port, path=args.path, connections=args.connections, duration=args.duration)
                res.cpu_us = (cpu_seconds(srv) - cpu0) / max(1.0, res.rps * args.duration) * 1e6
                res.rss = srv.rss_mb()
            record_server("%s ASGI" % args.app, srv.name, res)
            prev = best.get(srv.name)
            if prev is None or res.rps > prev.rps:
                best[srv.name] = res
            print("round %d %-10s %9.0f req/s  %6.1f CPU us/req  p50 %6.2f ms  p99 %6.2f ms  errors %d" % (
                r + 1, srv.name, res.rps, res.cpu_us, res.p50_ms, res.p99_ms, res.errors), flush=True)
    base = best.get("appserver")
    print("\n%s ASGI, %d worker(s), %d connections, best of %d rounds of %gs"
          % (args.app, args.workers, args.connections, args.rounds, args.duration))
    print("| server | req/s | CPU us/req | p50 ms | p99 ms | RSS MB | appserver req/s ratio | CPU/req ratio (peer/appserver) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, res in best.items():
        ratio = base.rps / res.rps if base else float("nan")
        cratio = res.cpu_us / base.cpu_us if base else float("nan")
        print("| %s | %.0f | %.1f | %.2f | %.2f | %.0f | %.2fx | %.2fx |" % (
            name, res.rps, res.cpu_us, res.p50_ms, res.p99_ms, res.rss, ratio, cratio))


if __name__ == "__main__":
    main()
