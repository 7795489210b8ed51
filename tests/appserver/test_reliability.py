"""Reliability: a worker that dies is replaced, SIGTERM under load loses no
accepted request, a full queue sheds load with 503 + Retry-After, memory
stays flat. Every process is killed by the fixtures."""
import os
import signal
import subprocess
import sys
import threading
import time

import psutil

from rawhttp import Conn, free_port, get

HERE = os.path.dirname(os.path.abspath(__file__))


def test_app_exception_gives_500_and_the_worker_serves_on(start_server):
    srv = start_server("apps:app")
    pid = get(srv.port, "/pid").body
    for _ in range(20):
        assert get(srv.port, "/raise").status == 500
    assert get(srv.port, "/pid").body == pid


def test_abort_replaces_the_worker_and_others_keep_serving(start_server):
    srv = start_server("--workers", "2", "--threads", "2", "apps:app")
    pids = set()
    deadline = time.time() + 20
    while len(pids) < 2 and time.time() < deadline:
        pids.add(get(srv.port, "/pid").body)
    assert len(pids) == 2
    try:
        get(srv.port, "/abort")
    except (EOFError, ConnectionError):
        pass
    # Every request keeps succeeding while the dead worker is replaced.
    for _ in range(50):
        assert get(srv.port, "/hello").status == 200
    deadline = time.time() + 30
    new = set()
    while time.time() < deadline:
        new.add(get(srv.port, "/pid").body)
        if len(new - pids) >= 1 and len(new) >= 2:
            break
        time.sleep(0.05)
    assert new - pids, "no replacement worker answered"
    assert "SIGABRT" in srv.log()


