"""Command-line options (named like Granian's where they overlap)."""
from __future__ import annotations

import argparse
from typing import List, Optional, Union

from . import DEFAULTS
from ._argtypes import positive, seconds
from ._ops_options import add_options, check_options
from ._asgi_options import add_asgi_options

# Measured on the Django demo, 2 workers x 4 threads (docs/notes/appserver-p99.md):
# CPU per request -8 %, p99 -14 % against Python's 700,10,10, for +6 MB RSS per
# worker (70000,10,10 saved ~2 % more CPU for +20 MB).
GC_THRESHOLD = "70000,2,1"


def port(v: str) -> int:
    try:
        n = int(v)
    except ValueError:
        raise argparse.ArgumentTypeError("port must be an integer, not %r" % v)
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError("port must be between 0 and 65535, not %d" % n)
    return n


def queue_timeout(v: str) -> Union[float, str]:
    if v == "auto":
        return v
    return seconds("--queue-timeout")(v)


def gc_threshold(v: str) -> Optional[List[int]]:
    """GEN0[,GEN1[,GEN2]] for gc.set_threshold(), or 'python': leave the
    interpreter's own (700,10,10)."""
    if v == "python":
        return None
    try:
        t = [int(x) for x in v.split(",")]
    except ValueError:
        t = []
    if not 1 <= len(t) <= 3 or any(x < 1 for x in t):
        raise argparse.ArgumentTypeError("--gc-threshold: GEN0[,GEN1[,GEN2]] (integers >= 1) or 'python', not %r" % v)
    return t


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="appserver",
        description="Serve a WSGI application with goaccel's Go HTTP server.",
        epilog="Example: appserver --interface wsgi --workers 8 --threads 4 --backlog 2048 mysite.wsgi:application",
    )
    p.add_argument("target", metavar="APP", help="the application, as module:attribute (attribute defaults to 'application')")
    p.add_argument("--interface", choices=["wsgi", "asgi", "asginl"], default="wsgi",
                   help="application interface: wsgi, asgi, or asginl (ASGI without lifespan) (default: wsgi)")
    p.add_argument("--host", default=DEFAULTS["host"], help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=port, default=DEFAULTS["port"], help="port to bind (default: 8000)")
    p.add_argument("--uds", default=None, help="bind a Unix domain socket at this path instead of host:port")
    p.add_argument("--workers", type=positive("--workers"), default=1, help="worker processes (default: 1)")
    p.add_argument("--threads", "--blocking-threads", dest="threads", type=positive("--threads"), default=1,
                   help="Python threads per worker running the app (default: 1)")
    p.add_argument("--backlog", type=positive("--backlog"), default=DEFAULTS["backlog"],
                   help="pending connections the kernel holds (default: 1024)")
    p.add_argument("--backpressure", type=positive("--backpressure"), default=None,
                   help="requests per worker that may wait for a thread; beyond it 503 with Retry-After "
                        "(default: backlog / workers)")
    p.add_argument("--queue-timeout", type=queue_timeout, default=DEFAULTS["queue_timeout"],
                   help="seconds a request may wait for a thread; beyond it 503 with Retry-After. "
                        "'auto': each worker admits as many requests as keep their latency within 2x "
                        "their unloaded time (GIL and CPU contention measured per request) and answers "
                        "the excess 503 at once; the threads running the app adapt to GIL contention "
                        "(default 0: no time limit, only --backpressure)")
    p.add_argument("--gc-freeze", action=argparse.BooleanOptionalAction, default=True,
                   help="after the app is imported, collect and freeze its objects (gc.freeze()) so "
                        "full garbage collections no longer scan them (default: on)")
    p.add_argument("--gc-threshold", type=gc_threshold, default=gc_threshold(GC_THRESHOLD),
                   help="the cyclic garbage collector's thresholds in each worker (gc.set_threshold), set "
                        "after the app is imported: GEN0[,GEN1[,GEN2]] (omitted ones keep Python's), or "
                        "'python' for the interpreter's 700,10,10. A web request allocates tens of "
                        "thousands of objects: at 700 the collector runs dozens of times per request and "
                        "promotes request objects to the older generations it then scans again. "
                        "With GEN0 over 20000, a WSGI worker whose threads queue for the GIL also "
                        "collects between requests, with none in flight (default: %s)" % GC_THRESHOLD)
    p.add_argument("--factory", action="store_true", help="APP is a factory: call it to get the application")
    p.add_argument("--working-dir", default=None, help="change to this directory (and import from it)")
    p.add_argument("--env-file", default=None, help="load KEY=VALUE lines into the environment")
    p.add_argument("--pid-file", default=None, help="write the supervisor's pid here")
    p.add_argument("--log-level", choices=["critical", "error", "warning", "warn", "info", "debug"],
                   default="info", help="verbosity of the server's own messages (default: info)")
    p.add_argument("--url-path-prefix", default="", help="SCRIPT_NAME: where the app is mounted")
    p.add_argument("--max-header-size", type=positive("--max-header-size"), default=DEFAULTS["max_header_size"],
                   help="request line + headers in bytes; beyond it 431 (default: 16384)")
    p.add_argument("--max-body-size", type=positive("--max-body-size"), default=DEFAULTS["max_body_size"],
                   help="request body in bytes; beyond it 413 (default: 16 MiB)")
    p.add_argument("--header-timeout", type=seconds("--header-timeout"), default=DEFAULTS["header_timeout"],
                   help="seconds a client has to send a request head (default: 10)")
    p.add_argument("--keepalive-timeout", type=seconds("--keepalive-timeout"), default=DEFAULTS["keepalive_timeout"],
                   help="seconds an idle keep-alive connection stays open (default: 30)")
    p.add_argument("--grace-timeout", type=seconds("--grace-timeout"), default=DEFAULTS["grace_timeout"],
                   help="seconds in-flight requests get to finish at shutdown (default: 30)")
    p.add_argument("--respawn-failure-limit", type=positive("--respawn-failure-limit"), default=5,
                   help="consecutive workers dying within 2 s of start before the supervisor gives up (default: 5)")
    add_options(p)  # production options (_ops_options.py)
    add_asgi_options(p)  # ASGI: _asgi_options.py
    return p


def parse(argv: Optional[List[str]]) -> argparse.Namespace:
    p = parser()
    ns = p.parse_args(argv)
    if ":" not in ns.target:
        ns.target += ":application"
    mod, _, attr = ns.target.partition(":")
    if not mod or not attr:
        p.error("APP must be module:attribute, not %r" % ns.target)
    if ns.backpressure is None:
        ns.backpressure = max(1, ns.backlog // ns.workers)
    check_options(p, ns)
    return ns
