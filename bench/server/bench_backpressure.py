"""Load shedding: served latency under overload, with and without
--backpressure, against the classic stack's HAProxy queue.

Uses bench/loadgen (Go; built on the fly) which reports served (2xx)
and shed (503) latencies apart; a client waits --backoff after a 503.

    .venv/bin/python bench/server/bench_backpressure.py [--app cpu:app] [--connections 200]
        [--work-ms 5] [--rounds 3]

Each round runs every setup once, back to back (interleaved), then a summary
prints per round: unloaded p99, loaded served p99, their ratio and the shed
share, for appserver --backpressure and for HAProxy's maxconn queue.
"""
from __future__ import annotations

import argparse
import os
import re
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
    ap.add_argument("--work-ms", type=float, default=None, help="WORK_MS of the cpu app (its default: 1)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--cpu-rounds", type=int, default=None,
                    help="fixed work of the cpu app (CPU_ROUNDS) instead of calibrating --work-ms here")
    ap.add_argument("--queue-timeout", default=None, help="passed to appserver --queue-timeout in the --backpressure run")
    a = ap.parse_args()
    env = None
    if a.app == "cpu:app":
        # Calibrate once, here: every server then runs the same work.
        if a.work_ms:
            os.environ["WORK_MS"] = str(a.work_ms)
        if a.cpu_rounds:
            os.environ["CPU_ROUNDS"] = str(a.cpu_rounds)
        import cpu
        env = {"CPU_ROUNDS": str(cpu.ROUNDS)}
        print("cpu app: %d rounds of JSON work per request (WORK_MS=%s, CPU_ROUNDS=%s)"
              % (cpu.ROUNDS, os.environ.get("WORK_MS", "1"), os.environ.get("CPU_ROUNDS", "calibrated here")),
              flush=True)
    build_loadgen(LOADGEN)
    w, t = str(a.workers), str(a.threads)
    module, _, attr = a.app.partition(":")

    def appserver(port, bp=None, qt=None):
        cmd = [venv("appserver"), "--port", str(port), "--workers", w, "--threads", t, "--log-level", "error"]
        if bp:
            cmd += ["--backpressure", str(bp)]
            qt = qt or a.queue_timeout
            if qt:
                cmd += ["--queue-timeout", str(qt)]
        return Server("appserver", cmd + [a.app], port, cwd=HERE, env=env)

    def stack(port):
        return Stack(port, ["--module", "%s:%s" % (module, attr), "--processes", w, "--threads", t,
                            "--disable-logging", "--master", "--die-on-term", "--listen", "1024"],
                     maxconn=a.workers * a.threads, cwd=HERE, env=env)

    runs = [
        ("appserver, 1 connection (unloaded)", lambda p: appserver(p), 1),
        ("appserver, no limit (backpressure 512/worker)", lambda p: appserver(p), a.connections),
        ("appserver --backpressure %d" % a.backpressure, lambda p: appserver(p, a.backpressure), a.connections),
        ("nginx -> haproxy (maxconn %d) -> uwsgi, 1 connection" % (a.workers * a.threads), stack, 1),
        ("appserver --backpressure %d --queue-timeout auto" % a.backpressure,
         lambda p: appserver(p, a.backpressure, "auto"), a.connections),
        ("nginx -> haproxy (maxconn %d) -> uwsgi" % (a.workers * a.threads), stack, a.connections),
    ]
    results = []
    for rnd in range(a.rounds):
        res = {}
        for i, (name, mk, c) in enumerate(runs):
            port = free_port()
            with mk(port):
                load(port, a.path, min(c, 16), 1, a.backoff)  # warm-up
                out = load(port, a.path, c, a.duration, a.backoff)
            print("## %s, %d connections, %d s, backoff after 503: %s" % (name, c, a.duration, a.backoff))
            print(out, flush=True)
            res[i] = parse(out)
        results.append(res)
    print("\n## summary (served p99 under load / unloaded p99; shed = 503 share of answers)")
    print("| round | setup | unloaded p99 ms | loaded served p50 ms | loaded served p99 ms | ratio | served/s | shed % |")
    print("|---|---|---|---|---|---|---|---|")
    for rnd, res in enumerate(results, 1):
        for label, u, l in (("appserver --backpressure %d --queue-timeout auto" % a.backpressure, 0, 4),
                            ("appserver --backpressure %d" % a.backpressure, 0, 2),
                            ("appserver, no limit", 0, 1),
                            ("haproxy maxconn %d queue" % (a.workers * a.threads), 3, 5)):
            U, L = res[u], res[l]
            total = L["served"] + L["shed"]
            print("| %d | %s | %.2f | %.2f | %.2f | %.1fx | %.0f | %.0f %% |" % (
                rnd, label, U["p99"], L["p50"], L["p99"], L["p99"] / U["p99"] if U["p99"] else 0,
                L["rate"], 100.0 * L["shed"] / total if total else 0))


def parse(out):
    r = {"served": 0, "shed": 0, "p50": 0.0, "p99": 0.0, "rate": 0.0}
    m = re.search(r"served: (\d+) \((\d+)/s\) p50 ([\d.]+) ms p99 ([\d.]+) ms", out)
    if m:
        r.update(served=int(m.group(1)), rate=float(m.group(2)), p50=float(m.group(3)), p99=float(m.group(4)))
    m = re.search(r"shed: (\d+)", out)
    if m:
        r["shed"] = int(m.group(1))
    return r


if __name__ == "__main__":
    main()
