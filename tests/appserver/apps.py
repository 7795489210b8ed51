"""WSGI apps the appserver tests serve (imported by the worker processes)."""
import json
import os
import threading
import time
from wsgiref.validate import validator

CALLS = {"n": 0, "closed": 0}
LOCK = threading.Lock()


class Closing:
    """A response iterable whose close() is counted."""

    def __init__(self, chunks):
        self.chunks = chunks

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        with LOCK:
            CALLS["closed"] += 1


def _json(start_response, obj, status="200 OK"):
    body = json.dumps(obj).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


BARRIERS = {}


def _barrier(n):
    with LOCK:
        if n not in BARRIERS or BARRIERS[n].broken:
            BARRIERS[n] = threading.Barrier(n)
        return BARRIERS[n]


def app(environ, start_response):
    with LOCK:
        CALLS["n"] += 1
    path = environ["PATH_INFO"]
    if path == "/hello":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"hello"]
    if path == "/calls":
        return _json(start_response, dict(CALLS))
    if path == "/gc-frozen":
        import gc
        return _json(start_response, {"frozen": gc.get_freeze_count()})
    if path == "/rendezvous":
        # Blocks as a database call does (GIL released), then waits for
        # QUERY_STRING requests in all to be inside the app at once: 200
        # only if the worker really runs that many at the same time.
        n = int(environ.get("QUERY_STRING") or 4)
        time.sleep(0.2)
        try:
            _barrier(n).wait(timeout=5)
        except threading.BrokenBarrierError:
            return _json(start_response, {"met": False}, "503 Service Unavailable")
        return _json(start_response, {"met": True})
    if path.startswith("/environ"):
        env = {k: v for k, v in environ.items() if isinstance(v, (str, bool, int, tuple))}
        env["input_type"] = type(environ["wsgi.input"]).__name__
        return _json(start_response, env)
    if path == "/echo":
        inp = environ["wsgi.input"]
        mode = environ.get("QUERY_STRING", "")
        if mode == "lines":
            data = b"".join(inp.readlines())
        elif mode == "iter":
            data = b"".join(list(inp))
        elif mode == "readline":
            data = inp.readline() + inp.read(2) + inp.read()
        else:
            data = inp.read()
        start_response("200 OK", [("Content-Type", "application/octet-stream"),
                                  ("X-Content-Length", environ.get("CONTENT_LENGTH", "-"))])
        return [data]
    if path == "/upload":
        # Reads the body as it arrives and reports each step at once
        # (write()), so a client can check the app runs before the body ends.
        inp = environ["wsgi.input"]
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        total = 0
        if environ.get("QUERY_STRING") == "lines":
            for line in inp:
                total += len(line)
                write(b"line %d\n" % len(line))
        else:
            while True:
                data = inp.read1(65536)
                if not data:
                    break
                total += len(data)
                write(b"got %d\n" % total)
        write(b"end %d %s\n" % (total, environ.get("CONTENT_LENGTH", "-").encode()))
        return []
    if path == "/raise":
        raise RuntimeError("boom from the app")
    if path == "/raise-after-start":
        start_response("200 OK", [("Content-Type", "text/plain")])
        raise RuntimeError("boom after start_response")
    if path == "/abort":
        os.abort()
    if path == "/pid":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(os.getpid()).encode()]
    if path == "/bad-header-crlf":
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-Evil", "a\r\nSet-Cookie: x=1")])
        return [b"x"]
    if path == "/bad-header-name":
        start_response("200 OK", [("Bad Name", "v")])
        return [b"x"]
    if path == "/bad-header-unicode":
        start_response("200 OK", [("X-Snow", "\u2603")])
        return [b"x"]
    if path == "/bad-status":
        start_response("twohundred", [("Content-Type", "text/plain")])
        return [b"x"]
    if path == "/latin1-header":
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-Name", "caf\xe9")])
        return [b"x"]
    if path == "/cl-long":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"too long"]
    if path == "/cl-short":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "100")])
        return [b"short"]
    if path == "/not-bytes":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return ["a str"]
    if path == "/no-start":
        return [b"x"]
    if path == "/write":
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"from write, ")
        return [b"from iterable"]
    if path == "/write-stream":
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"early;")
        time.sleep(3.0)
        return [b"late"]
    if path == "/write-cl":
        write = start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "6")])
        write(b"abc")
        return [b"def"]
    if path == "/write-bad-header":
        write = start_response("200 OK", [("X-Bad", "a\nb")])
        try:
            write(b"x")
        except OSError as e:
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")], (type(e), e, None))
            return [b"write refused: " + str(e).encode()]
        return [b"unexpected"]
    if path == "/close":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Closing([b"a", b"b"])
    if path == "/close-raise":
        start_response("200 OK", [("Content-Type", "text/plain")])

        def gen():
            yield b"first"
            raise RuntimeError("fails while streaming")
        return gen()
    if path == "/exc-info":
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise ValueError("replaced")
        except ValueError:
            import sys
            start_response("500 Oops", [("Content-Type", "text/plain")], sys.exc_info())
        return [b"error page"]
    if path == "/stream":
        start_response("200 OK", [("Content-Type", "text/plain")])

        def gen():
            yield b"first;"
            time.sleep(float(environ.get("QUERY_STRING") or 1.0))
            yield b"second;"
            yield b"third"
        return gen()
    if path == "/stream-cl":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "11")])

        def gen():
            yield b"hello"
            yield b" "
            yield b"world"
        return gen()
    if path == "/stream-cl-short":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "100")])

        def gen():
            yield b"hello"
            yield b"world"
        return gen()
    if path == "/file":
        import io
        f = io.BytesIO(b"0123456789" * 1000)
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return environ["wsgi.file_wrapper"](f, 4096)
    if path.startswith("/realfile"):
        f = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "apps.py"), "rb")
        f.read(10)  # sent from the current position
        headers = [("Content-Type", "text/plain")]
        if path == "/realfile-cl":
            headers.append(("Content-Length", "20"))
        start_response("200 OK", headers)
        return environ["wsgi.file_wrapper"](f)
    if path == "/sleep":
        time.sleep(float(environ.get("QUERY_STRING") or 0.5))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"slept"]
    if path == "/no-content":
        start_response("204 No Content", [])
        return []
    if path == "/big":
        body = b"x" * (1 << 20)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [body]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


def simple(environ, start_response):
    """For the validator: always a valid WSGI exchange."""
    inp = environ["wsgi.input"]
    body = inp.read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body) + 2))])
    return [b"ok" + body]


validated = validator(simple)


def make_app():
    """A factory (for --factory)."""
    return simple


not_callable = 42
