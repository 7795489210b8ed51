"""Where the cyclic garbage collector's time goes in the Django demo, with
and without gc.freeze() (docs/notes/appserver-p99.md). In-process (Django's
test client, no server), CPU time, best of 3 x 150 requests:

    cd examples/django && GOACCEL_DEMO_ACCESS_LOG=0 GOACCEL_DEMO_LOG_LEVEL=WARNING \\
        taskset -c 0 ../../.venv/bin/python ../../bench/server/gc_probe.py MODE

MODE: base (no freeze), coldfreeze (freeze right after import, what an
appserver worker does), freeze (after 20 warm-up requests); add "-thr" to
raise the generation-0 threshold to 7000.
"""
import gc
import os
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")
from demo_project.wsgi import application  # noqa: E402,F401
from django.test import Client  # noqa: E402

PATH = "/api/products/"


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "base"
    c = Client()
    if mode.startswith("coldfreeze"):
        gc.collect()
        gc.freeze()
    for _ in range(20):
        c.get(PATH)
    if mode.startswith("freeze"):
        gc.collect()
        gc.freeze()
    if "thr" in mode:
        gc.set_threshold(7000, 10, 10)
    st = {g: [0, 0.0] for g in range(3)}
    t = {}

    def cb(phase, info):
        if phase == "start":
            t["s"] = time.process_time()
        else:
            s = st[info["generation"]]
            s[0] += 1
            s[1] += time.process_time() - t["s"]

    gc.callbacks.append(cb)
    best = 1e9
    for _ in range(3):
        t0 = time.process_time()
        for _ in range(150):
            c.get(PATH)
        best = min(best, (time.process_time() - t0) / 150 * 1000)
    print(mode, "CPU ms/request (best of 3 x 150) %.2f" % best,
          "collections by generation (count, CPU ms):",
          {g: (v[0], round(v[1] * 1000, 1)) for g, v in st.items()})


if __name__ == "__main__":
    main()
