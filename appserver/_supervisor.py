"""The supervisor: starts workers as fresh interpreters, binds the socket
once every worker has loaded the app, hands it to them, replaces workers
that die and stops them gracefully on SIGTERM/SIGINT.

It never loads the Go runtime (workers are started with subprocess, i.e.
fork+exec of a new interpreter; nothing Go-related is forked).
"""
from __future__ import annotations

import json
import mmap
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from typing import Dict, List, Optional

from . import bind
from ._ops import Ops

LEVELS = {"critical": 50, "error": 40, "warning": 30, "warn": 30, "info": 20, "debug": 10}


class Worker:
    def __init__(self, proc: subprocess.Popen, ctrl: socket.socket):
        self.proc = proc
        self.ctrl = ctrl
        self.started = time.monotonic()


class Supervisor:
    def __init__(self, ns, env: Dict[str, str]):
        self.ns = ns
        self.env = env
        self.level = LEVELS[ns.log_level]
        self.stopping = False
        self.sock: Optional[socket.socket] = None
        self.workers: List[Worker] = []
        self.quick_deaths = 0
        self.ops = Ops(self)  # metrics, recycling, reload (_ops.py)
        self.balance = _balance_table(ns)  # open connections per worker (appserver/balance.go)

    def log(self, level: str, msg: str) -> None:
        if LEVELS[level] >= self.level:
            sys.stderr.write("appserver [%d]: %s\n" % (os.getpid(), msg))
            sys.stderr.flush()

    def spawn(self) -> Worker:
        parent, child = socket.socketpair()
        opts = {k: getattr(self.ns, k) for k in (
            "target", "factory", "working_dir", "threads", "backpressure", "workers",
            "url_path_prefix", "max_header_size", "max_body_size", "header_timeout",
            "keepalive_timeout", "grace_timeout", "interface", "loop", "cancel_on_disconnect", "poll_wait",
            "queue_timeout", "gc_freeze", "gc_threshold")}
        env = dict(self.env, APPSERVER_OPTIONS=json.dumps(opts),
                   APPSERVER_CONTROL_FD=str(child.fileno()), **self.ops.worker_env())
        proc = subprocess.Popen([sys.executable, "-m", "appserver._worker"], env=env,
                                pass_fds=[child.fileno()])
        child.close()
        w = Worker(proc, parent)
        self.ops.spawned(w)
        return w

    def wait_ready(self, w: Worker, timeout: float = 120.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r, _, _ = select.select([w.ctrl], [], [], 0.2)
            if r:
                try:
                    b = w.ctrl.recv(1)
                except OSError:
                    b = b""
                return b == b"R"
            if w.proc.poll() is not None or self.stopping:
                return False
        return False

    def handout(self, w: Worker) -> None:
        fds = [self.sock.fileno()]
        if self.balance is not None:
            fds.append(self.balance.fileno())
        socket.send_fds(w.ctrl, [b"S"], fds)

    def forget(self, w: Worker) -> None:
        """Marks a dead worker's counter in the balance table as gone, so
        the others stop leaving new connections to it."""
        if self.balance is not None:
            self.balance.gone(getattr(w, "ops_id", None))

    def kill_all(self, sig: int = signal.SIGTERM) -> None:
        for w in self.workers:
            if w.proc.poll() is None:
                try:
                    w.proc.send_signal(sig)
                except ProcessLookupError:
                    pass

    def reap(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for w in self.workers:
            left = max(0.0, deadline - time.monotonic())
            try:
                w.proc.wait(left)
            except subprocess.TimeoutExpired:
                self.log("warning", "worker %d did not stop in time; killing it" % w.proc.pid)
                w.proc.kill()
                w.proc.wait()
            w.ctrl.close()

    def on_signal(self, signum: int, frame) -> None:
        self.stopping = True

    def run(self) -> int:
        ns = self.ns
        signal.signal(signal.SIGTERM, self.on_signal)
        signal.signal(signal.SIGINT, self.on_signal)
        # Every worker loads the app before any port is bound: a broken app
        # or option gives an error and a non-zero exit with nothing bound.
        self.workers = [self.spawn() for _ in range(ns.workers)]
        for w in self.workers:
            if not self.wait_ready(w):
                if self.stopping:
                    self.kill_all()
                    self.reap(5)
                    return 0
                self.log("error", "the application failed to load in worker %d; exiting" % w.proc.pid)
                self.kill_all()
                self.reap(5)
                return 1
        try:
            self.sock = bind(ns.host, ns.port, ns.uds, ns.backlog)
        except OSError as e:
            where = ns.uds or "%s:%d" % (ns.host, ns.port)
            self.log("error", "cannot listen on %s: %s" % (where, e.strerror or e))
            self.kill_all()
            self.reap(5)
            return 1
        if ns.pid_file:
            with open(ns.pid_file, "w") as f:
                f.write("%d\n" % os.getpid())
        for w in self.workers:
            self.handout(w)
        self.ops.start()
        where = "unix:" + ns.uds if ns.uds else "http://%s:%d" % self.sock.getsockname()[:2]
        self.log("info", "serving %s on %s: %d worker(s) x %d thread(s), backpressure %d"
                 % (ns.target, where, ns.workers, ns.threads, ns.backpressure))
        code = self.monitor()
        self.kill_all(signal.SIGTERM)
        self.sock.close()  # with the workers' copies closed: new connections refused, not queued
        self.reap(ns.grace_timeout + 5)
        self.ops.stop()
        if ns.uds:
            try:
                os.unlink(ns.uds)
            except OSError:
                pass
        if ns.pid_file:
            try:
                os.unlink(ns.pid_file)
            except OSError:
                pass
        if self.balance is not None:
            self.balance.close()
        self.log("info", "stopped")
        return code

    def monitor(self) -> int:
        while not self.stopping:
            time.sleep(0.1)
            self.ops.tick()
            for i, w in enumerate(self.workers):
                if self.stopping or w.proc.poll() is None:
                    continue
                code = w.proc.returncode
                lived = time.monotonic() - w.started
                self.log("warning", "worker %d exited (%s) after %.1f s; starting a new one"
                         % (w.proc.pid, _describe(code), lived))
                w.ctrl.close()
                self.forget(w)
                if lived < 2.0:
                    self.quick_deaths += 1
                    if self.quick_deaths >= self.ns.respawn_failure_limit:
                        self.log("error", "%d workers in a row died at start; giving up" % self.quick_deaths)
                        return 1
                else:
                    self.quick_deaths = 0
                nw = self.spawn()
                self.workers[i] = nw
                if self.wait_ready(nw):
                    self.handout(nw)
                elif not self.stopping:
                    nw.proc.kill()
                    nw.proc.wait()
                    # Counted as a quick death by the next pass.
        return 0


class _BalanceTable:
    """The table of open connections per WSGI worker that lets the workers
    split connections evenly (appserver/balance.go): a memfd of int64
    counters, one per 64-byte line (64 workers), all -1 (no worker) to
    begin with. Workers map it from the fd they get with the socket."""

    SIZE, LINE = 4096, 64

    def __init__(self) -> None:
        self.fd = os.memfd_create("appserver-balance", os.MFD_CLOEXEC)
        os.ftruncate(self.fd, self.SIZE)
        self.map = mmap.mmap(self.fd, self.SIZE)
        self.map[:] = struct.pack("q", -1) * (self.SIZE // 8)

    def fileno(self) -> int:
        return self.fd

    def gone(self, slot: Optional[int]) -> None:
        """Marks worker slot's counter as not accepting."""
        if slot is not None and (slot + 1) * self.LINE <= self.SIZE:
            struct.pack_into("q", self.map, slot * self.LINE, -1)

    def close(self) -> None:
        self.map.close()
        os.close(self.fd)


def _balance_table(ns) -> Optional[_BalanceTable]:
    """The connection table, or None with one worker, for ASGI, or where
    memfd_create is missing."""
    if ns.workers < 2 or getattr(ns, "interface", "wsgi") != "wsgi" or not hasattr(os, "memfd_create"):
        return None
    return _BalanceTable()


def _describe(code: int) -> str:
    if code is not None and code < 0:
        try:
            return "signal " + signal.Signals(-code).name
        except ValueError:
            return "signal %d" % -code
    return "status %s" % code
