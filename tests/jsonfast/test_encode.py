"""jsonfast.dumps (face 1) against the standard library's json.dumps: the
output must be the same str, byte for byte, and errors the same type and
message."""
from __future__ import annotations

import tempfile
import collections
import decimal
import enum
import gc
import io
import json
import math
import sys
import threading

import psutil
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jsonfast
import jsonfast.encoder

# ---- random trees -----------------------------------------------------------

texts = st.text(st.characters(), max_size=12)  # includes lone surrogates
floats = st.floats(allow_nan=True, allow_infinity=True)
ints = st.integers(min_value=-(2**70), max_value=2**70)
scalars = st.one_of(st.none(), st.booleans(), ints, floats, texts)
keys = st.one_of(texts, ints, st.floats(allow_nan=False), st.booleans(), st.none())


def trees(key_strategy):
    return st.recursive(
        scalars,
        lambda kids: st.one_of(
            st.lists(kids, max_size=5),
            st.lists(kids, max_size=3).map(tuple),
            st.dictionaries(key_strategy, kids, max_size=5),
        ),
        max_leaves=30,
    )


KWARGS = [
    {},
    {"ensure_ascii": False},
    {"indent": 2},
    {"indent": "\t", "ensure_ascii": False},
    {"indent": 0},
    {"separators": (",", ":")},
    {"separators": (" ,", " : "), "indent": 1},
    {"check_circular": False},
]


def same(obj, **kw):
    """Both give the same str, or both raise the same exception."""
    try:
        want = json.dumps(obj, **kw)
    except Exception as exc:  # noqa: BLE001 - compared below
        with pytest.raises(type(exc)) as info:
            jsonfast.dumps(obj, **kw)
        assert str(info.value) == str(exc)
        return
    got = jsonfast.dumps(obj, **kw)
    assert type(got) is str
    assert got == want


@settings(max_examples=300, deadline=None)
@given(trees(keys), st.sampled_from(KWARGS))
def test_random_trees_match_stdlib(obj, kw):
    same(obj, **kw)


@settings(max_examples=150, deadline=None)
@given(trees(texts), st.sampled_from(KWARGS))
def test_random_trees_sorted_match_stdlib(obj, kw):
    same(obj, sort_keys=True, **kw)


@settings(max_examples=100, deadline=None)
@given(trees(keys))
def test_random_trees_no_nan(obj):
    same(obj, allow_nan=False)
    same(obj, allow_nan=False, indent=2)


@settings(max_examples=100, deadline=None)
@given(trees(st.one_of(keys, st.tuples(st.integers()))))
def test_skipkeys(obj):
    same(obj, skipkeys=True)
    same(obj, skipkeys=True, indent=2)
    same(obj)


@settings(max_examples=200, deadline=None)
@given(trees(st.text(max_size=8)))
def test_round_trip(obj):
    # json_values.same: NaN compares by repr (nan != nan would fail a correct round trip)
    from json_values import same as same_value
    assert same_value(json.loads(jsonfast.dumps(obj)), json.loads(json.dumps(obj)))


# ---- floats and ints -----------------------------------------------------

@pytest.mark.parametrize("f", [
    0.0, -0.0, 1.0, 0.1, 1e16, 1e15, 1e-5, 1e-4, 1e-7, 1.2345678901234568e17, 5e-324,
    2.2250738585072014e-308, 1.7976931348623157e308, 123456789.0, 1e22, 1e21, 0.3,
    2 / 3, 1e100, -1e-100, 9007199254740993.0,
])
def test_float_repr(f):
    assert jsonfast.dumps(f) == repr(f)
    assert jsonfast.dumps([f, -f]) == json.dumps([f, -f])


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_repr_random(f):
    assert jsonfast.dumps(f) == repr(f)


def test_ints():
    for i in [0, -1, 2**63 - 1, -(2**63), 2**63, 2**64 - 1, 2**64, -(2**64), 10**100, -(10**100)]:
        assert jsonfast.dumps(i) == repr(i)


def test_nan_and_infinity():
    assert jsonfast.dumps([math.nan, math.inf, -math.inf]) == "[NaN, Infinity, -Infinity]"
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        jsonfast.dumps(math.nan, allow_nan=False)
    same({math.inf: 1}, allow_nan=False)
    same([math.nan], allow_nan=False, indent=2)


# ---- strings ---------------------------------------------------------------

@pytest.mark.parametrize("s", [
    "", "plain", "caf\u00e9", "\u20ac", "\U0001f600", "\ud800", "\udfff x \ud83d", "\x00\x1f\x7f",
    '"\\/\b\f\n\r\t', "\u2028\u2029", "\xff" * 3, "\uffff",
])
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_strings(s, ensure_ascii):
    same(s, ensure_ascii=ensure_ascii)
    same({s: [s]}, ensure_ascii=ensure_ascii)


