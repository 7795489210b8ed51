"""ASGI bridge: one asyncio loop per worker, fed by the Go server.

Go parses requests on its own goroutines and queues events; it wakes the
loop with one byte on a pipe per batch (the loop reads it with add_reader)
and the loop takes every queued event with one call (asgi_poll). send()
hands bytes to Go without blocking the loop; when a client reads slowly
the send buffer passes a high-water mark and send() waits for a drain
event, so the server never buffers without bound.
"""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import threading
import traceback
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import unquote

from . import DEFAULTS, bind
from ._asgi_eager import start_eager
from ._asgi_lifespan import Lifespan, LifespanFailure
from ._asgi_ws import WebSocketState

__all__ = ["serve_asgi", "ClientDisconnected", "LifespanFailure"]

ASGIApp = Callable[[Dict[str, Any], Callable[[], Awaitable[Dict[str, Any]]],
                    Callable[[Dict[str, Any]], Awaitable[None]]], Awaitable[None]]

# Waits in a row that may run out before the loop sleeps in its selector
# (_poll_again): about 10 ms of quiet at the default --poll-wait.
_IDLE_WAITS = 10

_EV_REQUEST, _EV_DISCONNECT, _EV_DRAIN, _EV_STOPPED, _EV_BODY = 0, 1, 2, 3, 4
_EV_WS_CONNECT, _EV_WS_MESSAGE, _EV_WS_DISCONNECT, _EV_WS_DRAIN = 5, 6, 7, 8
_EV_TIMEOUT = 9  # --request-timeout: Go answered 504 (or closed); cancel the task


class ClientDisconnected(OSError):
    """send() on a connection the client closed (ASGI spec 2.4)."""


def new_loop(kind: str = "auto") -> asyncio.AbstractEventLoop:
    """asyncio, uvloop, or auto (uvloop when installed)."""
    if kind not in ("auto", "asyncio", "uvloop"):
        raise ValueError("loop must be 'auto', 'asyncio' or 'uvloop', not %r" % (kind,))
    if kind in ("auto", "uvloop"):
        try:
            import uvloop
        except ImportError:
            if kind == "uvloop":
                raise
        else:
            return uvloop.new_event_loop()
    return asyncio.new_event_loop()


