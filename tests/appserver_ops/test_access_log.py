"""Access log lines (Granian's atoms, and JSON), written by Go."""
from __future__ import annotations

import json
import re
import time

from httpc import get


def wait_lines(path, n, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            lines = path.read_text().splitlines()
        except FileNotFoundError:
            lines = []
        if len(lines) >= n:
            return lines
        time.sleep(0.05)
    raise AssertionError("expected %d lines in %s, got %r" % (n, path, lines))


def test_default_format_is_granians(start_server, tmp_path):
    log = tmp_path / "access.log"
    srv = start_server("--access-log-file", str(log), "ops_apps:app")
    get(srv.port, "/hello?x=1")
    get(srv.port, "/status?404", method="HEAD")
    lines = wait_lines(log, 2)
    pat = r'^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] 127\.0\.0\.1 - "%s %s HTTP/1\.1" %d \d+\.\d{3}$'
    assert re.match(pat % ("GET", "/hello", 200), lines[0]), lines[0]
    assert re.match(pat % ("HEAD", "/status", 404), lines[1]), lines[1]


def test_custom_format_atoms(start_server, tmp_path):
    log = tmp_path / "access.log"
    fmt = ("%(addr)s|%(method)s|%(scheme)s|%(protocol)s|%(path)s|%(query_string)s|%(status)d|"
           "%(dt_ms).1f|%(header{User-Agent})s|%(header{x-missing})s|100%%")
    srv = start_server("--access-log-file", str(log), "--access-log-fmt", fmt, "ops_apps:app")
    get(srv.port, "/a/b?q=1&r=2", headers={"User-Agent": "tester/1.0"})
    line = wait_lines(log, 1)[0]
    parts = line.split("|")
    assert parts[:7] == ["127.0.0.1", "GET", "http", "HTTP/1.1", "/a/b", "q=1&r=2", "200"]
    assert re.match(r"^\d+\.\d$", parts[7])
    assert parts[8:] == ["tester/1.0", "-", "100%"]
    # HTTP/2 (cleartext, prior knowledge): the protocol atom says so, and
    # header names are matched case-insensitively (h2 sends them lower-case).
    import subprocess
    subprocess.run(["curl", "-s", "-o", "/dev/null", "--http2-prior-knowledge", "-A", "h2c/1", srv.url("/h2")],
                   check=True, timeout=30)
    parts = wait_lines(log, 2)[1].split("|")
    assert parts[:7] == ["127.0.0.1", "GET", "http", "HTTP/2.0", "/h2", "", "200"]
    assert parts[8] == "h2c/1"


def test_json_format(start_server, tmp_path):
    log = tmp_path / "access.log"
    srv = start_server("--access-log-file", str(log), "--access-log-fmt", "json", "--workers", "2",
                       "ops_apps:app")
    for i in range(20):
        get(srv.port, "/j%d?n=%d" % (i, i), headers={"User-Agent": 'quote"d'})
    lines = wait_lines(log, 20)
    recs = [json.loads(x) for x in lines]  # one JSON object per line, even from two workers
    assert sorted(r["path"] for r in recs) == sorted("/j%d" % i for i in range(20))
    r = recs[0]
    assert r["status"] == 200 and r["method"] == "GET" and r["addr"] == "127.0.0.1"
    assert r["user_agent"] == 'quote"d' and r["protocol"] == "HTTP/1.1"
    assert isinstance(r["dt_ms"], float) and r["bytes"] > 0


def test_access_log_to_stderr(start_server):
    srv = start_server("--access-log", "ops_apps:app")
    get(srv.port, "/to-stderr")
    deadline = time.time() + 10
    while '"GET /to-stderr HTTP/1.1" 200' not in srv.log():
        assert time.time() < deadline, srv.log()
        time.sleep(0.05)
