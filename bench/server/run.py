"""Every server benchmark in one run, for `make bench` (scripts/bench).

Runs, one after the other, each script in this folder with durations
scaled by --quick, and prints their Markdown tables:

- bench_hello.py: hello-world WSGI vs Granian, uWSGI, gunicorn gthread;
- bench_compare.py on the Django demo's product list: appserver with
  goaccel's DRF renderers vs NGINX -> HAProxy -> uWSGI with DRF's stock
  renderers (the seed company's before/after), Granian, uWSGI, gunicorn;
- bench_asgi.py: hello-world ASGI vs uvicorn, Granian, hypercorn, daphne;
- bench_ops.py: static files vs NGINX, HTTP/2 vs HTTP/1.1, metrics scrapes.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(script: str, args: list) -> None:
    cmd = [sys.executable, os.path.join(HERE, script)] + [str(a) for a in args]
    print("running " + " ".join(cmd[1:]), file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, timeout=1800)
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        print(f"\n_{script} exited with status {proc.returncode}; its tables above are incomplete._\n")
    sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    opts = ap.parse_args()
    duration, rounds = (2, 1) if opts.quick else (5, 2)
    common = ["--duration", duration, "--rounds", rounds]
    print("## Servers\n")
    run("bench_hello.py", ["--threads", 4] + common)
    run("bench_compare.py", ["--app", "demo_project.wsgi:application",
                             "--working-dir", os.path.join(ROOT, "examples", "django"),
                             "--path", "/api/products/", "--workers", 2, "--threads", 4,
                             "--env", "GOACCEL_DEMO_ACCESS_LOG=0",
                             "--classic-env", "GOACCEL_DEMO_STACK=stock"] + common)
    run("bench_asgi.py", common)
    if not opts.quick:
        run("bench_ops.py", ["--duration", duration, "--rounds", rounds])


if __name__ == "__main__":
    main()