class _HTTP:
    """One HTTP request in flight: its receive() and send()."""

    __slots__ = ("rid", "srv", "body", "more_body", "chunks", "started", "status", "headers",
                 "complete", "disconnected", "waiter", "drain", "task", "trailers", "body_done",
                 "begun")

    def __init__(self, srv: "_Server", rid: int, body: bytes, more_body: bool) -> None:
        self.srv = srv
        self.rid = rid
        self.body: Optional[bytes] = body
        self.more_body = more_body
        self.chunks: Optional[List[bytes]] = None  # streamed body chunks (EvBody), made on the first
        self.started = False
        self.status: Any = None
        self.headers: Any = None
        self.complete = False
        self.disconnected = False
        self.waiter: Optional[asyncio.Future] = None  # receive() waiting
        self.drain: Optional[asyncio.Future] = None  # send() waiting for a drain
        self.task: Optional[asyncio.Task] = None
        self.trailers = False  # http.response.start said trailers follow the body
        self.body_done = False  # the last body was sent, trailers pending
        self.begun = False  # _run has started (see _Server._cancel)

    def _drained(self) -> None:
        d = self.drain
        if d is not None and not d.done():
            d.set_result(None)

    def _wake(self) -> None:
        w = self.waiter
        if w is not None:
            self.waiter = None
            if not w.done():
                w.set_result(None)

    async def _wait(self) -> None:
        w = self.waiter = self.srv.loop.create_future()
        try:
            await w
        finally:
            if self.waiter is w:
                self.waiter = None

    async def receive(self) -> Dict[str, Any]:
        if self.body is not None:
            body, self.body = self.body, None
            return {"type": "http.request", "body": body, "more_body": self.more_body}
        if self.more_body and not self.disconnected:
            if not self.chunks:
                _want_body(self.rid)
                while not self.chunks and self.more_body and not self.disconnected:
                    await self._wait()
            chunks = self.chunks
            if chunks:
                body = chunks.pop(0)
                return {"type": "http.request", "body": body,
                        "more_body": bool(chunks) or self.more_body}
        while not (self.complete or self.disconnected):
            await self._wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Dict[str, Any]) -> None:
        t = message["type"]
        if t == "http.response.body":
            if not self.started:
                raise RuntimeError("ASGI: 'http.response.body' sent before 'http.response.start'")
            if self.complete or self.body_done:
                raise RuntimeError("ASGI: 'http.response.body' sent after the response was complete")
            more = True if message.get("more_body") else False
            status = self.status
            if more or not self.trailers:
                rc = _send(self.rid, status, self.headers, message.get("body", b""), more)
                if not more:
                    self.complete = True
                    if self.waiter is not None:
                        self._wake()
            else:
                # The response stays open for http.response.trailers.
                self.body_done = True
                rc = _send(self.rid, status, self.headers, message.get("body", b""), True)
            if status is not None:
                self.status = self.headers = None
            if rc == 0:
                return
            if rc == 2:
                # The whole response is queued with the others of this loop
                # iteration: the first one schedules their write.
                self.srv.loop.call_soon(self.srv.flush)
                return
            if rc == 1:
                # Above the high-water mark: wait until Go has written
                # enough (a drain event) or the client is gone.
                if not self.disconnected:
                    d = self.drain = self.srv.loop.create_future()
                    try:
                        await d
                    finally:
                        self.drain = None
                if self.disconnected:
                    raise ClientDisconnected("the client closed the connection")
                return
            if rc == -1:
                self.disconnected = True
                raise ClientDisconnected("the client closed the connection")
            raise RuntimeError("ASGI: message sent after the response was complete")
        if t == "http.response.start":
            if self.started:
                raise RuntimeError("ASGI: 'http.response.start' sent twice")
            status = message["status"]
            if type(status) is not int:
                raise TypeError("http.response.start status must be an int, not %s" % type(status).__name__)
            headers = message.get("headers", ())
            if type(headers) is not list and type(headers) is not tuple:
                headers = list(headers)
            self.status, self.headers, self.started = status, headers, True
            if message.get("trailers"):
                self.trailers = True
            return
        if t == "http.response.pathsend":
            if not self.started or self.status is None:
                raise RuntimeError("ASGI: 'http.response.pathsend' needs 'http.response.start' and no body before it")
            rc = _native.asgi_pathsend(self.rid, self.status, self.headers, os.fspath(message["path"]))
            self.status = self.headers = None
            self.complete = True
            self._wake()
            if rc == -1:
                self.disconnected = True
                raise ClientDisconnected("the client closed the connection")
            return
        if t == "http.response.trailers":
            if not self.trailers:
                return  # not announced in http.response.start: ignored
            if not self.body_done:
                raise RuntimeError("ASGI: 'http.response.trailers' before the last 'http.response.body'")
            if self.complete:
                raise RuntimeError("ASGI: 'http.response.trailers' after the response was complete")
            headers = message.get("headers", ())
            if type(headers) is not list and type(headers) is not tuple:
                headers = list(headers)
            more = bool(message.get("more_trailers", False))
            rc = _native.asgi_trailers(self.rid, headers, more)
            if not more:
                self.complete = True
                self._wake()
            if rc == -1:
                self.disconnected = True
                raise ClientDisconnected("the client closed the connection")
            return
        if t == "http.response.early_hint":
            # HTTP/2: a 103 before the response; HTTP/1.1: accepted and
            # ignored there (and not advertised), see appserver-asgi.md.
            links = message.get("links", ())
            if type(links) is not list and type(links) is not tuple:
                links = list(links)
            _native.asgi_early_hint(self.rid, links)
            return
        raise RuntimeError("ASGI: unexpected message type %r on an HTTP connection" % (t,))


_native: Any = None
_send: Any = None
_want_body: Any = None
_finish: Any = None


def _load_native() -> None:
    global _native, _send, _want_body, _finish
    if _native is None:
        from _goaccel import server
        _native = server
        _send, _want_body, _finish = server.asgi_send, server.asgi_want_body, server.asgi_finish


