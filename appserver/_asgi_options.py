"""Command-line options of the ASGI interfaces (asgi, asginl)."""
from __future__ import annotations

import argparse

from . import DEFAULTS
from ._argtypes import non_negative


def add_asgi_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("ASGI (--interface asgi or asginl)")
    g.add_argument("--loop", choices=["auto", "asyncio", "uvloop"], default="auto",
                   help="event loop of each worker (default: auto = uvloop when installed)")
    g.add_argument("--cancel-on-disconnect", action=argparse.BooleanOptionalAction, default=True,
                   help="cancel a request's task when its client disconnects (default: on)")
    g.add_argument("--poll-wait", type=non_negative("--poll-wait"), default=DEFAULTS["poll_wait_us"], metavar="MICROSECONDS",
                   help="after a batch of requests, how long the loop may wait in Go for the next one "
                        "before it sleeps in its own selector: Go then runs the connections at once "
                        "(with one CPU it otherwise waits for its scheduler's 20-70 us retake); timers "
                        "and other sockets of the loop wait at most this long (0: never; default: %(default)s)")