def test_sigterm_under_load_loses_no_accepted_request(start_server):
    srv = start_server("--workers", "2", "--threads", "2", "--grace-timeout", "10", "apps:app")
    results = {"ok": 0, "ok_after_term": 0, "bad": []}
    lock = threading.Lock()
    stop = threading.Event()
    term_sent = []

    def client():
        while not stop.is_set():
            try:
                c = Conn(srv.port)
            except OSError:
                return  # the listener is gone
            try:
                while not stop.is_set():
                    c.send(b"GET /sleep?0.05 HTTP/1.1\r\nHost: a\r\n\r\n")
                    try:
                        r = c.response()
                    except (EOFError, ConnectionResetError, BrokenPipeError) as e:
                        # Closed before any byte of an answer: a connection
                        # still in the kernel's backlog when the listener
                        # closed, or an idle keep-alive connection closed as
                        # the request crossed it. A partial answer is a loss.
                        if c.buf:
                            with lock:
                                results["bad"].append(repr(e))
                        break
                    with lock:
                        if r.status == 200 and r.body == b"slept":
                            results["ok"] += 1
                            if term_sent:
                                results["ok_after_term"] += 1
                        else:
                            results["bad"].append(r.status)
                    if r.header("Connection") == "close":
                        break
            except OSError:
                break
            finally:
                c.close()

    threads = [threading.Thread(target=client) for _ in range(12)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    term_sent.append(time.time())
    srv.signal(signal.SIGTERM)
    rc = srv.proc.wait(30)
    stop.set()
    for t in threads:
        t.join(15)
    assert rc == 0
    assert results["ok"] > 20
    # Requests in flight at SIGTERM were finished, not dropped.
    assert results["ok_after_term"] >= 1
    assert results["bad"] == []


def test_backpressure_sheds_with_503_and_retry_after(start_server):
    srv = start_server("--threads", "1", "--backpressure", "1", "apps:app")
    statuses = []
    lock = threading.Lock()

    def one():
        r = get(srv.port, "/sleep?0.5")
        with lock:
            statuses.append((r.status, r.header("Retry-After")))

    threads = [threading.Thread(target=one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    ok = [s for s in statuses if s[0] == 200]
    shed = [s for s in statuses if s[0] == 503]
    assert len(ok) >= 2 and len(shed) >= 1, statuses
    assert all(ra == "1" for _, ra in shed)
    assert len(ok) + len(shed) == 6


def test_queue_timeout_sheds_requests_that_waited_too_long(start_server):
    # One thread, room for 10 waiters, but none may wait more than 0.3 s: the
    # first request runs 1 s, the ones queued behind it get 503 when the
    # thread comes free instead of a late answer.
    srv = start_server("--threads", "1", "--backpressure", "10", "--queue-timeout", "0.3", "apps:app")
    statuses = []
    lock = threading.Lock()

    def one(delay):
        time.sleep(delay)
        r = get(srv.port, "/sleep?1")
        with lock:
            statuses.append((r.status, r.header("Retry-After")))

    threads = [threading.Thread(target=one, args=(0.2 * (i > 0),)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(s for s, _ in statuses) == [200, 503, 503, 503], statuses
    assert all(ra == "1" for s, ra in statuses if s == 503)
    assert get(srv.port, "/hello").status == 200


def _worker_pids(srv):
    return [p.pid for p in psutil.Process(srv.proc.pid).children()]


def test_rss_stays_flat_under_many_requests(start_server):
    srv = start_server("--threads", "8", "apps:app")
    [wpid] = _worker_pids(srv)
    worker = psutil.Process(wpid)

    def load(n):
        def client():
            c = Conn(srv.port)
            for i in range(n):
                path = ("/echo", "/hello", "/environ", "/close", "/stream-cl")[i % 5]
                r = c.request("POST" if path == "/echo" else "GET", path,
                              body=b"y" * 300 if path == "/echo" else b"",
                              headers={"X-Custom-%d" % (i % 3): "v" * (i % 50)})
                assert r.status == 200
            c.close()
        ts = [threading.Thread(target=client) for _ in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(120)

    load(500)  # warm up: caches, arenas
    base = worker.memory_info().rss
    load(2000)
    grown = worker.memory_info().rss - base
    assert grown < 8 * 1024 * 1024, "RSS grew by %d bytes" % grown


def run_cli(*args, timeout=30):
    return subprocess.run([sys.executable, "-m", "appserver"] + list(args), cwd=HERE,
                          capture_output=True, text=True, timeout=timeout)


def port_is_free(port):
    import socket
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def test_app_that_fails_to_import_exits_nonzero_before_binding():
    port = free_port()
    r = run_cli("--port", str(port), "--workers", "2", "broken_app:app")
    assert r.returncode == 1
    assert "this application cannot be imported" in r.stderr
    assert "failed to load" in r.stderr
    assert "serving" not in r.stderr
    assert port_is_free(port)


def test_missing_attribute_and_not_callable():
    r = run_cli("--port", str(free_port()), "apps:nope")
    assert r.returncode == 1 and "has no attribute 'nope'" in r.stderr
    r = run_cli("--port", str(free_port()), "apps:not_callable")
    assert r.returncode == 1 and "is not callable" in r.stderr


def test_wrong_options_exit_2_with_a_message():
    for args, msg in ((["--threads", "0", "apps:app"], "--threads must be at least 1"),
                      (["--port", "99999", "apps:app"], "port must be between"),
                      (["--interface", "cgi", "apps:app"], "invalid choice"),
                      (["--workers", "x", "apps:app"], "--workers must be an integer"),
                      (["--bogus", "apps:app"], "unrecognized arguments")):
        r = run_cli(*args)
        assert r.returncode == 2, args
        assert msg in r.stderr, (args, r.stderr)


def test_port_in_use_is_a_clear_error():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    port = s.getsockname()[1]
    try:
        r = run_cli("--port", str(port), "apps:app")
        assert r.returncode == 1 and "cannot listen on 127.0.0.1:%d" % port in r.stderr
    finally:
        s.close()


def test_factory_env_file_pid_file_and_uds(start_server, tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text("# comment\nAPP_GREETING='hi there'\nexport OTHER=1\n")
    pid_file = tmp_path / "pid"
    srv = start_server("--factory", "--env-file", str(env_file), "--pid-file", str(pid_file),
                       "apps:make_app")
    assert get(srv.port, "/", method="POST", body=b"z").body == b"okz"
    assert int(pid_file.read_text()) == srv.proc.pid
    uds = str(tmp_path / "s.sock")
    p = subprocess.Popen([sys.executable, "-m", "appserver", "--uds", uds, "apps:simple"], cwd=HERE,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        import socket
        deadline = time.time() + 20
        while not os.path.exists(uds) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        s = socket.socket(socket.AF_UNIX)
        s.connect(uds)
        s.sendall(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        assert data.startswith(b"HTTP/1.1 200") and data.endswith(b"ok")
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(15)
        finally:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
    assert p.returncode == 0


def test_request_abandoned_while_queued_is_not_run(start_server):
    import json
    srv = start_server("--threads", "1", "apps:app")
    busy = Conn(srv.port)
    busy.send(b"GET /sleep?1.0 HTTP/1.1\r\nHost: a\r\n\r\n")
    time.sleep(0.3)  # the only thread is now busy
    before = json.loads(get_after(srv, busy))
    # (get_after waited for the sleeper; measure the abandoned request now)
    busy2 = Conn(srv.port)
    busy2.send(b"GET /sleep?1.0 HTTP/1.1\r\nHost: a\r\n\r\n")
    time.sleep(0.3)
    gone = Conn(srv.port)
    gone.send(b"GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
    time.sleep(0.2)
    gone.close()  # the client gives up while its request waits
    assert busy2.response().body == b"slept"
    after = json.loads(get(srv.port, "/calls").body)
    # Only /sleep and /calls ran: the abandoned /hello never reached the app.
    assert after["n"] == before["n"] + 2


def get_after(srv, busy):
    assert busy.response().body == b"slept"
    return get(srv.port, "/calls").body


def test_workers_dying_at_start_make_the_supervisor_give_up():
    r = run_cli("--port", str(free_port()), "--respawn-failure-limit", "3", "dying_app:app", timeout=60)
    assert r.returncode == 1
    assert "died at start; giving up" in r.stderr
    assert r.stderr.count("exited (status 7)") >= 3


def test_workers_exit_when_the_supervisor_is_killed(start_server):
    srv = start_server("--workers", "2", "apps:app")
    workers = [psutil.Process(p) for p in _worker_pids(srv)]
    assert len(workers) == 2
    os.kill(srv.proc.pid, signal.SIGKILL)
    gone, alive = psutil.wait_procs(workers, timeout=15)
    assert alive == []
