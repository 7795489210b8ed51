"""jsonfast.decoder, standard library face: json.loads semantics exactly."""
import decimal
import io
import json
import math
import sys
import threading
from collections import OrderedDict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from json_values import same
from jsonfast import decoder as jd

CORPUS_FILES = ["twitter", "github", "citm_catalog", "canada"]


def outcome(fn, *args, **kw):
    try:
        return ("ok", fn(*args, **kw))
    except BaseException as e:  # noqa: BLE001 - comparing exceptions is the point
        info = (type(e), str(e))
        if isinstance(e, json.JSONDecodeError):
            info += (e.msg, e.doc, e.pos, e.lineno, e.colno)
        return ("error", info)


def assert_same_as_stdlib(s, **kw):
    want = outcome(json.loads, s, **kw)
    got = outcome(jd.loads, s, **kw)
    assert got[0] == want[0], (s, got, want)
    if want[0] == "ok":
        assert same(got[1], want[1]), (s, got, want)
    else:
        assert got[1] == want[1], (s, got, want)


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_equals_stdlib(corpus, name):
    raw = (corpus / "json" / (name + ".json")).read_bytes()
    want = json.loads(raw)
    assert same(jd.loads(raw), want)
    assert same(jd.loads(raw.decode()), want)
    assert same(jd.loads(bytearray(raw)), want)


VALID = [
    "null", "true", "false", "0", "-0", "1", "-1", "-0.0", "1.5", "1e5", "1E+2", "1e-7",
    "123456789012345678", "-9223372036854775808", "9223372036854775807",
    "18446744073709551616", "-" + "9" * 40, "1" * 4300, "0." + "3" * 400,
    "1.7976931348623157e308", "1e400", "-1e400", "1e-400", "5e-324", "2.2250738585072011e-308",
    "NaN", "Infinity", "-Infinity", "[NaN, Infinity, -Infinity]",
    '""', '"abc"', '"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\u0000\\u001f\\u007f\\u0080\\u00ff\\u0100"',
    '"\\ud83d\\ude00"', '"\\ud800"', '"\\udc00"', '"\\ud800\\ud800"', '"\\ud800x"',
    '"\\uDBFF\\uDFFF"', '"é中😀"', '"ÿ"', '"Ā"', '"\U0010ffff"',
    "[]", "{}", "[[]]", '{"a":{}}', " \t\n\r[ 1 ,\n 2 ] \r\n", '{"a":1,"a":2,"b":3,"a":4}',
    '{"":""}', '{"k\\u00e9y":1}', '{"😀":[1,{"x":null}]}',
    "[" * 400 + "]" * 400, '{"a":' * 300 + "1" + "}" * 300,
    '["' + "x" * 100000 + '"]', '"' + "é" * 1000 + "中" * 1000 + '"',
]


@pytest.mark.parametrize("s", VALID)
def test_valid_documents(s):
    assert_same_as_stdlib(s)
    assert_same_as_stdlib(s.encode("utf-8", "surrogatepass"))


INVALID = [
    "", " ", "\ufeff[1]", "[1,]", "[,1]", "{,}", '{"a":1,}', "[1 2]", '{"a" 1}', '{"a":}',
    "{1:2}", "[", "]", "[1", '{"a":1', '"abc', '"\\x"', '"\\u12"', '"\\u12x4"', "tru", "nul",
    "nan", "inf", "-", "-a", "01", "1.", ".5", "1e", "1e+", "+1", "0x10", "1 2", "[1] x",
    '"\x01"', '"a\nb"', '["\t"]', "NaNx", "-Infinityx", "[-NaN]", "\x00", "[1]\x00",
    "/* c */ 1", "'a'", '{"a":1}}', "[[[]]", '"\\', '"\\u', "1" * 4301, "1" * 10000,
    "[" * 1_000_000, "[" * 2000 + "]" * 2000,
]


@pytest.mark.parametrize("s", INVALID, ids=lambda s: repr(s[:30]))
def test_invalid_documents_raise_exactly_like_stdlib(s):
    assert_same_as_stdlib(s)
    assert_same_as_stdlib(s.encode("utf-8", "surrogatepass"))


def test_error_is_the_stdlib_class():
    assert jd.JSONDecodeError is json.JSONDecodeError
    with pytest.raises(json.JSONDecodeError) as info:
        jd.loads('{"a": [1, 2,, 3]}')
    e = info.value
    assert (e.msg, e.pos, e.lineno, e.colno) == ("Expecting value", 12, 1, 13)
    assert isinstance(e, ValueError)