class _Server:
    """The loop side of one ASGI server."""

    def __init__(self, app: ASGIApp, loop: asyncio.AbstractEventLoop, sock: socket.socket,
                 root_path: str, scheme: str, cancel_on_disconnect: bool,
                 state: Optional[Dict[str, Any]], options: Dict[str, Any],
                 poll_wait_us: int = 0) -> None:
        _load_native()
        self.app = app
        self.loop = loop
        self.create_task = loop.create_task
        self.sock = sock
        self.root_path = root_path
        self.raw_root = root_path.encode("utf-8")
        self.scheme = scheme
        self.cancel = cancel_on_disconnect
        self.state = state
        self.options = options
        self.poll_wait_us = int(poll_wait_us)
        self._idle_waits = 0  # waits in a row that ran out (_poll_again)
        # asyncio's own loop shows what it has to do next (uvloop does not):
        # its ready callbacks and its timer heap bound the wait in Go.
        self._ready = getattr(loop, "_ready", None)
        self._timers = getattr(loop, "_scheduled", None)
        self.reqs: Dict[int, Any] = {}
        self.asgi = {"version": "3.0", "spec_version": "2.4"}
        self.extensions: Dict[str, Any] = {"http.response.pathsend": {}, "http.response.trailers": {}}
        # HTTP/2 streams: 103 early hints too; trailers as a trailing HEADERS frame.
        self.h2_extensions: Dict[str, Any] = {"http.response.pathsend": {},
                                              "http.response.trailers": {},
                                              "http.response.early_hint": {}}
        self.tls = False  # set in start(): TLS connections get scope["extensions"]["tls"]
        addr = sock.getsockname()
        self.server = (str(addr[0]), int(addr[1])) if isinstance(addr, tuple) else (str(addr), None)
        self.stopped = loop.create_future()
        self.handle: Any = None
        self.rfd = self.wfd = -1

    def start(self) -> None:
        self.rfd, self.wfd = os.pipe()
        os.set_blocking(self.rfd, False)
        self.handle = _native.asgi_start(os.dup(self.sock.fileno()), self.wfd, self.options)
        self.tls = bool(_native.asgi_is_tls(self.handle))
        if self.tls:
            self.scheme = "https"
        self.loop.add_reader(self.rfd, self._on_wake)

    def flush(self) -> None:
        """Writes the whole responses queued in this loop iteration."""
        _native.asgi_flush(self.handle)

    def ws_flush(self) -> None:
        """Writes the WebSocket frames queued in this loop iteration."""
        _native.asgi_ws_flush(self.handle)

    def stop(self) -> None:
        if self.handle is not None:
            _native.asgi_stop(self.handle)

    def close(self) -> None:
        if self.handle is not None:
            _native.asgi_detach(self.handle)
            self.loop.remove_reader(self.rfd)
        for fd in (self.rfd, self.wfd):
            if fd >= 0:
                os.close(fd)
        self.rfd = self.wfd = -1

    def _on_wake(self) -> None:
        try:
            os.read(self.rfd, 4096)
        except BlockingIOError:
            pass
        self._poll()

    def _poll(self) -> None:
        events = _native.asgi_poll(self.handle)
        if events:
            self._run_batch(events)
        # else Go writes a wake-up byte for the next event

    def _poll_again(self) -> None:
        """The poll after a batch. When the batch's requests were all
        answered at once, their answers are on their way and the clients'
        next requests will follow in microseconds; rather than sleep in the
        selector (where Go, holding its one P for this thread, would notice
        them only after its sysmon steps in), the loop may wait for them in
        Go, up to poll_wait_us (appserver/asgi_park.go)."""
        wait = self.poll_wait_us
        if wait:
            ready, timers = self._ready, self._timers
            if self.reqs or ready:
                # A request or WebSocket still in flight may have callbacks
                # queued behind this one (a task step, a send's flush) that
                # uvloop does not show; asyncio's loop shows its own.
                wait = 0
            elif timers:
                wait = min(wait, max(0, int((timers[0].when() - self.loop.time()) * 1e6)))
        events = _native.asgi_poll(self.handle, wait)
        if events:
            self._idle_waits = 0
            self._run_batch(events)
        elif wait and self._idle_waits < _IDLE_WAITS:
            # Nothing came within the wait: wait again in the next iteration
            # (the loop runs its timers and callbacks in between) for a while
            # before sleeping in the selector. Go's sysmon, with nothing to
            # retake while the waits hand the P over, has backed off to up to
            # 10 ms by then, and the next request would wait for its retake
            # that long (measured: p99 16-20 ms at --poll-wait 300 without
            # this, where waits often run out).
            self._idle_waits += 1
            self.loop.call_soon(self._poll_again)
        else:
            self._idle_waits = 0

    def _run_batch(self, events: list) -> None:
        try:
            self._dispatch(events)
        finally:
            # A non-empty poll promises Go another poll on the next loop
            # iteration (no wake-up byte needed meanwhile).
            self.loop.call_soon(self._poll_again)

    def _dispatch(self, events: list) -> None:
        for ev in events:
            kind = ev[0]
            if kind == _EV_REQUEST:
                self._request(ev)
                continue
            req = self.reqs.get(ev[1])
            if kind == _EV_TIMEOUT:
                # Cancelled whatever --cancel-on-disconnect says: the
                # response is over, and receive() reports a disconnect.
                if req is not None:
                    req.disconnected = True
                    req._wake()
                    req._drained()
                    self._cancel(req)
                continue
            if kind >= _EV_WS_CONNECT:
                self._websocket(kind, req, ev)
            elif kind == _EV_DISCONNECT:
                if req is not None:
                    req.disconnected = True
                    req._wake()
                    req._drained()
                    if self.cancel and not req.complete:
                        self._cancel(req)
            elif kind == _EV_DRAIN:
                if req is not None:
                    req._drained()
            elif kind == _EV_BODY:
                if req is not None:
                    if req.chunks is None:
                        req.chunks = []
                    req.chunks.extend(ev[2])
                    req.more_body = not ev[3]
                    req._wake()
            elif kind == _EV_STOPPED:
                self.poll_wait_us = 0  # the loop is about to stop: nothing to wait for
                if not self.stopped.done():
                    self.stopped.set_result(None)

    def _websocket(self, kind: int, ws: Any, ev: tuple) -> None:
        if kind == _EV_WS_CONNECT:
            _, wid, raw_path, query, headers, host, port, subprotocols = ev
            path = raw_path.decode("ascii")
            if "%" in path:
                path = unquote(path)
            if self.root_path:
                path = self.root_path + path
                raw_path = self.raw_root + raw_path
            scope = {
                "type": "websocket", "asgi": self.asgi, "http_version": "1.1",
                "server": self.server, "client": (host, port),
                "scheme": "wss" if self.scheme == "https" else "ws",
                "root_path": self.root_path, "path": path, "raw_path": raw_path,
                "query_string": query, "headers": headers, "subprotocols": subprotocols,
                "extensions": {"websocket.http.response": {}},
            }
            if self.tls:
                self._add_tls(scope, wid)
            if self.state is not None:
                scope["state"] = self.state.copy()
            ws = WebSocketState(self, wid, _native)
            self.reqs[wid] = ws
            ws.task = self.loop.create_task(self._run_ws(ws, scope))
        elif ws is None:
            return
        elif kind == _EV_WS_MESSAGE:
            ws.messages(ev[2])
        elif kind == _EV_WS_DISCONNECT:
            ws.disconnected(ev[2], ev[3])
        elif kind == _EV_WS_DRAIN:
            ws.drained()

    async def _run_ws(self, ws: WebSocketState, scope: Dict[str, Any]) -> None:
        try:
            await self.app(scope, ws.receive, ws.send)
        except (asyncio.CancelledError, ClientDisconnected):
            pass
        except BaseException:
            sys.stderr.write("appserver: exception in ASGI application (websocket %s)\n" % scope["path"])
            traceback.print_exc()
            sys.stderr.flush()
            if ws.accepted and not ws.closed and not ws.gone:
                ws.closed = True
                _native.ws_close(ws.wid, 1011, "")
        finally:
            del self.reqs[ws.wid]
            ws.finish()

    def _request(self, ev: tuple) -> None:
        _, rid, method, version, raw_path, query, headers, body, more_body, host, port, path = ev
        if path is None:  # Go gives the str when raw_path is ASCII without escapes
            path = raw_path.decode("ascii")
            if "%" in path:
                path = unquote(path)
        if self.root_path:
            path = self.root_path + path
            raw_path = self.raw_root + raw_path
        scope = {
            "type": "http", "asgi": self.asgi, "http_version": version, "server": self.server,
            "client": (host, port), "scheme": self.scheme, "method": method,
            "root_path": self.root_path, "path": path, "raw_path": raw_path,
            "query_string": query, "headers": headers,
            "extensions": self.extensions if version != "2" else self.h2_extensions,
        }
        if self.tls:
            self._add_tls(scope, rid)
        if self.state is not None:
            scope["state"] = self.state.copy()
        req = _HTTP(self, rid, body, more_body)
        self.reqs[rid] = req
        # The app's first step runs now (an app that answers without
        # waiting never becomes a scheduled Task; _asgi_eager.py) — unless
        # the app installed a task factory (tracing, Sentry...): then its
        # requests go through it, as under any other server.
        if self.loop.get_task_factory() is None:
            req.task = start_eager(self.loop, self._run(req, scope))
        else:
            req.task = self.create_task(self._run(req, scope))

    def _add_tls(self, scope: Dict[str, Any], ident: int) -> None:
        """The tls extension (asgiref specs/tls.rst 0.2) for this connection."""
        info = _native.asgi_tls(ident)
        if info is None:
            return
        server_cert, chain, name, version, cipher = info
        ext = dict(scope["extensions"])
        # Go verifies client certificates during the handshake and refuses
        # the connection when one fails, so a served request has no error.
        ext["tls"] = {"server_cert": server_cert, "client_cert_chain": list(chain),
                      "client_cert_name": name, "client_cert_error": None,
                      "tls_version": version, "cipher_suite": cipher}
        scope["extensions"] = ext

    def _cancel(self, req: _HTTP) -> None:
        """Cancels the request's task. A task cancelled before its first
        step never runs its coroutine (asyncio throws CancelledError in at
        the start), so _run's finally would never end the request in Go,
        whose goroutine then waits forever and a graceful stop overruns its
        grace period: a request and its client's disconnect often come in
        the same poll (a client that opens streams and leaves, h2spec
        5.1.2). Such a request is ended here, as _run would have."""
        task = req.task
        if task is None:
            return
        task.cancel()
        if not req.begun:
            req.begun = True  # ended once
            self.reqs.pop(req.rid, None)
            _finish(req.rid, False)

    async def _run(self, req: _HTTP, scope: Dict[str, Any]) -> None:
        req.begun = True
        failed = False
        try:
            await self.app(scope, req.receive, req.send)
        except asyncio.CancelledError:
            failed = not req.disconnected
        except ClientDisconnected:
            pass
        except BaseException:
            failed = True
            sys.stderr.write("appserver: exception in ASGI application (%s %s)\n"
                             % (scope["method"], scope["path"]))
            traceback.print_exc()
            sys.stderr.flush()
        finally:
            del self.reqs[req.rid]
            if not req.complete or req.disconnected:
                # disconnected: the last send may have been refused (the
                # client had left, send() raised), so Go's response never
                # completed although req.complete says it did; Go's
                # stream or connection goroutine waits for its end.
                _finish(req.rid, failed)

    async def cancel_remaining(self) -> None:
        tasks = [r.task for r in self.reqs.values() if r.task is not None]
        for r in list(self.reqs.values()):
            if isinstance(r, _HTTP):
                self._cancel(r)
            elif r.task is not None:
                r.task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