# ---- subclasses and special types -------------------------------------------

class MyStr(str):
    def __str__(self):
        return "nope"


class MyInt(int):
    def __repr__(self):
        return "nope"


class MyFloat(float):
    def __repr__(self):
        return "nope"


class MyList(list):
    pass


class MyDict(dict):
    pass


class ItemsDict(dict):
    def items(self):
        return [("x", 1), ("y", 2)]


class Color(enum.IntEnum):
    RED = 1


class FColor(float, enum.Enum):
    PI = 3.14


def test_subclasses():
    obj = {
        MyStr("k"): [MyStr("v"), MyInt(5), MyFloat(1.5), MyList([1, 2]), MyDict(a=1), Color.RED, FColor.PI],
        MyInt(7): Color.RED,
        Color.RED: 1,
    }
    same(obj)
    same(obj, indent=2)
    same(obj, sort_keys=True)


def test_dict_subclass_items_override():
    same(ItemsDict(a=1))
    same(ItemsDict(a=1), indent=2)
    same(collections.OrderedDict([("b", 1), ("a", 2)]), sort_keys=True)


def test_unserialisable():
    for obj in [object(), {1, 2}, b"x", decimal.Decimal("1.5"), 1j, [object()]]:
        same(obj)
    same({(1, 2): 1})
    same({"a": 1, 2: 3}, sort_keys=True)  # TypeError from sorting mixed keys


def test_default():
    def default(o):
        if isinstance(o, set):
            return sorted(o)
        if isinstance(o, decimal.Decimal):
            return str(o)
        raise TypeError("unsupported")

    obj = {"s": {3, 1, 2}, "d": decimal.Decimal("1.10"), "nested": [{"x": {5}}]}
    for kw in KWARGS:
        assert jsonfast.dumps(obj, default=default, **kw) == json.dumps(obj, default=default, **kw)
    with pytest.raises(TypeError, match="unsupported"):
        jsonfast.dumps(object(), default=default)


def test_cls_subclasses():
    class Default(jsonfast.JSONEncoder):
        def default(self, o):
            return repr(o)

    class Encode(jsonfast.JSONEncoder):
        def encode(self, o):
            return "<" + super().encode(o) + ">"

    class IterEncode(jsonfast.JSONEncoder):
        def iterencode(self, o, _one_shot=False):
            for chunk in super().iterencode(o, _one_shot):
                yield chunk.upper()

    class StdDefault(json.JSONEncoder):
        def default(self, o):
            return repr(o)

    obj = {"a": [1, object.__new__(Color) if False else 2.5, "x"], "o": 1j}
    assert jsonfast.dumps(obj, cls=Default) == json.dumps(obj, cls=StdDefault)
    assert jsonfast.dumps([1, "a"], cls=Encode) == "<[1, \"a\"]>"
    assert jsonfast.dumps({"a": "b"}, cls=IterEncode) == '{"A": "B"}'
    assert Default(indent=2, sort_keys=True).encode({"b": 1, "a": 1j}) == StdDefault(indent=2, sort_keys=True).encode({"b": 1, "a": 1j})
    assert isinstance(jsonfast.JSONEncoder(), json.JSONEncoder)
    assert jsonfast.encoder.JSONEncoder is jsonfast.JSONEncoder


def test_unusual_arguments_delegate():
    same([1, {"a": 2}], indent=1.0 if False else None, separators=(",", ":"))
    with pytest.raises(TypeError):
        jsonfast.dumps([1], indent=1.5)
    with pytest.raises(TypeError):
        jsonfast.dumps([1], unknown_keyword=True)


# ---- cycles, recursion, mutation -------------------------------------------

def test_circular():
    a = []
    a.append(a)
    d = {}
    d["d"] = d
    for obj in [a, d, [d]]:
        with pytest.raises(ValueError, match="Circular reference detected"):
            jsonfast.dumps(obj)
        with pytest.raises(ValueError, match="Circular reference detected"):
            jsonfast.dumps(obj, indent=2)

    def default(o):
        return [o]

    with pytest.raises(ValueError, match="Circular reference detected"):
        jsonfast.dumps(object(), default=default)


def test_recursion():
    deep = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(RecursionError):
        jsonfast.dumps(deep)
    with pytest.raises(RecursionError):
        jsonfast.dumps(deep, check_circular=False)
    a = []
    a.append(a)
    with pytest.raises(RecursionError):
        jsonfast.dumps(a, check_circular=False)
    # a nesting depth well within the limit works and is still correct
    ok = []
    for _ in range(200):
        ok = [ok, {"k": ok}] if False else [ok]
    assert jsonfast.dumps(ok) == json.dumps(ok)