def test_multiline_error_position():
    doc = '{\n  "a": 1,\n  "b": [1, 2\n}'
    assert_same_as_stdlib(doc)


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                 "utf-32", "utf-32-le", "utf-32-be"])
def test_bytes_encodings(enc):
    doc = '{"name": "Zoë 中 😀", "n": [1, 2.5, null]}'
    assert_same_as_stdlib(doc.encode(enc))


def test_invalid_utf8_bytes_like_stdlib():
    for b in [b'"\xff"', b'["\xc3"]', b'"\xed\xa0\x80"', b'"\xf4\x90\x80\x80"', b'[1, "\xe2\x82"]']:
        assert_same_as_stdlib(b)


def test_lone_surrogates_in_str_input():
    assert_same_as_stdlib('"\ud800"')
    assert_same_as_stdlib('["\udfff", 1]')


class _Str(str):
    pass


class _Bytes(bytes):
    pass


def test_non_text_input_type_error_and_subclasses():
    for arg in [1, None, [b"[]"], memoryview(b"[]"), _Str('{"a": [1]}'), _Bytes(b"[1, 2]"),
                _Str("[1,"), bytearray(b'{"a": "\xc3\xa9"}')]:
        assert_same_as_stdlib(arg)


def test_strict_false_allows_control_characters():
    doc = '["a\tb\nc\x00d"]'
    assert_same_as_stdlib(doc, strict=False)
    assert_same_as_stdlib(doc)
    assert jd.JSONDecoder(strict=False).decode(doc) == ["a\tb\nc\x00d"]


def test_int_max_str_digits_honoured():
    old = sys.get_int_max_str_digits()
    try:
        sys.set_int_max_str_digits(5000)
        assert jd.loads("7" * 4500) == int("7" * 4500)
        assert_same_as_stdlib("7" * 5001)
        sys.set_int_max_str_digits(0)
        assert jd.loads("7" * 20000) == int("7" * 20000)
    finally:
        sys.set_int_max_str_digits(old)


def test_hooks():
    doc = '{"a": 1.5, "b": [2, NaN, {"c": "d"}], "a": 3}'
    for kw in [
        dict(object_hook=lambda d: ("obj", sorted(d.items()))),
        dict(object_pairs_hook=OrderedDict),
        dict(object_pairs_hook=list),
        dict(parse_float=decimal.Decimal),
        dict(parse_int=str),
        dict(parse_constant=lambda c: "const:" + c),
        dict(object_hook=dict, object_pairs_hook=tuple),
    ]:
        assert jd.loads(doc, **kw) == json.loads(doc, **kw)
        assert jd.JSONDecoder(**kw).decode(doc) == json.JSONDecoder(**kw).decode(doc)


def test_cls_and_subclass():
    class Upper(jd.JSONDecoder):
        def decode(self, s):
            return super().decode(s.upper())

    assert jd.loads('["abc"]', cls=Upper) == ["ABC"]

    class Tagged(jd.JSONDecoder):
        def __init__(self, **kw):
            super().__init__(object_hook=lambda d: {"tagged": d}, **kw)

    assert jd.loads('{"a": {"b": 1}}', cls=Tagged) == {"tagged": {"a": {"tagged": {"b": 1}}}}
    assert jd.loads("[1]", cls=json.JSONDecoder) == [1]

    class Late(jd.JSONDecoder):
        pass

    d = Late()
    d.parse_float = decimal.Decimal  # set after __init__: still honoured
    d.parse_constant = lambda c: c
    d.scan_once = json.scanner.py_make_scanner(d)
    assert d.decode("[1.5]") == [decimal.Decimal("1.5")]


def test_raw_decode():
    d = jd.JSONDecoder()
    assert d.raw_decode('{"a": 1} tail') == ({"a": 1}, 8)
    assert d.raw_decode("[1, 2]   ") == ([1, 2], 6)
    with pytest.raises(json.JSONDecodeError):
        d.raw_decode(" 1")


def test_load_from_file_objects():
    assert jd.load(io.StringIO('{"a": [1, 2]}')) == {"a": [1, 2]}
    assert jd.load(io.BytesIO(b'{"a": "\xc3\xa9"}')) == {"a": "é"}
    assert jd.load(io.StringIO('{"x": 1.5}'), parse_float=decimal.Decimal) == {"x": decimal.Decimal("1.5")}


