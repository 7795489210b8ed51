"""jsonfast.decoder.orjson_loads: orjson.loads semantics, checked against
orjson itself."""
import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from json_values import same
from jsonfast import decoder as jd

CORPUS_FILES = ["twitter", "github", "citm_catalog", "canada"]


def outcome(fn, arg):
    try:
        return ("ok", fn(arg))
    except orjson.JSONDecodeError as e:
        return ("error", (e.msg, e.pos, e.doc))
    except jd.OrjsonDecodeError as e:
        return ("error", (e.msg, e.pos, e.doc))


def assert_same_as_orjson(arg):
    want = outcome(orjson.loads, arg)
    got = outcome(jd.orjson_loads, arg)
    assert got[0] == want[0], (arg, got, want)
    if want[0] == "ok":
        assert same(got[1], want[1]), (arg, got, want)
    else:
        assert got[1] == want[1], (arg, got, want)


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_equals_orjson(corpus, name):
    raw = (corpus / "json" / (name + ".json")).read_bytes()
    want = orjson.loads(raw)
    for arg in (raw, bytearray(raw), memoryview(raw), raw.decode()):
        assert same(jd.orjson_loads(arg), want)


VALID = [
    "null", "true", "false", "0", "-0", "-0.0", "1.5", "1e5", "1e-400", "5e-324",
    "18446744073709551615", "18446744073709551616", "-9223372036854775808",
    "-9223372036854775809", "9" * 30, "0." + "3" * 400, '"\\ud83d\\ude00"',
    '"é中😀"', '{"a":1,"a":2}', "[" * 1024 + "]" * 1024, '{"x":[1,{"y":null}]}',
    ' \n[1, 2]\t', '"\\u0000"',
]

INVALID = [
    "", " ", "[1,]", '{"a":1,}', "\ufeff[1]", '"\x01"', "1.5e", "0123", "[1] x", '{"a" 1}',
    '{"a":tru}', "[1", '"abc', '"\\x"', '"\\u12"', "{1:2}", "[-]", "[1.]", "[.5]",
    "[01]", '["\\ud800\\u0041"]', '["\\udc00"]', '"\\ud800"', "[Infinity]", "NaN",
    "[nul]", "[1 2]", '{"a":1 "b":2}', "[,]", "1e400", "-1e400", "1" * 10000,
    "[" * 1025 + "]" * 1025, "[" * 1_000_000,
]


@pytest.mark.parametrize("s", VALID, ids=lambda s: repr(s[:30]))
def test_valid(s):
    assert_same_as_orjson(s)
    assert_same_as_orjson(s.encode())


@pytest.mark.parametrize("s", INVALID, ids=lambda s: repr(s[:30]))
def test_invalid_same_message_and_position(s):
    assert_same_as_orjson(s)
    assert_same_as_orjson(s.encode())


def test_invalid_utf8_and_surrogates():
    for arg in [b'"\xff"', b'"\xed\xa0\x80"', b'["\xc3"]', b'[1, "\xf4\x90\x80\x80"]', b'[1,\xff]',
                '"\ud800"', '["\udfff"]']:
        assert_same_as_orjson(arg)


class _Str(str):
    pass


class _Bytes(bytes):
    pass


def test_input_types():
    for arg in [1, None, 1.5, [b"[]"], memoryview(b"[1,2]")[::2], _Str("[1]"), _Bytes(b"[1]"),
                bytearray(b"[1"), memoryview(b'{"a":')]:
        assert_same_as_orjson(arg)
    assert jd.orjson_loads(bytearray(b"[1]")) == [1]
    assert jd.orjson_loads(memoryview(b"[1]")) == [1]


def test_error_class():
    assert issubclass(jd.OrjsonDecodeError, json.JSONDecodeError)
    with pytest.raises(json.JSONDecodeError) as info:
        jd.orjson_loads(b'{"a": x}')
    assert isinstance(info.value, ValueError)
    assert (info.value.lineno, info.value.colno) == (1, 7)


@settings(max_examples=300, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**63, max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda kids: st.lists(kids, max_size=6) | st.dictionaries(st.text(max_size=8), kids, max_size=6),
    max_leaves=30))
def test_random_trees(value):
    b = orjson.dumps(value)
    assert same(jd.orjson_loads(b), orjson.loads(b))


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet='[]{}",:0123456789.eE+- \\ntrufalsNIiy\t\x01é中😀', max_size=24))
def test_random_text_same_outcome(s):
    """Same value, or the same error message, position (in characters) and
    document as orjson, for str and bytes input."""
    assert_same_as_orjson(s)
    assert_same_as_orjson(s.encode())


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=24))
def test_random_bytes_same_outcome(b):
    assert_same_as_orjson(b)


# ---- the C entry's small-document parser (python/jsondec_entry.c) ----
# Documents of up to 512 bytes (exact bytes, or an exact ASCII str) of the
# common shapes are parsed in C; everything else goes to the Go parser.
# Both must agree with each other and with orjson.

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
    '"' + "x" * 510 + '"', '"' + "x" * 511 + '"', "NaN", "[Infinity]", "[-Infinity]",
]


@pytest.mark.parametrize("s", SMALL_EDGES, ids=lambda s: repr(s[:30]))
def test_small_documents_c_entry(s):
    assert_same_as_orjson(s)
    assert_same_as_orjson(s.encode())
    for arg in (s, s.encode()):  # the C entry and the Go engine alone agree
        c_side, go_side = outcome(jd.orjson_loads, arg), outcome(jd._native.loads_orjson, arg)
        assert c_side[0] == go_side[0], (arg, c_side, go_side)
        assert same(c_side[1], go_side[1]) if c_side[0] == "ok" else c_side[1] == go_side[1]


def test_small_documents_types_and_identity():
    v = jd.orjson_loads(b'{"i": 36028797018963968, "j": -36028797018963968, "f": 1.0, "s": "x"}')
    assert v == {"i": 2**55, "j": -2**55, "f": 1.0, "s": "x"}
    assert [type(x) for x in v.values()] == [int, int, float, str]
    empty = ""
    assert jd.orjson_loads(b'[""]')[0] is empty  # CPython's empty str singleton, as orjson's
    a, b = jd.orjson_loads(b'[{"key":1},{"key":2}]')
    assert list(a)[0] is list(b)[0]  # keys reused, as with the Go parser


@settings(max_examples=400, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**19, max_value=10**19)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(alphabet=st.characters(max_codepoint=127), max_size=8),
    lambda kids: st.lists(kids, max_size=5) | st.dictionaries(st.text(max_size=6), kids, max_size=5),
    max_leaves=20), st.sampled_from([None, 0, 1, "\t"]))
def test_small_random_documents(value, indent):
    s = json.dumps(value, indent=indent)
    assert_same_as_orjson(s)
    assert_same_as_orjson(s.encode())
