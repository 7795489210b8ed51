"""Starting, measuring and stopping servers for the appserver benchmarks.

Every server runs on 127.0.0.1, is started and stopped by the script, and
is measured with wrk in the same run; only ratios between them mean
anything (the machine is shared).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
HERE = os.path.dirname(os.path.abspath(__file__))

sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
from benchresults import record  # noqa: E402


def _terminate(signum, frame):
    # SIGTERM/SIGHUP (scripts/bench stopping a script, a closed terminal):
    # unwind like Ctrl-C does, so every `with Server(...)` stops its process
    # group on the way out instead of leaving it behind.
    raise KeyboardInterrupt("signal %d" % signum)


for _sig in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, _terminate)


def venv(cmd: str) -> str:
    p = os.path.join(VENV_BIN, cmd)
    return p if os.path.exists(p) else (shutil.which(cmd) or cmd)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                # A first Django request takes seconds on a loaded machine:
                # wait for it rather than piling up retries. A 5xx (e.g. a
                # uWSGI worker whose app is still loading) is not "started".
                s.settimeout(max(1.0, min(15.0, deadline - time.time())))
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                head = s.recv(100)
                if head and not re.match(rb"HTTP/\d(\.\d)? 5", head):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start on port %d" % port)


def ncpu() -> int:
    return len(os.sched_getaffinity(0))


def pin(core: Optional[int]) -> List[str]:
    if core is None or ncpu() < 2 or not shutil.which("taskset"):
        return []
    return ["taskset", "-c", str(core)]


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(v: str, unit: str) -> float:
    f = float(v)
    return {"us": f / 1000, "ms": f, "s": f * 1000}[unit]


def wrk(port: int, path: str = "/", connections: int = 64, duration: float = 5,
        threads: int = 1, core: Optional[int] = 1) -> Result:
    cmd = pin(core) + ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % duration,
                       "--timeout", "30s", "--latency", "http://127.0.0.1:%d%s" % (port, path)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict((m.group(1), _ms(m.group(2), m.group(3)))
               for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M))
    errors = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errors += int(m.group(1))
    return Result(rps, lat.get("50", 0.0), lat.get("99", 0.0), errors)


class Server:
    """A server command line started in its own process group (so one killpg
    stops it with all its workers, and a Ctrl-C on the terminal reaches the
    bench script, which stops it, rather than the server directly)."""

    def __init__(self, name: str, cmd: List[str], port: int, cwd: str = HERE,
                 env: Optional[dict] = None, core: Optional[int] = 0):
        self.name, self.cmd, self.port, self.cwd = name, cmd, port, cwd
        self.env = dict(os.environ, **(env or {}))
        self.core = core
        self.proc: Optional[subprocess.Popen] = None

    def __enter__(self) -> "Server":
        _LIVE.append(self)
        self.proc = subprocess.Popen(pin(self.core) + self.cmd, cwd=self.cwd, env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        try:
            wait_port(self.port, self.proc)
        except Exception:
            err = self.stop()
            raise RuntimeError("%s did not start: %s" % (self.name, err[-2000:]))
        return self

    def stop(self) -> str:
        if self in _LIVE:
            _LIVE.remove(self)
        p = self.proc
        if p is None:
            return ""
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            _, err = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            _, err = p.communicate()
        self.proc = None
        return (err or b"").decode(errors="replace")

    def __exit__(self, *exc) -> None:
        self.stop()

    def rss_mb(self) -> float:
        """Total RSS of the server's process group (MB)."""
        import psutil
        total = 0
        root = psutil.Process(self.proc.pid)
        for p in [root] + root.children(recursive=True):
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total / 1e6


def python() -> str:
    return os.path.join(VENV_BIN, "python")


STACKS = os.path.join(os.path.dirname(HERE), "stacks")


