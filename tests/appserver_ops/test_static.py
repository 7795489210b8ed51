"""Static files served by Go: validators, ranges, precompressed siblings,
content types, and every way out of the mount answered 404."""
from __future__ import annotations

import gzip
import os

import pytest

from httpc import Client, get


@pytest.fixture(scope="module")
def static_server(start_module_server, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("static")
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "css" / "site.css").write_text("body { color: red }\n" * 50)
    (root / "css" / "site.css.gz").write_bytes(gzip.compress((root / "css" / "site.css").read_bytes()))
    (root / "css" / "site.css.br").write_bytes(b"BROTLI-BYTES")
    (root / "app.js").write_text("console.log(1)\n")
    (root / "big.bin").write_bytes(os.urandom(300 * 1024))
    (root / "index.html").write_text("<p>hi</p>")
    (root / "img.png").write_bytes(b"\x89PNG....")
    (root / "sub").mkdir()
    (tmp_path / "secret.txt").write_text("SECRET")
    os.symlink(tmp_path / "secret.txt", root / "out-link")           # leads out
    os.symlink("/etc/passwd", root / "abs-link")                     # absolute, out
    os.symlink("css/site.css", root / "in-link")                     # stays inside
    media = tmp_path / "media"
    media.mkdir()
    (media / "m.txt").write_text("media")
    srv = start_module_server("--static-path-route", "/static", "--static-path-mount", str(root),
                       "--static-path-route", "/media/", "--static-path-mount", str(media),
                       "--static-path-expires", "3600", "ops_apps:app")
    srv.root = root
    return srv


def test_serves_files_with_types_and_cache_headers(static_server):
    port = static_server.port
    status, h, body = get(port, "/static/css/site.css")
    assert status == 200 and body == (static_server.root / "css" / "site.css").read_bytes()
    assert h["content-type"].startswith("text/css")
    assert h["cache-control"] == "public, max-age=3600"
    assert h["accept-ranges"] == "bytes" and "etag" in h and "last-modified" in h
    assert "content-encoding" not in h
    assert get(port, "/static/app.js")[1]["content-type"].split(";")[0] in ("text/javascript", "application/javascript")
    assert get(port, "/static/index.html")[1]["content-type"].startswith("text/html")
    assert get(port, "/static/img.png")[1]["content-type"] == "image/png"
    assert get(port, "/media/m.txt")[2] == b"media"
    big = get(port, "/static/big.bin")  # beyond the inline size: sendfile
    assert big[0] == 200 and big[2] == (static_server.root / "big.bin").read_bytes()
    assert big[1]["content-type"] == "application/octet-stream"
    # Outside the routes the app answers; HEAD has the headers and no body.
    assert get(port, "/staticfoo")[2] == b"app:/staticfoo"
    status, h, body = get(port, "/static/css/site.css", method="HEAD")
    assert status == 200 and body == b"" and int(h["content-length"]) == 1000
    assert get(port, "/static/app.js", method="POST")[0] == 405


