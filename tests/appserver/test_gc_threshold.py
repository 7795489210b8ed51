"""--gc-threshold: each worker sets the cyclic collector's thresholds after
importing the app (70000,2,1 unless told otherwise; 'python' keeps the
interpreter's 700,10,10), WSGI and ASGI workers alike; a wrong value is a
usage error before anything is bound."""
import json
import subprocess
import sys

import pytest
from rawhttp import get

from appserver_harness import free_port


def _gc(srv):
    return json.loads(get(srv.port, "/").body)


@pytest.mark.parametrize("args, want", [
    ([], [70000, 2, 1]),
    (["--gc-threshold", "python"], [700, 10, 10]),
    (["--gc-threshold", "5000"], [5000, 10, 10]),
    (["--gc-threshold", "5000,20,30"], [5000, 20, 30]),
], ids=["default", "python", "gen0", "all"])
def test_worker_thresholds(start_server, args, want):
    srv = start_server("--workers", "2", *args, "gc_app:app")
    # Ask each worker: new connections land on either, so ask a few times.
    seen = [_gc(srv) for _ in range(6)]
    assert all(s["threshold"] == want for s in seen)
    assert all(s["frozen"] > 100 for s in seen)  # the freeze still happens first


def test_the_threshold_is_independent_of_the_freeze(start_server):
    srv = start_server("--no-gc-freeze", "gc_app:app")
    assert _gc(srv) == {"threshold": [70000, 2, 1], "frozen": 0}


@pytest.mark.parametrize("value", ["0", "x", "1,2,3,4", "-5", ""])
def test_wrong_thresholds_exit_2_with_a_message(value):
    r = subprocess.run([sys.executable, "-m", "appserver", "--port", str(free_port()),
                        "--gc-threshold", value, "gc_app:app"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "--gc-threshold: GEN0[,GEN1[,GEN2]]" in r.stderr
