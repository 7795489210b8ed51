"""serve_asgi() from Python, stop(), stats(); graceful SIGTERM."""
from __future__ import annotations

import http.client
import signal
import socket
import threading
import time

import pytest

import appserver
from test_http_asgi import get


def test_serve_asgi_in_a_thread_and_stop():
    events = []

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                m = await receive()
                events.append(m["type"])
                await send({"type": m["type"] + ".complete"})
                if m["type"] == "lifespan.shutdown":
                    return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"in-process"})

    sock = appserver.bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    t = threading.Thread(target=appserver.serve_asgi, args=(app,), kwargs={"sock": sock, "loop": "asyncio"})
    t.start()
    try:
        deadline = time.time() + 10
        while True:
            try:
                r, data = get(port, "/")
                break
            except OSError:
                assert time.time() < deadline
                time.sleep(0.05)
        assert data == b"in-process"
        assert appserver.stats()["served"] >= 1
    finally:
        appserver.stop()
        t.join(30)
        sock.close()
    assert not t.is_alive()
    assert events == ["lifespan.startup", "lifespan.shutdown"]


def test_bad_arguments():
    with pytest.raises(TypeError):
        appserver.serve_asgi("not callable")
    with pytest.raises(ValueError):
        appserver.serve_asgi(lambda s, r, w: None, loop="tokio")


def test_sigterm_lets_a_streaming_request_finish(start_server):
    srv = start_server("--interface", "asgi", "apps_asgi:app")
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=20)
    c.request("GET", "/stream?5")  # about 1 s of chunks
    r = c.getresponse()
    time.sleep(0.2)
    srv.proc.send_signal(signal.SIGTERM)
    body = r.read()
    assert body.endswith(b"chunk4\nend\n")
    assert srv.proc.wait(30) == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", srv.port), timeout=1).close()
