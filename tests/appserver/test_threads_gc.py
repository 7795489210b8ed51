"""Each worker's threads run blocking requests concurrently (whatever the
GIL-aware limits do to a CPU-bound app), and the worker freezes the app's
import-time objects out of the garbage collector's reach (--gc-freeze, on
by default)."""
import json
import threading

import pytest
from rawhttp import Conn, get


def _slow_get(port, path):
    c = Conn(port, timeout=60)
    try:
        return c.request("GET", path)
    finally:
        c.close()


@pytest.mark.parametrize("mode", [[], ["--queue-timeout", "auto"]], ids=["default", "auto"])
def test_blocking_requests_run_on_all_threads_at_once(start_server, mode):
    # 4 threads, 4 requests that each sleep 0.2 s and then wait for the other
    # three inside the app (a barrier): every one answers 200 only if the 4
    # ran concurrently. Two rounds: the second comes after the adaptive
    # limits have measured the first.
    srv = start_server("--threads", "4", *mode, "apps:app")
    for _ in range(2):
        statuses = []
        lock = threading.Lock()

        def client():
            r = _slow_get(srv.port, "/rendezvous?4")
            with lock:
                statuses.append((r.status, json.loads(r.body)))

        ts = [threading.Thread(target=client) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        assert statuses == [(200, {"met": True})] * 4


def test_fewer_threads_than_requests_cannot_meet(start_server):
    # The check above can fail: with 2 threads, 3 requests never meet (each
    # waits 5 s for the others, then answers 503).
    srv = start_server("--threads", "2", "apps:app")
    statuses = []

    def client():
        statuses.append(_slow_get(srv.port, "/rendezvous?3").status)

    ts = [threading.Thread(target=client) for _ in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(90)
    assert statuses == [503, 503, 503]


def test_worker_freezes_the_app_objects_by_default(start_server):
    srv = start_server("apps:app")
    assert json.loads(get(srv.port, "/gc-frozen").body)["frozen"] > 1000


def test_no_gc_freeze(start_server):
    srv = start_server("--no-gc-freeze", "apps:app")
    assert json.loads(get(srv.port, "/gc-frozen").body)["frozen"] == 0