def serve_asgi(app: ASGIApp, *, host: str = DEFAULTS["host"], port: int = DEFAULTS["port"],
               uds: Optional[str] = None, sock: Optional[socket.socket] = None,
               backlog: int = 1024, backpressure: Optional[int] = None,
               loop: str = "auto", lifespan: bool = True, cancel_on_disconnect: bool = True,
               poll_wait_us: int = DEFAULTS["poll_wait_us"],
               root_path: str = "", url_scheme: str = "http",
               max_header_size: int = DEFAULTS["max_header_size"],
               max_body_size: int = DEFAULTS["max_body_size"],
               header_timeout: float = DEFAULTS["header_timeout"],
               keepalive_timeout: float = DEFAULTS["keepalive_timeout"],
               body_timeout: float = DEFAULTS["body_timeout"],
               grace_timeout: float = DEFAULTS["grace_timeout"],
               ready: Optional[Callable[[socket.socket], None]] = None) -> None:
    """Serves an ASGI 3 app until stop(), Ctrl-C or SIGTERM.

    lifespan=False skips the lifespan protocol (the `asginl` interface).
    A failed lifespan startup raises LifespanFailure with the app's message.
    """
    if not callable(app):
        raise TypeError("app must be an ASGI callable, not %s" % type(app).__name__)
    ev_loop = new_loop(loop)
    try:
        runner = Runner(app, ev_loop, lifespan)
        runner.startup()
        runner.serve(host=host, port=port, uds=uds, sock=sock, backlog=backlog,
                     backpressure=backpressure, cancel_on_disconnect=cancel_on_disconnect,
                     poll_wait_us=poll_wait_us, root_path=root_path, url_scheme=url_scheme,
                     max_header_size=max_header_size, max_body_size=max_body_size,
                     header_timeout=header_timeout, keepalive_timeout=keepalive_timeout,
                     body_timeout=body_timeout, grace_timeout=grace_timeout, ready=ready)
    finally:
        ev_loop.close()


