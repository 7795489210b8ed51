"""wsgi.input for a chunked request body streamed while the app runs.

The server hands over small chunked bodies whole (an io.BytesIO); a body
longer than its read-ahead (64 KiB) is read from the connection as the app
reads: read(n) blocks until n bytes or the end of the body, readline() until
a newline, read1(n) returns what the next chunk holds. The raw reads go to Go
(_goaccel.server.read_body), which releases the GIL while it waits for the
network. A broken chunk or a body over --max-body-size raises OSError; the
server then answers 400 or 413 itself.
"""
from __future__ import annotations

import io

from _goaccel import server as _native


class _RawBody(io.RawIOBase):
    def __init__(self, stream_id: int) -> None:
        super().__init__()
        self._id = stream_id

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        data = _native.read_body(self._id, len(b))
        n = len(data)
        b[:n] = data
        return n


def stream_input(stream_id: int) -> io.BufferedReader:
    return io.BufferedReader(_RawBody(stream_id), 65536)