def test_unknown_keyword_like_stdlib():
    assert_same_as_stdlib("[1]", bogus=1)


def test_nan_and_infinity_values():
    v = jd.loads("[NaN, Infinity, -Infinity, -0.0]")
    assert math.isnan(v[0]) and v[1] == math.inf and v[2] == -math.inf
    assert math.copysign(1, v[3]) == -1


def test_threads_decode_concurrently(corpus):
    docs = [(corpus / "json" / (n + ".json")).read_bytes() for n in ["twitter", "citm_catalog", "github"]]
    docs += [b'{"a": [1, 2, 3], "b": "x"}', "[" * 100 + "]" * 100]
    wants = [json.loads(d) for d in docs]
    errors = []

    def work(k):
        try:
            for i in range(40):
                j = (i + k) % len(docs)
                assert jd.loads(docs[j]) == wants[j]
                assert jd.orjson_loads(docs[j]) == wants[j]
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda kids: st.lists(kids, max_size=6) | st.dictionaries(st.text(max_size=8), kids, max_size=6),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values, st.booleans())
def test_random_trees_roundtrip_like_stdlib(value, ascii):
    text = json.dumps(value, ensure_ascii=ascii)
    assert same(jd.loads(text), json.loads(text))
    assert same(jd.loads(text.encode("utf-8", "surrogatepass")), json.loads(text.encode("utf-8", "surrogatepass")))


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet='[]{}",:0123456789.eE+- \\ntrufalsNIiy\t\x01é\ud800', max_size=24))
def test_random_text_same_outcome_as_stdlib(s):
    assert_same_as_stdlib(s)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=24))
def test_random_bytes_same_outcome_as_stdlib(b):
    assert_same_as_stdlib(b)


def test_repeated_keys_share_one_str_like_stdlib():
    for doc in ['[{"a_key": 1, "b_\xe9": 2}, {"a_key": 3, "b_\xe9": 4}]',
                b'[{"k\\u4e2d": 1, "x": 0}, {"k\xe4\xb8\xad": 2, "x": 1}]']:
        first, second = jd.loads(doc)
        assert [k for k in first] == [k for k in second]
        for k1, k2 in zip(first, second):
            assert k1 is k2
    o1, o2 = jd.orjson_loads('[{"clé": 1}, {"clé": 2}]')
    assert next(iter(o1)) is next(iter(o2))


def test_cls_with_its_own_init_signature():
    class NoArgs(json.JSONDecoder):
        def __init__(self):
            super().__init__(parse_int=float)

    assert jd.loads("[1, 2]", cls=NoArgs) == json.loads("[1, 2]", cls=NoArgs) == [1.0, 2.0]
    assert_same_as_stdlib("[1, 2]", cls=NoArgs)


def test_big_dicts_filled_in_place_behave_like_stdlib():
    # Dicts of more than five pairs are filled by the builder directly:
    # duplicates (same bytes, escaped spellings, keys too long for the key
    # cache), lookups, mutation, resizing and GC tracking must be CPython's.
    import gc
    long_key = "k" * 100
    docs = [
        '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"a":7}',
        '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"\\u0061":[8]}',
        '{"%s":1,"b":2,"c":3,"d":4,"e":5,"f":6,"%s":{"x":1}}' % (long_key, long_key),
        '{"%s\\u00e9":1,"b":2,"c":3,"d":4,"e":5,"f":6,"%s\xe9":2}' % (long_key, long_key),
        '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":"s"}',
        '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":{}}',
        '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":[]}',
        '{' + ",".join('"k%d":%d' % (i, i) for i in range(5000)) + ',"k17":-1}',
    ]
    for doc in docs:
        for inp in (doc, doc.encode()):
            got, want = jd.loads(inp), json.loads(inp)
            assert same(got, want), doc[:80]
            assert gc.is_tracked(got) == gc.is_tracked(want), doc[:80]
            got_o = jd.orjson_loads(inp)
            assert same(got_o, want), doc[:80]
            for k in want:
                assert got[k] is not None and k in got and got.get(k) == want[k]
            got["new"] = 1
            del got[next(iter(want))]
            for i in range(100):  # forces a resize
                got["r%d" % i] = i
            want["new"] = 1
            del want[next(iter(want))]
            for i in range(100):
                want["r%d" % i] = i
            assert got == want and list(got) == list(want)


