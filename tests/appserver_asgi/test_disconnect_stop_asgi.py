"""Clients that leave before their response: every request must still end
in Go, so the worker stops at once rather than after its grace period (the
ASGI teardown of h2spec 5.1.2 and 6.1/2 took the whole grace period). The
loop is blocked while the requests arrive and their clients leave, so each
request and its disconnect reach the loop in the same poll: with
--cancel-on-disconnect the task is cancelled before its first step (its
coroutine never runs); without it the app's send() is refused (the client
is gone) and raises. HTTP/1.1 and HTTP/2 (with streams also blocked on a
zero flow-control window) alike."""
from __future__ import annotations

import signal
import socket
import subprocess
import time

import h2.config
import h2.connection
import h2.events
import h2.settings
import pytest

from test_ops_asgi import free_port, scrape, value, wait_metrics

LEAVERS = 20  # requests whose clients leave while the loop is blocked
GRACE = "60"  # far above the bounds below: a stop that waits for it fails


def start(start_server, *extra):
    mport = free_port()
    srv = start_server("--interface", "asgi", "--loop", "asyncio", "--workers", "1",
                       "--grace-timeout", GRACE, "--metrics", "--metrics-address",
                       "127.0.0.1:%d" % mport, *extra, "apps_asgi:app")
    return srv, mport


def block_loop(port: int, seconds: float) -> socket.socket:
    """GET /block-loop on its own connection; returns once the loop is blocked."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /block-loop?%g HTTP/1.1\r\nHost: x\r\n\r\n" % seconds)
    got = b""
    while b"blocking\n" not in got:
        chunk = s.recv(4096)
        assert chunk, got
        got += chunk
    return s


def h2_client(port: int):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    c = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    c.initiate_connection()
    # No DATA may reach us: responses wait for window (RFC 9113 6.9.2).
    c.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0})
    s.sendall(c.data_to_send())
    return s, c


def open_streams(s: socket.socket, c, n: int) -> list:
    ids = []
    for _ in range(n):
        sid = c.get_next_available_stream_id()
        c.send_headers(sid, [(":method", "GET"), (":path", "/"), (":scheme", "http"),
                             (":authority", "x")], end_stream=True)
        ids.append(sid)
    s.sendall(c.data_to_send())
    return ids


def wait_heads(s: socket.socket, c, ids: list) -> None:
    """Reads until every stream has its response HEADERS (its DATA is held back)."""
    heads = set()
    while not heads >= set(ids):
        data = s.recv(65536)
        assert data, heads
        for ev in c.receive_data(data):
            if isinstance(ev, h2.events.ResponseReceived):
                heads.add(ev.stream_id)


def leave(socks: list) -> None:
    """Leaves: FIN on each (our unread input would turn a close into a reset
    that may drop what we sent), then waits for the server's closes."""
    for s in socks:
        s.shutdown(socket.SHUT_WR)
    deadline = time.time() + 5  # bounded: a request that never ends keeps its connection
    for s in socks:
        try:
            s.settimeout(max(0.01, deadline - time.time()))
            while s.recv(65536):
                pass
        except OSError:
            pass
        s.close()


def stop_within(srv, seconds: float) -> int:
    srv.signal(signal.SIGTERM)
    try:
        return srv.proc.wait(seconds)
    except subprocess.TimeoutExpired:
        raise AssertionError("the server did not stop within %gs (grace %ss):\n%s"
                             % (seconds, GRACE, srv.log()))


@pytest.mark.parametrize("cancel", ["--cancel-on-disconnect", "--no-cancel-on-disconnect"])
@pytest.mark.parametrize("proto", ["http/1.1", "h2"])
def test_requests_whose_clients_leave_end_and_the_worker_stops(start_server, proto, cancel):
    srv, mport = start(start_server, cancel)
    m0 = scrape(mport)
    if proto == "h2":
        s, c = h2_client(srv.port)
        held = open_streams(s, c, 3)
        wait_heads(s, c, held)  # three responses wait for window: their writers are blocked
        blocker = block_loop(srv.port, 1.0)
        open_streams(s, c, LEAVERS)
        leave([s])
    else:
        blocker = block_loop(srv.port, 1.0)
        socks = []
        for _ in range(LEAVERS):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            socks.append(s)
        leave(socks)
    got = b""
    while not got.endswith(b"0\r\n\r\n"):
        chunk = blocker.recv(4096)
        assert chunk, got
        got += chunk
    blocker.close()
    # Every request ended (in flight back to 0): the ones whose clients left
    # are counted as 499 (or 200 when the response went out first).
    want = LEAVERS + 1 + (3 if proto == "h2" else 0)
    m = wait_metrics(mport, lambda m: value(m, "appserver_requests_in_flight") == 0
                     and sum(m["requests"].values()) - sum(m0["requests"].values()) == want)
    assert value(m, "appserver_requests_in_flight") == 0, srv.log()
    assert sum(m["requests"].values()) - sum(m0["requests"].values()) == want
    assert stop_within(srv, 10) == 0
