"""xmlfast.parse / xmlfast.unparse against xmltodict 1.0.4."""
import collections
import decimal
import io

import pytest
import xmltodict
from hypothesis import HealthCheck, given, settings, strategies as st

import xmlfast

from .strategies import tag_name, xml_text

# ---- random documents ----

attr_value = xml_text
text_piece = st.one_of(xml_text.map(lambda s: ("text", s)), xml_text.map(lambda s: ("cdata", s.replace("]]>", ""))),
                       st.just(("comment", " note ")), st.just(("ws", "\n  ")))


def _esc(s: str, attr: bool = False) -> str:
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    if attr:
        s = s.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return s


@st.composite
def elements(draw, depth=0):
    name = draw(st.sampled_from(["a", "b", "c", "item", "x:y"]) | tag_name)
    attrs = draw(st.dictionaries(st.sampled_from(["id", "k", "lang", "x:z"]), attr_value, max_size=2))
    parts = []
    n = draw(st.integers(0, 4 if depth < 3 else 0))
    for _ in range(n):
        if draw(st.booleans()):
            parts.append(draw(elements(depth + 1)))
        else:
            kind, s = draw(text_piece)
            if kind == "text":
                parts.append(_esc(s))
            elif kind == "cdata":
                parts.append("<![CDATA[%s]]>" % s.replace("\r", ""))
            elif kind == "comment":
                parts.append("<!--%s-->" % s)
            else:
                parts.append(s)
    a = "".join(' %s="%s"' % (k, _esc(v, True)) for k, v in attrs.items())
    if not parts and draw(st.booleans()):
        return "<%s%s/>" % (name, a)
    return "<%s%s>%s</%s>" % (name, a, "".join(parts), name)


documents = elements().map(lambda s: s.encode("utf-8"))

OPTION_SETS = [
    {},
    {"attr_prefix": "_", "cdata_key": "text"},
    {"strip_whitespace": False},
    {"force_list": ("a", "b")},
    {"force_list": True},
    {"force_list": lambda path, key, value: key == "c"},
    {"force_cdata": True},
    {"xml_attribs": False},
    {"process_comments": True},
    {"process_comments": True, "strip_whitespace": False, "comment_key": "!"},
    {"postprocessor": lambda path, key, value: (key.upper(), value) if key != "b" else None},
    {"namespaces": {"x": "ex", "urn:p": None}},
]


def both(doc, **kw):
    try:
        expected = xmltodict.parse(doc, **kw)
    except Exception as exc:  # noqa: BLE001
        expected = type(exc)
    try:
        got = xmlfast.parse(doc, **kw)
    except Exception as exc:  # noqa: BLE001
        got = type(exc)
    if isinstance(expected, type):
        assert isinstance(got, type) and issubclass(got, Exception), (got, expected)
        if issubclass(expected, xmltodict.expat.ExpatError):
            assert issubclass(got, xmltodict.expat.ExpatError)
    else:
        assert got == expected
    return got


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.sampled_from(range(len(OPTION_SETS))))
def test_random_documents(doc, opt):
    both(doc, **OPTION_SETS[opt])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_random_documents_str_input_and_namespaces(doc):
    both(doc.decode("utf-8"))
    ns_doc = b'<r xmlns="urn:d" xmlns:x="urn:x">' + doc + b"</r>"
    both(ns_doc, process_namespaces=True)
    both(ns_doc, process_namespaces=True, namespaces={"urn:d": None, "urn:x": "X"})
    both(ns_doc, process_namespaces=True, namespace_separator="|")


@pytest.mark.parametrize("doc", [
    b"<a/>", b"<a></a>", b"<a> </a>", b"<a>x</a>", b'<a x="1"/>', b'<a x="1">t</a>',
    b"<a><b>1</b><b>2</b><c/><b>3</b></a>", b"<a>t1<b/>t2</a>",
    b"<!-- pre --><a><!-- in --><b>1</b></a><!-- post -->",
    b"<a>\xc2\xa0x\xc2\xa0</a>", b"<a>&#160;</a>", b"<a><![CDATA[ ]]></a>",
    b'<?xml version="1.0" encoding="ISO-8859-1"?><a>caf\xe9</a>',
    "<a>é</a>".encode("utf-16"),
    b'<a xmlns:p="urn:p" p:x="1"><p:b p:y="2">t</p:b></a>',
])
def test_documents(doc):
    both(doc)
    both(doc, process_namespaces=True)
    both(doc, process_comments=True)


def test_file_and_generator_inputs():
    doc = b"<a><b>1</b></a>"
    assert xmlfast.parse(io.BytesIO(doc)) == xmltodict.parse(io.BytesIO(doc))
    assert xmlfast.parse(c for c in [b"<a><b>", b"1</b></a>"]) == {"a": {"b": "1"}}


def test_postprocessor_path_and_attrs():
    seen_ours, seen_ref = [], []

    def pp(seen):
        def f(path, key, value):
            seen.append((list(path), key, value))
            return key, value
        return f

    doc = b'<a x="1"><b y="2">t</b><b>u</b></a>'
    assert xmlfast.parse(doc, postprocessor=pp(seen_ours)) == xmltodict.parse(doc, postprocessor=pp(seen_ref))
    assert seen_ours == seen_ref


