"""Supervisor side of the production features (issue 8).

- Metrics: every worker answers scrapes on its own Unix socket (Go, no
  GIL); the supervisor's /metrics endpoint (a thread here, never a worker)
  concatenates them, grouped by metric family, plus its own counters.
- Recycling: a worker asks to be replaced (max requests, request timeout)
  with a byte on its control socket; lifetime and RSS are checked here;
  SIGHUP replaces every worker. A replacement is started and given the
  socket *before* the old worker is told to drain, so there is always a
  worker accepting and no accepted request is dropped.
"""
from __future__ import annotations

import json
import os
import select
import selectors
import shutil
import signal
import socket
import tempfile
import threading
import time
from typing import Any, Dict, List, Optional, Tuple

from ._ops_options import kill_timeout, worker_options

PAGE = os.sysconf("SC_PAGE_SIZE")


class Ops:
    def __init__(self, sup: Any) -> None:
        self.sup = sup
        self.ns = sup.ns
        self.tmp = tempfile.mkdtemp(prefix="appserver-ops-") if self.ns.metrics else None
        self.ids: Dict[int, Any] = {}
        self.pending: Optional[int] = None
        self.retiring: List[Tuple[Any, float]] = []
        self.spawns = 0
        self.respawns = 0
        self.recycles: Dict[str, int] = {}
        self.hup = False
        self.started = False
        self.replacing = False
        self.http: Optional[MetricsServer] = None
        self.conns: Dict[Tuple[int, int], _WorkerConn] = {}  # (worker id, pid): kept scrape connection
        self.watch: Optional[Dict[str, float]] = None
        self.next_scan = 0.0

    # -- hooks called by the Supervisor ---------------------------------
    def worker_env(self) -> Dict[str, str]:
        """Environment of the next worker (its options and metrics label)."""
        live = {i for i, w in self.ids.items() if w is None or w.proc.poll() is None}
        wid = 0
        while wid in live:
            wid += 1
        self.pending = wid
        self.ids[wid] = None
        opts = worker_options(self.ns)
        opts["worker_id"] = str(wid)
        if self.tmp:
            opts["metrics_socket"] = os.path.join(self.tmp, "w%d.sock" % wid)
        return {"APPSERVER_OPS": json.dumps(opts)}

    def spawned(self, w: Any) -> None:
        w.ops_id = self.pending
        self.ids[self.pending] = w
        self.spawns += 1
        if self.started and not self.replacing:
            self.respawns += 1

    def start(self) -> None:
        """After the workers got the socket."""
        self.started = True
        signal.signal(signal.SIGHUP, self._on_hup)
        if self.ns.reload:
            self._changed_sources()  # the first snapshot
        if self.ns.metrics:
            self._start_metrics()

    def tick(self) -> None:
        """Every pass of the supervisor's monitor loop (0.1 s)."""
        sup = self.sup
        now = time.monotonic()
        self._reap_retiring(now)
        todo: List[Tuple[Any, str]] = []
        ctrls = [w.ctrl for w in sup.workers if w.proc.poll() is None]
        if ctrls:
            readable, _, _ = select.select(ctrls, [], [], 0)
            for w in sup.workers:
                if w.ctrl in readable:
                    try:
                        msg = w.ctrl.recv(16)
                    except OSError:
                        msg = b""
                    if b"T" in msg:
                        todo.append((w, "request-timeout"))
                    elif b"X" in msg:
                        todo.append((w, "max-requests"))
        for w in sup.workers:
            if any(w is t for t, _ in todo) or w.proc.poll() is not None:
                continue
            if self.ns.workers_lifetime and now - w.started > self.ns.workers_lifetime:
                todo.append((w, "lifetime"))
            elif self.ns.workers_max_rss and _rss_mib(w.proc.pid) > self.ns.workers_max_rss:
                todo.append((w, "max-rss"))
        if self.ns.reload and now >= self.next_scan:
            self.next_scan = now + 1.0
            changed = self._changed_sources()
            if changed:
                sup.log("info", "%s changed: replacing the workers" % changed)
                todo = [(w, "reload") for w in sup.workers]
        if self.hup:
            self.hup = False
            sup.log("info", "SIGHUP: replacing the workers one at a time")
            todo = [(w, "reload") for w in sup.workers]
        for w, reason in todo:
            if sup.stopping:
                return
            self.replace(w, reason)

    def stop(self) -> None:
        """At supervisor exit."""
        if self.http is not None:
            self.http.shutdown()
            self.http.server_close()
        for c in self.conns.values():
            c.close()
        for w, deadline in self.retiring:
            try:
                w.proc.wait(max(0.0, deadline - time.monotonic()))
            except Exception:
                w.proc.kill()
                w.proc.wait()
            w.ctrl.close()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- recycling ------------------------------------------------------
    def replace(self, old: Any, reason: str) -> bool:
        sup = self.sup
        try:
            i = sup.workers.index(old)
        except ValueError:
            return False
        self.replacing = True
        try:
            new = sup.spawn()
        finally:
            self.replacing = False
        if not sup.wait_ready(new):
            sup.log("error", "replacement worker %d failed to start; keeping worker %d" % (new.proc.pid, old.proc.pid))
            if new.proc.poll() is None:
                new.proc.kill()
            new.proc.wait()
            new.ctrl.close()
            return False
        sup.handout(new)
        sup.workers[i] = new
        self.recycles[reason] = self.recycles.get(reason, 0) + 1
        sup.log("info", "worker %d replaced by %d (%s)" % (old.proc.pid, new.proc.pid, reason))
        try:
            old.proc.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.retiring.append((old, time.monotonic() + kill_timeout(self.ns)))
        return True

    def _reap_retiring(self, now: float) -> None:
        keep = []
        for w, deadline in self.retiring:
            if w.proc.poll() is not None:
                w.ctrl.close()
                continue
            if now > deadline:
                self.sup.log("warning", "worker %d did not stop within the kill timeout; killing it" % w.proc.pid)
                w.proc.kill()
                w.proc.wait()
                w.ctrl.close()
                continue
            keep.append((w, deadline))
        self.retiring = keep

    def _changed_sources(self) -> Optional[str]:
        """--reload: the first .py file under the working directory whose
        mtime changed since the last scan (polling: no inotify dependency)."""
        root = self.ns.working_dir or os.getcwd()
        seen: Dict[str, float] = {}
        skip = {"__pycache__", "node_modules", "site-packages", ".venv", "venv", ".git"}
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in skip and not d.startswith(".")]
            for f in filenames:
                if f.endswith(".py"):
                    p = os.path.join(dirpath, f)
                    try:
                        seen[p] = os.stat(p).st_mtime
                    except OSError:
                        pass
            if len(seen) > 20000:
                break
        old, self.watch = self.watch, seen
        if old is None:
            return None
        for p, m in seen.items():
            if old.get(p) != m:
                return os.path.relpath(p, root)
        for p in old:
            if p not in seen:
                return os.path.relpath(p, root)
        return None

    def _on_hup(self, signum: int, frame: Any) -> None:
        self.hup = True

    # -- metrics --------------------------------------------------------
    def _start_metrics(self) -> None:
        host, port = self.ns.metrics_address
        try:
            self.http = MetricsServer((host, port), self.scrape_bytes)
        except OSError as e:
            self.sup.log("error", "cannot serve metrics on %s:%d: %s" % (host, port, e.strerror or e))
            return
        threading.Thread(target=self.http.serve_forever, name="appserver-metrics", daemon=True).start()
        self.sup.log("info", "metrics on http://%s:%d/metrics" % self.http.server_address[:2])

    def scrape(self) -> str:
        return self.scrape_bytes().decode()

    def scrape_bytes(self) -> bytes:
        live = {}
        for wid, w in list(self.ids.items()):
            if w is not None and w.proc.poll() is None:
                live[wid] = w.proc.pid
        conns = self.conns
        for key in [k for k in conns if live.get(k[0]) != k[1]]:
            conns.pop(key).close()  # that worker is gone
        texts = []
        for wid in sorted(live):
            key = (wid, live[wid])
            text = None
            for _ in (0, 1):  # a kept connection may have been closed since
                c = conns.get(key)
                if c is None:
                    c = _WorkerConn(os.path.join(self.tmp or "", "w%d.sock" % wid))
                    if not c.ok:
                        break  # starting or stopping: not serving scrapes
                    conns[key] = c
                text = c.scrape()
                if text is not None:
                    break
                conns.pop(key).close()
            if text is not None:
                texts.append(text)
        return merge_sep(texts, self._own_metrics().encode())

    def _own_metrics(self) -> str:
        out = [
            "# HELP appserver_workers Worker processes serving.",
            "# TYPE appserver_workers gauge",
            "appserver_workers %d" % sum(1 for w in self.sup.workers if w.proc.poll() is None),
            "# HELP appserver_worker_spawns_total Worker processes started.",
            "# TYPE appserver_worker_spawns_total counter",
            "appserver_worker_spawns_total %d" % self.spawns,
            "# HELP appserver_worker_respawns_total Workers started because one died.",
            "# TYPE appserver_worker_respawns_total counter",
            "appserver_worker_respawns_total %d" % self.respawns,
            "# HELP appserver_worker_recycles_total Workers replaced on purpose, by reason.",
            "# TYPE appserver_worker_recycles_total counter",
        ]
        for reason in ("max-requests", "request-timeout", "lifetime", "max-rss", "reload"):
            out.append('appserver_worker_recycles_total{reason="%s"} %d' % (reason, self.recycles.get(reason, 0)))
        return "\n".join(out) + "\n"


