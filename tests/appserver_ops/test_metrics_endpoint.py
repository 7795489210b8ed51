"""The supervisor's /metrics endpoint itself: kept-alive HTTP/1.1 (as
Prometheus scrapes), HEAD, 404/405, Connection: close; and the merge of the
workers' NUL-separated texts (_ops.merge_sep) against the line-level merge."""
from __future__ import annotations

import re
import socket
import time

from prometheus_client.parser import text_string_to_metric_families

from appserver._ops import merge, merge_sep
from httpc import get


def request(sock: socket.socket, head: bytes) -> tuple:
    """Sends one request; returns (status, headers, body) read by Content-Length."""
    sock.sendall(head)
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        assert chunk, "connection closed before the answer's head"
        buf += chunk
    raw, body = buf.split(b"\r\n\r\n", 1)
    lines = raw.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    n = int(headers["content-length"])
    if not head.startswith(b"HEAD "):
        while len(body) < n:
            chunk = sock.recv(65536)
            assert chunk, "connection closed inside the body"
            body += chunk
    return status, headers, body


def test_one_kept_connection_serves_many_scrapes(start_server):
    srv = start_server("--workers", "2", "--metrics", "ops_apps:app")
    for _ in range(5):
        get(srv.port, "/")
    # Each worker opens its metrics socket once it serves; on a loaded
    # machine the second one can be a moment behind the first.
    deadline = time.monotonic() + 20
    while 'appserver_ready{worker="0"}' not in srv.metrics() or 'appserver_ready{worker="1"}' not in srv.metrics():
        assert time.monotonic() < deadline, srv.metrics()
        time.sleep(0.1)
    with socket.create_connection(("127.0.0.1", srv.metrics_port), timeout=10) as s:
        totals = []
        for _ in range(3):
            status, headers, body = request(s, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            assert status == 200
            assert headers["content-type"].startswith("text/plain; version=0.0.4")
            assert headers["connection"] == "keep-alive"
            text = body.decode()
            fams = {f.name: f for f in text_string_to_metric_families(text)}
            workers = {s.labels["worker"] for s in fams["appserver_requests_in_flight"].samples}
            assert workers == {"0", "1"}
            # One HELP and one TYPE per family, whatever the number of workers.
            assert len(re.findall(r"^# HELP appserver_requests_total ", text, re.M)) == 1
            assert len(re.findall(r"^# TYPE appserver_request_duration_seconds ", text, re.M)) == 1
            totals.append(sum(s.value for s in fams["appserver_requests"].samples
                              if s.name == "appserver_requests_total"))
        assert totals[0] >= 5 and totals == sorted(totals)
        status, headers, body = request(s, b"HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == 200 and int(headers["content-length"]) > 1000
        status, _, _ = request(s, b"GET /metrics?x=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == 200
        status, _, _ = request(s, b"GET /other HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == 404
        status, headers, _ = request(s, b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert status == 200 and headers["connection"] == "close"
        assert s.recv(10) == b""
    with socket.create_connection(("127.0.0.1", srv.metrics_port), timeout=10) as s:
        status, headers, _ = request(s, b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        assert status == 405 and headers["connection"] == "close"
    with socket.create_connection(("127.0.0.1", srv.metrics_port), timeout=10) as s:
        status, headers, _ = request(s, b"GET /metrics HTTP/1.0\r\n\r\n")
        assert status == 200 and headers["connection"] == "close"


def worker_text(wid: str, requests: int, with_extra: bool = False) -> bytes:
    fams = [
        ("appserver_requests_total", "counter", "Requests.",
         'appserver_requests_total{worker="%s",method="GET",status="200"} %d\n' % (wid, requests)),
        ("appserver_queue_depth", "gauge", "Waiting.", 'appserver_queue_depth{worker="%s"} 0\n' % wid),
    ]
    if with_extra:
        fams.append(("appserver_new_thing", "gauge", "New.", 'appserver_new_thing{worker="%s"} 1\n' % wid))
    out = b""
    for name, typ, help_, samples in fams:
        out += ("# HELP %s %s\n# TYPE %s %s\n" % (name, help_, name, typ)).encode() + b"\0"
        out += samples.encode() + b"\0"
    return out


OWN = b"# HELP appserver_workers Workers.\n# TYPE appserver_workers gauge\nappserver_workers 2\n"


def test_merge_sep_matches_the_line_merge():
    texts = [worker_text("0", 3), worker_text("1", 4)]
    fast = merge_sep(texts, OWN).decode()
    slow = merge([t.replace(b"\0", b"").decode() for t in texts] + [OWN.decode()])
    assert fast == slow
    assert fast.count("# HELP appserver_requests_total") == 1
    assert 'worker="0",method="GET",status="200"} 3\nappserver_requests_total{worker="1"' in fast
    assert merge_sep([], OWN) == OWN


def test_merge_sep_falls_back_when_workers_differ():
    # Workers of two versions during a reload render different families.
    texts = [worker_text("0", 3), worker_text("1", 4, with_extra=True)]
    text = merge_sep(texts, OWN).decode()
    fams = {f.name: f for f in text_string_to_metric_families(text)}
    assert len(fams["appserver_requests"].samples) == 2
    assert len(fams["appserver_new_thing"].samples) == 1
    assert "\0" not in text


def test_endpoint_bounds_its_connections():
    """Idle connections are closed after IDLE s; past MAX_CONNS the oldest
    idle one is closed; the endpoint keeps answering."""
    import threading

    from appserver._ops import MetricsServer

    srv = MetricsServer(("127.0.0.1", 0), lambda: b"x 1\n")
    srv.IDLE, srv.MAX_CONNS = 1.0, 4
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    port = srv.server_address[1]
    try:
        conns = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(5)]
        time.sleep(0.3)
        assert conns[0].recv(10) == b""  # the oldest made room for the fifth
        for c in conns[1:]:
            assert request(c, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")[2] == b"x 1\n"
        time.sleep(2.5)
        for c in conns[1:]:  # idle past IDLE: closed by the server
            assert c.recv(10) == b""
            c.close()
        conns[0].close()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
            assert request(c, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")[0] == 200
    finally:
        srv.shutdown()
        srv.server_close()
    assert not t.is_alive()
