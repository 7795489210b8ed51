"""Starts `appserver --interface asgi` (the real command line) on 127.0.0.1
and kills every process it started when the test ends
(tests/appserver_harness.py)."""
from __future__ import annotations

import os
import sys

import pytest

from appserver_harness import Running, free_port, starter  # noqa: F401 (free_port: test_ops_asgi)

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)


def run_here(args, port, **kw) -> Running:
    return Running(args, port, cwd=HERE, **kw)


@pytest.fixture
def start_server():
    start, started = starter(run_here)
    yield start
    for r in started:
        r.stop()


@pytest.fixture
def asgi_server(start_server):
    """The test app (apps_asgi:app), one worker, asyncio loop."""
    return start_server("--interface", "asgi", "--loop", "asyncio", "apps_asgi:app")