def test_conditional_requests(static_server):
    port = static_server.port
    _, h, _ = get(port, "/static/app.js")
    c = Client(port)
    status, h2, body = c.request("/static/app.js", headers={"If-None-Match": h["etag"]})
    assert (status, body) == (304, b"") and h2["etag"] == h["etag"]
    assert c.request("/static/app.js", headers={"If-None-Match": '"nope", ' + h["etag"]})[0] == 304
    assert c.request("/static/app.js", headers={"If-None-Match": '"nope"'})[0] == 200
    assert c.request("/static/app.js", headers={"If-Modified-Since": h["last-modified"]})[0] == 304
    assert c.request("/static/app.js", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
    # The connection stays usable after every answer.
    assert c.request("/static/app.js")[2] == b"console.log(1)\n"


def test_ranges(static_server):
    port = static_server.port
    data = (static_server.root / "big.bin").read_bytes()
    status, h, body = get(port, "/static/big.bin", headers={"Range": "bytes=10-19"})
    assert status == 206 and body == data[10:20]
    assert h["content-range"] == "bytes 10-19/%d" % len(data)
    status, h, body = get(port, "/static/big.bin", headers={"Range": "bytes=-100"})
    assert status == 206 and body == data[-100:]
    status, h, body = get(port, "/static/big.bin", headers={"Range": "bytes=200000-"})
    assert status == 206 and body == data[200000:]
    status, h, _ = get(port, "/static/big.bin", headers={"Range": "bytes=999999999-"})
    assert status == 416 and h["content-range"] == "bytes */%d" % len(data)
    # Several ranges, or an If-Range that no longer matches: the whole file.
    assert get(port, "/static/big.bin", headers={"Range": "bytes=0-1,5-6"})[0] == 200
    assert get(port, "/static/big.bin", headers={"Range": "bytes=0-1", "If-Range": '"old"'})[0] == 200
    etag = get(port, "/static/big.bin")[1]["etag"]
    assert get(port, "/static/big.bin", headers={"Range": "bytes=0-1", "If-Range": etag})[0] == 206


def test_precompressed_siblings(static_server):
    port = static_server.port
    plain = (static_server.root / "css" / "site.css").read_bytes()
    status, h, body = get(port, "/static/css/site.css", headers={"Accept-Encoding": "gzip, deflate"})
    assert h["content-encoding"] == "gzip" and gzip.decompress(body) == plain
    assert h["vary"] == "Accept-Encoding" and h["content-type"].startswith("text/css")
    status, h, body = get(port, "/static/css/site.css", headers={"Accept-Encoding": "gzip, br"})
    assert h["content-encoding"] == "br" and body == b"BROTLI-BYTES"
    _, h, body = get(port, "/static/css/site.css", headers={"Accept-Encoding": "br;q=0, gzip;q=0"})
    assert "content-encoding" not in h and body == plain
    # No sibling: identity even when compression is accepted.
    assert "content-encoding" not in get(port, "/static/app.js", headers={"Accept-Encoding": "gzip"})[1]
    # Validators differ per representation.
    e1 = get(port, "/static/css/site.css")[1]["etag"]
    e2 = get(port, "/static/css/site.css", headers={"Accept-Encoding": "gzip"})[1]["etag"]
    assert e1 != e2


@pytest.mark.parametrize("target", [
    "/static/../ops_apps.py",
    "/static/css/../../ops_apps.py",
    "/static/%2e%2e/secret.txt",
    "/static/%2E%2E/secret.txt",
    "/static/css/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/static/..%2fsecret.txt",
    "/static/..%5csecret.txt",
    "/static/%00",
    "/static/css/site.css%00.png",
    "/static/out-link",
    "/static/abs-link",
    "/static//etc/passwd",
    "/static/./app.js",
    "/static/sub",
    "/static/sub/",
    "/static/",
    "/static",
    "/static/nope.txt",
    "/static/%zz",
])
def test_traversal_and_non_files_are_404(static_server, target):
    status, _, body = get(static_server.port, target)
    assert status == 404, (target, body)
    assert b"SECRET" not in body and b"root:" not in body


def test_symlink_inside_the_mount_is_served(static_server):
    status, _, body = get(static_server.port, "/static/in-link")
    assert status == 200 and body == (static_server.root / "css" / "site.css").read_bytes()


def test_changed_and_removed_files_are_seen_within_a_second(static_server):
    import time
    f = static_server.root / "changing.txt"
    f.write_text("one")
    assert get(static_server.port, "/static/changing.txt")[2] == b"one"
    f.write_text("two, longer")
    time.sleep(1.2)  # the open-file cache revalidates after 1 s
    assert get(static_server.port, "/static/changing.txt")[2] == b"two, longer"
    f.unlink()
    time.sleep(1.2)
    assert get(static_server.port, "/static/changing.txt")[0] == 404
