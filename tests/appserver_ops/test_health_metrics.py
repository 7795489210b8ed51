"""Health endpoints answered by Go, and the Prometheus endpoint that
aggregates every worker."""
from __future__ import annotations

import signal
import threading
import time
from collections import Counter

from prometheus_client.parser import text_string_to_metric_families

from httpc import Client, get


def families(text: str):
    return {f.name: f for f in text_string_to_metric_families(text)}


def samples(fams, name):
    for f in fams.values():
        for s in f.samples:
            if s.name == name:
                yield s


def test_health_answered_while_the_only_thread_is_busy(start_server):
    srv = start_server("--threads", "1", "--liveness-path", "/healthz", "--readiness-path", "/readyz",
                       "ops_apps:app")
    done = []
    t = threading.Thread(target=lambda: done.append(get(srv.port, "/sleep?3")))
    t.start()
    time.sleep(0.5)
    # The only Python thread sleeps in the app: these are answered by Go.
    assert get(srv.port, "/healthz")[0] == 200
    status, hdrs, body = get(srv.port, "/readyz")
    assert (status, body) == (200, b"ok\n")
    assert hdrs["cache-control"] == "no-store"
    assert done == []  # the app request is still running
    t.join(10)
    assert done[0][0] == 200
    # Health paths shadow nothing else; HEAD works.
    assert get(srv.port, "/healthz", method="HEAD")[0] == 200
    assert get(srv.port, "/other")[2] == b"app:/other"


def test_readiness_turns_false_while_draining(start_server):
    srv = start_server("--threads", "2", "--workers", "1", "--liveness-path", "/healthz",
                       "--readiness-path", "/readyz", "--grace-timeout", "10", "ops_apps:app")
    slow = []
    t = threading.Thread(target=lambda: slow.append(get(srv.port, "/sleep?2")))
    t.start()
    time.sleep(0.5)
    # Connections accepted before the stop get their first request answered.
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
    assert c.request("/healthz")[0] == 200
    # A probe on a new connection (what the kubelet opens) cannot reach a
    # draining pod: every copy of the listening socket is closed, so it is
    # refused at once (not queued in a backlog nobody accepts from).
    refused = False
    deadline = time.time() + 5
    while not refused and time.time() < deadline:
        try:
            status = get(srv.port, "/readyz")[0]
            assert status != 200
            time.sleep(0.05)
        except ConnectionRefusedError:
            refused = True
        except ConnectionError:  # reset: it was queued just before the close
            time.sleep(0.05)
    assert refused
    for x in spare:  # silent connections would hold the drain until the grace timeout
        x.close()
    t.join(10)
    assert slow[0][0] == 200
    assert srv.proc.wait(20) == 0


def test_metrics_add_up_under_load(start_server, tmp_path):
    (tmp_path / "f.txt").write_text("static file\n")
    srv = start_server("--workers", "2", "--threads", "2", "--metrics", "--liveness-path", "/healthz",
                       "--static-path-route", "/static", "--static-path-mount", str(tmp_path),
                       "ops_apps:app")
    plan = ["/hello", "/status?404", "/static/f.txt", "/healthz", "/static/missing"]
    per_client, clients = 60, 6
    sent = Counter()
    errors = []
    lock = threading.Lock()
    scrapes = []
    stop_scraping = threading.Event()
    clients_started = threading.Event()
    scraped_under_load = threading.Event()

    def client(k):
        try:
            for i in range(per_client):
                if i == per_client // 2:
                    # Halfway: wait for a scrape taken while the clients run.
                    assert scraped_under_load.wait(30)
                # A new connection now and then, so both workers serve.
                cl = Client(srv.port) if i % 10 == 0 else cl
                path = plan[(i + k) % len(plan)]
                method = "HEAD" if i % 7 == 3 else "GET"
                status, _, _ = cl.request(path, method=method)
                with lock:
                    sent[(method, str(status))] += 1
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    def scraper():
        while not stop_scraping.is_set():
            during = clients_started.is_set()
            scrapes.append(srv.metrics())
            if during:
                scraped_under_load.set()
            time.sleep(0.02)

    s = threading.Thread(target=scraper)
    s.start()
    ts = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    clients_started.set()
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    stop_scraping.set()
    s.join(30)
    assert not errors
    assert sum(sent.values()) == per_client * clients
    assert scraped_under_load.is_set() and len(scrapes) >= 1
    for text in scrapes:  # every scrape taken during the load parses
        families(text)
    time.sleep(0.3)
    fams = families(srv.metrics())
    got = Counter()
    workers = set()
    for smp in samples(fams, "appserver_requests_total"):
        got[(smp.labels["method"], smp.labels["status"])] += int(smp.value)
        workers.add(smp.labels["worker"])
    assert got == sent
    assert workers == {"0", "1"}
    # The duration histogram counted the same requests; its buckets are cumulative.
    count = sum(s.value for s in samples(fams, "appserver_request_duration_seconds_count"))
    assert count == per_client * clients
    for w in ("0", "1"):
        buckets = [s for s in samples(fams, "appserver_request_duration_seconds_bucket") if s.labels["worker"] == w]
        values = [b.value for b in buckets]
        assert values == sorted(values) and buckets[-1].labels["le"] == "+Inf"
    assert fams["appserver_requests_in_flight"].type == "gauge"
    assert fams["appserver_threads"].samples[0].value == 2
    assert sum(s.value for s in samples(fams, "appserver_sent_bytes_total")) > 0
    assert fams["appserver_workers"].samples[0].value == 2
    assert fams["appserver_worker_spawns"].samples[0].value == 2
    assert sum(s.value for s in samples(fams, "appserver_worker_recycles_total")) == 0


def test_scrape_does_not_wait_for_busy_threads(start_server):
    srv = start_server("--threads", "1", "--metrics", "ops_apps:app")
    t = threading.Thread(target=get, args=(srv.port, "/sleep?3"))
    t.start()
    time.sleep(0.5)
    fams = families(srv.metrics())
    assert fams["appserver_threads_busy"].samples[0].value == 1
    assert fams["appserver_requests_in_flight"].samples[0].value == 1
    t.join(10)
    fams = families(srv.metrics())
    assert fams["appserver_threads_busy"].samples[0].value == 0
    assert next(samples(fams, "appserver_queue_wait_seconds_count")).value == 1