class _WorkerConn:
    """A kept connection to one worker's metrics socket (metrics.go): each
    byte sent asks for a scrape, answered with a 4-byte big-endian length
    and the text, a NUL after each family's head and after its samples."""

    def __init__(self, path: str) -> None:
        self.sock: Optional[socket.socket] = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(2.0)
        try:
            self.sock.connect(path)
        except OSError:
            self.close()

    @property
    def ok(self) -> bool:
        return self.sock is not None

    def scrape(self) -> Optional[bytes]:
        s = self.sock
        if s is None:
            return None
        try:
            s.sendall(b"m")
            buf = s.recv(65536)
            while len(buf) < 4 or len(buf) < 4 + int.from_bytes(buf[:4], "big"):
                more = s.recv(65536)
                if not more:
                    return None
                buf += more
            return buf[4:]
        except OSError:
            return None

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def merge_sep(texts: List[bytes], own: bytes) -> bytes:
    """Joins the workers' texts (NUL after every family's head and after its
    samples; every worker renders the same families in the same order) into
    one exposition: each family's HELP/TYPE once, then every worker's
    samples of it; then the supervisor's own families. Splitting on NUL is
    all the parsing a scrape does here (merging line by line was most of
    the supervisor's time)."""
    if not texts:
        return own
    parts = [t.split(b"\0") for t in texts]
    first = parts[0]
    n = len(first)
    if any(len(p) != n or p[0::2] != first[0::2] for p in parts[1:]):
        # Workers of different versions (a reload): cut per family by name.
        return merge([t.replace(b"\0", b"").decode() for t in texts] + [own.decode()]).encode()
    out = []
    for i in range(0, n - 1, 2):
        out.append(first[i])
        for p in parts:
            out.append(p[i + 1])
    out.append(own)
    return b"".join(out)


