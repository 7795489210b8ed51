"""Starts `appserver` (the real command line: supervisor + workers) on
127.0.0.1 for the production-feature tests and kills every process it
started (its whole session) when a test ends."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import List, Optional

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.append(HERE)  # appended: tests/appserver imports its own conftest by name
APPSERVER = [sys.executable, "-m", "appserver"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Running:
    def __init__(self, args: List[str], port: int):
        self.port = port
        self.with_metrics = "--metrics" in args
        self.metrics_port = free_port()
        self.stderr = tempfile.NamedTemporaryFile(prefix="appserver-ops-", suffix=".log")
        args = ["--port", str(port), "--metrics-address", "127.0.0.1:%d" % self.metrics_port] + args
        self.proc = subprocess.Popen(APPSERVER + args, cwd=HERE, stdout=subprocess.DEVNULL,
                                     stderr=self.stderr, start_new_session=True)

    def wait_ready(self, timeout: float = 30.0) -> "Running":
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("appserver exited %s:\n%s" % (self.proc.returncode, self.log()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                if self.with_metrics:  # started just after the workers got the socket
                    socket.create_connection(("127.0.0.1", self.metrics_port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("appserver did not start:\n" + self.log())

    def url(self, path: str) -> str:
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def metrics(self) -> str:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.metrics_port, timeout=10) as r:
            assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            return r.read().decode()

    def log(self) -> str:
        with open(self.stderr.name, "rb") as f:
            return f.read().decode(errors="replace")

    def signal(self, sig: int) -> None:
        os.kill(self.proc.pid, sig)

    def stop(self) -> Optional[int]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        return self.proc.returncode


def _starter():
    started: List[Running] = []

    def start(*args: str, ready: bool = True) -> Running:
        r = Running(list(args), free_port())
        started.append(r)
        return r.wait_ready() if ready else r

    return start, started


@pytest.fixture
def start_server():
    start, started = _starter()
    yield start
    for r in started:
        r.stop()


@pytest.fixture(scope="module")
def start_module_server():
    """The same, for a server shared by a module's tests."""
    start, started = _starter()
    yield start
    for r in started:
        r.stop()
