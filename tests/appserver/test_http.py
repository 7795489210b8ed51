"""HTTP/1.1 on the wire: keep-alive, HEAD, chunked both ways, limits,
timeouts, and request-smuggling shapes answered 400 without reaching the
app (raw sockets, so every byte is under the test's control)."""
import json
import time

import pytest

from rawhttp import Conn, get


def calls(port):
    return json.loads(get(port, "/calls").body)["n"]


def test_hello_and_keepalive(server):
    c = Conn(server.port)
    for _ in range(5):
        r = c.request("GET", "/hello")
        assert r.status == 200 and r.body == b"hello"
        assert r.header("Content-Length") == "5"
        assert r.header("Date")
    c.close()


def test_pipelined_requests(server):
    c = Conn(server.port)
    c.send(b"GET /hello HTTP/1.1\r\nHost: a\r\n\r\nGET /pid HTTP/1.1\r\nHost: a\r\n\r\n")
    assert c.response().body == b"hello"
    assert c.response().body.isdigit()
    c.close()


def test_head_has_no_body(server):
    c = Conn(server.port)
    r = c.request("HEAD", "/hello")
    assert r.status == 200 and r.header("Content-Length") == "5"
    # The next response starts right away: no body bytes were sent.
    r = c.request("GET", "/hello")
    assert r.body == b"hello"
    c.close()


def test_http10_closes_unless_keepalive(server):
    c = Conn(server.port)
    r = c.request("GET", "/hello", version="HTTP/1.0")
    assert r.status == 200 and r.body == b"hello"
    assert r.header("Connection") == "close"
    assert c.closed_by_peer()
    c = Conn(server.port)
    r = c.request("GET", "/hello", version="HTTP/1.0", headers={"Connection": "keep-alive"})
    assert r.header("Connection") == "keep-alive"
    assert c.request("GET", "/hello", version="HTTP/1.0", headers={"Connection": "keep-alive"}).status == 200
    c.close()


def test_connection_close(server):
    c = Conn(server.port)
    r = c.request("GET", "/hello", headers={"Connection": "close"})
    assert r.header("Connection") == "close"
    assert c.closed_by_peer()


def test_content_length_body(server):
    r = get(server.port, "/echo", method="POST", body=b"x" * 5000)
    assert r.status == 200 and r.body == b"x" * 5000
    assert r.header("X-Content-Length") == "5000"


