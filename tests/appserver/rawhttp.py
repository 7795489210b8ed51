"""A minimal HTTP/1.1 client over raw sockets, so tests control every byte."""
from __future__ import annotations

import socket
from typing import Dict, List, Optional, Tuple

from appserver_harness import free_port  # noqa: F401 (re-exported for the tests)


class Response:
    def __init__(self, status: int, reason: str, headers: List[Tuple[str, str]], body: bytes,
                 raw_head: bytes):
        self.status, self.reason, self.headers, self.body = status, reason, headers, body
        self.raw_head = raw_head

    def header(self, name: str) -> Optional[str]:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    @property
    def header_map(self) -> Dict[str, str]:
        return {k.lower(): v for k, v in self.headers}


class Conn:
    def __init__(self, port: int, timeout: float = 10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buf += chunk
        return True

    def read_until(self, sep: bytes) -> bytes:
        while sep not in self.buf:
            if not self._fill():
                raise EOFError("connection closed; got %r" % self.buf[:200])
        i = self.buf.index(sep) + len(sep)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise EOFError("connection closed after %d of %d bytes" % (len(self.buf), n))
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_to_eof(self) -> bytes:
        while self._fill():
            pass
        out, self.buf = self.buf, b""
        return out

    def closed_by_peer(self) -> bool:
        try:
            return not self._fill() and not self.buf
        except (ConnectionResetError, socket.timeout):
            return True

    def response(self, head: bool = False) -> Response:
        raw = self.read_until(b"\r\n\r\n")
        lines = raw[:-4].split(b"\r\n")
        version, status, reason = (lines[0].decode("latin-1").split(" ", 2) + [""])[:3]
        assert version == "HTTP/1.1", lines[0]
        headers = []
        for line in lines[1:]:
            k, _, v = line.decode("latin-1").partition(":")
            assert k and k == k.strip(), line
            headers.append((k, v.strip()))
        resp = Response(int(status), reason, headers, b"", raw)
        code = int(status)
        if head or code in (204, 304) or 100 <= code < 200:
            return resp
        te = resp.header("Transfer-Encoding")
        cl = resp.header("Content-Length")
        if te is not None:
            assert te.lower() == "chunked", te
            body = b""
            while True:
                size = int(self.read_until(b"\r\n")[:-2].split(b";")[0], 16)
                if size == 0:
                    self.read_until(b"\r\n")
                    break
                body += self.read_exact(size)
                assert self.read_exact(2) == b"\r\n"
            resp.body = body
        elif cl is not None:
            resp.body = self.read_exact(int(cl))
        else:
            resp.body = self.read_to_eof()
        return resp

    def request(self, method: str, path: str, body: bytes = b"", headers: Optional[dict] = None,
                version: str = "HTTP/1.1") -> Response:
        h = {"Host": "test"}
        if body:
            h["Content-Length"] = str(len(body))
        h.update(headers or {})
        head = "%s %s %s\r\n" % (method, path, version) + "".join("%s: %s\r\n" % kv for kv in h.items())
        self.send(head.encode("latin-1") + b"\r\n" + body)
        return self.response(head=(method == "HEAD"))


def get(port: int, path: str, **kw) -> Response:
    c = Conn(port)
    try:
        return c.request(kw.pop("method", "GET"), path, **kw)
    finally:
        c.close()
