"""WSGI apps for the production-feature tests (imported by the workers)."""
import os
import time


def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/sleep":
        time.sleep(float(environ.get("QUERY_STRING") or "0.05"))
    if path == "/hang":
        time.sleep(60)
    if path == "/pid":
        body = str(os.getpid()).encode()
    elif path == "/env":
        keys = ("REMOTE_ADDR", "wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT")
        body = "\n".join("%s=%s" % (k, environ.get(k)) for k in keys).encode()
    elif path == "/status":
        code = environ.get("QUERY_STRING") or "200"
        start_response("%s X" % code, [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    else:
        body = b"app:" + path.encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
