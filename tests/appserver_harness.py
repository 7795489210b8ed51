"""The one way the appserver test folders (tests/appserver, appserver_asgi,
appserver_ops) start the real `appserver` command line on 127.0.0.1 and make
sure nothing it started outlives the test: each run is its own session, and
stop() kills the whole process group whatever happened."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Callable, List, Optional, Sequence, Tuple

APPSERVER = [sys.executable, "-m", "appserver"]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Running:
    """One appserver process tree (supervisor + workers) started in `cwd`."""

    def __init__(self, args: Sequence[str], port: int, cwd: str, env: Optional[dict] = None):
        self.port = port
        # A named file: tests may read the log while the server still runs.
        self.stderr = tempfile.NamedTemporaryFile(prefix="appserver-test-", suffix=".log")
        self.proc = subprocess.Popen(APPSERVER + ["--port", str(port)] + list(args), cwd=cwd,
                                     stdout=subprocess.DEVNULL, stderr=self.stderr,
                                     env=dict(os.environ, **(env or {})),
                                     start_new_session=True)

    def ready_ports(self) -> List[int]:
        """Ports that accept connections once the server is ready."""
        return [self.port]

    def wait_ready(self, timeout: float = 30.0) -> "Running":
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("appserver exited %s:\n%s" % (self.proc.returncode, self.log()))
            try:
                for port in self.ready_ports():
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("appserver did not start:\n" + self.log())

    def log(self) -> str:
        with open(self.stderr.name, "rb") as f:
            return f.read().decode(errors="replace")

    def signal(self, sig: int) -> None:
        os.kill(self.proc.pid, sig)

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
        # Whatever happened, nothing the test started survives it.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        return self.proc.returncode


def starter(make: Callable[..., Running]) -> Tuple[Callable[..., Running], List[Running]]:
    """start(*args, ready=True, **kw) for a fixture, and the list to stop."""
    started: List[Running] = []

    def start(*args: str, ready: bool = True, **kw) -> Running:
        r = make(list(args), free_port(), **kw)
        started.append(r)
        return r.wait_ready() if ready else r

    return start, started
