"""`make bench`'s report: medians, ratio direction, targets, README markers,
and the merged load generator (bench/loadgen) against a local server."""
from __future__ import annotations

import http.server
import importlib.util
import json
import pathlib
import shutil
import subprocess
import sys
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _load(name: str, path: pathlib.Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


report = _load("goaccel_bench_report", ROOT / "bench" / "lib" / "report.py")


def write(path: pathlib.Path, records: list) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def rec(table, row, values, ours, unit="s", script="x.py"):
    return {"script": script, "table": table, "row": row, "ours": ours, "unit": unit, "values": values}


def test_medians_merge_repeats_and_rounds(tmp_path):
    write(tmp_path / "json-0.jsonl", [rec("dumps, orjson face", "a.json", {"jsonfast": 1.0, "orjson": 2.0}, "jsonfast")])
    write(tmp_path / "json-1.jsonl", [rec("dumps, orjson face", "a.json", {"jsonfast": 3.0, "orjson": 2.0}, "jsonfast")])
    write(tmp_path / "json-2.jsonl", [rec("dumps, orjson face", "a.json", {"jsonfast": 2.0, "orjson": 8.0}, "jsonfast")])
    cell = report.load(tmp_path)["json"]["dumps, orjson face"]["a.json"]
    assert cell.median("jsonfast") == 2.0 and cell.median("orjson") == 2.0
    assert cell.runs() == 3
    assert cell.ratio("orjson") == 1.0


def test_ratio_direction_follows_the_unit(tmp_path):
    write(tmp_path / "hello-0.jsonl", [
        rec("t", "req/s", {"appserver": 300.0}, "appserver", "rps"),
        rec("t", "req/s", {"granian": 100.0}, "appserver", "rps"),
        rec("t", "p99 ms", {"appserver": 10.0, "granian": 40.0}, "appserver", "ms"),
    ])
    rows = report.load(tmp_path)["hello"]["t"]
    assert rows["req/s"].ratio("granian") == 3.0  # throughput: ours / peer
    assert rows["p99 ms"].ratio("granian") == 4.0  # latency: peer / ours


def test_targets_met_and_not_met(tmp_path):
    write(tmp_path / "json-0.jsonl", [
        rec("dumps, orjson face (x)", "twitter.json", {"jsonfast": 2.0, "orjson": 1.0, "msgspec": 3.0}, "jsonfast"),
        rec("dumps, json face (y)", "twitter.json", {"jsonfast": 1.0, "json": 6.0}, "jsonfast"),
    ])
    data = report.load(tmp_path)["json"]
    face2 = data["dumps, orjson face (x)"]["twitter.json"]
    text, verdict = report.verdict(report.checks("json", "dumps, orjson face (x)", "twitter.json", face2))
    assert "not met" in verdict and "orjson 0.50x" in verdict and "msgspec" not in verdict
    face1 = data["dumps, json face (y)"]["twitter.json"]
    assert report.verdict(report.checks("json", "dumps, json face (y)", "twitter.json", face1))[1] == "**met**"


def test_readme_block_is_replaced_between_markers(tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    readme.write_text("intro\n%s\nold table\n%s\nrest\n" % (report.START, report.END))
    monkeypatch.setattr(report, "README", readme)
    report._readme(["| a | b |", "|---|---|"], "make bench QUICK=1", "today")
    text = readme.read_text()
    assert "old table" not in text and "| a | b |" in text
    assert text.startswith("intro\n") and text.endswith("\nrest\n")
    assert "docs/benchmarks.md" in text


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    calls = 0

    def do_GET(self):  # noqa: N802
        type(self).calls += 1
        status = 503 if self.path == "/shed" and type(self).calls % 2 else 200
        body = b"ok"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def loadgen(tmp_path_factory):
    if not shutil.which("go"):
        pytest.fail("go is needed to build bench/loadgen")
    out = tmp_path_factory.mktemp("lg") / "loadgen"
    subprocess.run(["go", "build", "-o", str(out), "."], cwd=ROOT / "bench" / "loadgen", check=True, timeout=600)
    return str(out)


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


def run(loadgen, *args):
    out = subprocess.run([loadgen, *args], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_loadgen_ramp_reports_stages_and_a_total(loadgen, server):
    stages = [json.loads(l) for l in run(loadgen, "-url", "http://127.0.0.1:%d/" % server,
                                         "-ramp", "1,3", "-duration", "300ms").splitlines()]
    assert [s["mode"] for s in stages] == ["closed", "closed", "total"]
    assert [s["connections"] for s in stages] == [1, 3, 3]
    total = stages[-1]
    assert total["requests"] == stages[0]["requests"] + stages[1]["requests"] > 0
    assert total["ok"] == total["requests"] and total["errors"] == 0
    assert [q for q, _ in total["served_curve"]][:2] == [50, 75]
    assert total["served_ms"]["P50"] <= total["served_ms"]["P99"] <= total["served_ms"]["Max"]


def test_loadgen_keeps_shed_answers_apart_and_backs_off(loadgen, server):
    start = time.monotonic()
    out = run(loadgen, "-url", "http://127.0.0.1:%d/shed" % server, "-c", "1", "-d", "600ms",
              "-backoff", "100ms", "-text")
    lines = dict(l.split(":", 1) for l in out.splitlines())
    served, shed = int(lines["served"].split()[0]), int(lines["shed"].split()[0])
    # Every other answer is a 503 and each is followed by a 100 ms pause:
    # one connection makes at most ~7 requests in 600 ms.
    assert 1 <= shed <= 7 and abs(served - shed) <= 1
    assert lines["errors"].strip() == "0"
    assert time.monotonic() - start < 30


def test_loadgen_refuses_non_loopback_targets(loadgen):
    out = subprocess.run([loadgen, "-url", "http://192.0.2.1/", "-c", "1"], capture_output=True, text=True)
    assert out.returncode == 2 and "non-loopback" in out.stderr