class Runner:
    """Lifespan startup (before the socket is served), serving, shutdown."""

    def __init__(self, app: ASGIApp, loop: asyncio.AbstractEventLoop, lifespan: bool) -> None:
        self.app = app
        self.loop = loop
        self.lifespan: Optional[Lifespan] = Lifespan(app, loop) if lifespan else None

    def startup(self) -> None:
        """Raises LifespanFailure when the app reports a failed startup."""
        if self.lifespan is not None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self.lifespan.startup())

    def serve(self, *, host: str = DEFAULTS["host"], port: int = DEFAULTS["port"],
              uds: Optional[str] = None, sock: Optional[socket.socket] = None,
              backlog: int = 1024, backpressure: Optional[int] = None,
              cancel_on_disconnect: bool = True, poll_wait_us: int = DEFAULTS["poll_wait_us"],
              root_path: str = "", url_scheme: str = "http",
              max_header_size: int = DEFAULTS["max_header_size"],
              max_body_size: int = DEFAULTS["max_body_size"],
              header_timeout: float = DEFAULTS["header_timeout"],
              keepalive_timeout: float = DEFAULTS["keepalive_timeout"],
              body_timeout: float = DEFAULTS["body_timeout"],
              grace_timeout: float = DEFAULTS["grace_timeout"],
              ready: Optional[Callable[[socket.socket], None]] = None) -> None:
        if backpressure is None:
            backpressure = backlog
        own = sock is None
        if own:
            sock = bind(host, port, uds, backlog)
        options = {
            "threads": 1, "backpressure": int(backpressure),
            "max_header_size": int(max_header_size), "max_body_size": int(max_body_size),
            "header_timeout": float(header_timeout), "keepalive_timeout": float(keepalive_timeout),
            "body_timeout": float(body_timeout), "grace_timeout": float(grace_timeout),
        }
        loop = self.loop
        asyncio.set_event_loop(loop)
        state = self.lifespan.state if self.lifespan is not None and self.lifespan.supported else None
        srv = _Server(self.app, loop, sock, root_path, url_scheme, cancel_on_disconnect, state, options,
                      poll_wait_us)
        main = threading.current_thread() is threading.main_thread()
        try:
            srv.start()
            if main:
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.add_signal_handler(sig, srv.stop)
            if ready is not None:
                ready(sock)
            try:
                loop.run_until_complete(srv.stopped)
            except KeyboardInterrupt:
                srv.stop()
                loop.run_until_complete(srv.stopped)
            loop.run_until_complete(srv.cancel_remaining())
            if self.lifespan is not None:
                loop.run_until_complete(self.lifespan.shutdown())
        finally:
            if main:
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.remove_signal_handler(sig)
            srv.close()
            if own:
                sock.close()


