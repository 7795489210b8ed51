"""Starts `appserver --interface asgi` (the real command line) on 127.0.0.1
and kills every process it started when the test ends."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import List, Optional

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
APPSERVER = [sys.executable, "-m", "appserver"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Running:
    def __init__(self, args: List[str], port: int, env: Optional[dict] = None):
        self.port = port
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(APPSERVER + ["--port", str(port)] + args, cwd=HERE,
                                     stdout=subprocess.DEVNULL, stderr=self.stderr,
                                     env=dict(os.environ, **(env or {})),
                                     start_new_session=True)

    def wait_ready(self, timeout: float = 30.0) -> "Running":
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("appserver exited %s:\n%s" % (self.proc.returncode, self.log()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("appserver did not start:\n" + self.log())

    def log(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def worker_pids(self) -> List[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(x) for x in out.stdout.split()]

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


@pytest.fixture
def start_server():
    started: List[Running] = []

    def start(*args: str, ready: bool = True, env: Optional[dict] = None) -> Running:
        r = Running(list(args), free_port(), env)
        started.append(r)
        return r.wait_ready() if ready else r

    yield start
    for r in started:
        r.stop()


@pytest.fixture
def asgi_server(start_server):
    """The test app (apps_asgi:app), one worker, asyncio loop."""
    return start_server("--interface", "asgi", "--loop", "asyncio", "apps_asgi:app")
