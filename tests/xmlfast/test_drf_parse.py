"""xmlfast.drf.XMLParser against djangorestframework-xml's parser."""
import decimal
import io
import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from rest_framework.exceptions import ParseError
from rest_framework_xml.parsers import XMLParser as RefParser
from rest_framework_xml.renderers import XMLRenderer as RefRenderer

from xmlfast.drf import XMLParser

from .strategies import leaf_texts, tag_name, trees, xml_text

ref = RefParser()
ours = XMLParser()


def norm(v):
    """Comparable form: types kept, Decimal by its string (NaN != NaN)."""
    if isinstance(v, dict):
        return ("dict", [(k, norm(x)) for k, x in v.items()])
    if isinstance(v, list):
        return ("list", [norm(x) for x in v])
    if isinstance(v, decimal.Decimal):
        return ("Decimal", str(v))
    return (type(v).__name__, v)


def parse_both(doc: bytes):
    expected = ref.parse(io.BytesIO(doc))
    got = ours.parse(io.BytesIO(doc))
    assert norm(got) == norm(expected)
    return got


def escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
def test_rendered_trees_parse_identically(data):
    doc = RefRenderer().render(data)
    if doc:
        parse_both(doc.encode())


@settings(max_examples=1500, deadline=None)
@given(leaf_texts)
def test_leaf_conversion_identical(text):
    doc = ("<root><a>%s</a><b>%s</b></root>" % (escape(text), escape(text))).encode()
    parse_both(doc)


@pytest.mark.parametrize("text", [
    "2011-12-25 12:45:00", "2011-1-5 1:2:3", "2011-12- 5 10:00:00", "2011-12-25\t\n12:45:00",
    "2011-02-30 00:00:00", "0000-01-01 00:00:00", "2011-12-25 12:45:60", "2011-12-25 12:45:001",
    "2011-12-25 12:45:00 ", " 2011-12-25 12:45:00", "2011-12-25T12:45:00", "2011-12-25",
    "12", "-0", "+7", " 42 ", "007", "1_000", "1__0", "_1", "1" * 30, "1" * 5000,
    "1.5", ".5", "5.", "1e5", "1E-5", "-inf", "Infinity", "nan", "sNaN12", "NaN12a", "1e", ".",
    "e5", "0x10", "١٢", "\u00a012", "１２", "12\u2003", "abc", "café", "  ", "\n", "true",
])
def test_leaf_values(text):
    parse_both(("<root><a>%s</a></root>" % escape(text)).encode())


@pytest.mark.parametrize("doc", [
    b"<root></root>", b"<root/>", b"<root>text</root>", b"<root><a/><b></b></root>",
    b"<root><list-item>1</list-item><list-item>2</list-item></root>",
    b"<root><list-item>1</list-item><x>2</x></root>",
    b"<root><x>1</x><list-item>2</list-item></root>",
    b"<root><a>1</a><a>2</a><b>3</b><a>4</a></root>",
    b"<root>ignored<a>1</a>also ignored</root>",
    b"<root><a>1<!-- c -->2</a><b>1<?pi data?>3</b><c><![CDATA[<x>&]]></c><d><![CDATA[]]></d></root>",
    b"<root><a>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;</a></root>",
    b"<root><a x='1' y=\"2\">v</a><b z='&lt;'/></root>",
    b"<?xml version='1.0' encoding='utf-8'?>\n<root>\r\n<a>x\r\ny\rz</a></root>\n<!-- after -->\n",
    b"\xef\xbb\xbf<root><a>bom</a></root>",
    b'<root xmlns="urn:a" xmlns:p="urn:p"><p:a>1</p:a><b xmlns="">2</b><c>3</c></root>',
    b"<root><list-item><list-item>1</list-item></list-item></root>",
    "<root><é>ü</é><数>一</数></root>".encode(),
])
def test_documents(doc):
    parse_both(doc)


MALFORMED = [
    b"", b"   ", b"<root>", b"<root><a>1</a>", b"<root></rot>", b"<root><a></b></root>",
    b"<root>1</root><root>2</root>", b"<root>1</root>junk", b"junk<root/>", b"<root a=1/>",
    b"<root a='1' a='2'/>", b"<root>&unknown;</root>", b"<root>&#0;</root>", b"<root>\x01</root>",
    b"<root>\xff</root>", b"<1root/>", b"<root><p:a>1</p:a></root>", b"<root>]]></root>",
    b"<root><!-- a -- b --></root>", b"<root><![CDATA[x</root>", b"<?xml version='1.0'?><?xml version='1.0'?><root/>",
    b"<root attr='<'/>", b"<root>&amp</root>", b"</root>", b"<root><a>1</a", b"<root><",
]


@pytest.mark.parametrize("doc", MALFORMED)
def test_malformed_documents_give_parse_error(doc):
    with pytest.raises(ParseError):
        ref.parse(io.BytesIO(doc))
    with pytest.raises(ParseError) as exc:
        ours.parse(io.BytesIO(doc))
    assert str(exc.value.detail).startswith("XML parse error - ")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=60) | xml_text.map(lambda s: ("<r>" + s).encode("utf-8", "surrogatepass")))
def test_garbage_never_crashes(doc):
    try:
        expected = ref.parse(io.BytesIO(doc))
    except ParseError:
        expected = ParseError
    try:
        got = ours.parse(io.BytesIO(doc))
    except ParseError:
        got = ParseError
    assert norm(got) == norm(expected) if got is not ParseError else expected is ParseError


@settings(max_examples=200, deadline=None)
@given(trees(), st.integers(min_value=0, max_value=400))
def test_truncated_documents_fail(data, cut):
    doc = RefRenderer().render({"x": data}).encode()
    if cut >= len(doc) - 1:
        return
    with pytest.raises(ParseError):
        ours.parse(io.BytesIO(doc[:cut]))


def test_latin1_encoding_from_parser_context():
    doc = "<root><a>caf\u00e9</a></root>".encode("latin-1")
    ctx = {"encoding": "iso-8859-1"}
    assert ours.parse(io.BytesIO(doc), parser_context=ctx) == ref.parse(io.BytesIO(doc), parser_context=ctx)


def test_custom_item_tag():
    class P(XMLParser):
        item_tag_name = "item"

    assert P().parse(io.BytesIO(b"<r><item>1</item><item>2</item></r>")) == [1, 2]


def test_depth_limit():
    doc = b"<a>" * 1001 + b"1" + b"</a>" * 1001
    with pytest.raises(ParseError, match="nested deeper"):
        ours.parse(io.BytesIO(doc))

    class Deep(XMLParser):
        max_depth = 2000

    value = Deep().parse(io.BytesIO(doc))
    for _ in range(1000):
        value = value["a"]
    assert value == 1


def test_size_limit():
    class Small(XMLParser):
        max_size = 100

    with pytest.raises(ParseError, match="larger than"):
        Small().parse(io.BytesIO(b"<r>" + b"x" * 200 + b"</r>"))


def test_error_message_has_position():
    with pytest.raises(ParseError) as exc:
        ours.parse(io.BytesIO(b"<root>\n  <a>1</b>\n</root>"))
    assert "mismatched tag: line 2, column 8" in str(exc.value.detail)
