"""Eager start (appserver/_asgi_eager.py): a request's first step runs in
the loop's poll callback; an app must not be able to tell, except that it
is faster. current_task(), contextvars, cancellation, timeouts, errors."""
from __future__ import annotations

import http.client
import json
import socket
import threading
import time

import pytest


@pytest.fixture(params=["asyncio", "uvloop"])
def srv(request, start_server):
    return start_server("--interface", "asgi", "--loop", request.param, "eager_apps:app")


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request("GET", path)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def getj(port, path):
    status, data = get(port, path)
    assert status == 200, data
    return json.loads(data)


def test_task_and_context_in_the_first_step(srv):
    for _ in range(3):  # a request's ContextVar.set() never leaks into the next one
        out = getj(srv.port, "/plain")
        assert out == {"task": True, "cv_before": "unset", "in_all_tasks_first_step": False,
                       "by_factory": False, "cv_after": "/plain"}


def test_task_introspection_in_the_first_step(srv):
    out = getj(srv.port, "/introspect")
    assert out["done"] is False and "coro" in out and "name" in out
    assert getj(srv.port, "/plain")["task"]  # the worker is alive


@pytest.mark.parametrize("path", ["/sleep", "/yield"])
def test_suspended_request_keeps_its_task_and_context(srv, path):
    out = getj(srv.port, path)
    assert out["task"] and out["same_task"]
    assert out["cv_before"] == "unset" and out["cv_after"] == path
    if path == "/sleep":
        assert out["in_all_tasks_later"]  # a real, registered Task once it waits


def test_timeout_and_self_cancel(srv):
    out = getj(srv.port, "/timeout")
    assert out["timed_out"] and out["same_task"] and out["cancelling"] == 0
    out = getj(srv.port, "/self-cancel")
    assert out["cancelled_at_await"]


def test_anyio_cancel_scopes_from_the_first_step(srv):
    out = getj(srv.port, "/anyio")
    assert out["fail_after"] and out["moved_on"] and out["task_group"]


def test_child_task_inherits_the_request_context(srv):
    assert getj(srv.port, "/child")["child_cv"] == "/child"


def test_errors_in_and_after_the_first_step(srv):
    assert get(srv.port, "/raise")[0] == 500
    assert get(srv.port, "/raise-later")[0] == 500
    assert getj(srv.port, "/plain")["cv_after"] == "/plain"  # the worker serves on


def test_disconnect_cancels_a_suspended_request(srv):
    before = getj(srv.port, "/stats")
    s = socket.create_connection(("127.0.0.1", srv.port))
    s.sendall(b"GET /wait-for-disconnect HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.3)
    s.close()
    deadline = time.time() + 10
    while time.time() < deadline:
        now = getj(srv.port, "/stats")
        if now["finally"] > before["finally"]:
            break
        time.sleep(0.05)
    assert now["cancelled"] == before["cancelled"] + 1
    assert now["finally"] == before["finally"] + 1


def test_request_and_disconnect_in_one_batch(srv):
    # The request's first step suspends and its client is gone before the
    # Task's first step: the cancellation must still reach the app's await
    # (its finally runs) and the request must end in Go.
    before = getj(srv.port, "/stats")
    blocker = threading.Thread(target=get, args=(srv.port, "/block-loop"))
    blocker.start()
    time.sleep(0.3)  # the loop is asleep in /block-loop now
    for _ in range(20):
        s = socket.create_connection(("127.0.0.1", srv.port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.sendall(b"GET /wait-for-disconnect HTTP/1.1\r\nHost: x\r\n\r\n")
        s.close()  # RST at once
    blocker.join()
    deadline = time.time() + 10
    while time.time() < deadline:
        now = getj(srv.port, "/stats")
        if now["finally"] >= before["finally"] + 20:
            break
        time.sleep(0.05)
    assert now["finally"] == before["finally"] + 20
    assert now["cancelled"] == before["cancelled"] + 20


def test_a_task_factory_the_app_installs_makes_the_request_tasks(srv):
    """Tracing libraries install a loop task factory and expect every
    request's task to come from it: with one installed, requests are
    created through it (no eager start); without, they start eagerly."""
    assert getj(srv.port, "/plain")["by_factory"] is False
    getj(srv.port, "/set-factory")
    for _ in range(3):
        out = getj(srv.port, "/plain")
        assert out["by_factory"] is True and out["cv_after"] == "/plain"
    assert getj(srv.port, "/sleep")["same_task"]
    getj(srv.port, "/unset-factory")
    assert getj(srv.port, "/plain")["by_factory"] is False
