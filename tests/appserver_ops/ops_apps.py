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


def h2app(environ, start_response):
    """Echo of what HTTP/2 requests look like to the app."""
    path = environ["PATH_INFO"]
    if path == "/big":  # larger than HTTP/2's initial flow-control windows
        n = int(environ.get("QUERY_STRING") or "1000000")
        data = bytes(i % 251 for i in range(n))
        start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(n))])
        return [data[: n // 3], data[n // 3:]]
    if path == "/bigstream":  # chunked, several writes
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return (bytes([i]) * 100000 for i in range(7))
    if path == "/sleep":
        time.sleep(float(environ.get("QUERY_STRING") or "0.05"))
    if path == "/hang":
        time.sleep(60)
    if path == "/stream":
        start_response("200 OK", [("Content-Type", "text/plain")])

        def gen():
            for i in range(3):
                yield b"part%d;" % i
        return gen()
    body = environ["wsgi.input"].read()
    out = "%s %s %s %s %s body=%d:%s" % (
        environ["REQUEST_METHOD"], path, environ["QUERY_STRING"], environ["SERVER_PROTOCOL"],
        environ["wsgi.url_scheme"], len(body), environ.get("HTTP_X_TEST", "-"))
    data = out.encode()
    start_response("201 Created", [("Content-Type", "text/plain"), ("Content-Length", str(len(data))),
                                   ("X-Reply", "yes"), ("Connection", "keep-alive")])
    return [data]


async def asgi_hello(scope, receive, send):
    """The ASGI hello world (h2spec over the ASGI bridge, asgi_h2.go)."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"13")]})
    await send({"type": "http.response.body", "body": b"Hello, World!"})
