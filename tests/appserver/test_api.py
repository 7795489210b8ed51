"""appserver.serve() in this process: served from a Python thread, stopped
by appserver.stop(), with the counters of appserver.stats()."""
import threading

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