def test_small_dicts_filled_in_place_behave_like_stdlib():
    # Dicts of two to five pairs get their first pair from CPython and the
    # rest from the builder: same checks as for big ones.
    import gc
    long_key = "q" * 90
    docs = ['{"a":1,"a":2}', '{"a":1,"\\u0061":[2]}', '{"a":{},"b":1}', '{"a":1,"b":"x","c":null}',
            '{"%s":1,"%s":2}' % (long_key, long_key), '{"é":1,"\\u00e9":2,"x":3,"y":4,"z":[5]}',
            '{"a":1,"b":2,"c":3,"d":4,"e":5}', '[{"a":1,"b":2},{"b":3,"a":4},{"a":5}]']
    for doc in docs:
        for inp in (doc, doc.encode()):
            got, want = jd.loads(inp), json.loads(inp)
            assert same(got, want), doc
            assert same(jd.orjson_loads(inp), want), doc
            for g, w in ((got, want),) if isinstance(want, dict) else zip(got, want):
                assert gc.is_tracked(g) == gc.is_tracked(w), doc
                assert all(k in g and g[k] == w[k] for k in w)
                g["n"] = 0
                w["n"] = 0
                del g[next(iter(w))], w[next(iter(w))]
                for i in range(20):
                    g["r%d" % i] = w["r%d" % i] = i
                assert g == w and list(g) == list(w)


def test_key_memo_near_misses_like_stdlib():
    # The builder's key memo guesses that the i-th key of an object is the
    # i-th key of the previous object on the same path: every way that guess
    # can be wrong must still give the stdlib's dicts.
    keys = ["a", "b", "ab", "ba", "a" * 8, "a" * 7 + "b", "a" * 9, "é", "e\u0301", "中",
            "\U0001f600", "x" * 64, "x" * 65, "\\u0061", "a\\nb", ""]
    import random
    rnd = random.Random(7)
    for _ in range(200):
        recs = []
        for _ in range(rnd.randrange(1, 6)):
            ks = [rnd.choice(keys) for _ in range(rnd.randrange(0, 40))]
            inner = "{" + ",".join(f'"{rnd.choice(keys)}": {i}' for i in range(rnd.randrange(0, 4))) + "}"
            recs.append("{" + ",".join(f'"{k}": {inner if j % 3 == 0 else j}' for j, k in enumerate(ks)) + "}")
        doc = "[" + ",".join(recs) + "]"
        assert_same_as_stdlib(doc)
        assert same(jd.loads(doc.encode()), json.loads(doc))
    # Records on the same path share their key objects (stdlib: one memo per
    # document), including when another key evicts them from the key cache.
    doc = "[" + ",".join('{"id": %d, "name": "n", "k%d": {"name": 1, "id": 2}}' % (i, i) for i in range(300)) + "]"
    recs = jd.loads(doc)
    for r in recs[1:]:
        assert list(r)[:2] == ["id", "name"] and list(r)[0] is list(recs[0])[0]
        assert list(r)[1] is list(recs[0])[1]


