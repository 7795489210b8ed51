"""The cyclic collector runs between requests (appserver/gcdrain.go): in a
worker whose threads queue for the GIL, collections begin with no request
inside the app; with Python's own thresholds (--gc-threshold python), in an
app that waits on I/O, or when the app turned the collector off, the worker
leaves the collector alone."""
import json
import threading
import urllib.request

from rawhttp import Conn, free_port, get


def load(port: int, path: str, conns: int = 8, each: int = 60) -> None:
    errors = []

    def client():
        c = Conn(port)
        try:
            for _ in range(each):
                if c.request("GET", path).status != 200:
                    errors.append(path)
        finally:
            c.close()

    threads = [threading.Thread(target=client) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def stats(port: int) -> dict:
    return json.loads(get(port, "/stats").body)


def collections_under(port: int, path: str, each: int = 60) -> dict:
    """The collections during a load of path (the worker's own collection
    before its freeze, at start, is not one of them)."""
    before = stats(port)
    load(port, path, each=each)
    after = stats(port)
    return {k: after[k] - before[k] for k in ("collections", "during_requests")}


def metric(port: int, name: str) -> float:
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
        text = r.read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + "{"))


def test_collections_wait_for_the_requests_in_flight(start_server):
    mport = free_port()
    srv = start_server("--threads", "4", "--metrics", "--metrics-address", "127.0.0.1:%d" % mport,
                       "gc_drain_app:app")
    s = collections_under(srv.port, "/cpu")
    # 480 requests x ~2,000 young objects: dozens of collections, drains
    # at 20,000, with Python's own 70,000 as the safety net.
    assert s["collections"] >= 20, s
    assert s["during_requests"] <= s["collections"] // 10, s
    # The worker counts its drains (one more may start after /stats).
    drained = s["collections"] - s["during_requests"]
    assert drained <= metric(mport, "appserver_gc_drains_total") <= drained + 1
    assert metric(mport, "appserver_gc_drains_given_up_total") == 0


def test_python_thresholds_collect_inside_requests(start_server):
    srv = start_server("--threads", "4", "--gc-threshold", "python", "gc_drain_app:app")
    s = collections_under(srv.port, "/cpu")
    assert s["collections"] >= 20, s
    assert s["during_requests"] >= s["collections"] // 2, s


def test_an_app_waiting_on_io_is_not_drained(start_server):
    srv = start_server("--threads", "4", "gc_drain_app:app")
    s = collections_under(srv.port, "/io", each=120)
    # Python's own collections (70,000), each inside a request; a drain or
    # two at most while the first requests of the burst still queue for
    # the GIL (the CPU-rate guard then skips the next checks).
    assert s["collections"] >= 5, s
    assert s["collections"] - s["during_requests"] <= 2, s


def test_a_collector_turned_off_stays_off(start_server):
    srv = start_server("--threads", "4", "gc_drain_app:app")
    get(srv.port, "/off")  # one worker, so this is the worker serving the load
    assert collections_under(srv.port, "/cpu")["collections"] == 0


def test_one_thread_collects_between_requests_even_when_waiting_on_io(start_server):
    # Nothing else is ever in flight in a one-thread worker: the collection
    # only moves from inside a request to between two.
    srv = start_server("--threads", "1", "gc_drain_app:app")
    s = collections_under(srv.port, "/io", each=40)
    assert s["collections"] >= 3, s
    assert s["during_requests"] <= s["collections"] // 10, s
