"""--request-timeout on an ASGI server: an overrunning request's task is
cancelled (the app sees CancelledError), the client gets 504 (or, when the
response had started, a closed connection / reset stream), it counts as a
504 in the metrics and the access log, and the worker is NOT recycled —
unless the request blocks the event loop, which only a new process fixes."""
from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import time

import pytest

from appserver_harness import free_port
from test_ops_asgi import scrape, value, wait_lines, wait_metrics


def start(start_server, tmp_path, *extra, loop="asyncio"):
    mport = free_port()
    log = tmp_path / "access.log"
    srv = start_server("--interface", "asgi", "--loop", loop, "--workers", "1",
                       "--request-timeout", "1", "--workers-kill-timeout", "3", "--metrics",
                       "--metrics-address", "127.0.0.1:%d" % mport, "--access-log-file", str(log),
                       *extra, "timeout_apps:app")
    return srv, mport, log


def get(port, path, timeout=20):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def seen(port, **want):
    """The app's counters, once they match want (the client has its 504
    a moment before the loop cancels the task)."""
    deadline = time.time() + 10
    while True:
        s = json.loads(get(port, "/seen")[2])
        if all(s[k] == v for k, v in want.items()) or time.time() > deadline:
            return s
        time.sleep(0.05)


def curl(*args):
    return subprocess.run(["curl", "-s", "-S", "-i", "--max-time", "20", "--http2-prior-knowledge", *args],
                          capture_output=True, text=True, timeout=30)


def recycles(mport):
    return value(scrape(mport), "appserver_worker_recycles_total")


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_awaiting_request_is_cancelled_with_504_and_the_worker_stays(start_server, tmp_path, loop):
    srv, mport, log = start(start_server, tmp_path, loop=loop)
    pid = get(srv.port, "/pid")[2]
    t0 = time.time()
    status, hdrs, body = get(srv.port, "/sleep")
    assert status == 504 and hdrs["connection"] == "close" and body == b"request timeout\n"
    assert time.time() - t0 < 15  # not the app's 30 s
    # The task saw CancelledError, and receive() then reported a disconnect.
    s = seen(srv.port, cancelled=1)
    assert s["cancelled"] == 1 and s["receive_after"] == "http.disconnect"
    # The worker keeps serving: same process, no recycle.
    assert get(srv.port, "/pid")[2] == pid
    # A task that swallows the cancellation cannot answer any more: its
    # send() raises (ClientDisconnected); the client had its 504.
    status, _, _ = get(srv.port, "/ignore")
    assert status == 504
    assert seen(srv.port, send_raised=1)["send_raised"] == 1
    # A request leaves the in-flight gauge when its connection goroutine sees
    # the client's next request or close, a moment after the client has the
    # response (the last /seen poll above): wait for both.
    m = wait_metrics(mport, lambda m: value(m, "appserver_requests_total", status="504") == 2
                     and value(m, "appserver_requests_in_flight") == 0)
    assert value(m, "appserver_requests_total", status="504") == 2
    assert value(m, "appserver_request_timeouts_total") == 2
    assert value(m, "appserver_app_errors_total") == 0  # cancelled for the timeout, not failed
    assert value(m, "appserver_requests_in_flight") == 0
    lines = wait_lines(log, 6)
    assert sum(1 for ln in lines if '"GET /sleep' in ln and '" 504 ' in ln) == 1, lines
    assert sum(1 for ln in lines if '"GET /ignore' in ln and '" 504 ' in ln) == 1, lines
    assert get(srv.port, "/pid")[2] == pid
    assert recycles(mport) == 0
    assert "recycling" not in srv.log()


def test_started_streaming_response_is_cut_off(start_server, tmp_path):
    srv, mport, log = start(start_server, tmp_path)
    pid = get(srv.port, "/pid")[2]
    with socket.create_connection(("127.0.0.1", srv.port), timeout=20) as s:
        s.sendall(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        got = b""
        while True:
            b = s.recv(4096)
            if not b:
                break  # the server closed the connection
            got += b
    head, _, rest = got.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"transfer-encoding: chunked" in head.lower()
    assert rest.startswith(b"6\r\nfirst\n\r\n")
    assert not rest.endswith(b"0\r\n\r\n")  # never completed: the client sees it was cut
    assert seen(srv.port, cancelled=1)["cancelled"] == 1
    m = wait_metrics(mport, lambda m: value(m, "appserver_request_timeouts_total") == 1)
    assert value(m, "appserver_request_timeouts_total") == 1
    assert value(m, "appserver_requests_total", status="504") == 1
    assert get(srv.port, "/pid")[2] == pid
    assert recycles(mport) == 0


def test_h2c_timeouts(start_server, tmp_path):
    srv, mport, log = start(start_server, tmp_path)
    pid = get(srv.port, "/pid")[2]
    r = curl("http://127.0.0.1:%d/sleep" % srv.port)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("HTTP/2 504") and r.stdout.endswith("request timeout\n")
    # Started stream: reset, curl reports the incomplete transfer.
    r = curl("http://127.0.0.1:%d/stream" % srv.port)
    assert r.returncode != 0
    assert r.stdout.startswith("HTTP/2 200") and r.stdout.endswith("first\n")
    s = seen(srv.port, cancelled=2)
    assert s["cancelled"] == 2 and s["receive_after"] == "http.disconnect"
    m = wait_metrics(mport, lambda m: value(m, "appserver_request_timeouts_total") == 2)
    assert value(m, "appserver_requests_total", status="504") == 2
    assert get(srv.port, "/pid")[2] == pid
    assert recycles(mport) == 0


def test_blocked_loop_gets_504_from_go_and_the_worker_is_replaced(start_server, tmp_path):
    srv, mport, log = start(start_server, tmp_path)
    pid = get(srv.port, "/pid")[2]
    t0 = time.time()
    status, hdrs, body = get(srv.port, "/block?6")
    assert status == 504 and body == b"request timeout\n"
    assert time.time() - t0 < 5  # Go answered; the loop was still blocked
    deadline = time.time() + 20
    while recycles(mport) < 1 and time.time() < deadline:
        time.sleep(0.1)
    assert value(scrape(mport), "appserver_worker_recycles_total", reason="request-timeout") == 1
    assert re.search(r"worker \d+ replaced by \d+ \(request-timeout\)", srv.log())
    # The replacement serves.
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            now = get(srv.port, "/pid")[2]
        except OSError:
            now = pid
        if now != pid:
            break
        time.sleep(0.1)
    assert now != pid
