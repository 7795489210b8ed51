"""In-process look at --queue-timeout auto: appserver.serve() in this
process (pinned to core 0), bench/loadgen on core 1, then appserver.stats()
per served request: queue wait, slot time, CPU, run delay, and the limits.

    .venv/bin/python bench/server/probe_backpressure.py [demo|cpu] [auto|SECONDS] [CONNECTIONS] [THREADS]

Run it with another checkout's .venv/bin/python for a before/after (fields
that build does not have print as 0). One unloaded run (1 connection, 3 s),
then CONNECTIONS for 5 s with 100 ms back-off after a 503.
"""
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from common import build_loadgen  # noqa: E402

import appserver  # noqa: E402


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "demo"
    qt = sys.argv[2] if len(sys.argv) > 2 else "auto"
    conns = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    if hasattr(os, "sched_setaffinity") and os.cpu_count() and os.cpu_count() > 1:
        os.sched_setaffinity(0, {0})
    if which == "demo":
        demo = os.path.join(ROOT, "examples", "django")
        sys.path.insert(0, demo)
        os.environ.update(GOACCEL_DEMO_ACCESS_LOG="0", GOACCEL_DEMO_LOG_LEVEL="WARNING",
                          GOACCEL_DEMO_STACK="goaccel", DJANGO_SETTINGS_MODULE="demo_project.settings")
        os.environ.setdefault("GOACCEL_DEMO_DB", "/tmp/goaccel-probe-demo.sqlite3")
        from demo_project.wsgi import application as app
        path = "/api/products/"
    else:
        os.environ.setdefault("CPU_ROUNDS", "60")
        import cpu
        app, path = cpu.app, "/"
    lg_bin = build_loadgen()
    sock = appserver.bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    t = threading.Thread(target=appserver.serve, args=(app,), kwargs=dict(
        sock=sock, threads=threads, backpressure=8, queue_timeout=("auto" if qt == "auto" else float(qt))))
    t.start()
    time.sleep(0.5)

    def lg(c, d):
        return subprocess.run(["taskset", "-c", "1", lg_bin, "-url", "http://127.0.0.1:%d%s" % (port, path),
                               "-c", str(c), "-d", d, "-text", "-backoff", "100ms"],
                              capture_output=True, text=True).stdout.strip().replace("\n", " | ")
    try:
        lg(8, "1s")  # warm-up
        print("1 conn:", lg(1, "3s"))
        s0 = appserver.stats()
        print("%d conns:" % conns, lg(conns, "5s"))
        s1 = appserver.stats()
    finally:
        appserver.stop()
        t.join(10)
    d = {k: s1[k] - s0.get(k, 0) for k in s1 if isinstance(s1[k], int)}
    n = max(d["served"], 1)
    print("served %d shed %d (late %d) canceled %d; thread_limit %d inflight_limit %d" % (
        d["served"], d["shed"], d["shed_late"], d["canceled"], s1["thread_limit"], s1.get("inflight_limit", 0)))
    print("per served request ms: queue %.2f held %.2f gil %.2f run_delay %.2f cpu %.2f app %.2f" % (
        d["queue_wait_ns"] / n / 1e6, d["run_ns"] / n / 1e6, d["gil_wait_ns"] / n / 1e6,
        d.get("run_delay_ns", 0) / n / 1e6, d.get("run_cpu_ns", 0) / n / 1e6, d["app_ns"] / n / 1e6))


if __name__ == "__main__":
    main()
