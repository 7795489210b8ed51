"""Load shedding (issue 7): the concurrency ramp 1 -> 200 connections on the
Django demo (DRF list endpoint, 2 workers x 4 threads), with and without
--backpressure, against the classic stack's HAProxy maxconn queue.

    .venv/bin/python bench/server/bench_backpressure.py [--rounds 2] [--stage 4]
        [--ramp 1,16,64,200] [--before /work/main/.venv/bin/appserver]
    .venv/bin/python bench/server/bench_backpressure.py --app cpu:app --cpu-rounds 330   # synthetic app

bench/loadgen (Go, built on the fly) runs the ramp as one closed loop whose
connections are added stage by stage, and reports served (2xx) and shed (503)
latencies apart; a client that gets a 503 waits --backoff before its next
request (a client retrying at once turns shedding into a flood). The server
side is pinned to core 0, the generator to core 1. Every server runs the same
app (the demo with goaccel's renderers), so the comparison is of queueing only.

For each setup and stage: served p50 and p99, ratio = served p99 / the same
setup's p99 at 1 connection (the issue's target: under 5x with
--backpressure), served/s (goodput), its ratio to "no limit" at the same stage,
and the shed share (503s among answers). --before runs a second appserver
binary (e.g. main's) in auto mode in the same round, for a before/after.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HERE, ROOT, Server, Stack, free_port, loadgen, venv  # noqa: E402

DEMO = os.path.join(ROOT, "examples", "django")
DEMO_APP = "demo_project.wsgi:application"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default=DEMO_APP, help="WSGI app (default: the Django demo); cpu:app is synthetic")
    ap.add_argument("--path", default=None, help="default: /api/products/ for the demo, / otherwise")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--ramp", default="1,16,64,200", help="connections of the ramp's stages")
    ap.add_argument("--stage", type=float, default=4, help="seconds per stage")
    ap.add_argument("--duration", type=float, default=None, help="alias of --stage (make bench passes it)")
    ap.add_argument("--backpressure", type=int, default=8)
    ap.add_argument("--backoff", default="100ms")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--before", default=None, help="another appserver executable, run in auto mode as 'before'")
    ap.add_argument("--work-ms", type=float, default=None, help="cpu:app: WORK_MS (its default: 1)")
    ap.add_argument("--cpu-rounds", type=int, default=None, help="cpu:app: fixed work (CPU_ROUNDS)")
    a = ap.parse_args()
    stage = a.duration or a.stage
    demo = a.app == DEMO_APP
    path = a.path or ("/api/products/" if demo else "/")
    with tempfile.TemporaryDirectory(prefix="goaccel-bp-") as tmp:
        if demo:
            cwd = DEMO
            env = {"PYTHONPATH": DEMO, "GOACCEL_DEMO_ACCESS_LOG": "0", "GOACCEL_DEMO_LOG_LEVEL": "WARNING",
                   "GOACCEL_DEMO_DB": os.path.join(tmp, "demo.sqlite3"), "GOACCEL_DEMO_STACK": "goaccel"}
        else:
            cwd, env = HERE, {}
            if a.app == "cpu:app":
                # Calibrate once, here: every server then runs the same work.
                if a.work_ms:
                    os.environ["WORK_MS"] = str(a.work_ms)
                if a.cpu_rounds:
                    os.environ["CPU_ROUNDS"] = str(a.cpu_rounds)
                import cpu
                env["CPU_ROUNDS"] = str(cpu.ROUNDS)
                print("cpu app: %d rounds of JSON work per request" % cpu.ROUNDS)
        run(a, stage, path, cwd, env)


def run(a, stage, path, cwd, env) -> None:
    w, t = str(a.workers), str(a.threads)
    module, _, attr = a.app.partition(":")
    bp = str(a.backpressure)

    def appserver(exe, *extra):
        return lambda port: Server("appserver", [exe, "--port", str(port), "--workers", w, "--threads", t,
                                                 "--log-level", "error"] + list(extra) + [a.app],
                                   port, cwd=cwd, env=env)

    def stack(port):
        # --lazy-apps: the app (and goaccel's Go runtime) loads in each
        # worker, after uWSGI's fork.
        return Stack(port, ["--module", "%s:%s" % (module, attr), "--processes", w, "--threads", t,
                            "--disable-logging", "--master", "--die-on-term", "--listen", "1024",
                            "--lazy-apps"],
                     maxconn=a.workers * a.threads, cwd=cwd, env=env)

    me = venv("appserver")
    setups = [
        ("appserver, no limit", appserver(me)),
        ("appserver --backpressure %s" % bp, appserver(me, "--backpressure", bp)),
        ("appserver --backpressure %s --queue-timeout auto" % bp,
         appserver(me, "--backpressure", bp, "--queue-timeout", "auto")),
        ("nginx -> haproxy (maxconn %d) -> uwsgi" % (a.workers * a.threads), stack),
    ]
    if a.before:
        setups.insert(3, ("before: appserver --backpressure %s --queue-timeout auto" % bp,
                          appserver(a.before, "--backpressure", bp, "--queue-timeout", "auto")))
    ramp = [int(c) for c in a.ramp.split(",")]
    print("%s %s, %s workers x %s threads, ramp %s connections, %g s per stage, %s back-off after a 503"
          % (a.app, path, w, t, a.ramp, stage, a.backoff), flush=True)
    print("| round | setup | connections | served p50 ms | served p99 ms | ratio to 1 conn | served/s "
          "| goodput vs no limit | shed % |")
    print("|---|---|---|---|---|---|---|---|---|", flush=True)
    for rnd in range(1, a.rounds + 1):
        order = setups if rnd % 2 else setups[::-1]  # drift hits everyone alike
        got = {}
        for name, mk in order:
            port = free_port()
            with mk(port):
                loadgen(port, path, connections=8, duration=1)  # warm-up: imports, DB, caches
                got[name] = loadgen(port, path, ramp=a.ramp, duration=stage,
                                    extra=["-backoff", a.backoff])[:len(ramp)]
        base = got[setups[0][0]]
        for name, _ in setups:
            stages = got[name]
            unloaded = stages[0]["served_ms"]["P99"]
            for i, st in enumerate(stages):
                answers = st["ok"] + st["shed"]
                p99 = st["served_ms"]["P99"]
                print("| %d | %s | %d | %.1f | %.1f | %.1fx | %.0f | %.2f | %.0f |" % (
                    rnd, name, ramp[i], st["served_ms"]["P50"], p99, p99 / unloaded if unloaded else 0,
                    st["ok"] / st["seconds"], st["ok"] / base[i]["ok"] if base[i]["ok"] else 0,
                    100.0 * st["shed"] / answers if answers else 0), flush=True)


if __name__ == "__main__":
    main()
