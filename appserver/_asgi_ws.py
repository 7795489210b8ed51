"""The ASGI websocket scope: receive()/send() of one connection.

Go (appserver/websocket.go, on github.com/coder/websocket) does the
handshake after the app's websocket.accept, the framing, ping/pong,
fragmentation and the close handshake; invalid frames end the connection
with the right close code and the app gets websocket.disconnect.
"""
from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Deque, Dict, Optional


class WebSocketState:
    __slots__ = ("srv", "wid", "native", "connected", "accepted", "closed", "gone", "inbox",
                 "waiter", "drain", "code", "reason", "task", "deny_start", "deny_body", "consumed")

    def __init__(self, srv: Any, wid: int, native: Any) -> None:
        self.srv = srv
        self.wid = wid
        self.native = native
        self.connected = False  # websocket.connect delivered
        self.accepted = False
        self.closed = False  # the app sent websocket.close (or denied)
        self.gone = False  # the connection ended
        self.inbox: Deque[Any] = deque()
        self.waiter: Optional[asyncio.Future] = None
        self.drain: Optional[asyncio.Future] = None
        self.code = 1005
        self.reason = ""
        self.task: Optional[asyncio.Task] = None
        self.deny_start: Optional[Dict[str, Any]] = None
        self.deny_body = bytearray()
        self.consumed = 0  # received by the app, not yet reported to Go

    # Events from Go.
    def messages(self, items: list) -> None:
        self.inbox.extend(items)
        self._wake()

    def disconnected(self, code: int, reason: str) -> None:
        self.gone = True
        self.code, self.reason = code, reason
        self._wake()
        d = self.drain
        if d is not None and not d.done():
            d.set_result(None)

    def drained(self) -> None:
        d = self.drain
        if d is not None and not d.done():
            d.set_result(None)

    def _wake(self) -> None:
        w = self.waiter
        if w is not None and not w.done():
            w.set_result(None)

    async def receive(self) -> Dict[str, Any]:
        if not self.connected:
            self.connected = True
            return {"type": "websocket.connect"}
        while not self.inbox and not self.gone:
            w = self.waiter = self.srv.loop.create_future()
            try:
                await w
            finally:
                self.waiter = None
        if self.inbox:
            m = self.inbox.popleft()
            # Report what the app took in 256 KiB steps (Go pauses reading
            # above 1 MiB unreceived and resumes below 512 KiB); Go counts a
            # text message in code points, as len(str) does.
            self.consumed += len(m)
            if self.consumed >= 262144:
                self.native.ws_consumed(self.wid, self.consumed)
                self.consumed = 0
            if type(m) is str:
                return {"type": "websocket.receive", "text": m}
            return {"type": "websocket.receive", "bytes": m}
        return {"type": "websocket.disconnect", "code": self.code, "reason": self.reason}

    async def send(self, message: Dict[str, Any]) -> None:
        t = message["type"]
        if self.gone or self.closed:
            from ._asgi import ClientDisconnected
            raise ClientDisconnected("the WebSocket connection is closed")
        if t == "websocket.send":
            if not self.accepted:
                raise RuntimeError("ASGI: 'websocket.send' before 'websocket.accept'")
            data = message.get("bytes")
            if data is None:
                data = message.get("text")
                if data is None:
                    raise TypeError("websocket.send needs 'bytes' or 'text'")
            rc = self.native.ws_send(self.wid, data)
            if rc >= 2:
                # The first frame queued in this loop iteration: the frames
                # of the whole iteration go out in one write, soon.
                self.srv.loop.call_soon(self.srv.ws_flush)
                rc -= 2
            if rc == 1:
                d = self.drain = self.srv.loop.create_future()
                try:
                    await d
                finally:
                    self.drain = None
            elif rc == -1:
                self.gone = True
                from ._asgi import ClientDisconnected
                raise ClientDisconnected("the WebSocket connection is closed")
            return
        if t == "websocket.accept":
            if self.accepted:
                raise RuntimeError("ASGI: 'websocket.accept' sent twice")
            headers = message.get("headers") or []
            if not isinstance(headers, (list, tuple)):
                headers = list(headers)
            self.native.ws_accept(self.wid, message.get("subprotocol"), headers)
            self.accepted = True
            return
        if t == "websocket.close":
            self.closed = True
            self.native.ws_close(self.wid, message.get("code", 1000), message.get("reason") or "")
            return
        if t == "websocket.http.response.start":
            if self.accepted or self.deny_start is not None:
                raise RuntimeError("ASGI: 'websocket.http.response.start' after the handshake")
            self.deny_start = message
            return
        if t == "websocket.http.response.body":
            if self.deny_start is None:
                raise RuntimeError("ASGI: 'websocket.http.response.body' before its start")
            self.deny_body += message.get("body", b"")
            if not message.get("more_body", False):
                self.closed = True
                start = self.deny_start
                headers = start.get("headers") or []
                if not isinstance(headers, (list, tuple)):
                    headers = list(headers)
                self.native.ws_deny(self.wid, start["status"], headers, bytes(self.deny_body))
            return
        raise RuntimeError("ASGI: unexpected message type %r on a WebSocket" % (t,))

    def finish(self) -> None:
        """The app returned: close (1000) or refuse the handshake (403)."""
        if not self.closed and not self.gone:
            self.closed = True
            if self.accepted:
                self.native.ws_close(self.wid, 1000, "")
            else:
                self.native.ws_close(self.wid, 1000, "")  # before accept: HTTP 403