class Stack:
    """NGINX (proxy_pass) -> HAProxy -> uWSGI, all on loopback: the classic
    production stack the appserver replaces."""

    name = "nginx-haproxy-uwsgi"

    def __init__(self, port: int, uwsgi_args: List[str], maxconn: int, cwd: str = HERE,
                 env: Optional[dict] = None, core: Optional[int] = 0):
        import tempfile
        self.port = port
        self.prefix = tempfile.mkdtemp(prefix="goaccel-stack-")
        hport, uport = free_port(), free_port()
        with open(os.path.join(STACKS, "nginx.conf")) as f:
            nginx = f.read().format(port=port, upstream_port=hport, prefix=self.prefix)
        with open(os.path.join(STACKS, "haproxy.cfg")) as f:
            haproxy = f.read().format(port=hport, upstream_port=uport, maxconn=maxconn)
        for name, text in (("nginx.conf", nginx), ("haproxy.cfg", haproxy)):
            with open(os.path.join(self.prefix, name), "w") as f:
                f.write(text)
        self.parts = [
            Server("uwsgi", [venv("uwsgi"), "--http-socket", "127.0.0.1:%d" % uport] + uwsgi_args,
                   uport, cwd=cwd, env=env, core=core),
            Server("haproxy", ["haproxy", "-db", "-f", os.path.join(self.prefix, "haproxy.cfg")],
                   hport, cwd=cwd, core=core),
            Server("nginx", ["nginx", "-p", self.prefix, "-c", os.path.join(self.prefix, "nginx.conf")],
                   port, cwd=cwd, core=core),
        ]
        self.started: List[Server] = []

    def __enter__(self) -> "Stack":
        try:
            for p in self.parts:
                p.__enter__()
                self.started.append(p)
        except Exception:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for p in reversed(self.started):
            p.stop()
        self.started = []
        shutil.rmtree(self.prefix, ignore_errors=True)

    def rss_mb(self) -> float:
        return sum(p.rss_mb() for p in self.started)


# Servers started and not yet stopped; stop_all() is the last resort (atexit).
_LIVE: List[Server] = []


def stop_all() -> None:
    for srv in list(_LIVE):
        srv.stop()


import atexit  # noqa: E402

atexit.register(stop_all)


def record_server(table: str, name: str, res: Result, ours: str = "appserver") -> None:
    """The raw numbers of one measured server (one round), for scripts/bench."""
    record(table, "req/s", {name: res.rps}, ours=ours, unit="rps")
    record(table, "p50 ms", {name: res.p50_ms}, ours=ours, unit="ms")
    record(table, "p99 ms", {name: res.p99_ms}, ours=ours, unit="ms")
    for attr, row, unit in (("rss", "RSS MB", "MB"), ("cpu_us", "CPU µs/request", "us")):
        if getattr(res, attr, None) is not None:
            record(table, row, {name: getattr(res, attr)}, ours=ours, unit=unit)


LOADGEN_SRC = os.path.join(os.path.dirname(HERE), "loadgen")


def build_loadgen(out: str = os.path.join(ROOT, "build", "loadgen")) -> str:
    """Builds bench/loadgen (its own Go module: vegeta + HDR histograms)
    unless the binary is newer than its sources; returns its path."""
    srcs = [os.path.join(LOADGEN_SRC, f) for f in ("main.go", "go.mod", "go.sum")]
    if not (os.path.exists(out) and os.path.getmtime(out) >= max(map(os.path.getmtime, srcs))):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        subprocess.run(["go", "build", "-o", out, "."], cwd=LOADGEN_SRC, check=True)
    return out


def loadgen(port: int, path: str = "/", *, connections: int = 0, ramp: str = "", rate: float = 0,
            duration: float = 5, core: Optional[int] = 1, extra: Optional[List[str]] = None) -> List[Dict]:
    """Runs bench/loadgen against 127.0.0.1:port and returns its JSON stages
    (a ramp ends with a "total" stage over all its requests)."""
    cmd = pin(core) + [build_loadgen(), "-url", "http://127.0.0.1:%d%s" % (port, path),
                       "-duration", "%gs" % duration] + (extra or [])
    if ramp:
        cmd += ["-ramp", ramp]
        stages = len(ramp.split(","))
    elif rate:
        cmd += ["-rate", "%g" % rate]
        stages = 1
    else:
        cmd += ["-connections", str(connections)]
        stages = 1
    out = subprocess.run(cmd, capture_output=True, text=True, check=True,
                         timeout=stages * (duration + 35) + 30).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def loadgen_closed(port: int, path: str = "/", connections: int = 64, duration: float = 5,
                   core: Optional[int] = 1) -> Result:
    """Closed-loop load like wrk's, measured by bench/loadgen: every request
    started in the window is waited for (up to its 30 s timeout), so a server
    that serves a few connections and leaves the others waiting shows that
    wait in p50/p99; wrk stops at its deadline and never counts the requests
    still unanswered, which flatters exactly such a server. Latencies are
    over every request (a timeout counts at 30 s); errors are the failed and
    non-2xx/3xx answers."""
    st = loadgen(port, path, connections=connections, duration=duration, core=core)[0]
    return Result(st["rps"], st["all_ms"]["P50"], st["all_ms"]["P99"], st["requests"] - st["ok"])


def cpu_of(procs) -> float:
    """CPU seconds (user + system) the given psutil processes used so far
    (processes that are gone count nothing)."""
    import psutil
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def cpu_seconds(srv: "Server") -> float:
    """User + system CPU of a server's processes (the root and all its
    children) so far: CPU per request is steadier than req/s on a shared
    machine."""
    import psutil
    root = psutil.Process(srv.proc.pid)
    return cpu_of([root] + root.children(recursive=True))

