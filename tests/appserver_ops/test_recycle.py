"""Recycling under load: --max-requests (+ jitter), --workers-lifetime,
--workers-max-rss, --request-timeout (504 and replacement) and SIGHUP
rolling reload, with no failed request."""
from __future__ import annotations

import re
import signal
import threading
import time

from prometheus_client.parser import text_string_to_metric_families

from httpc import get
from load import Load


def recycles(srv):
    out = {}
    try:
        text = srv.metrics()
    except OSError as e:
        raise AssertionError("metrics unavailable (%s); server log:\n%s" % (e, srv.log()))
    for f in text_string_to_metric_families(text):
        for s in f.samples:
            if s.name == "appserver_worker_recycles_total":
                out[s.labels["reason"]] = int(s.value)
    return out


def wait_for(cond, timeout=30.0, what=""):
    deadline = time.time() + timeout
    while not cond():
        assert time.time() < deadline, "timed out waiting for " + what
        time.sleep(0.1)


def test_max_requests_with_jitter_under_load(start_server):
    srv = start_server("--workers", "2", "--threads", "2", "--max-requests", "40",
                       "--max-requests-jitter", "20", "--metrics", "ops_apps:app")
    with Load(srv.port, clients=4) as load:
        wait_for(lambda: recycles(srv).get("max-requests", 0) >= 3, what="3 recycles")
    assert load.failures == []
    assert load.ok > 120
    assert len(load.pids) >= 4  # the first two workers and replacements
    # No worker served many more requests than its limit plus what it took
    # while its replacement started (the supervisor starts one first).
    assert re.search(r"worker \d+ replaced by \d+ \(max-requests\)", srv.log())


def test_max_requests_keepalive_clients(start_server):
    srv = start_server("--workers", "2", "--threads", "2", "--max-requests", "30", "--metrics",
                       "ops_apps:app")
    with Load(srv.port, clients=4, keepalive=True) as load:
        wait_for(lambda: recycles(srv).get("max-requests", 0) >= 2, what="2 recycles")
        time.sleep(1)  # the clients move to the replacements
    assert load.stale_retries >= 0
    assert load.failures == []
    assert len(load.pids) >= 3


def test_sighup_rolling_reload_under_load(start_server):
    srv = start_server("--workers", "2", "--threads", "2", "--metrics", "ops_apps:app")
    before = {get(srv.port, "/pid")[2].decode() for _ in range(20)}
    with Load(srv.port, clients=4) as load:
        time.sleep(0.5)
        srv.signal(signal.SIGHUP)
        wait_for(lambda: recycles(srv).get("reload", 0) == 2, what="both workers reloaded")
        time.sleep(0.5)
    assert load.failures == []
    after = {get(srv.port, "/pid")[2].decode() for _ in range(20)}
    assert after and not (after & before)
    assert srv.proc.poll() is None


def test_request_timeout_answers_504_and_replaces_the_worker(start_server):
    srv = start_server("--workers", "2", "--threads", "2", "--request-timeout", "1",
                       "--workers-kill-timeout", "3", "--metrics", "ops_apps:app")
    hung = {}

    def hang():
        t0 = time.time()
        hung["resp"] = get(srv.port, "/hang")
        hung["dt"] = time.time() - t0

    with Load(srv.port, clients=3) as load:
        t = threading.Thread(target=hang)
        t.start()
        t.join(20)
        wait_for(lambda: recycles(srv).get("request-timeout", 0) == 1, what="the recycle")
        time.sleep(0.5)
    status, hdrs, body = hung["resp"]
    assert status == 504 and hdrs["connection"] == "close"
    assert hung["dt"] < 15  # not the app's 60 s
    assert load.failures == []
    # The stuck worker is killed after the kill timeout; two workers serve.
    m = re.search(r"worker (\d+) replaced by (\d+) \(request-timeout\)", srv.log())
    assert m
    old = int(m.group(1))
    wait_for(lambda: not _alive(old), timeout=15, what="the stuck worker to be gone")
    fams = {f.name: f for f in text_string_to_metric_families(srv.metrics())}
    assert sum(s.value for s in fams["appserver_workers"].samples) == 2


def test_workers_lifetime(start_server):
    srv = start_server("--workers", "1", "--workers-lifetime", "1.5", "--metrics", "ops_apps:app")
    with Load(srv.port, clients=2) as load:
        wait_for(lambda: recycles(srv).get("lifetime", 0) >= 2, what="2 lifetime recycles")
    assert load.failures == []
    assert len(load.pids) >= 2


def test_workers_max_rss(start_server):
    # 1 MiB: every worker is over it, so each is replaced in turn.
    srv = start_server("--workers", "1", "--workers-max-rss", "1", "--metrics", "ops_apps:app")
    with Load(srv.port, clients=2) as load:
        wait_for(lambda: recycles(srv).get("max-rss", 0) >= 2, what="2 max-rss recycles")
    assert load.failures == []


def _alive(pid: int) -> bool:
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
