"""PEP 3333: the environ, wsgi.input, start_response and exc_info,
write(), close(), streaming, and invalid app output that must never reach
the wire malformed."""
import json
import socket
import threading
import time

from rawhttp import Conn, get


def test_environ_required_keys(server):
    r = get(server.port, "/environ?a=1&b=%20", headers={"User-Agent": "t", "Content-Type": "text/x"})
    env = json.loads(r.body)
    for key in ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_NAME",
                "SERVER_PORT", "SERVER_PROTOCOL", "REMOTE_ADDR", "REMOTE_PORT"):
        assert isinstance(env[key], str), key
    assert env["REQUEST_METHOD"] == "GET"
    assert env["PATH_INFO"] == "/environ"
    assert env["QUERY_STRING"] == "a=1&b=%20"
    assert env["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert env["SERVER_PORT"] == str(server.port)
    assert env["REMOTE_ADDR"] == "127.0.0.1"
    assert env["HTTP_USER_AGENT"] == "t"
    assert env["HTTP_HOST"] == "test"
    assert env["CONTENT_TYPE"] == "text/x"
    assert "HTTP_CONTENT_TYPE" not in env and "HTTP_CONTENT_LENGTH" not in env
    assert env["wsgi.version"] == [1, 0]
    assert env["wsgi.url_scheme"] == "http"
    assert env["wsgi.multithread"] is True
    assert env["wsgi.multiprocess"] is False
    assert env["wsgi.run_once"] is False
    assert env["input_type"] == "BytesIO"


def test_path_info_is_decoded_latin1(server):
    env = json.loads(get(server.port, "/environ%2F%C3%A9").body)
    # PEP 3333: the decoded bytes, as latin-1 characters.
    assert env["PATH_INFO"] == "/environ/\xc3\xa9"
    assert env["RAW_URI"] == "/environ%2F%C3%A9"


def test_absolute_form_target(server):
    c = Conn(server.port)
    c.send(b"GET http://example.com/environ?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n")
    env = json.loads(c.response().body)
    assert env["PATH_INFO"] == "/environ" and env["QUERY_STRING"] == "q=1"


def test_input_methods(server):
    body = b"line1\nline2\nline3"
    for mode in ("", "lines", "iter", "readline"):
        r = get(server.port, "/echo?" + mode, method="POST", body=body)
        assert r.body == body, mode


def test_write_callable(server):
    assert get(server.port, "/write").body == b"from write, from iterable"


def test_write_is_sent_at_once(server):
    c = Conn(server.port)
    c.send(b"GET /write-stream HTTP/1.1\r\nHost: a\r\n\r\n")
    t0 = time.time()
    c.read_until(b"early;\r\n")
    assert time.time() - t0 < 2.5  # before the app returned (it sleeps 3 s)
    assert c.read_until(b"0\r\n\r\n").endswith(b"4\r\nlate\r\n0\r\n\r\n")
    assert c.request("GET", "/hello").body == b"hello"
    c.close()


def test_write_with_content_length(server):
    r = get(server.port, "/write-cl")
    assert r.body == b"abcdef" and r.header("Transfer-Encoding") is None


def test_write_with_invalid_headers_raises_in_the_app(server):
    r = get(server.port, "/write-bad-header")
    assert r.status == 500
    assert r.body.startswith(b"write refused: appserver: the response status or headers are invalid")


def test_close_always_called(server):
    before = json.loads(get(server.port, "/calls").body)["closed"]
    for _ in range(3):
        assert get(server.port, "/close").body == b"ab"
    assert json.loads(get(server.port, "/calls").body)["closed"] == before + 3


def test_exc_info_replaces_status_before_headers_sent(server):
    r = get(server.port, "/exc-info")
    assert r.status == 500 and r.reason == "Oops" and r.body == b"error page"


def test_streaming_sends_chunks_as_produced(server):
    c = Conn(server.port)
    c.send(b"GET /stream?3 HTTP/1.1\r\nHost: a\r\n\r\n")
    t0 = time.time()
    head = c.read_until(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head
    first = c.read_until(b"first;\r\n")
    # The first chunk arrives while the generator still sleeps (3 s).
    assert time.time() - t0 < 2.5, first
    rest = c.read_until(b"0\r\n\r\n")
    assert b"second;" in rest and b"third" in rest
    assert c.request("GET", "/hello").body == b"hello"  # keep-alive after chunked
    c.close()


def test_head_of_a_streamed_response_has_no_body(server):
    c = Conn(server.port)
    r = c.request("HEAD", "/stream?0.01")
    assert r.status == 200
    # Nothing follows the head: the next answer starts at once.
    assert c.request("GET", "/hello").body == b"hello"
    c.close()


def test_streaming_with_content_length(server):
    r = get(server.port, "/stream-cl")
    assert r.body == b"hello world" and r.header("Transfer-Encoding") is None


def test_streaming_body_shorter_than_content_length_closes(server):
    c = Conn(server.port)
    c.send(b"GET /stream-cl-short HTTP/1.1\r\nHost: a\r\n\r\n")
    c.read_until(b"\r\n\r\n")
    data = c.read_to_eof()
    assert data == b"helloworld"  # then the connection closes: never a valid-looking short body


def test_http10_streaming_is_close_delimited(server):
    c = Conn(server.port)
    c.send(b"GET /stream?0.01 HTTP/1.0\r\n\r\n")
    r = c.response()
    assert r.body == b"first;second;third" and r.header("Transfer-Encoding") is None


def test_file_wrapper(server):
    r = get(server.port, "/file")
    assert r.body == b"0123456789" * 1000


def test_file_wrapper_over_a_real_file(server):
    import os
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "apps.py"), "rb") as f:
        data = f.read()
    c = Conn(server.port)
    r = c.request("GET", "/realfile")
    assert r.body == data[10:] and r.header("Content-Length") == str(len(data) - 10)
    r = c.request("GET", "/realfile-cl")
    assert r.body == data[10:30]
    r = c.request("HEAD", "/realfile")
    assert r.header("Content-Length") == str(len(data) - 10)
    assert c.request("GET", "/hello").body == b"hello"
    c.close()


