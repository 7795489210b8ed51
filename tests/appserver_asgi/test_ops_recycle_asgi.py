"""The WSGI server's process-model features on an ASGI server (issue 9:
"must all work for ASGI too"): --max-requests recycling and SIGHUP rolling
reload under load with no failed request, --workers-lifetime,
--workers-max-rss, and
health/readiness answered while a worker drains."""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

OPS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "appserver_ops")
if OPS not in sys.path:
    sys.path.append(OPS)

from appserver_harness import free_port  # noqa: E402
from httpc import Client, get  # noqa: E402  (tests/appserver_ops)
from load import Load  # noqa: E402
from test_ops_asgi import scrape, value  # noqa: E402


def start(start_server, *extra):
    mport = free_port()
    srv = start_server("--interface", "asgi", "--loop", "asyncio", "--metrics",
                       "--metrics-address", "127.0.0.1:%d" % mport, *extra, "timeout_apps:app")
    return srv, mport


def recycles(mport, reason):
    try:
        return value(scrape(mport), "appserver_worker_recycles_total", reason=reason)
    except OSError:
        return 0


def wait_for(cond, timeout=30.0, what=""):
    deadline = time.time() + timeout
    while not cond():
        assert time.time() < deadline, "timed out waiting for " + what
        time.sleep(0.1)


def test_max_requests_under_load(start_server):
    srv, mport = start(start_server, "--workers", "2", "--max-requests", "40", "--max-requests-jitter", "20")
    with Load(srv.port, clients=4) as load:
        wait_for(lambda: recycles(mport, "max-requests") >= 3, what="3 recycles\n" + srv.log())
    assert load.failures == []
    assert load.ok > 120
    assert len(load.pids) >= 4  # the first two workers and replacements


def test_max_requests_keepalive_clients(start_server):
    srv, mport = start(start_server, "--workers", "2", "--max-requests", "30")
    with Load(srv.port, clients=4, keepalive=True) as load:
        wait_for(lambda: recycles(mport, "max-requests") >= 2, what="2 recycles\n" + srv.log())
        time.sleep(1)
    assert load.failures == []
    assert len(load.pids) >= 3


def test_sighup_rolling_reload_under_load(start_server):
    srv, mport = start(start_server, "--workers", "2")
    before = {get(srv.port, "/pid")[2].decode() for _ in range(20)}
    with Load(srv.port, clients=4) as load:
        time.sleep(0.5)
        srv.signal(signal.SIGHUP)
        wait_for(lambda: recycles(mport, "reload") == 2, what="both workers reloaded\n" + srv.log())
        time.sleep(0.5)
    assert load.failures == []
    after = {get(srv.port, "/pid")[2].decode() for _ in range(20)}
    assert after and not (after & before)
    assert srv.proc.poll() is None


def test_workers_lifetime(start_server):
    srv, mport = start(start_server, "--workers", "1", "--workers-lifetime", "1.5")
    with Load(srv.port, clients=2) as load:
        wait_for(lambda: recycles(mport, "lifetime") >= 2, what="2 lifetime recycles\n" + srv.log())
    assert load.failures == []
    assert len(load.pids) >= 2


def test_workers_max_rss(start_server):
    # 1 MiB: every worker is over it, so each is replaced in turn.
    srv, mport = start(start_server, "--workers", "1", "--workers-max-rss", "1")
    with Load(srv.port, clients=2) as load:
        wait_for(lambda: recycles(mport, "max-rss") >= 2, what="2 max-rss recycles\n" + srv.log())
    assert load.failures == []
    assert len(load.pids) >= 2


def test_health_and_readiness_while_draining(start_server):
    srv, mport = start(start_server, "--workers", "1", "--liveness-path", "/healthz",
                       "--readiness-path", "/readyz", "--grace-timeout", "10")
    assert get(srv.port, "/readyz")[0] == 200
    slow = []
    t = threading.Thread(target=lambda: slow.append(get(srv.port, "/slow?2")))
    t.start()
    time.sleep(0.5)
    spare = [Client(srv.port) for _ in range(12)]
    c = Client(srv.port)
    time.sleep(0.3)
    srv.signal(signal.SIGTERM)
    seen = []
    deadline = time.time() + 10
    while spare and time.time() < deadline:  # until the worker has begun to drain
        status, _, body = spare.pop().request("/readyz")
        seen.append((status, body))
        if status == 503:
            break
        time.sleep(0.2)
    assert seen[-1] == (503, b"draining\n"), seen
    assert c.request("/healthz")[0] == 200  # alive while draining
    refused = False
    deadline = time.time() + 5
    while not refused and time.time() < deadline:
        try:
            assert get(srv.port, "/readyz")[0] != 200
            time.sleep(0.05)
        except ConnectionRefusedError:
            refused = True
        except ConnectionError:
            time.sleep(0.05)
    assert refused
    for x in spare:
        x.close()
    c.close()
    t.join(10)
    assert slow and slow[0][0] == 200 and slow[0][2] == b"slow"  # the request in flight finished
    assert srv.proc.wait(20) == 0
