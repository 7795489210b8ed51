"""Starts `appserver` (the real command line, with its supervisor and
worker processes) on 127.0.0.1 for the tests, and kills every process it
started when they end (tests/appserver_harness.py)."""
from __future__ import annotations

import os
import sys

import pytest

from appserver_harness import Running, free_port, starter

HERE = os.path.dirname(os.path.abspath(__file__))
# The tests import their raw HTTP client (rawhttp.py) from this folder.
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


@pytest.fixture(scope="module")
def server():
    """One shared server (2 threads) for the tests that do not restart it."""
    r = run_here(["--threads", "2", "--header-timeout", "1", "--keepalive-timeout", "2",
                  "--max-header-size", "4096", "--max-body-size", "100000", "apps:app"], free_port())
    try:
        yield r.wait_ready()
    finally:
        r.stop()
