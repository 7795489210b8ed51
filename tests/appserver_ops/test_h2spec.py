"""h2spec (github.com/summerwind/h2spec), the HTTP/2 conformance suite
(RFC 7540/9113, HPACK RFC 7541), against the real appserver: every one of
its 145 tests must pass. h2spec is built with `go install` into build/
(cached there; CI reaches the Go module proxy) and its JUnit report names
the failures."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import List, Tuple

import pytest

from test_tls import certs  # noqa: F401  (the certificate fixture)

ROOT = Path(__file__).resolve().parents[2]
H2SPEC_VERSION = "v2.2.1+incompatible"  # the module's newest; it has no go.mod
GOBIN = ROOT / "build" / ("h2spec-" + H2SPEC_VERSION.split("+")[0])
H2SPEC_TESTS = 145


@pytest.fixture(scope="module")
def h2spec() -> Path:
    exe = GOBIN / "h2spec"
    if not exe.exists():
        go = shutil.which("go")
        assert go, "go is needed to build h2spec"
        GOBIN.mkdir(parents=True, exist_ok=True)
        r = subprocess.run([go, "install", "github.com/summerwind/h2spec/cmd/h2spec@" + H2SPEC_VERSION],
                           cwd=str(GOBIN), env=dict(os.environ, GOBIN=str(GOBIN)),
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0 and exe.exists(), r.stderr
    return exe


def run_h2spec(exe: Path, port: int, tmp_path: Path) -> Tuple[int, List[str]]:
    """Runs the whole suite; returns the number of tests and the failed ones
    ("http2/6.9.1: Sends multiple WINDOW_UPDATE frames ...")."""
    report = tmp_path / "h2spec.xml"
    # -o 5: the per-test timeout (s); a passing run takes well under a second.
    r = subprocess.run([str(exe), "-h", "127.0.0.1", "-p", str(port), "-o", "5", "-j", str(report)],
                       capture_output=True, text=True, timeout=900)
    assert report.exists(), r.stdout + r.stderr
    tests, failed = 0, []
    for case in ET.parse(report).getroot().iter("testcase"):
        tests += 1
        for bad in ("failure", "error", "skipped"):
            if case.find(bad) is not None:
                failed.append("%s: %s (%s)" % (case.get("package"), case.get("classname"), bad))
    return tests, failed


def test_h2spec_wsgi_http2_only(start_server, h2spec, tmp_path):
    srv = start_server("--http", "2", "--workers", "1", "--threads", "2", "ops_apps:app")
    tests, failed = run_h2spec(h2spec, srv.port, tmp_path)
    assert failed == [] and tests == H2SPEC_TESTS, (tests, failed)


def test_h2spec_asgi_http2_only(start_server, h2spec, tmp_path):
    srv = start_server("--http", "2", "--interface", "asginl", "ops_apps:asgi_hello")
    tests, failed = run_h2spec(h2spec, srv.port, tmp_path)
    assert failed == [] and tests == H2SPEC_TESTS, (tests, failed)


def test_h2spec_auto_only_invalid_preface_differs(start_server, h2spec, tmp_path):
    # Under --http auto a connection that is not HTTP/2 is HTTP/1.1's: the
    # invalid preface gets a 400 instead of a bare close. Nothing else differs.
    srv = start_server("ops_apps:app")
    tests, failed = run_h2spec(h2spec, srv.port, tmp_path)
    assert tests == H2SPEC_TESTS
    assert [f.rsplit(" (", 1)[0] for f in failed] == ["http2/3.5: Sends invalid connection preface"], failed


def test_http2_only_closes_http11(start_server):
    srv = start_server("--http", "2", "ops_apps:app")
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert s.recv(100) == b""  # closed unanswered (RFC 9113 3.4)


def test_http2_only_over_tls(start_server, certs):  # noqa: F811
    srv = start_server("--http", "2", "--ssl-certfile", str(certs / "server.pem"),
                       "--ssl-keyfile", str(certs / "server.key"), "ops_apps:app")
    url = "https://127.0.0.1:%d/x" % srv.port
    args = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_version} %{http_code}", "--max-time", "10",
            "--cacert", str(certs / "ca.pem")]
    r = subprocess.run(args + ["--http2", url], capture_output=True, text=True, timeout=30)
    assert r.stdout == "2 200", r.stderr
    r = subprocess.run(args + ["--http1.1", url], capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and not r.stdout.endswith(" 200")  # only h2 is offered