class MetricsServer:
    """The supervisor's /metrics endpoint: one thread, a selector, HTTP/1.1
    with kept-alive connections (Prometheus keeps its connection; the old
    http.server handler closed it, started a thread and parsed the headers
    with the email package on every scrape). Answers GET/HEAD /metrics,
    404 for other paths, 405 for other methods; a request head over 8 KB or
    a body closes the connection. Connections idle for IDLE seconds are
    closed, and at most MAX_CONNS are kept (the oldest idle goes first)."""

    IDLE = 300.0
    MAX_CONNS = 64

    def __init__(self, address: Tuple[str, int], scrape: Any) -> None:
        self.scrape = scrape
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.sock.bind(address)
            self.sock.listen(64)
        except OSError:
            self.sock.close()
            raise
        self.sock.setblocking(False)
        self.server_address = self.sock.getsockname()
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.sock, selectors.EVENT_READ, None)
        self.wake_r, self.wake_w = socket.socketpair()
        self.sel.register(self.wake_r, selectors.EVENT_READ, "wake")
        self.bufs: Dict[socket.socket, bytes] = {}
        self.seen: Dict[socket.socket, float] = {}  # last request (or accept) time
        self.next_sweep = 0.0
        self.stopping = False
        self.done = threading.Event()

    def serve_forever(self) -> None:
        try:
            while not self.stopping:
                for key, _ in self.sel.select(1.0):
                    if key.data == "wake":
                        continue
                    if key.data is None:
                        self._accept()
                    else:
                        self._read(key.fileobj)
                now = time.monotonic()
                if now >= self.next_sweep:
                    self.next_sweep = now + 1.0
                    for c in [c for c, t in self.seen.items() if now - t > self.IDLE]:
                        self._drop(c)
        finally:
            for c in list(self.bufs):
                self._drop(c)
            self.done.set()

    def _accept(self) -> None:
        try:
            c, _ = self.sock.accept()
        except OSError:
            return
        c.settimeout(2.0)  # sending an answer; reads only follow the selector
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if len(self.bufs) >= self.MAX_CONNS:
            self._drop(min(self.seen, key=self.seen.__getitem__))
        self.bufs[c] = b""
        self.seen[c] = time.monotonic()
        self.sel.register(c, selectors.EVENT_READ, "conn")

    def _drop(self, c: socket.socket) -> None:
        self.bufs.pop(c, None)
        self.seen.pop(c, None)
        try:
            self.sel.unregister(c)
        except (KeyError, ValueError):
            pass
        c.close()

    def _read(self, c: Any) -> None:
        try:
            data = c.recv(65536)
        except OSError:
            data = b""
        if not data:
            self._drop(c)
            return
        buf = self.bufs[c] + data
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > 8192:
                    self._drop(c)
                    return
                self.bufs[c] = buf
                return
            head, buf = buf[:end], buf[end + 4:]
            self.seen[c] = time.monotonic()
            if not self._answer(c, head) or buf:
                # Closing, or a pipelined/body byte we do not expect of a scraper.
                self._drop(c)
                return

    def _answer(self, c: socket.socket, head: bytes) -> bool:
        """Answers one request; False when the connection is to be closed."""
        line, _, rest = head.partition(b"\r\n")
        parts = line.split(b" ")
        keep = len(parts) == 3 and parts[2] == b"HTTP/1.1"
        low = rest.lower()
        if b"connection: close" in low or b"content-length:" in low or b"transfer-encoding:" in low:
            keep = False
        if len(parts) != 3:
            status, body, ctype = b"400 Bad Request", b"bad request\n", b"text/plain"
        elif parts[0] not in (b"GET", b"HEAD"):
            status, body, ctype = b"405 Method Not Allowed", b"method not allowed\n", b"text/plain"
        elif parts[1].split(b"?", 1)[0] != b"/metrics":
            status, body, ctype = b"404 Not Found", b"not found\n", b"text/plain"
        else:
            status, body, ctype = b"200 OK", self.scrape(), b"text/plain; version=0.0.4; charset=utf-8"
        out = [b"HTTP/1.1 ", status, b"\r\nContent-Type: ", ctype, b"\r\nContent-Length: ",
               str(len(body)).encode(), b"\r\nConnection: keep-alive\r\n\r\n" if keep else b"\r\nConnection: close\r\n\r\n"]
        if parts[0] != b"HEAD":
            out.append(body)
        try:
            c.sendall(b"".join(out))
        except OSError:
            return False
        return keep

    def shutdown(self) -> None:
        self.stopping = True
        try:
            self.wake_w.send(b"x")
        except OSError:
            pass
        self.done.wait(5)

    def server_close(self) -> None:
        self.sel.close()
        self.sock.close()
        self.wake_r.close()
        self.wake_w.close()


