"""Where a request's time goes: the server's own share vs the app's.

Serves a WSGI app in this process (appserver.serve in a thread), drives it
with an http.client loop in another process at ONE connection (no queueing, no GIL
contention), then reads appserver.stats(): handle_ns (from the head being
in to the response written, GIL taken, environ built, socket written) and
app_ns (inside the app callable). The difference is the server's share.

    .venv/bin/python bench/server/profile_share.py --app hello:app
    .venv/bin/python bench/server/profile_share.py --working-dir examples/django \\
        --app demo_project.wsgi:application --path /api/products/
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def pinned() -> None:
    """Runs this process (the server) on core 0 and the client on core 1, as the
    other benchmarks do. Unpinned, the loopback write(2) of a response wakes
    the client on the server's own core, it preempts the server inside the write,
    and the server's "write" time becomes the client's time slice (measured with wrk:
    500-900 µs per response, most of the server's share)."""
    if os.environ.get("PROFILE_SHARE_PINNED") or len(os.sched_getaffinity(0)) < 2 or not shutil.which("taskset"):
        return
    os.environ["PROFILE_SHARE_PINNED"] = "1"
    os.execvp("taskset", ["taskset", "-c", "0", sys.executable] + sys.argv)


# A client that stops only between requests: every request it sends is
# answered before the counters are read. (wrk stops mid-request, and that
# request's app time then lands in one snapshot and not the other: with
# ~10 ms Django requests the skew was larger than the server's share.)
CLIENT = """
import http.client, sys, time
port, path, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
c = http.client.HTTPConnection("127.0.0.1", port)
n, t0 = 0, time.monotonic()
while time.monotonic() - t0 < seconds:
    c.request("GET", path)
    c.getresponse().read()
    n += 1
print("%d requests, %.0f req/s" % (n, n / (time.monotonic() - t0)))
"""


def client(port: int, path: str, seconds: float) -> str:
    pin = ["taskset", "-c", "1"] if os.environ.get("PROFILE_SHARE_PINNED") else []
    return subprocess.run(pin + [sys.executable, "-c", CLIENT, str(port), path, str(seconds)],
                          capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    pinned()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default="hello:app")
    ap.add_argument("--working-dir", default=None)
    ap.add_argument("--path", default="/")
    ap.add_argument("--duration", type=int, default=5)
    a = ap.parse_args()
    import appserver
    from appserver._load import load_app
    app = load_app(a.app, working_dir=os.path.abspath(a.working_dir) if a.working_dir else
                   os.path.dirname(os.path.abspath(__file__)))
    sock = appserver.bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    t = threading.Thread(target=appserver.serve, args=(app,), kwargs={"sock": sock, "threads": 1})
    t.start()
    try:
        client(port, a.path, 2)  # warm-up
        before = appserver.stats()
        out = client(port, a.path, a.duration)
        after = appserver.stats()
    finally:
        appserver.stop()
        t.join(30)
        sock.close()
    n = after["served"] - before["served"]
    if os.environ.get("PROFILE_SHARE_RAW"):
        print({k: after[k] - before[k] for k in after})
    handle = (after["handle_ns"] - before["handle_ns"]) / n / 1000
    app_us = (after["app_ns"] - before["app_ns"]) / n / 1000
    gil_us = (after["gil_wait_ns"] - before["gil_wait_ns"]) / n / 1000
    env_us = (after["environ_ns"] - before["environ_ns"]) / n / 1000
    resp_us = (after["respond_ns"] - before["respond_ns"]) / n / 1000
    run_us = (after["run_ns"] - before["run_ns"]) / n / 1000
    pre_us = (after["pre_ns"] - before["pre_ns"]) / n / 1000
    write_us = (after.get("write_ns", 0) - before.get("write_ns", 0)) / n / 1000
    print("%s%s, 1 connection, %d requests (client: %s)" % (a.app, a.path, n, out))
    print("| per request | µs |")
    print("|---|---|")
    print("| handled by appserver (head in → response written) | %.1f |" % handle)
    print("| in the app (the call, the result's close() and freeing it) | %.1f |" % app_us)
    print("| server: head in .. thread slot taken (parse, body, queue) | %.1f |" % pre_us)
    print("| server: thread slot released .. response written | %.1f |" % (handle - run_us - pre_us))
    print("| of which the write(2) of the response | %.1f |" % write_us)
    print("| server: waiting for the GIL at the start | %.1f |" % gil_us)
    print("| server: building the environ | %.1f |" % env_us)
    print("| server: collecting the body, building the response | %.1f |" % resp_us)
    print("| server's own share | %.1f (%.2f %%) |" % (handle - app_us, 100 * (handle - app_us) / handle))


if __name__ == "__main__":
    main()
