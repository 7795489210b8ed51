"""Development modes: --reload replaces workers when a .py file changes;
--debug lets breakpoint() in a view open pdb on the terminal (driven here
through a pseudo-terminal with pexpect)."""
from __future__ import annotations

import os
import sys
import threading
import time

import pexpect

from httpc import free_port, get


def wait_body(port, want, timeout=30.0):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = get(port, "/")[2]
            if last == want:
                return
        except OSError as e:
            last = e
        time.sleep(0.1)
    raise AssertionError("never got %r (last: %r)" % (want, last))


APP = 'def app(environ, start_response):\n    start_response("200 OK", [("Content-Length", "%d")])\n    return [b"%s"]\n'


def test_reload_on_source_change(start_server, tmp_path):
    (tmp_path / "devapp.py").write_text(APP % (2, "v1"))
    srv = start_server("--reload", "--workers", "2", "--working-dir", str(tmp_path), "devapp:app")
    wait_body(srv.port, b"v1")
    time.sleep(1.1)  # a new mtime second
    (tmp_path / "devapp.py").write_text("this is not python(\n")
    time.sleep(2.5)
    # A broken edit keeps the old workers serving.
    assert get(srv.port, "/")[2] == b"v1"
    (tmp_path / "devapp.py").write_text(APP % (2, "v2"))
    wait_body(srv.port, b"v2")
    assert "devapp.py changed" in srv.log()
    assert srv.proc.poll() is None


BP_APP = '''
def app(environ, start_response):
    secret = 6 * 7
    breakpoint()
    start_response("200 OK", [("Content-Length", "7")])
    return [b"resumed"]
'''


def test_debug_breakpoint_through_a_pty(tmp_path):
    (tmp_path / "bpapp.py").write_text(BP_APP)
    port = free_port()
    env = dict(os.environ, PYTHONBREAKPOINT="pdb.set_trace", TERM="dumb")
    child = pexpect.spawn(sys.executable, ["-m", "appserver", "--debug", "--port", str(port), "--workers", "3", "--threads", "4",
                                           "--request-timeout", "1", "--working-dir", str(tmp_path), "bpapp:app"],
                          env=env, timeout=30, encoding="utf-8")
    try:
        child.expect(r"serving bpapp:app on \S+: (\d+) worker\(s\) x (\d+) thread\(s\)")
        assert child.match.groups() == ("1", "1")
        result = {}
        t = threading.Thread(target=lambda: result.update(r=get(port, "/")))
        t.start()
        child.expect(r"\(Pdb\) ")
        child.sendline("p secret")
        child.expect("42")
        child.expect(r"\(Pdb\) ")
        time.sleep(2.5)  # longer than --request-timeout: --debug turned it off
        child.sendline("c")
        t.join(20)
        assert result["r"][0] == 200 and result["r"][2] == b"resumed"
        # The same worker serves the next request (it was never replaced).
        t = threading.Thread(target=lambda: result.update(r2=get(port, "/")))
        t.start()
        child.expect(r"\(Pdb\) ")
        child.sendline("c")
        t.join(20)
        assert result["r2"][2] == b"resumed"
        assert "replaced" not in child.before
    finally:
        child.kill(15)
        child.close(force=True)