def merge(texts: List[str]) -> str:
    """Joins Prometheus text expositions: one HELP/TYPE per family, then
    every worker's samples of it (the format wants a family's samples
    together). Each text is a run of families that start with "# HELP"
    (then "# TYPE", then samples), so it is cut per family, not per line:
    a scrape under load spent most of its supervisor time here (0.37 ms for
    two workers line by line, vs 0.05 ms)."""
    order: List[str] = []
    heads: Dict[str, str] = {}
    samples: Dict[str, List[str]] = {}
    for text in texts:
        for block in ("\n" + text.strip("\n")).split("\n# HELP ")[1:]:
            parts = block.split("\n", 2)
            name = parts[0].split(" ", 1)[0]
            head = "# HELP " + parts[0] + "\n"
            rest = parts[1:]
            if rest and rest[0].startswith("# TYPE "):
                head += rest[0] + "\n"
                rest = rest[1:]
            if name not in heads:
                order.append(name)
                heads[name] = head
                samples[name] = []
            if rest and rest[0]:
                samples[name].append(rest[0] + "\n")
    return "".join(heads[n] + "".join(samples[n]) for n in order)


def _rss_mib(pid: int) -> float:
    try:
        with open("/proc/%d/statm" % pid) as f:
            return int(f.read().split()[1]) * PAGE / (1 << 20)
    except (OSError, ValueError, IndexError):
        return 0.0
