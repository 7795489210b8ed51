"""Fixtures: the demo behind Django's test Client (in a child process), and the
demo served over real HTTP by scripts/run."""
from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_DIR = ROOT / "examples" / "django"


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    log_lines: list = field(default_factory=list)

    def json(self):
        return json.loads(self.body)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


class DemoClient:
    """Django's test Client on the demo, running in a child process."""

    def __init__(self, tmp: Path, stack: str):
        self.log_path = tmp / "demo-log.jsonl"
        env = dict(os.environ, GOACCEL_DEMO_DB=str(tmp / "demo.sqlite3"),
                   GOACCEL_DEMO_STACK=stack, DEMO_CLIENT_LOG=str(self.log_path))
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).parent / "_demo_client.py")],
            cwd=APP_DIR, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = self.proc.stdout.readline()
        if not ready:
            raise RuntimeError("the demo client process failed to start (see stderr)")

    def request(self, method: str, path: str, body: bytes | str | None = None,
                content_type: str | None = None, **headers: str) -> Response:
        req: dict = {"method": method, "path": path,
                     "headers": {k.replace("_", "-"): v for k, v in headers.items()}}
        if body is not None:
            if isinstance(body, str):
                body = body.encode()
            req["body"] = base64.b64encode(body).decode()
            req["content_type"] = content_type or "application/octet-stream"
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the demo client process died")
        out = json.loads(line)
        return Response(out["status"], out["headers"], base64.b64decode(out["body"]))

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, **headers)

    def post(self, path: str, body, content_type: str, **headers: str) -> Response:
        return self.request("POST", path, body, content_type, **headers)

    def logs(self) -> list[dict]:
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line]

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="session", params=["goaccel", "stock"])
def demo(request, tmp_path_factory) -> DemoClient:
    client = DemoClient(tmp_path_factory.mktemp("demo-" + request.param), request.param)
    yield client
    client.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    base: str
    proc: subprocess.Popen
    output: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Served:
    """scripts/run on a free loopback port, with its own database; stopped after."""
    tmp = tmp_path_factory.mktemp("served")
    port = free_port()
    out = tmp / "run.log"
    env = dict(os.environ, PORT=str(port), WORKERS="2", THREADS="2",
               GOACCEL_DEMO_DB=str(tmp / "served.sqlite3"))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with open(out, "wb") as sink:
        proc = subprocess.Popen([str(ROOT / "scripts" / "run")], cwd=ROOT, env=env,
                                stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    base = "http://127.0.0.1:%d" % port
    deadline = time.monotonic() + 90
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError("scripts/run exited with %s:\n%s"
                                   % (proc.returncode, out.read_text()))
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("scripts/run did not serve in time:\n" + out.read_text())
            time.sleep(0.3)
        yield Served(base, proc, out)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
