"""--poll-wait: after a batch, the loop may wait in Go for the next one
(appserver/asgi_park.go). It must never lose a wake-up, and with asyncio's
own loop it must never hold back the loop's timers."""
from __future__ import annotations

import asyncio
import http.client
import random
import subprocess
import sys
import threading
import time

import pytest
from websockets.sync.client import connect

import appserver

from conftest import HERE


async def sleepy(scope, receive, send):
    """Answers after 5 ms of asyncio.sleep: every answer needs a timer."""
    if scope["type"] != "http":
        return
    await asyncio.sleep(0.005)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def _clients(port, n_clients, n_requests, pause=0.0, path="/"):
    """n_clients keep-alive connections, each n_requests GETs; returns the
    bodies (or the exceptions) per client."""
    out = [[] for _ in range(n_clients)]

    def client(i):
        rnd = random.Random(i)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            for _ in range(n_requests):
                c.request("GET", path)
                r = c.getresponse()
                out[i].append((r.status, r.read()))
                if pause:
                    time.sleep(rnd.random() * pause)
        except Exception as e:  # a lost wake-up shows as a timeout here
            out[i].append(e)
        finally:
            c.close()

    ts = [threading.Thread(target=client, args=(i,)) for i in range(n_clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    return out


def test_asyncio_timers_bound_the_wait():
    """A 30 s poll wait, an app whose every answer waits for a timer: if the
    wait ignored the timer heap, the first wait after a batch would last the
    full 30 s (no request arrives while every client waits for its answer),
    past the clients' 10 s timeout."""
    t, sock, port = _serve_in_thread(sleepy, loop="asyncio", poll_wait_us=30_000_000)
    try:
        out = _clients(port, 8, 20)
    finally:
        _stop(t, sock)
    assert out == [[(200, b"ok")] * 20] * 8


async def hops(scope, receive, send):
    """HTTP: answers after three loop hops (asyncio.sleep(0): call_soon, no
    timer); WebSocket: echoes every message."""
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        while True:
            m = await receive()
            if m["type"] == "websocket.disconnect":
                return
            await send({"type": "websocket.send", "text": m["text"]})
    if scope["type"] != "http":
        return
    for _ in range(3):
        await asyncio.sleep(0)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def _serve_in_thread(app, **kw):
    sock = appserver.bind("127.0.0.1", 0)
    t = threading.Thread(target=appserver.serve_asgi, args=(app,), kwargs=dict(sock=sock, lifespan=False, **kw))
    t.start()
    port = sock.getsockname()[1]
    _wait_up(port)
    return t, sock, port


def _stop(t, sock):
    appserver.stop()
    t.join(30)
    sock.close()
    assert not t.is_alive()


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
def test_requests_in_flight_are_never_waited_over(loop):
    """uvloop does not show its ready callbacks: with a request or a
    WebSocket in flight, a task step or a send's flush may be queued behind
    the poll, so the loop must not wait in Go then. A 30 s poll wait: if it
    did, these would stall past the clients' 10 s timeout."""
    t, sock, port = _serve_in_thread(hops, loop=loop, poll_wait_us=30_000_000)
    try:
        out = _clients(port, 4, 10)
        with connect("ws://127.0.0.1:%d/" % port, open_timeout=10, close_timeout=5) as ws:
            echoes = []
            for i in range(20):
                ws.send("m%d" % i)
                echoes.append(ws.recv(timeout=10))
    finally:
        _stop(t, sock)
    assert out == [[(200, b"ok")] * 10] * 4
    assert echoes == ["m%d" % i for i in range(20)]


def _wait_up(port):
    deadline = time.time() + 10
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/")
            c.getresponse().read()
            c.close()
            return
        except OSError:
            assert time.time() < deadline
            time.sleep(0.05)


def test_no_lost_wakeups_with_short_waits(start_server):
    """Waits of 20 µs with clients that pause at random between requests:
    many waits end by their timer while a request is on its way, the race
    a lost wake-up would hang on (the clients then time out)."""
    srv = start_server("--interface", "asgi", "--loop", "uvloop", "--poll-wait", "20", "apps_asgi:app")
    out = _clients(srv.port, 16, 60, pause=0.002, path="/scope")
    for per_client in out:
        assert len(per_client) == 60
        assert all(isinstance(x, tuple) and x[0] == 200 for x in per_client), per_client[-1]


def test_zero_turns_the_wait_off(start_server):
    srv = start_server("--interface", "asgi", "--loop", "uvloop", "--poll-wait", "0", "apps_asgi:app")
    out = _clients(srv.port, 4, 25, path="/scope")
    assert all(len(c) == 25 and all(x[0] == 200 for x in c) for c in out)


def test_negative_wait_is_refused():
    p = subprocess.run([sys.executable, "-m", "appserver", "--interface", "asgi", "--poll-wait", "-5",
                        "apps_asgi:app"], cwd=HERE, capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    assert "--poll-wait must not be negative" in p.stderr
