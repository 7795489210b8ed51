"""Starts `appserver` (the real command line: supervisor + workers) on
127.0.0.1 for the production-feature tests, each with its metrics address,
and kills every process it started when a test ends
(tests/appserver_harness.py)."""
from __future__ import annotations

import os
import sys
import urllib.request

import pytest

import appserver_harness
from appserver_harness import free_port, starter

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.append(HERE)


class Running(appserver_harness.Running):
    def __init__(self, args, port: int):
        self.with_metrics = "--metrics" in args
        self.metrics_port = free_port()
        super().__init__(["--metrics-address", "127.0.0.1:%d" % self.metrics_port] + list(args),
                         port, cwd=HERE)

    def ready_ports(self):
        # The metrics socket starts just after the workers got theirs.
        return [self.port] + ([self.metrics_port] if self.with_metrics else [])

    def url(self, path: str) -> str:
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def metrics(self) -> str:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.metrics_port, timeout=10) as r:
            assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            return r.read().decode()


@pytest.fixture
def start_server():
    start, started = starter(Running)
    yield start
    for r in started:
        r.stop()


@pytest.fixture(scope="module")
def start_module_server():
    """The same, for a server shared by a module's tests."""
    start, started = starter(Running)
    yield start
    for r in started:
        r.stop()
