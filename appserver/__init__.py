"""appserver: a Go HTTP/1.1 server for WSGI apps, inside the Python process.

Go owns the sockets and HTTP; `threads` OS threads, each keeping one Python
thread state, run the app on requests taken from a bounded FIFO queue
(`backpressure`; when it is full the server answers 503 with Retry-After).

    import appserver
    appserver.serve(app, host="127.0.0.1", port=8000, threads=4)

The `appserver` command (see `appserver --help`) adds worker processes, a
supervisor that replaces dead workers, and Granian-compatible options.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any, Callable, Dict, Optional, Union

__all__ = ["serve", "stop", "stats", "bind", "FileWrapper", "DEFAULTS"]

# Defaults shared by serve() and the command line.
DEFAULTS: Dict[str, Any] = {
    "host": "127.0.0.1",
    "port": 8000,
    "threads": 1,
    "backlog": 1024,
    "backpressure": None,  # default: backlog
    "max_header_size": 16 * 1024,
    "max_body_size": 16 * 1024 * 1024,
    "header_timeout": 10.0,
    "keepalive_timeout": 30.0,
    "body_timeout": 60.0,
    "grace_timeout": 30.0,
    "retry_after": 1,
    # seconds a request may wait for a thread (0: no limit but backpressure);
    # "auto": an in-flight limit per worker adapted to the requests' stretch (limit.go)
    "queue_timeout": 0.0,
    # ASGI: microseconds the loop may wait in Go for the next batch right
    # after one, instead of sleeping in its selector (appserver/asgi_park.go)
    "poll_wait_us": 1000,
}


class FileWrapper:
    """wsgi.file_wrapper: iterates a file-like object in blocks."""

    def __init__(self, filelike: Any, blksize: int = 64 * 1024) -> None:
        self.filelike = filelike
        self.blksize = blksize
        if hasattr(filelike, "close"):
            self.close = filelike.close

    def __iter__(self) -> "FileWrapper":
        return self

    def __next__(self) -> bytes:
        data = self.filelike.read(self.blksize)
        if data:
            return data
        raise StopIteration


class _Stop(BaseException):
    """Raised by the SIGTERM handler inside serve(): stop gracefully."""


def bind(host: str = "127.0.0.1", port: int = 8000, uds: Optional[str] = None,
         backlog: int = 1024) -> socket.socket:
    """Creates the listening socket (TCP, or a Unix socket when uds is set)."""
    import socket  # here, not at import time: `import appserver` stays cheap
    if uds:
        if os.path.exists(uds):
            os.unlink(uds)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(uds)
    else:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    sock.listen(backlog)
    return sock


def _template(sock: socket.socket, threads: int, multiprocess: bool,
              script_name: str, url_scheme: str) -> Dict[str, Any]:
    addr = sock.getsockname()
    if isinstance(addr, tuple):
        name, port = str(addr[0]), str(addr[1])
    else:
        name, port = "localhost", ""
    return {
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url_scheme,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": threads > 1,
        "wsgi.multiprocess": multiprocess,
        "wsgi.run_once": False,
        "wsgi.file_wrapper": FileWrapper,
        # The whole body is read before the app runs, so reading
        # wsgi.input to EOF is safe (the de facto extension for chunked
        # request bodies).
        "wsgi.input_terminated": True,
        "SCRIPT_NAME": script_name,
        "SERVER_NAME": name,
        "SERVER_PORT": port,
        "SERVER_SOFTWARE": "goaccel-appserver",
    }


def serve(app: Callable[..., Any], *, host: str = DEFAULTS["host"], port: int = DEFAULTS["port"],
          uds: Optional[str] = None, sock: Optional[socket.socket] = None,
          threads: int = 1, backlog: int = 1024, backpressure: Optional[int] = None,
          multiprocess: bool = False, script_name: str = "", url_scheme: str = "http",
          max_header_size: int = DEFAULTS["max_header_size"],
          max_body_size: int = DEFAULTS["max_body_size"],
          header_timeout: float = DEFAULTS["header_timeout"],
          keepalive_timeout: float = DEFAULTS["keepalive_timeout"],
          body_timeout: float = DEFAULTS["body_timeout"],
          grace_timeout: float = DEFAULTS["grace_timeout"],
          retry_after: int = DEFAULTS["retry_after"],
          queue_timeout: Union[float, str] = DEFAULTS["queue_timeout"],
          ready: Optional[Callable[[socket.socket], None]] = None) -> None:
    """Serves a WSGI app in this process until stop(), Ctrl-C or SIGTERM.

    In-flight requests finish (up to grace_timeout) before it returns.
    """
    if not callable(app):
        raise TypeError("app must be a WSGI callable, not %s" % type(app).__name__)
    if not isinstance(threads, int) or not 1 <= threads <= 1024:
        raise ValueError("threads must be an int between 1 and 1024")
    if backpressure is None:
        backpressure = backlog
    if queue_timeout == "auto":
        queue_timeout = -1.0
    elif isinstance(queue_timeout, str) or float(queue_timeout) < 0:
        raise ValueError("queue_timeout must be a number of seconds >= 0 or 'auto'")
    own = sock is None
    if own:
        sock = bind(host, port, uds, backlog)
    from _goaccel import server as _native

    options = {
        "threads": threads, "backpressure": int(backpressure),
        "max_header_size": int(max_header_size), "max_body_size": int(max_body_size),
        "header_timeout": float(header_timeout), "keepalive_timeout": float(keepalive_timeout),
        "body_timeout": float(body_timeout), "grace_timeout": float(grace_timeout),
        "retry_after": int(retry_after), "queue_timeout": float(queue_timeout),
        "multiprocess": bool(multiprocess),
    }
    template = _template(sock, threads, multiprocess, script_name, url_scheme)
    main = threading.current_thread() is threading.main_thread()
    previous = None
    if main:
        def on_term(signum: int, frame: Any) -> None:
            raise _Stop()
        previous = signal.signal(signal.SIGTERM, on_term)
    try:
        if ready is not None:
            ready(sock)
        _native.serve(app, template, os.dup(sock.fileno()), options)
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        if own:
            sock.close()


def stop() -> None:
    """Gracefully stops every server running in this process."""
    from _goaccel import server as _native
    _native.stop()


def stats() -> Dict[str, int]:
    """Counters of the running (or last) server: accepted, served, shed
    (503 from a full queue), rejected (malformed requests), app_errors,
    queue_wait_ns, queue_wait_max_ns; gc_drains, gc_drains_given_up,
    gc_drains_idle (collections run between requests); balance_wait_ns
    (accept held back for a worker with fewer connections)."""
    from _goaccel import server as _native
    return _native.stats()


# ASGI (issue 9): serve_asgi() lives in _asgi.py, imported on first use:
# it pulls in asyncio (~20 ms), which a WSGI process never needs.
__all__.append("serve_asgi")


def __getattr__(name: str) -> Any:
    if name == "serve_asgi":
        from ._asgi import serve_asgi

        return serve_asgi
    raise AttributeError(f"module 'appserver' has no attribute {name!r}")
