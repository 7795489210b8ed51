"""Safety: defusedxml's guarantees by default, for both parsers."""
import http.server
import io
import threading

import pytest
from rest_framework.exceptions import ParseError

import xmlfast
from xmlfast.drf import XMLParser

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<lolz>&lol9;</lolz>"""

QUADRATIC = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + b"x" * 100000 + b'">]><r>'
             + b"&a;" * 100000 + b"</r>")


def xxe_file(path):
    return ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://%s">]><r>&x;</r>' % path).encode()


def xxe_url(url):
    return ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "%s">]><r>&x;</r>' % url).encode()


def external_dtd(url):
    return ('<?xml version="1.0"?><!DOCTYPE r SYSTEM "%s"><r>1</r>' % url).encode()


PARAMETER_ENTITY = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x"> %p;]><r/>'


@pytest.fixture()
def http_server():
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<!ENTITY x 'remote'>")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d/evil.dtd" % server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def secret_file(tmp_path):
    p = tmp_path / "secret.txt"
    p.write_text("TOP-SECRET-CONTENT")
    return p


def attacks(secret_file, url):
    return {
        "billion_laughs": (BILLION_LAUGHS, xmlfast.DTDForbidden),
        "quadratic": (QUADRATIC, xmlfast.DTDForbidden),
        "xxe_file": (xxe_file(secret_file), xmlfast.DTDForbidden),
        "xxe_url": (xxe_url(url), xmlfast.DTDForbidden),
        "external_dtd": (external_dtd(url), xmlfast.DTDForbidden),
        "parameter_entity": (PARAMETER_ENTITY, xmlfast.DTDForbidden),
        "undefined_entity": (b"<r>&x;</r>", xmlfast.EntitiesForbidden),
        "entity_in_attribute": (b"<r a='&x;'/>", xmlfast.EntitiesForbidden),
    }


NAMES = ["billion_laughs", "quadratic", "xxe_file", "xxe_url", "external_dtd", "parameter_entity",
         "undefined_entity", "entity_in_attribute"]


@pytest.mark.parametrize("name", NAMES)
def test_attacks_refused_by_xmltodict_face(name, secret_file, http_server):
    url, hits = http_server
    doc, exc_type = attacks(secret_file, url)[name]
    with pytest.raises(exc_type) as exc:
        xmlfast.parse(doc)
    assert isinstance(exc.value, xmlfast.XMLParseError)
    assert "SECRET" not in str(exc.value)
    assert hits == []


@pytest.mark.parametrize("name", NAMES)
def test_attacks_refused_by_drf_parser(name, secret_file, http_server):
    url, hits = http_server
    doc, _ = attacks(secret_file, url)[name]
    with pytest.raises(ParseError) as exc:
        XMLParser().parse(io.BytesIO(doc))
    assert "SECRET" not in str(exc.value.detail)
    assert hits == []


def test_drf_messages_name_the_refusal():
    with pytest.raises(ParseError, match="DTD is forbidden"):
        XMLParser().parse(io.BytesIO(BILLION_LAUGHS))
    with pytest.raises(ParseError, match="undefined entity &x;"):
        XMLParser().parse(io.BytesIO(b"<r>&x;</r>"))


def test_depth_and_size_limits_on_parse():
    deep = b"<a>" * 5000 + b"</a>" * 5000
    with pytest.raises(xmlfast.LimitExceeded):
        xmlfast.parse(deep)
    assert xmlfast.parse(b"<a>" * 5 + b"</a>" * 5, max_depth=5) == {"a": {"a": {"a": {"a": {"a": None}}}}}
    with pytest.raises(xmlfast.LimitExceeded):
        xmlfast.parse(b"<a>" * 6 + b"</a>" * 6, max_depth=5)
    with pytest.raises(xmlfast.LimitExceeded):
        xmlfast.parse(b"<a>" + b"x" * 1000 + b"</a>", max_size=100)
    with pytest.raises(xmlfast.LimitExceeded):
        xmlfast.parse(io.BytesIO(b"<a>" + b"x" * 1000 + b"</a>"), max_size=100)


def test_huge_flat_document_is_fine():
    doc = b"<r>" + b"<i>1</i>" * 200000 + b"</r>"
    assert len(xmlfast.parse(doc)["r"]["i"]) == 200000


@pytest.mark.parametrize("cut", [1, 5, 10, 20, 30, 41])
def test_truncated(cut):
    doc = b'<?xml version="1.0"?><r><a x="1">text</a></r>'
    with pytest.raises(xmlfast.XMLParseError):
        xmlfast.parse(doc[:cut])
    with pytest.raises(ParseError):
        XMLParser().parse(io.BytesIO(doc[:cut]))


def test_exception_types_catchable_as_expat_and_value_error():
    from xml.parsers.expat import ExpatError

    for exc in (xmlfast.XMLParseError, xmlfast.DTDForbidden, xmlfast.EntitiesForbidden, xmlfast.LimitExceeded):
        assert issubclass(exc, ExpatError) and issubclass(exc, ValueError)
    with pytest.raises(ExpatError) as info:
        xmlfast.parse(b"<a>\n<b></a>")
    assert (info.value.lineno, info.value.offset) == (2, 5)


def test_import_without_django():
    import subprocess
    import sys

    code = "import sys, xmlfast; xmlfast.parse(b'<a/>'); assert 'django' not in sys.modules, 'django imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd="/")