def test_unsupported_arguments_delegate_to_xmltodict():
    doc = b"<a><b>1</b><b>2</b></a>"
    assert xmlfast.parse(doc, dict_constructor=collections.OrderedDict) == \
        xmltodict.parse(doc, dict_constructor=collections.OrderedDict)
    items = []
    xmlfast.parse(doc, item_depth=2, item_callback=lambda p, i: items.append(i) or True)
    assert items == ["1", "2"]


@pytest.mark.parametrize("doc", [b"", b"<a>", b"<a></b>", b"<a/><b/>", b"<a>&foo;</a>", b"<a x='1' x='2'/>",
                                 b"<p:a/>", b"\xff"])
def test_errors_are_expat_errors(doc):
    ns = doc == b"<p:a/>"
    with pytest.raises(xmltodict.expat.ExpatError):
        xmltodict.parse(doc, process_namespaces=ns)
    with pytest.raises(xmltodict.expat.ExpatError) as exc:
        xmlfast.parse(doc, process_namespaces=ns)
    assert isinstance(exc.value, ValueError)


# ---- unparse ----

scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), xml_text,
                   st.decimals(places=2, max_value=10**6, min_value=-10**6), st.binary(max_size=5))
keys = st.one_of(tag_name, st.sampled_from(["@id", "@lang", "#text", "#comment", "a", "b"]))
mapping = st.recursive(
    scalar,
    lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(keys, c, max_size=4)),
    max_leaves=20,
)
UNPARSE_OPTIONS = [
    {}, {"pretty": True}, {"pretty": True, "indent": 2, "newl": "\r\n"}, {"short_empty_elements": True},
    {"full_document": False}, {"attr_prefix": "_", "cdata_key": "$"}, {"expand_iter": "item"},
    {"encoding": "iso-8859-1"}, {"pretty": True, "short_empty_elements": True},
]


def unparse_both(data, **kw):
    try:
        expected = xmltodict.unparse(data, **kw)
    except Exception as exc:  # noqa: BLE001
        expected = (type(exc), str(exc))
    try:
        got = xmlfast.unparse(data, **kw)
    except Exception as exc:  # noqa: BLE001
        got = (type(exc), str(exc))
    assert got == expected
    return got


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, mapping, min_size=1, max_size=2), st.sampled_from(range(len(UNPARSE_OPTIONS))))
def test_unparse_random(data, opt):
    unparse_both(data, **UNPARSE_OPTIONS[opt])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_round_trip(doc):
    tree = xmltodict.parse(doc)
    unparse_both(tree)
    assert xmlfast.parse(xmlfast.unparse(tree)) == xmltodict.parse(xmltodict.unparse(tree))


@pytest.mark.parametrize("data", [
    {"a": {"@xmlns": {"": "urn:d", "p": "urn:p"}, "p:b": "x"}},
    {"a": {"#comment": ["one", None, "", "two"], "b": 1}},
    {"a": {"#comment": "bad--comment"}},
    {"a": {"#comment": "ends-"}},
    {"a b": 1}, {"?a": 1}, {"a": {"@b c": 1}}, {1: "x"}, {"a": {"@x": None, "@y": True, "@z": b"\xff"}},
    {"a": 1, "b": 2}, {"a": [1, 2]}, {}, {"#comment": "c"},
    {"a": ("t", "u")}, {"a": {"b": []}}, {"a": {"b": ()}},
    {"a": "tab\tcontrol\x01"}, {"a": {"#text": "", "@k": "v"}}, {"a": decimal.Decimal("1.50")},
    {"a": "x\ud800"}, {"a": collections.OrderedDict([("b", 1), ("c", 2)])},
    {"a": {"@x": "both ' and \"", "@y": "only \"", "@n": "l1\nl2\r\t"}},
])
def test_unparse_cases(data):
    unparse_both(data)
    unparse_both(data, short_empty_elements=True, pretty=True)
    unparse_both(data, full_document=False)


def test_unparse_generators():
    for kw in [{}, {"full_document": False}, {"expand_iter": "i"}]:
        expected = xmltodict.unparse({"r": {"a": (x for x in "ab")}}, **kw)
        assert xmlfast.unparse({"r": {"a": (x for x in "ab")}}, **kw) == expected


def test_unparse_output_stream():
    out = io.StringIO()
    assert xmlfast.unparse({"a": 1}, output=out) is None
    assert out.getvalue() == xmltodict.unparse({"a": 1})


def test_unparse_namespaces_and_preprocessor_delegate():
    data = {"http://x:a": {"@http://x:b": 1}}
    kw = {"namespaces": {"http://x": "x"}}
    assert xmlfast.unparse(data, **kw) == xmltodict.unparse(data, **kw)
    pre = {"preprocessor": lambda k, v: (k.upper(), v)}
    assert xmlfast.unparse({"a": 1}, **pre) == xmltodict.unparse({"a": 1}, **pre)


def test_invalid_bytes_errors():
    with pytest.raises(ValueError):
        xmlfast.unparse({"a": 1}, bytes_errors="nope")
