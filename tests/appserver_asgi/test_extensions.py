"""ASGI extensions: http.response.trailers as HTTP/1.1 chunked trailers (raw
sockets), early hints accepted and ignored over HTTP/1.1, and the tls scope
extension over TLS (certificates made with openssl at test time)."""
from __future__ import annotations

import asyncio
import http.client
import json
import socket
import ssl
import subprocess

import pytest
from websockets.asyncio.client import connect


def raw(port: int, request: bytes, ctx=None) -> bytes:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    if ctx is not None:
        s = ctx.wrap_socket(s, server_hostname="localhost")
    s.sendall(request)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data


def get(path: str, te: bool = True, method: str = "GET", version: str = "1.1") -> bytes:
    return (("%s %s HTTP/%s\r\nHost: x\r\n%sConnection: close\r\n\r\n"
             % (method, path, version, "TE: trailers\r\n" if te else "")).encode())


@pytest.fixture
def server(start_server):
    return start_server("--interface", "asgi", "--loop", "asyncio", "apps_asgi:app")


@pytest.mark.parametrize("path", ["/trailers", "/trailers-single"])
def test_trailers_sent_after_the_last_chunk(server, path):
    out = raw(server.port, get(path))
    head, _, body = out.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert b"\r\nTransfer-Encoding: chunked" in head
    assert b"\r\ntrailer: x-checksum, x-status" in head
    # The chunks, the last chunk, the trailer fields (framing fields
    # dropped), the final CRLF; nothing after it.
    chunks = b"3\r\nhel\r\n2\r\nlo\r\n" if path == "/trailers" else b"5\r\nhello\r\n"
    assert body == chunks + b"0\r\nx-checksum: abc123\r\nx-status: ok\r\n\r\n"


def test_trailers_dropped_without_te_trailers(server):
    out = raw(server.port, get("/trailers", te=False))
    assert out.endswith(b"3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n")
    assert b"x-checksum: abc123" not in out


def test_trailers_keep_alive_and_http_client(server):
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    for _ in range(3):  # the connection stays usable after a response with trailers
        c.request("GET", "/trailers", headers={"TE": "trailers"})
        r = c.getresponse()
        assert r.status == 200 and r.read() == b"hello"
    c.close()


def test_trailers_with_content_length_or_http10(server):
    out = raw(server.port, get("/trailers-cl"))
    head, _, body = out.partition(b"\r\n\r\n")
    assert b"content-length: 5" in head and b"chunked" not in head and body == b"hello"
    out = raw(server.port, get("/trailers", version="1.0"))
    head, _, body = out.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200") and body == b"hello"


def test_early_hint_ignored_over_http11(server):
    out = raw(server.port, get("/early-hint"))
    assert out.startswith(b"HTTP/1.1 200 ")  # no 103 before it
    ext = json.loads(out.partition(b"\r\n\r\n")[2])["extensions"]
    assert "http.response.early_hint" not in ext  # not advertised where not done
    assert "http.response.trailers" in ext and "tls" not in ext  # no tls on plain HTTP


def sh(*args, cwd):
    subprocess.run(args, cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = tmp_path_factory.mktemp("certs")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    sh("openssl", "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
       "-subj", "/CN=test-ca", cwd=d)
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name, subj in (("server", "/CN=localhost"), ("client", "/O=Acme/CN=client one")):
        sh("openssl", "req", *ec, "-keyout", name + ".key", "-out", name + ".csr", "-subj", subj, cwd=d)
        sh("openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
           "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", "san.ext", cwd=d)
    return d


def client_ctx(certs, client_cert=False, max_version=None):
    ctx = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    if client_cert:
        ctx.load_cert_chain(str(certs / "client.pem"), str(certs / "client.key"))
    if max_version:
        ctx.maximum_version = max_version
    return ctx


def fetch_tls(port, certs, **kw):
    c = http.client.HTTPSConnection("127.0.0.1", port, context=client_ctx(certs, **kw), timeout=10)
    try:
        c.request("GET", "/tls")
        r = c.getresponse()
        assert r.status == 200
        return json.loads(r.read())
    finally:
        c.close()


def pem_der(pem: str) -> bytes:
    return ssl.PEM_cert_to_DER_cert(pem)


def test_tls_scope_extension(start_server, certs):
    srv = start_server("--interface", "asgi", "--loop", "asyncio",
                       "--ssl-certfile", str(certs / "server.pem"), "--ssl-keyfile", str(certs / "server.key"),
                       "apps_asgi:ops_app")
    server_der = pem_der((certs / "server.pem").read_text())
    d = fetch_tls(srv.port, certs)
    assert d["scheme"] == "https" and "tls" in d["extensions"]
    tls = d["tls"]
    assert pem_der(tls["server_cert"]) == server_der
    assert tls["client_cert_chain"] == [] and tls["client_cert_name"] is None
    assert tls["client_cert_error"] is None
    assert tls["tls_version"] == 0x0304  # TLS 1.3
    assert tls["cipher_suite"] in (0x1301, 0x1302, 0x1303)
    d = fetch_tls(srv.port, certs, max_version=ssl.TLSVersion.TLSv1_2)
    assert d["tls"]["tls_version"] == 0x0303
    assert d["tls"]["cipher_suite"] >> 8 == 0xC0  # an ECDHE suite

    # wss: the same extension in the websocket scope.
    async def ws():
        async with connect("wss://localhost:%d/tls" % srv.port, ssl=client_ctx(certs)) as w:
            return json.loads(await w.recv())
    info = asyncio.run(ws())
    assert info["scheme"] == "wss" and pem_der(info["tls"]["server_cert"]) == server_der

    # Trailers work through TLS too (the flush goroutine writes there).
    out = raw(srv.port, get("/trailers"), ctx=client_ctx(certs))
    assert out.endswith(b"0\r\nx-checksum: abc123\r\nx-status: ok\r\n\r\n")


def test_tls_client_certificate(start_server, certs):
    srv = start_server("--interface", "asgi", "--loop", "asyncio",
                       "--ssl-certfile", str(certs / "server.pem"), "--ssl-keyfile", str(certs / "server.key"),
                       "--ssl-ca", str(certs / "ca.pem"), "--ssl-client-verify", "optional",
                       "apps_asgi:ops_app")
    tls = fetch_tls(srv.port, certs, client_cert=True)["tls"]
    # The client's certificate first; OpenSSL's client also sends the CA it
    # built the chain with.
    chain = [pem_der(p) for p in tls["client_cert_chain"]]
    assert chain[0] == pem_der((certs / "client.pem").read_text())
    assert chain[1:] in ([], [pem_der((certs / "ca.pem").read_text())])
    assert tls["client_cert_name"] == "CN=client one,O=Acme"  # RFC 4514: most specific first
    assert tls["client_cert_error"] is None
    # optional: without a certificate the request is served, with no chain.
    tls = fetch_tls(srv.port, certs)["tls"]
    assert tls["client_cert_chain"] == [] and tls["client_cert_name"] is None
