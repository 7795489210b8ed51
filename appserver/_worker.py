"""A worker process: a fresh interpreter started by the supervisor.

Protocol on the control socket (fd in APPSERVER_CONTROL_FD): the worker
imports the app and sends b"R" (ready) or b"E" (failed, traceback on
stderr); the supervisor answers with the listening socket (SCM_RIGHTS).
EOF on the control socket (the supervisor died) stops the worker.
"""
from __future__ import annotations

import gc
import json
import os
import signal
import socket
import sys
import threading
import traceback
from typing import List

from . import serve
from ._load import load_app
from ._ops_worker import configure as configure_ops


def _watch_supervisor(ctrl: socket.socket) -> None:
    try:
        while ctrl.recv(1):
            pass
    except OSError:
        pass
    os.kill(os.getpid(), signal.SIGTERM)


def _freeze() -> None:
    """Moves everything the import created (modules, classes, settings:
    alive for the life of the process) out of the garbage collector's
    reach. A full collection otherwise scans all of it again, every few
    dozen requests of a Django app: on the demo's /api/products/
    (examples/django, bench/server/gc_probe.py), 18 full collections per
    450 requests took 0.53-0.86 s of CPU without, 0.26-0.39 s with the
    freeze (docs/notes/appserver-p99.md). Garbage is collected first so
    that it is not frozen with the rest."""
    gc.collect()
    gc.freeze()


def _threshold(t: List[int]) -> None:
    """Sets the collector's thresholds (--gc-threshold). A request of the
    demo's /api/products/ allocates tens of thousands of container objects;
    with Python's generation-0 threshold of 700 a collection runs every
    700 net allocations: dozens per request, each scanning the young
    objects of every request in flight (4 threads) and promoting the ones
    still alive to the older generations, scanned again later. A worker
    profile under load (perf) had gc_collect_main at 12-15 % of its CPU
    even with the freeze. With 70000 most of a request's objects are freed
    by reference counting before a collection sees them; generations 1
    and 2 collect after 2 and 1 younger collections (instead of 10 and
    10), so cyclic garbage does not pile up in them (RSS per worker +6 MB
    under load, +20 MB with 70000,10,10). Measured (bench_p99.py
    --together, 2 workers x 4 threads): CPU per request 18.7 -> 17.2 ms,
    p99 -14 %, p99/p50 1.37 -> 1.27 (docs/notes/appserver-p99.md)."""
    t = list(t) + list(gc.get_threshold())[len(t):]
    gc.set_threshold(*t)


def main() -> int:
    opts = json.loads(os.environ.pop("APPSERVER_OPTIONS"))
    ctrl = socket.socket(fileno=int(os.environ.pop("APPSERVER_CONTROL_FD")))
    try:
        app = load_app(opts["target"], opts["factory"], opts["working_dir"])
    except BaseException:
        sys.stderr.write("appserver: cannot load the application %r:\n" % opts["target"])
        traceback.print_exc()
        sys.stderr.flush()
        ctrl.sendall(b"E")
        return 3
    if opts.get("gc_freeze", True):
        _freeze()
    if opts.get("gc_threshold"):
        _threshold(opts["gc_threshold"])
    if opts.get("interface", "wsgi") != "wsgi":
        from ._asgi import worker_main  # ASGI: lifespan, then the loop
        # worker_main calls configure_ops once it has the listening socket.
        return worker_main(opts, app, ctrl, _watch_supervisor)
    ctrl.sendall(b"R")
    # The listening socket, and with more than one worker the table of open
    # connections per worker (appserver/balance.go; Go maps and closes it).
    msg, fds, _, _ = socket.recv_fds(ctrl, 1, 2)
    if msg != b"S" or not fds:
        return 0  # the supervisor gave up before handing out the socket
    sock = socket.socket(fileno=fds[0])
    threading.Thread(target=_watch_supervisor, args=(ctrl,), daemon=True).start()
    # metrics, health, static, access log, balance (_ops_worker.py)
    configure_ops(ctrl, sock, balance_fd=fds[1] if len(fds) > 1 else None)
    serve(app, sock=sock, threads=opts["threads"], backpressure=opts["backpressure"],
          multiprocess=opts["workers"] > 1, script_name=opts["url_path_prefix"],
          max_header_size=opts["max_header_size"], max_body_size=opts["max_body_size"],
          header_timeout=opts["header_timeout"], keepalive_timeout=opts["keepalive_timeout"],
          grace_timeout=opts["grace_timeout"], queue_timeout=opts.get("queue_timeout", 0.0))
    return 0


if __name__ == "__main__":
    code = main()
    # Skip interpreter finalization: a request still stuck in the app after
    # the grace timeout runs on a Go thread that must not be torn down by
    # Py_Finalize.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
