"""The seed company's experiment, reproduced on the Django demo.

The seed replaced NGINX -> HAProxy -> uWSGI in front of its Django app by
Granian alone and published (a ramp of 0-200 concurrent users):

    +104% requests/s, -53% average, -50% p50, -40% p95, -43% p99 latency

This script runs the same shape of test on examples/django's product list:

- classic: NGINX (proxy_pass) -> HAProxy (maxconn = workers x threads) ->
  uWSGI, configs in bench/stacks/, DRF's stock renderers (the "before");
- Granian alone, DRF's stock renderers (the seed's "after");
- appserver alone, goaccel's renderers (what goaccel proposes).

Same workers x threads everywhere. bench/loadgen ramps closed-loop users
through --ramp (one stage per level, --stage seconds each) and reports every
request of the ramp in HDR histograms: throughput, average, p50, p95, p99 and
total requests are over the whole ramp, as in the published table.

    .venv/bin/python bench/server/bench_seed.py [--quick] [--rounds 1]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, Server, Stack, free_port, loadgen, record, venv  # noqa: E402

DEMO = os.path.join(ROOT, "examples", "django")
APP = "demo_project.wsgi:application"

# The published improvements of Granian over the classic stack.
PUBLISHED = {"throughput (req/s)": 104, "average (ms)": -53, "p50 (ms)": -50, "p95 (ms)": -40,
             "p99 (ms)": -43}
ROWS = [("throughput (req/s)", lambda t: t["rps"]), ("average (ms)", lambda t: t["served_ms"]["Mean"]),
        ("p50 (ms)", lambda t: t["served_ms"]["P50"]), ("p95 (ms)", lambda t: t["served_ms"]["P95"]),
        ("p99 (ms)", lambda t: t["served_ms"]["P99"]), ("total requests", lambda t: t["requests"]),
        ("errors and non-2xx", lambda t: t["requests"] - t["ok"])]
SERVERS = ["classic", "granian", "appserver"]
LABELS = {"classic": "NGINX → HAProxy → uWSGI (stock DRF)", "granian": "Granian (stock DRF)",
          "appserver": "appserver (goaccel)"}


def makers(a, db: str):
    w, t = str(a.workers), str(a.threads)
    env = {"PYTHONPATH": DEMO, "GOACCEL_DEMO_ACCESS_LOG": "0", "GOACCEL_DEMO_LOG_LEVEL": "WARNING",
           "GOACCEL_DEMO_DB": db}
    stock = dict(env, GOACCEL_DEMO_STACK="stock")
    goaccel = dict(env, GOACCEL_DEMO_STACK="goaccel")
    module, _, attr = APP.partition(":")
    uwsgi_args = ["--module", "%s:%s" % (module, attr), "--processes", w, "--threads", t,
                  "--disable-logging", "--master", "--die-on-term", "--listen", "1024"]
    return {
        "classic": lambda port: Stack(port, uwsgi_args, maxconn=a.workers * a.threads, cwd=DEMO, env=stock),
        "granian": lambda port: Server("granian", [venv("granian"), "--interface", "wsgi", "--port", str(port),
                                                   "--workers", w, "--blocking-threads", t, "--no-ws",
                                                   "--http", "1", "--log-level", "error", APP],
                                       port, cwd=DEMO, env=stock),
        "appserver": lambda port: Server("appserver", [venv("appserver"), "--port", str(port), "--workers", w,
                                                       "--threads", t, "--log-level", "error", APP],
                                         port, cwd=DEMO, env=goaccel),
    }


def pct(new: float, old: float) -> str:
    return "%+.0f%%" % ((new - old) / old * 100) if old else "—"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--path", default="/api/products/")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--ramp", default="", help="connection counts of the stages (default: 0-200 ramp)")
    ap.add_argument("--stage", type=float, default=0, help="seconds per stage")
    ap.add_argument("--rounds", type=int, default=0)
    a = ap.parse_args()
    ramp = a.ramp or ("25,75,125,200" if a.quick else "10,25,50,75,100,125,150,175,200")
    stage = a.stage or (1 if a.quick else 2.5)
    rounds = a.rounds or (1 if a.quick else 2)
    totals = {s: [] for s in SERVERS}
    with tempfile.TemporaryDirectory(prefix="goaccel-seed-") as tmp:
        db = os.path.join(tmp, "demo.sqlite3")
        mk = makers(a, db)
        for r in range(rounds):
            order = SERVERS if r % 2 == 0 else SERVERS[::-1]  # drift hits everyone alike
            for name in order:
                port = free_port()
                with mk[name](port):
                    loadgen(port, a.path, connections=8, duration=1)  # warm-up: imports, DB, caches
                    stages = loadgen(port, a.path, ramp=ramp, duration=stage)
                total = stages[-1] if stages[-1]["mode"] == "total" else stages[0]
                totals[name].append(total)
                record("seed ramp", "ramp", {name: total["rps"]}, ours="appserver", unit="rps",
                       extra={"server": name, "label": LABELS[name], "round": r + 1, "stages": stages[:-1],
                              "total": total})
                print("round %d %-10s %7.0f req/s  avg %7.1f ms  p50 %7.1f ms  p99 %7.1f ms  requests %d  "
                      "non-2xx/errors %d" % (r + 1, name, total["rps"], total["served_ms"]["Mean"],
                                             total["served_ms"]["P50"], total["served_ms"]["P99"],
                                             total["requests"], total["requests"] - total["ok"]),
                      flush=True)

    med = {s: {row: statistics.median(f(t) for t in totals[s]) for row, f in ROWS} for s in SERVERS}
    for row, _ in ROWS:
        record("seed table", row, {s: med[s][row] for s in SERVERS}, ours="appserver",
               unit="rps" if row.startswith("throughput") else "ms" if "(ms)" in row else "n")
    print("\n%s%s, %d workers x %d threads, closed-loop ramp %s users, %g s per stage, median of %d round(s)"
          % (APP, a.path, a.workers, a.threads, ramp, stage, rounds))
    print("\n| | classic | Granian | appserver | Granian vs classic | appserver vs classic | "
          "published (Granian vs classic) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row, _ in ROWS:
        c, g, s = (med[x][row] for x in SERVERS)
        fmt = "%.0f" if row.startswith(("throughput", "total", "errors")) else "%.1f"
        pub = "%+d%%" % PUBLISHED[row] if row in PUBLISHED else ""
        cmp = row in PUBLISHED
        print("| %s | %s | %s | %s | %s | %s | %s |" % (row, fmt % c, fmt % g, fmt % s,
                                                       pct(g, c) if cmp else "", pct(s, c) if cmp else "", pub))


if __name__ == "__main__":
    main()
