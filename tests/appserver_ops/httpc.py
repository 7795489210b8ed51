"""A tiny keep-alive HTTP/1.1 client over raw sockets (http.client normalises
paths and would hide traversal attempts)."""
from __future__ import annotations

import socket
from typing import Dict, Optional, Tuple

from appserver_harness import free_port  # noqa: F401 (re-exported for the tests)


class NoAnswer(ConnectionError):
    """The connection closed or reset before any byte of the answer."""


class Client:
    def __init__(self, port: int, timeout: float = 15.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self) -> None:
        self.sock.close()

    def _fill(self) -> None:
        b = self.sock.recv(65536)
        if not b:
            raise ConnectionError("closed by server")
        self.buf += b

    def request(self, target: str, method: str = "GET", headers: Optional[Dict[str, str]] = None
                ) -> Tuple[int, Dict[str, str], bytes]:
        h = {"Host": "localhost"}
        h.update(headers or {})
        head = "%s %s HTTP/1.1\r\n" % (method, target) + "".join("%s: %s\r\n" % kv for kv in h.items()) + "\r\n"
        try:
            self.sock.sendall(head.encode("latin-1"))
            while b"\r\n\r\n" not in self.buf:
                self._fill()
        except (ConnectionError, BrokenPipeError) as e:
            if not self.buf:
                raise NoAnswer(str(e))
            raise
        raw, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        hdrs = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        n = 0 if method == "HEAD" or status in (204, 304) else int(hdrs.get("content-length", "0"))
        while len(self.buf) < n:
            self._fill()
        body, self.buf = self.buf[:n], self.buf[n:]
        return status, hdrs, body


def get(port: int, target: str, **kw) -> Tuple[int, Dict[str, str], bytes]:
    c = Client(port)
    try:
        return c.request(target, **kw)
    finally:
        c.close()
