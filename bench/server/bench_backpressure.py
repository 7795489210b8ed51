"""Load shedding: served latency under overload, with and without
--backpressure, against the classic stack's HAProxy queue.

Uses bench/loadgen (Go; built on the fly) which reports served (2xx)
and shed (503) latencies apart; a client waits --backoff after a 503.

    .venv/bin/python bench/server/bench_backpressure.py [--app cpu:app] [--connections 200]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, ROOT, Server, Stack, build_loadgen, free_port, pin, venv  # noqa: E402

LOADGEN = os.path.join(ROOT, "build", "loadgen")


def load(port, path, c, d, backoff):
    cmd = pin(1) + [LOADGEN, "-url", "http://127.0.0.1:%d%s" % (port, path), "-c", str(c),
                    "-d", "%ds" % d, "-backoff", backoff, "-text"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=d + 60).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default="cpu:app")
    ap.add_argument("--path", default="/")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--backpressure", type=int, default=8)
    ap.add_argument("--duration", type=int, default=6)
    ap.add_argument("--backoff", default="100ms")
    a = ap.parse_args()
    build_loadgen(LOADGEN)
    w, t = str(a.workers), str(a.threads)
    module, _, attr = a.app.partition(":")

    def appserver(port, bp=None):
        cmd = [venv("appserver"), "--port", str(port), "--workers", w, "--threads", t, "--log-level", "error"]
        if bp:
            cmd += ["--backpressure", str(bp)]
        return Server("appserver", cmd + [a.app], port, cwd=HERE)

    def stack(port):
        return Stack(port, ["--module", "%s:%s" % (module, attr), "--processes", w, "--threads", t,
                            "--disable-logging", "--master", "--die-on-term", "--listen", "1024"],
                     maxconn=a.workers * a.threads, cwd=HERE)

    runs = [
        ("appserver, 1 connection (unloaded)", lambda p: appserver(p), 1),
        ("appserver, no limit (backpressure 512/worker)", lambda p: appserver(p), a.connections),
        ("appserver --backpressure %d" % a.backpressure, lambda p: appserver(p, a.backpressure), a.connections),
        ("nginx -> haproxy (maxconn %d) -> uwsgi, 1 connection" % (a.workers * a.threads), stack, 1),
        ("nginx -> haproxy (maxconn %d) -> uwsgi" % (a.workers * a.threads), stack, a.connections),
    ]
    for name, mk, c in runs:
        port = free_port()
        with mk(port):
            load(port, a.path, min(c, 16), 1, a.backoff)  # warm-up
            out = load(port, a.path, c, a.duration, a.backoff)
        print("## %s, %d connections, %d s, backoff after 503: %s" % (name, c, a.duration, a.backoff))
        print(out, flush=True)


if __name__ == "__main__":
    main()