@pytest.mark.parametrize("ch", ["é", "\xff", "中", "\uffff", "😀", "\U0010ffff"])
def test_non_ascii_str_input_every_kind_and_offset(ch):
    # A fresh non-ASCII str is encoded to UTF-8 by the decoder (8 ASCII
    # characters at a time, others one by one) and the result is left on
    # the str as its cached UTF-8 form, as PyUnicode_AsUTF8AndSize does.
    for n in range(0, 20):
        for pos in (0, n // 2, n):
            body = "a" * pos + ch + "b" * (n - pos)
            doc = "".join(['{"', body, '": ["', body, '", 1]}'])  # a fresh str
            assert same(jd.loads(doc), json.loads(doc))
            assert doc.encode() == "".join(['{"', body, '": ["', body, '", 1]}']).encode("utf-8")
    # Surrogates anywhere in the str: the standard library's own outcome.
    for n in range(0, 20):
        doc = '["' + "x" * n + ch + "\ud800" + '"]'
        assert_same_as_stdlib(doc)
        assert_same_as_stdlib('["' + ch + "y" * n + '", "\udfff"]')


def test_native_loads_argument_forms_like_stdlib():
    # jsonfast.loads is a native function that hands every call with
    # keywords (or a wrong argument count) to the Python signature.
    import jsonfast
    assert jsonfast.loads is jd.loads
    calls = [((), {}), (('[1]',), {}), ((), {"s": "[1]"}), (("[1]", "[2]"), {}),
             (("[1]",), {"foo": 1}), (("[1.5]",), {"parse_float": str}),
             ((b'{"a": 1}',), {"object_pairs_hook": list}), (("[1,",), {}), ((3,), {}),
             (("[1]",), {"cls": None, "object_hook": None})]
    for args, kw in calls:
        want, got = outcome(json.loads, *args, **kw), outcome(jd.loads, *args, **kw)
        assert got[0] == want[0] and (same(got[1], want[1]) if want[0] == "ok" else got[1] == want[1]), (args, kw)


# ---- the C entry's small-document parser (python/jsondec_entry.c) ----
# loads(s) alone on documents of up to 512 bytes (exact bytes, or an exact
# ASCII str) of the common shapes is built in C; the rest, and every error,
# go to the Go face and the standard library.

SMALL_EDGES = [
    "0", "-0", "7", "-7", str(2**55 - 1), str(2**55), str(-2**55), str(-2**55 - 1),
    "9" * 18, "-" + "9" * 18, "1" + "0" * 18, "9" * 19, "-" + "9" * 19,
    "0.1", "-0.0", "1E+2", "1e-2", "2.5e-3", "1e308", "1.7976931348623157e308", "1e309",
    "-1e309", "2.2250738585072011e-308", "5e-324", "1e-400", "0.30000000000000004",
    "123456789012345678901234567890.5", "1.", "1.e5", ".5", "-", "--1", "01", "-01", "1e", "1e+",
    "[1,2,3]", "[ 1 , 2 ]", "\r\n\t[\r\n\t1\r\n\t]\r\n\t", "[]", "{}", "[[]]", "[{}]", '{"a":{}}',
    '{"a":1,"a":2}', '{"a":[1,{"b":null}],"c":true,"d":false}', '{"":""}', '{"\x7f":"\x7f"}',
    '{"a":1,}', "[1,]", "[,1]", '{"a"}', '{"a":}', '{1:1}', '{"a" : 1 , "b" : 2 }',
    "[1] ", " [1]", "[1] [2]", "[1]]", "[[1]", "tru", "true1", "nul", "falsey", '"abc', '"a\\nb"',
    '"a\tb"', '"é"', '{"é":1}', "[" * 16 + "]" * 16, "[" * 17 + "]" * 17,
    "[" * 15 + "{}" + "]" * 15, "[" * 16 + "1" + "]" * 16, '{"k":' * 16 + "1" + "}" * 16,
    '{"k":' * 17 + "1" + "}" * 17, "[" + "1," * 255 + "1]", "[" + "1," * 256 + "1]",
    '"' + "x" * 510 + '"', '"' + "x" * 511 + '"', "NaN", "[Infinity]", "[-Infinity]", "\x00",
    "[1]\x00", '{"a": 1}\n',
]


@pytest.mark.parametrize("s", SMALL_EDGES, ids=lambda s: repr(s[:30]))
def test_small_documents_c_entry(s):
    assert_same_as_stdlib(s)
    assert_same_as_stdlib(s.encode())
    assert_same_as_stdlib(bytearray(s.encode()))
    assert_same_as_stdlib(s, strict=False)
    assert_same_as_stdlib(s=s)


def test_small_documents_c_entry_arguments():
    for args, kw in [((), {}), (("[1]", "[2]"), {}), (("[1]",), {"bogus": 1}), ((1,), {}), ((None,), {})]:
        want = outcome(json.loads, *args, **kw)
        got = outcome(jd.loads, *args, **kw)
        assert got[0] == want[0] == "error"
        assert got[1][0] is want[1][0], (args, kw, got, want)
    assert jd.loads('{"a": 1.5}', parse_float=str) == {"a": "1.5"}
    assert jd.loads('{"a": 1}', object_hook=lambda d: ("hooked", d)) == ("hooked", {"a": 1})
    a, b = jd.loads('[{"key": 1}, {"key": 2}]')
    assert list(a)[0] is list(b)[0]  # key reuse within a document, as the stdlib


@settings(max_examples=400, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**19, max_value=10**19)
    | st.floats(allow_nan=False) | st.text(alphabet=st.characters(max_codepoint=127), max_size=8),
    lambda kids: st.lists(kids, max_size=5) | st.dictionaries(st.text(max_size=6), kids, max_size=5),
    max_leaves=20), st.sampled_from([None, 0, 1, "\t"]))
def test_small_random_documents(value, indent):
    s = json.dumps(value, indent=indent)
    assert_same_as_stdlib(s)
    assert_same_as_stdlib(s.encode())
