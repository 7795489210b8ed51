"""Command-line options of the ASGI interfaces (asgi, asginl)."""
from __future__ import annotations

import argparse


def add_asgi_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("ASGI (--interface asgi or asginl)")
    g.add_argument("--loop", choices=["auto", "asyncio", "uvloop"], default="auto",
                   help="event loop of each worker (default: auto = uvloop when installed)")
    g.add_argument("--cancel-on-disconnect", action=argparse.BooleanOptionalAction, default=True,
                   help="cancel a request's task when its client disconnects (default: on)")
