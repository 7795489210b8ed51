"""Hello-world WSGI: appserver vs Granian, uWSGI and gunicorn (gthread).

Same app (bench/server/hello.py), one worker process each, the same number
of threads, wrk on loopback; server pinned to core 0 and wrk to core 1 when
there are two. Prints requests/s, p50, p99 and the ratio appserver/peer.

    .venv/bin/python bench/server/bench_hello.py [--threads 4] [--duration 5] [--rounds 2]
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import cpu_seconds  # noqa: E402
from common import Server, free_port, python, record_server, venv, wrk  # noqa: E402


def servers(threads: int, workers: int):
    def appserver(port):
        return Server("appserver", [venv("appserver"), "--interface", "wsgi", "--port", str(port),
                                    "--workers", str(workers), "--threads", str(threads),
                                    "hello:app"], port)

    def granian(port):
        return Server("granian", [venv("granian"), "--interface", "wsgi", "--port", str(port),
                                  "--workers", str(workers), "--blocking-threads", str(threads),
                                  "--no-ws", "--http", "1", "hello:app"], port)

    def uwsgi(port):
        return Server("uwsgi", [venv("uwsgi"), "--http11-socket", "127.0.0.1:%d" % port,
                                "--wsgi-file", "hello.py", "--callable", "app",
                                "--processes", str(workers), "--threads", str(threads),
                                "--disable-logging", "--master", "--die-on-term"], port)

    def gunicorn(port):
        return Server("gunicorn-gthread", [venv("gunicorn"), "-k", "gthread", "-w", str(workers),
                                           "--threads", str(threads), "-b", "127.0.0.1:%d" % port,
                                           "hello:app"], port)
    return [appserver, granian, uwsgi, gunicorn]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--duration", type=float, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated server names")
    args = ap.parse_args()
    best = {}
    for r in range(args.rounds):
        makers = servers(args.threads, args.workers)
        if r % 2:
            makers.reverse()  # alternate the order: drift hits everyone
        for mk in makers:
            port = free_port()
            srv = mk(port)
            if args.only and srv.name not in args.only.split(","):
                continue
            with srv:
                wrk(port, connections=args.connections, duration=1)  # warm-up
                cpu0 = cpu_seconds(srv)
                res = wrk(port, connections=args.connections, duration=args.duration)
                # Server CPU (all its processes) per request: steadier than
                # req/s when other work shares the core.
                res.cpu_us = (cpu_seconds(srv) - cpu0) / max(1.0, res.rps * args.duration) * 1e6
                res.rss = srv.rss_mb()
            record_server("hello-world WSGI", srv.name, res)
            prev = best.get(srv.name)
            if prev is None or res.rps > prev.rps:
                best[srv.name] = res
            print("round %d %-18s %9.0f req/s  %5.1f us CPU/req  p50 %6.2f ms  p99 %6.2f ms  errors %d" % (
                r + 1, srv.name, res.rps, res.cpu_us, res.p50_ms, res.p99_ms, res.errors), flush=True)
    base = best.get("appserver")
    print("\nhello-world WSGI, %d worker(s) x %d threads, %d connections, best of %d rounds of %gs"
          % (args.workers, args.threads, args.connections, args.rounds, args.duration))
    print("| server | req/s | CPU us/req | p50 ms | p99 ms | RSS MB | appserver req/s ratio |")
    print("|---|---|---|---|---|---|---|")
    for name, res in best.items():
        ratio = base.rps / res.rps if base else float("nan")
        print("| %s | %.0f | %.1f | %.2f | %.2f | %.0f | %.2fx |" % (
            name, res.rps, res.cpu_us, res.p50_ms, res.p99_ms, res.rss, ratio))


if __name__ == "__main__":
    main()
