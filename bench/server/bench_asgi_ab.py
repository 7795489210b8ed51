"""A/B of two appserver builds on one ASGI app: interleaved rounds in one
run, server CPU per request (steadier than req/s on a shared machine).

A variant is NAME:KEY=VALUE,... (environment for that server; the key ARGS
gives it command-line options, e.g. off:ARGS=--poll-wait 0). To compare
against an older build, install it into a directory and put it first on
PYTHONPATH, e.g. for the commit before a change:

    git worktree add /tmp/before <commit> && cd /tmp/before
    go build -buildmode=c-shared -trimpath -o /tmp/before-py/_goaccel.cpython-311-x86_64-linux-gnu.so ./native
    mkdir -p /tmp/before-py/appserver && cp appserver/*.py /tmp/before-py/appserver/
    (with CGO_ENABLED=1, CGO_CFLAGS="-I<python include> -O2" and
     CGO_LDFLAGS="-Wl,--unresolved-symbols=ignore-all", as setup.py sets them)

    .venv/bin/python bench/server/bench_asgi_ab.py --variant before:PYTHONPATH=/tmp/before-py \\
        --variant after: [--app asgi_apps:starlette_json] [--rounds 6] [--duration 3]

--peer uvicorn --peer granian (names from bench_asgi.py) adds those servers
to every round, so builds and peers are measured in the same run.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import cpu_seconds  # noqa: E402
from common import Server, free_port, venv, wrk  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", action="append", required=True, help="NAME:KEY=VALUE,...")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--duration", type=float, default=3)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--app", default="hello_asgi:app")
    ap.add_argument("--peer", action="append", default=[], help="uvicorn, granian, hypercorn, daphne")
    args = ap.parse_args()
    from bench_asgi import servers
    peers = {mk.__name__: mk for mk in servers(1, args.app, {})}
    results: dict = {}
    runs = args.variant + ["peer:" + p for p in args.peer]
    for r in range(args.rounds):
        variants = runs if r % 2 == 0 else list(reversed(runs))
        for v in variants:
            name, _, kv = v.partition(":")
            port = free_port()
            if name == "peer":
                name = kv
                srv = peers[kv](port)
            else:
                env = dict(x.split("=", 1) for x in kv.split(",") if x)
                extra = env.pop("ARGS", "").split()  # command-line options of this variant
                srv = Server(name, [venv("appserver"), "--interface", "asgi", "--loop", "uvloop",
                                    "--port", str(port), "--workers", "1"] + extra + [args.app], port, env=env)
            with srv:
                wrk(port, connections=args.connections, duration=1)  # warm-up
                cpu0 = cpu_seconds(srv)
                res = wrk(port, connections=args.connections, duration=args.duration)
                cpu = (cpu_seconds(srv) - cpu0) / max(1.0, res.rps * args.duration) * 1e6
            results.setdefault(name, []).append((res.rps, cpu))
            print("round %d %-10s %9.0f req/s %7.2f CPU us/req" % (r + 1, name, res.rps, cpu), flush=True)
    print("\n%s, %d connections, %d rounds of %gs" % (args.app, args.connections, args.rounds, args.duration))
    print("| build | best req/s | median CPU us/req | min CPU us/req |")
    print("|---|---|---|---|")
    for name, rs in results.items():
        cpus = sorted(c for _, c in rs)
        print("| %s | %.0f | %.2f | %.2f |" % (name, max(x for x, _ in rs), cpus[len(cpus) // 2], cpus[0]))


if __name__ == "__main__":
    main()
