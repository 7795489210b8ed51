"""WebSockets through the real command line, with the `websockets` client
and raw frames for the invalid cases."""
from __future__ import annotations

import base64
import json
import os
import socket
import struct

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from test_http_asgi import get, wait_for


@pytest.fixture
def ws_server(start_server):
    return start_server("--interface", "asgi", "--max-body-size", "1000000", "apps_asgi:ws_app")


def url(srv, path):
    return "ws://127.0.0.1:%d%s" % (srv.port, path)


def ws_stats(srv):
    return json.loads(get(srv.port, "/")[1])


def test_echo_text_binary_and_many_messages(ws_server):
    with connect(url(ws_server, "/echo")) as ws:
        assert ws.response.headers["x-accepted"] == "yes"
        ws.send("héllo")
        assert ws.recv(5) == "héllo"
        ws.send(b"\x00\xff" * 1000)
        assert ws.recv(5) == b"\x00\xff" * 1000
        for i in range(500):
            ws.send("m%d" % i)
        for i in range(500):
            assert ws.recv(5) == "m%d" % i
        big = os.urandom(900_000)
        ws.send(big)
        assert ws.recv(10) == big
        # A fragmented message arrives whole.
        ws.send(iter(["frag", "mented"]))
        assert ws.recv(5) == "fragmented"
        ws.close(4002, "client done")
    assert wait_for(lambda: ws_stats(ws_server)["disconnect_codes"] == [4002])


def test_scope_and_subprotocol(ws_server):
    with connect(url(ws_server, "/info?x=1"), subprotocols=["chat", "other"]) as ws:
        assert ws.subprotocol == "chat"
        info = json.loads(ws.recv(5))
    assert info == {"path": "/info", "query": "x=1", "scheme": "ws",
                    "subprotocols": ["chat", "other"], "state": {"started_by": "lifespan"}}


def test_ping_pong(ws_server):
    with connect(url(ws_server, "/echo")) as ws:
        for _ in range(3):
            assert ws.ping().wait(5)
        ws.send("after ping")
        assert ws.recv(5) == "after ping"


def test_server_close_code_and_send_after_close(ws_server):
    with connect(url(ws_server, "/close")) as ws:
        with pytest.raises(ConnectionClosed) as e:
            ws.recv(5)
    assert e.value.rcvd.code == 4001 and e.value.rcvd.reason == "bye"
    assert wait_for(lambda: ws_stats(ws_server)["send_after_close"] == 1)


def test_close_before_accept_is_403_and_denial_response(ws_server):
    with pytest.raises(InvalidStatus) as e:
        connect(url(ws_server, "/deny"))
    assert e.value.response.status_code == 403
    with pytest.raises(InvalidStatus) as e:
        connect(url(ws_server, "/denyresp"))
    assert e.value.response.status_code == 401 and e.value.response.body == b"no entry"


def _handshake(srv):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    key = base64.b64encode(os.urandom(16))
    s.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    assert head.startswith(b"HTTP/1.1 101")
    return s


def _frame(opcode, payload, fin=True, mask=True):
    b0 = (0x80 if fin else 0) | opcode
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", b0, (0x80 if mask else 0) | n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, (0x80 if mask else 0) | 126, n)
    else:
        head = struct.pack("!BBQ", b0, (0x80 if mask else 0) | 127, n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(c ^ key[i % 4] for i, c in enumerate(payload))


def _close_code(s):
    """Reads frames until the server's close frame; returns its code."""
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return None
        buf += chunk
        while len(buf) >= 2:
            op, n = buf[0] & 0x0F, buf[1] & 0x7F
            off = 2
            if n == 126:
                n, off = struct.unpack("!H", buf[2:4])[0], 4
            elif n == 127:
                n, off = struct.unpack("!Q", buf[2:10])[0], 10
            if len(buf) < off + n:
                break
            payload, buf = buf[off:off + n], buf[off + n:]
            if op == 8:
                return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005


@pytest.mark.parametrize("frame,code", [
    (_frame(0x1, b"\xff\xfe bad utf-8"), 1007),  # invalid UTF-8 in a text message
    (_frame(0x3, b"x"), 1002),  # reserved opcode
    (_frame(0x1, b"unmasked", mask=False), 1002),  # clients must mask
    (_frame(0x2, b"x" * 1_100_000), 1009),  # beyond --max-body-size
    (_frame(0x9, b"p" * 200), 1002),  # control frame longer than 125 bytes
    (_frame(0x9, b"ping", fin=False), 1002),  # fragmented control frame
])
def test_invalid_frames_get_the_right_close_code(ws_server, frame, code):
    s = _handshake(ws_server)
    s.sendall(frame)
    assert _close_code(s) == code
    s.close()
    # The server is fine afterwards.
    with connect(url(ws_server, "/echo")) as ws:
        ws.send("ok")
        assert ws.recv(5) == "ok"


def test_bad_handshakes(ws_server):
    for raw, status in (
            (b"GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", b"426"),
            (b"GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             b"Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n", b"400"),
            (b"POST /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", b"400")):
        with socket.create_connection(("127.0.0.1", ws_server.port), timeout=5) as s:
            s.sendall(raw)
            assert s.recv(100).startswith(b"HTTP/1.1 " + status)


def test_many_connections_do_not_leak(ws_server):
    from test_http_asgi import _rss_mb
    pid = ws_server.worker_pids()[0]

    def burst(n, start):
        for i in range(start, start + n):
            with connect(url(ws_server, "/echo")) as ws:
                ws.send("x%d" % i)
                assert ws.recv(5) == "x%d" % i
    burst(100, 0)
    base = _rss_mb(pid)
    burst(300, 100)
    assert wait_for(lambda: len(ws_stats(ws_server)["disconnect_codes"]) == 400)
    assert _rss_mb(pid) - base < 8


def test_app_not_receiving_pauses_the_reader(ws_server):
    """Inbound flow control: while the app does not receive, the server
    stops reading, so the client's sends back up instead of the server
    buffering them."""
    import threading
    total = 256 * 65536  # 16 MiB
    with connect(url(ws_server, "/slowreader?%d" % total), max_size=None) as ws:
        done = threading.Event()

        def sender():
            chunk = b"z" * 65536
            for _ in range(256):
                ws.send(chunk)
            done.set()
        t = threading.Thread(target=sender, daemon=True)
        t.start()
        assert not done.wait(1.2)  # blocked: the server is not reading
        assert ws.recv(30) == str(total)
        t.join(10)
        assert done.is_set()