def test_no_content(server):
    c = Conn(server.port)
    r = c.request("GET", "/no-content")
    assert r.status == 204 and r.header("Content-Length") is None
    assert c.request("GET", "/hello").status == 200


def test_big_response(server):
    assert len(get(server.port, "/big").body) == 1 << 20


def test_latin1_header_value(server):
    r = get(server.port, "/latin1-header")
    assert r.header("X-Name") == "caf\xe9"


def test_invalid_app_output_is_a_logged_500(server):
    for path in ("/bad-header-crlf", "/bad-header-name", "/bad-header-unicode", "/bad-status",
                 "/cl-long", "/cl-short", "/not-bytes", "/no-start", "/raise", "/raise-after-start"):
        c = Conn(server.port)
        r = c.request("GET", path)
        assert r.status == 500, path
        assert b"Set-Cookie" not in r.raw_head
        assert r.header("Connection") == "close"
        c.close()
    log = server.log()
    assert "control character" in log
    assert "boom from the app" in log
    assert "Content-Length 2 but the body has 8 bytes" in log
    # The server serves on.
    assert get(server.port, "/hello").body == b"hello"


def test_error_while_streaming_closes_the_connection(server):
    c = Conn(server.port)
    c.send(b"GET /close-raise HTTP/1.1\r\nHost: a\r\n\r\n")
    head = c.read_until(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    rest = c.read_to_eof()
    assert rest.startswith(b"5\r\nfirst\r\n") and not rest.endswith(b"0\r\n\r\n")
    assert "fails while streaming" in server.log()


def test_validator_under_concurrent_load(start_server):
    srv = start_server("--threads", "4", "apps:validated")
    errors = []

    def client(n):
        try:
            c = Conn(srv.port)
            for i in range(60):
                body = b"x" * (i % 7)
                method = "POST" if body else "GET"
                r = c.request(method, "/v%d?i=%d" % (n, i), body=body)
                if r.status != 200 or r.body != b"ok" + body:
                    errors.append((r.status, r.body[:100]))
            c.close()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    log = srv.log()
    assert "AssertionError" not in log and "WSGIWarning" not in log, log


def test_environ_values_repeated_or_changed_between_requests(start_server):
    # One thread and one keep-alive connection: every request goes through
    # the same worker and its reused environ buffers; each must see its own
    # values, also after a request that never reached the app (400).
    srv = start_server("--threads", "1", "apps:app")
    c = Conn(srv.port)
    long_ua = "u" * 300
    steps = [
        ("GET", {"Host": "a", "User-Agent": "x"}),
        ("GET", {"Host": "a", "User-Agent": "x"}),
        ("POST", {"Host": "b", "User-Agent": "y", "Accept": "text/a"}),
        ("GET", {"Host": "b", "User-Agent": "y", "Accept": "text/b"}),
        ("bad", {}),
        ("GET", {"Host": "b", "User-Agent": long_ua}),
        ("GET", {"Host": "a", "User-Agent": long_ua, "Accept-Language": "fr"}),
        ("DELETE", {"Host": "a", "User-Agent": "x", "Accept-Language": "de"}),
        ("GET", {"Host": "a"}),
    ]
    for method, headers in steps:
        if method == "bad":
            r = get(srv.port, "/environ%zz")
            assert r.status == 400
            continue
        env = json.loads(c.request(method, "/environ", headers=headers).body)
        assert env["REQUEST_METHOD"] == method
        assert env["SERVER_PROTOCOL"] == "HTTP/1.1"
        assert env["REMOTE_ADDR"] == "127.0.0.1"
        assert env["HTTP_HOST"] == headers["Host"]
        for name, key in (("User-Agent", "HTTP_USER_AGENT"), ("Accept", "HTTP_ACCEPT"),
                          ("Accept-Language", "HTTP_ACCEPT_LANGUAGE")):
            assert env.get(key) == headers.get(name), key
    env = json.loads(get(srv.port, "/environ", version="HTTP/1.0").body)
    assert env["SERVER_PROTOCOL"] == "HTTP/1.0"
    c.close()
