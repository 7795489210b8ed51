"""Chunked request bodies longer than the server's read-ahead (64 KiB) are
streamed to wsgi.input while the app runs; shorter ones arrive whole. Limits
and framing errors hold in both cases (raw sockets)."""
from __future__ import annotations

from rawhttp import Conn

HEAD = b"POST %s HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
BIG = 70000  # over the 64 KiB read-ahead: the app starts before the body ends


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def test_app_reads_a_chunked_upload_as_it_arrives(server):
    c = Conn(server.port)
    c.send(HEAD % b"/upload" + chunk(b"a" * BIG))
    head = c.read_until(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"Transfer-Encoding: chunked" in head
    # The app has read all that was sent and now waits for the next chunk:
    # the client has not sent it yet.
    assert c.read_until(b"got %d\n" % BIG)
    c.send(chunk(b"b" * 10))
    assert c.read_until(b"got %d\n" % (BIG + 10))
    c.send(b"0\r\nX-Trailer: t\r\n\r\n")
    rest = c.read_until(b"0\r\n\r\n")
    # No CONTENT_LENGTH for a streamed body (read until EOF, PEP 3333).
    assert b"end %d -\n" % (BIG + 10) in rest
    # The connection serves on.
    assert c.request("GET", "/hello").body == b"hello"
    c.close()


def test_readline_and_iteration_cross_chunk_boundaries(server):
    c = Conn(server.port)
    lines = [b"x" * 1000 + b"\n"] * 80  # 80080 bytes
    data = b"".join(lines)
    # Chunk boundaries in the middle of lines.
    parts = [data[i:i + 777] for i in range(0, len(data), 777)]
    c.send(HEAD % b"/upload?lines" + b"".join(chunk(p) for p in parts) + b"0\r\n\r\n")
    r = c.response()
    assert r.status == 200
    assert r.body.count(b"line 1001\n") == 80
    assert r.body.endswith(b"end %d -\n" % len(data))
    c.close()


def test_streamed_body_read_whole_by_the_app(server):
    c = Conn(server.port)
    data = bytes(range(256)) * 300  # 76800 bytes
    c.send(HEAD % b"/echo" + chunk(data[:50000]) + chunk(data[50000:]) + b"0\r\n\r\n")
    r = c.response()
    assert r.status == 200 and r.body == data
    assert r.header("X-Content-Length") == "-"
    c.close()


def test_short_chunked_body_arrives_whole_with_content_length(server):
    c = Conn(server.port)
    c.send(HEAD % b"/echo" + chunk(b"hello") + chunk(b" world") + b"0\r\n\r\n")
    r = c.response()
    assert r.body == b"hello world" and r.header("X-Content-Length") == "11"
    c.close()


def test_streamed_body_over_the_limit_gets_413(server):
    # --max-body-size 100000: the app is already reading when the limit is
    # crossed; its read raises and the server answers 413 and closes.
    c = Conn(server.port)
    c.send(HEAD % b"/echo" + chunk(b"a" * BIG) + chunk(b"b" * 40000) + b"0\r\n\r\n")
    r = c.response()
    assert r.status == 413
    assert r.header("Connection") == "close"
    assert c.closed_by_peer()


def test_bad_chunk_size_in_a_streamed_body_gets_400(server):
    for bad in (b"zz\r\nabc\r\n0\r\n\r\n", b"-1\r\nabc\r\n0\r\n\r\n", b"2\r\nabc\r\n0\r\n\r\n",
                b"ffffffffffffffffff\r\na\r\n0\r\n\r\n"):
        c = Conn(server.port)
        c.send(HEAD % b"/echo" + chunk(b"a" * BIG) + bad)
        r = c.response()
        assert r.status == 400, bad
        assert c.closed_by_peer()


def test_unread_streamed_body_is_drained_for_keepalive(server):
    c = Conn(server.port)
    c.send(HEAD % b"/hello" + chunk(b"a" * BIG) + chunk(b"b" * 5000) + b"0\r\n\r\n")
    assert c.response().body == b"hello"
    assert c.request("GET", "/hello").body == b"hello"
    c.close()


def test_client_gone_mid_body_frees_the_thread(server):
    for _ in range(4):  # more than the server's 2 threads
        c = Conn(server.port)
        c.send(HEAD % b"/echo" + chunk(b"a" * BIG))
        c.close()
    c = Conn(server.port)
    assert c.request("GET", "/hello").body == b"hello"
    c.close()
