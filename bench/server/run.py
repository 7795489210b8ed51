"""The server part of `make bench`: which scripts run, with which arguments.

scripts/bench (bench/lib/make_bench.py) runs these jobs one by one, each in
its own process group, and builds docs/benchmarks.md from their raw numbers.
Run alone, this file runs them in turn and prints their tables:

    .venv/bin/python bench/server/run.py [--quick]

- bench_hello.py: hello-world WSGI vs Granian, uWSGI, gunicorn gthread;
- bench_compare.py on the Django demo's product list: appserver with
  goaccel's DRF renderers vs NGINX -> HAProxy -> uWSGI with DRF's stock
  renderers (the seed company's before/after), Granian, uWSGI, gunicorn;
- bench_seed.py: the seed's published experiment (a 0-200 user ramp: classic
  stack vs Granian vs appserver), side by side with its published table;
- bench_asgi.py: hello-world ASGI vs uvicorn, Granian, hypercorn, daphne;
  then a Starlette JSON endpoint and 10 ms of awaited I/O (512
  connections) vs uvicorn and Granian;
- bench_asgi_ws.py: WebSocket echo messages/s vs uvicorn and Granian;
- bench_ops.py: static files vs NGINX, HTTP/2 vs HTTP/1.1, metrics scrapes;
- bench_backpressure.py: served latency under overload (full run only);
- profile_share.py: the server's share of a DRF request (full run only).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from typing import Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEMO = os.path.join(ROOT, "examples", "django")


def server_jobs(quick: bool) -> List[Dict]:
    """Durations are trimmed so that `make bench QUICK=1` stays under 3
    minutes and the full run under 20 on 2 cores."""
    duration, rounds = ("1.5", "1") if quick else ("4", "2")
    common = ["--duration", duration, "--rounds", rounds]
    # The Django demo answers in milliseconds, not microseconds: a longer
    # window, or a loaded machine leaves too few completed requests. Its
    # latencies come from bench/loadgen, which waits for every request still
    # unanswered at the end: uWSGI serves the connections its threads hold
    # and leaves the others queued (measured: p50 0.15 s, p90 16 s, 16 time-
    # outs at 30 s out of 324 requests with 64 connections), and wrk, which
    # never counts those, printed a p99 of 0.43 s for it.
    # Three rounds in the full run: two were not enough to tell servers
    # within a few % of each other apart on this Django-bound endpoint.
    django = ["--duration", "4" if quick else "5", "--rounds", "1" if quick else "3", "--client", "loadgen"]
    s = "bench/server/"
    jobs = [
        {"name": "hello", "product": "appserver (WSGI)",
         "cmd": [s + "bench_hello.py", "--threads", "4"] + common},
        {"name": "compare", "product": "appserver (WSGI)",
         "cmd": [s + "bench_compare.py", "--app", "demo_project.wsgi:application", "--working-dir", DEMO,
                 "--path", "/api/products/", "--workers", "2", "--threads", "4",
                 "--env", "GOACCEL_DEMO_ACCESS_LOG=0", "--env", "GOACCEL_DEMO_LOG_LEVEL=WARNING",
                 "--classic-env", "GOACCEL_DEMO_STACK=stock"] + django},
        {"name": "seed", "product": "appserver (WSGI)",
         "cmd": [s + "bench_seed.py"] + (["--quick"] if quick else [])},
        {"name": "asgi", "product": "appserver (ASGI)", "cmd": [s + "bench_asgi.py"] + common},
        # Issue 9's other rows: a Starlette JSON endpoint, 10 ms of awaited
        # I/O per request at 512 connections, WebSocket echo; against the
        # peers its targets name.
        {"name": "asgi_starlette", "product": "appserver (ASGI)",
         "cmd": [s + "bench_asgi.py", "--app", "asgi_apps:starlette_json", "--only", "appserver,uvicorn,granian"]
         + common},
        {"name": "asgi_io", "product": "appserver (ASGI)",
         "cmd": [s + "bench_asgi.py", "--app", "asgi_apps:io_10ms", "--connections", "512",
                 "--only", "appserver,uvicorn,granian"] + common},
        {"name": "asgi_ws", "product": "appserver (ASGI)", "cmd": [s + "bench_asgi_ws.py"] + common},
        {"name": "ops", "product": "appserver production",
         "cmd": [s + "bench_ops.py", "--duration", duration, "--rounds", rounds]},
    ]
    if not quick:
        jobs += [
            {"name": "backpressure", "product": "appserver (WSGI)",
             "cmd": [s + "bench_backpressure.py", "--duration", "5"]},
            {"name": "profile", "product": "appserver (WSGI)",
             "cmd": [s + "profile_share.py", "--working-dir", DEMO, "--app", "demo_project.wsgi:application",
                     "--path", "/api/products/", "--duration", "4"],
             # the app runs in the script's process: keep its JSON logs off the report
             "env": {"GOACCEL_DEMO_ACCESS_LOG": "0", "GOACCEL_DEMO_LOG_LEVEL": "WARNING"}},
        ]
    for j in jobs:
        j.setdefault("repeat", 1)
        j.setdefault("timeout", 900)
    return jobs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    opts = ap.parse_args()
    for job in server_jobs(opts.quick):
        cmd = [sys.executable] + job["cmd"]
        print("running " + " ".join(job["cmd"]), file=sys.stderr, flush=True)
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True,
                                env=dict(os.environ, **job.get("env", {})))
        out, _ = proc.communicate()  # Ctrl-C reaches the script too; it stops its servers
        sys.stdout.write(out)
        if proc.returncode != 0:
            print(f"\n_{job['name']} exited with status {proc.returncode}; its tables above are incomplete._\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