def worker_main(opts: Dict[str, Any], app: ASGIApp, ctrl: socket.socket,
                watch: Callable[[socket.socket], None]) -> int:
    """The ASGI side of a worker process (see _worker.py): lifespan startup
    before reporting ready, so a failed startup stops the whole server."""
    loop = new_loop(opts.get("loop", "auto"))
    runner = Runner(app, loop, opts.get("interface", "asgi") == "asgi")
    try:
        runner.startup()
    except LifespanFailure as e:
        sys.stderr.write("appserver: application startup failed: %s\n" % e)
        sys.stderr.flush()
        ctrl.sendall(b"E")
        return 3
    ctrl.sendall(b"R")
    msg, fds, _, _ = socket.recv_fds(ctrl, 1, 1)
    if msg != b"S" or not fds:
        return 0
    sock = socket.socket(fileno=fds[0])
    threading.Thread(target=watch, args=(ctrl,), daemon=True).start()
    # Metrics, health, static, access log, --request-timeout; with the
    # listening socket, so Go drops this copy when the worker drains and new
    # connections are refused rather than queued (as for WSGI).
    from ._ops_worker import configure as configure_ops
    configure_ops(ctrl, sock)
    runner.serve(sock=sock, backpressure=opts["backpressure"],
                 cancel_on_disconnect=opts.get("cancel_on_disconnect", True),
                 poll_wait_us=opts.get("poll_wait", DEFAULTS["poll_wait_us"]),
                 root_path=opts["url_path_prefix"],
                 max_header_size=opts["max_header_size"], max_body_size=opts["max_body_size"],
                 header_timeout=opts["header_timeout"], keepalive_timeout=opts["keepalive_timeout"],
                 grace_timeout=opts["grace_timeout"])
    loop.close()
    return 0