def test_chunked_request_body(server):
    c = Conn(server.port)
    c.send(b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: 1\r\n\r\n")
    r = c.response()
    assert r.status == 200 and r.body == b"hello world"
    # The decoded length is given to the app as CONTENT_LENGTH.
    assert r.header("X-Content-Length") == "11"
    assert c.request("GET", "/hello").status == 200
    c.close()


def test_expect_100_continue(server):
    c = Conn(server.port)
    c.send(b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
    assert c.read_until(b"\r\n\r\n") == b"HTTP/1.1 100 Continue\r\n\r\n"
    c.send(b"abc")
    assert c.response().body == b"abc"
    c.close()


SMUGGLING = {
    "cl_and_te": b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "two_cl": b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
    "two_equal_cl": b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd",
    "cl_list": b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4, 4\r\n\r\nabcd",
    "cl_sign": b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: +4\r\n\r\nabcd",
    "cl_hex": b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 0x4\r\n\r\nabcd",
    "te_not_last": b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
    "te_twice": b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "te_http10": b"POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "bad_chunk_size": b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
    "negative_chunk": b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nabc\r\n0\r\n\r\n",
    "chunk_too_long": b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
    "chunk_overflow": b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\na\r\n0\r\n\r\n",
    "obs_fold": b"GET /hello HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  continued\r\n\r\n",
    "space_before_colon": b"GET /hello HTTP/1.1\r\nHost: a\r\nContent-Length : 0\r\n\r\n",
    "bare_lf": b"GET /hello HTTP/1.1\nHost: a\n\n",
    "bare_cr_in_value": b"GET /hello HTTP/1.1\r\nHost: a\r\nX-A: 1\r2\r\n\r\n",
    "nul_in_value": b"GET /hello HTTP/1.1\r\nHost: a\r\nX-A: 1\x002\r\n\r\n",
    "no_host": b"GET /hello HTTP/1.1\r\n\r\n",
    "two_hosts": b"GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "bad_version": b"GET /hello HTTP/1.x\r\nHost: a\r\n\r\n",
    "bad_method": b"G(T /hello HTTP/1.1\r\nHost: a\r\n\r\n",
    "space_in_target": b"GET /he llo HTTP/1.1\r\nHost: a\r\n\r\n",
    "bad_target": b"GET hello HTTP/1.1\r\nHost: a\r\n\r\n",
    "bad_escape": b"GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n",
    "empty_header_name": b"GET /hello HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n",
}


@pytest.mark.parametrize("name", sorted(SMUGGLING))
def test_smuggling_shapes_get_400_without_reaching_the_app(server, name):
    before = calls(server.port)
    c = Conn(server.port)
    c.send(SMUGGLING[name])
    r = c.response()
    assert r.status in (400, 501), (name, r.status)
    assert r.header("Connection") == "close"
    assert c.closed_by_peer()
    assert calls(server.port) == before + 1  # only the /calls request itself
    c.close()


def test_unknown_transfer_coding_is_501(server):
    c = Conn(server.port)
    c.send(b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n")
    assert c.response().status == 501


def test_http2_version_is_505(server):
    c = Conn(server.port)
    c.send(b"GET / HTTP/2.0\r\nHost: a\r\n\r\n")
    assert c.response().status == 505


def test_header_too_large_431(server):
    c = Conn(server.port)
    c.send(b"GET /hello HTTP/1.1\r\nHost: a\r\nX-Big: " + b"a" * 8000 + b"\r\n\r\n")
    assert c.response().status == 431


def test_body_too_large_413(server):
    c = Conn(server.port)
    c.send(b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 200000\r\n\r\n")
    assert c.response().status == 413
    c = Conn(server.port)
    chunk = b"%x\r\n%s\r\n" % (60000, b"a" * 60000)
    c.send(b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk)
    assert c.response().status == 413


def test_slow_header_times_out(server):
    # --header-timeout 1: a client trickling its head is cut off.
    c = Conn(server.port)
    c.send(b"GET /hello HTTP/1.1\r\n")
    t0 = time.time()
    r = c.response()
    assert r.status == 408
    assert time.time() - t0 < 5
    # A complete request on another connection is unaffected.
    assert get(server.port, "/hello").status == 200


def test_idle_keepalive_timeout(server):
    # --keepalive-timeout 2: an idle connection is closed by the server.
    c = Conn(server.port)
    assert c.request("GET", "/hello").status == 200
    t0 = time.time()
    assert c.closed_by_peer()
    assert 1 <= time.time() - t0 < 6


def test_keepalive_timeout_counts_from_the_last_response(server):
    # --keepalive-timeout 2: a connection busy for longer than that, with
    # pauses under it, stays open (the deadline moves with each response,
    # even when the server keeps an earlier one that is close enough).
    c = Conn(server.port)
    t0 = time.time()
    while time.time() - t0 < 5:
        assert c.request("GET", "/hello").status == 200
        time.sleep(0.4)
    t1 = time.time()
    assert c.closed_by_peer()
    assert 1.5 <= time.time() - t1 < 6


def test_underscore_headers_dropped_and_duplicates_joined(server):
    c = Conn(server.port)
    c.send(b"GET /environ HTTP/1.1\r\nHost: a\r\nX-Dup: 1\r\nX-Dup: 2\r\nX_Spoof: 1\r\n"
           b"Cookie: a=1\r\nCookie: b=2\r\n\r\n")
    env = json.loads(c.response().body)
    assert env["HTTP_X_DUP"] == "1, 2"
    assert env["HTTP_COOKIE"] == "a=1; b=2"
    assert "HTTP_X_SPOOF" not in env
    c.close()
