"""WebSocket echo, many small messages: appserver --interface asgi vs
uvicorn (uvloop, websockets) and Granian --interface asgi.

The client (on core 1) keeps --connections sockets, each sending bursts of
--burst 32-byte text messages and reading the echoes: --client go (default)
is bench/server/wsload (raw frames, built on the fly), fast enough not to
be the bottleneck; --client python is the websockets library (asyncio),
which saturates its core before the servers do. Prints messages/s and the
server's CPU microseconds per echoed message (steadier than rates on a
shared machine), all from one run.

    .venv/bin/python bench/server/bench_asgi_ws.py [--duration 4] [--rounds 2] [--client go|python]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import cpu_seconds  # noqa: E402
from common import Server, free_port, pin, record, venv  # noqa: E402

APP = "asgi_apps:ws_echo"


def servers():
    def appserver(port):
        return Server("appserver", [venv("appserver"), "--interface", "asgi", "--loop", "uvloop",
                                    "--port", str(port), APP], port)

    def uvicorn(port):
        return Server("uvicorn", [venv("uvicorn"), "--loop", "uvloop", "--http", "httptools",
                                  "--ws", "websockets", "--port", str(port), "--no-access-log",
                                  "--log-level", "warning", APP], port)

    def granian(port):
        return Server("granian", [venv("granian"), "--interface", "asgi", "--port", str(port),
                                  "--http", "1", "--loop", "uvloop", APP], port)
    return [appserver, uvicorn, granian]


async def client(port: int, connections: int, burst: int, duration: float) -> int:
    from websockets.asyncio.client import connect
    msg = "x" * 32
    count = 0
    stop = time.monotonic() + duration

    async def one():
        nonlocal count
        async with connect("ws://127.0.0.1:%d/" % port, compression=None) as ws:
            while time.monotonic() < stop:
                for _ in range(burst):
                    await ws.send(msg)
                for _ in range(burst):
                    await ws.recv()
                count += burst
    await asyncio.gather(*[one() for _ in range(connections)])
    return count


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WSLOAD = os.path.join(ROOT, "build", "wsload")
CLIENT = {"kind": "go"}


def run_client(port: int, connections: int, burst: int, duration: float) -> int:
    """The client in its own process pinned to core 1 (the server is on core 0)."""
    if CLIENT["kind"] == "go":
        out = subprocess.run(pin(1) + [WSLOAD, "-addr", "127.0.0.1:%d" % port, "-c", str(connections),
                                       "-burst", str(burst), "-d", "%gs" % duration],
                             capture_output=True, text=True, timeout=duration + 60)
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-2000:])
        return int(out.stdout.strip())
    code = ("import asyncio, sys; sys.path.insert(0, %r); import bench_asgi_ws as b; "
            "print(asyncio.run(b.client(%d, %d, %d, %f)))"
            % (os.path.dirname(os.path.abspath(__file__)), port, connections, burst, duration))
    out = subprocess.run(pin(1) + [sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=duration + 60)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return int(out.stdout.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--burst", type=int, default=16)
    ap.add_argument("--duration", type=float, default=4)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--client", choices=["go", "python"], default="go")
    args = ap.parse_args()
    CLIENT["kind"] = args.client
    if args.client == "go":
        subprocess.run(["go", "build", "-o", WSLOAD, "./bench/server/wsload"], cwd=ROOT, check=True)
    best = {}
    for r in range(args.rounds):
        makers = servers()
        if r % 2:
            makers.reverse()
        for mk in makers:
            port = free_port()
            srv = mk(port)
            with srv:
                run_client(port, 2, args.burst, 0.5)  # warm-up
                cpu0 = cpu_seconds(srv)
                n = run_client(port, args.connections, args.burst, args.duration)
                cpu_us = (cpu_seconds(srv) - cpu0) / max(1, n) * 1e6
            rate = n / args.duration
            table = "WebSocket echo (%d connections, bursts of %d)" % (args.connections, args.burst)
            record(table, "messages/s", {srv.name: rate}, ours="appserver", unit="rps")
            record(table, "server CPU µs/message", {srv.name: cpu_us}, ours="appserver", unit="us")
            print("round %d %-10s %9.0f msg/s  %6.1f server CPU us/msg" % (r + 1, srv.name, rate, cpu_us),
                  flush=True)
            prev = best.get(srv.name)
            if prev is None or rate > prev[0]:
                best[srv.name] = (rate, cpu_us)
    base = best.get("appserver")
    print("\nWebSocket echo, %d connections, bursts of %d, best of %d rounds of %gs (%s client)"
          % (args.connections, args.burst, args.rounds, args.duration, args.client))
    print("| server | messages/s | server CPU us/msg | appserver msg/s ratio | CPU/msg ratio (peer/appserver) |")
    print("|---|---|---|---|---|")
    for name, (rate, cpu) in best.items():
        print("| %s | %.0f | %.1f | %.2fx | %.2fx |" % (name, rate, cpu, base[0] / rate, cpu / base[1]))


if __name__ == "__main__":
    main()