def test_default_mutating_the_container():
    d = {"a": 1, "b": object(), "c": 3}

    def default(o):
        d.clear()
        for i in range(100):
            d[str(i)] = i
        return None

    with pytest.raises(RuntimeError, match="changed size"):
        jsonfast.dumps(d, default=default)

    lst = [object(), 2, 3]

    def shrink(o):
        lst.clear()
        return "x"

    assert jsonfast.dumps(lst, default=shrink) == '["x"]'


# ---- dump, threads, memory ---------------------------------------------------

def test_dump_writes_same_text():
    buf = io.StringIO()
    jsonfast.dump({"a": [1, 2]}, buf, indent=2)
    assert buf.getvalue() == json.dumps({"a": [1, 2]}, indent=2)


def test_threads():
    docs = [{"i": i, "s": "x" * i, "l": list(range(i)), "f": i / 3} for i in range(50)]
    want = [json.dumps(d, sort_keys=True) for d in docs]
    errors = []

    def worker():
        try:
            for _ in range(200):
                for d, w in zip(docs, want):
                    if jsonfast.dumps(d, sort_keys=True) != w:
                        errors.append((d, w))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_corpus_identical(corpus):
    for path in sorted((corpus / "json").glob("*.json")):
        obj = json.loads(path.read_text(encoding="utf-8"))
        for kw in ({}, {"ensure_ascii": False}, {"indent": 2, "sort_keys": True}):
            assert jsonfast.dumps(obj, **kw) == json.dumps(obj, **kw), (path.name, kw)


def test_rss_flat():
    obj = {"a": [1, 2.5, "x" * 100, {"b": None}], "c": "\u20ac" * 50, "big": 2**80}
    proc = psutil.Process()
    for _ in range(20_000):
        jsonfast.dumps(obj)
    gc.collect()
    before = proc.memory_info().rss
    for _ in range(200_000):
        jsonfast.dumps(obj)
        jsonfast.dumps(obj, ensure_ascii=False, indent=2)
    gc.collect()
    grown = proc.memory_info().rss - before
    assert grown < 5 * 1024 * 1024, grown


def test_refcounts_unchanged():
    obj = {"k": ["v", 1.5, 2**70, MyStr("s")], "t": (1,)}
    items = [obj, obj["k"], obj["k"][0], obj["k"][2], obj["t"]]
    before = [sys.getrefcount(x) for x in items]
    for _ in range(1000):
        jsonfast.dumps(obj)
        jsonfast.dumps(obj, sort_keys=True, indent=1, default=str)
    assert [sys.getrefcount(x) for x in items] == before


def test_reentrant_default():
    def default(o):
        return jsonfast.dumps({"inner": sorted(o)}, indent=1)

    obj = {"s": {1, 2}, "t": [{3}]}
    assert jsonfast.dumps(obj, default=default) == json.dumps(obj, default=lambda o: json.dumps({"inner": sorted(o)}, indent=1))


def test_large_output():
    big = ["x" * 1000 + str(i) for i in range(6000)]  # ~6 MB: beyond the kept buffer size
    assert jsonfast.dumps(big) == json.dumps(big)
    assert jsonfast.dumps(big[:10]) == json.dumps(big[:10])


def test_lazy_names_and_submodules():
    """`import jsonfast as json` code reaches every name the json module has
    for these, in a fresh interpreter (the sub-modules load on first use)."""
    import subprocess

    code = (
        "import jsonfast as json, json as std\n"
        "assert json.decoder.JSONDecodeError is std.JSONDecodeError\n"
        "assert issubclass(json.encoder.JSONEncoder, std.JSONEncoder)\n"
        "assert json.JSONEncoder is json.encoder.JSONEncoder\n"
        "assert json.loads('[1]') == [1] and json.load is json.decoder.load\n"
        "from jsonfast import *\n"
        "assert dumps([JSONEncoder().encode(1)]) == '[\"1\"]'\n"
        "import jsonfast.orjson as o\n"
        "assert issubclass(o.JSONDecodeError, std.JSONDecodeError) and o.loads(b'[2]') == [2]\n"
        "try:\n    json.nope\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit(3)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=tempfile.gettempdir())  # no source tree on sys.path
    assert proc.returncode == 0, proc.stderr


def test_str_subclasses_keep_their_text_like_the_stdlib():
    # Instances of str subclasses are "legacy" strings in CPython (data held
    # out of line); Django's SafeString and DRF's ErrorDetail are such.
    import json as std

    class S(str):
        pass

    for text in ["plain", "caf\u00e9", "\u20ac", "\U0001F600", "a\ud800b", 'q"\\\n']:
        for ensure_ascii in (True, False):
            value = [S(text), {S(text): S(text)}]
            assert jsonfast.dumps(value, ensure_ascii=ensure_ascii) == std.dumps(value, ensure_ascii=ensure_ascii)
