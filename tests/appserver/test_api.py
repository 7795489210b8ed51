"""appserver.serve() in this process: served from a Python thread, stopped
by appserver.stop(), with the counters of appserver.stats()."""
import threading
import time

import pytest

import appserver
from rawhttp import get


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ["PATH_INFO"].encode()]


def test_serve_in_a_thread_then_stop():
    sock = appserver.bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    t = threading.Thread(target=appserver.serve, args=(hello,), kwargs={"sock": sock, "threads": 3})
    t.start()
    try:
        for i in range(50):
            assert get(port, "/p%d" % i).body == b"/p%d" % i
        st = appserver.stats()
        assert st["served"] >= 50 and st["shed"] == 0
    finally:
        appserver.stop()
        t.join(10)
        sock.close()
    assert not t.is_alive()


def test_bad_arguments():
    with pytest.raises(TypeError):
        appserver.serve(42)
    with pytest.raises(ValueError):
        appserver.serve(hello, threads=0)


def test_ctrl_c_stops_serve_in_the_main_thread():
    """The main thread waits in short slices, so SIGINT (Ctrl-C) is seen
    while Go serves, and serve() returns normally after a graceful stop."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import os

    from rawhttp import free_port
    HERE = os.path.dirname(os.path.abspath(__file__))
    port = free_port()
    code = ("import sys, appserver, apps; appserver.serve(apps.app, port=%d, threads=2); "
            "print('returned', flush=True)" % port)
    p = subprocess.Popen([sys.executable, "-c", code], cwd=HERE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.time() + 20
        while True:
            try:
                assert get(port, "/hello").body == b"hello"
                break
            except OSError:
                assert time.time() < deadline and p.poll() is None
                time.sleep(0.05)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=15)
        assert p.returncode == 0, err
        assert b"returned" in out
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def test_queue_timeout_argument_checked():
    with pytest.raises(ValueError):
        appserver.serve(hello, queue_timeout="soon")
    with pytest.raises(ValueError):
        appserver.serve(hello, queue_timeout=-1)
