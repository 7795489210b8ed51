"""TLS: certificates made at test time with openssl; HTTPS, wsgi.url_scheme,
an encrypted key, client certificates (mTLS) and the minimum version."""
from __future__ import annotations

import http.client
import ssl
import subprocess

import pytest


def sh(*args, cwd):
    subprocess.run(args, cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = tmp_path_factory.mktemp("certs")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    sh("openssl", "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=test-ca", cwd=d)
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name in ("server", "client"):
        sh("openssl", "req", *ec, "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name, cwd=d)
        sh("openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
           "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", "san.ext", cwd=d)
    sh("openssl", "pkey", "-in", "server.key", "-aes256", "-passout", "pass:s3cret", "-out", "server-enc.key", cwd=d)
    return d


def fetch(port, certs, path="/env", client_cert=False, max_version=None):
    ctx = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    if client_cert:
        ctx.load_cert_chain(str(certs / "client.pem"), str(certs / "client.key"))
    if max_version:
        ctx.maximum_version = max_version
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read().decode()
    finally:
        c.close()


def test_https_and_url_scheme(start_server, certs):
    srv = start_server("--ssl-certfile", str(certs / "server.pem"), "--ssl-keyfile", str(certs / "server.key"),
                       "--workers", "2", "ops_apps:app")
    for _ in range(4):
        status, body = fetch(srv.port, certs)
        assert status == 200 and "wsgi.url_scheme=https" in body
    # Plain HTTP on the TLS port gets no HTTP answer.
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    with pytest.raises((http.client.HTTPException, OSError)):
        c.request("GET", "/env")
        c.getresponse().read()
    c.close()


def test_encrypted_key(start_server, certs):
    srv = start_server("--ssl-certfile", str(certs / "server.pem"), "--ssl-keyfile", str(certs / "server-enc.key"),
                       "--ssl-keyfile-password", "s3cret", "ops_apps:app")
    assert fetch(srv.port, certs)[0] == 200


def test_client_certificates_required(start_server, certs):
    srv = start_server("--ssl-certfile", str(certs / "server.pem"), "--ssl-keyfile", str(certs / "server.key"),
                       "--ssl-ca", str(certs / "ca.pem"), "ops_apps:app")
    assert fetch(srv.port, certs, client_cert=True)[0] == 200
    with pytest.raises((ssl.SSLError, OSError, http.client.HTTPException)):
        fetch(srv.port, certs)


def test_minimum_version(start_server, certs):
    srv = start_server("--ssl-certfile", str(certs / "server.pem"), "--ssl-keyfile", str(certs / "server.key"),
                       "--ssl-protocol-min", "tls1.3", "ops_apps:app")
    assert fetch(srv.port, certs)[0] == 200
    with pytest.raises((ssl.SSLError, OSError)):
        fetch(srv.port, certs, max_version=ssl.TLSVersion.TLSv1_2)


def test_bad_tls_options_are_usage_errors(tmp_path):
    import sys
    r = subprocess.run([sys.executable, "-m", "appserver", "--ssl-certfile", str(tmp_path / "none.pem"),
                        "--ssl-keyfile", str(tmp_path / "none.key"), "x:app"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "no such file" in r.stderr
