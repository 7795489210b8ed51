"""The C encoder of small orjson.dumps documents (python/jsonenc_small.c).

`_goaccel.json.orjson_dumps_small(obj)` runs it alone: bytes, or None where it
declines and jsonfast.orjson.dumps hands the document to the Go encoder. Every
case checks both sides: what it writes is orjson's bytes (and the Go path's),
what it is meant to cover really is covered (not None), and what it declines
still comes out of jo.dumps as orjson's result or error."""
from __future__ import annotations

import collections
import datetime
import enum
import gc
import json
import math
import random
import struct
import uuid
import zoneinfo

import orjson
import psutil
import pytest
import pytz
from hypothesis import given, settings
from hypothesis import strategies as st

import jsonfast.orjson as jo
from _goaccel import json as native

small = native.orjson_dumps_small
go = native.orjson_dumps_go

MAX = 1024  # the hook's default limit (JSONENC_SMALL_MAX); its first buffer is 64 bytes
DEPTH = 16  # JE_MAX_DEPTH in python/jsonenc_small.c
LIMIT = 64 << 20  # JSONENC_C_LIMIT: jo.dumps tries C up to this output size
KEEP = 4 << 20  # JE_HEAP_KEEP: a larger heap buffer is freed after the call
STACK = 2047  # JSONENC_STACK_BUF - 1: the entry's first buffer


def covered(obj, option=None):
    """obj is written by the C encoder, and the bytes are orjson's."""
    want = orjson.dumps(obj, option=option)
    option = option or 0
    got = small(obj, MAX, option & ~orjson.OPT_APPEND_NEWLINE)
    assert got is not None, obj
    if option & orjson.OPT_APPEND_NEWLINE:
        got += b"\n"
    assert got == want
    assert jo.dumps(obj, option=option) == want
    assert go(obj, option=option) == want


def declined(obj, option=None):
    """obj is left to the Go encoder, which gives orjson's result or error."""
    assert small(obj) is None, obj
    same(obj, option)


def same(obj, option=None):
    try:
        want = orjson.dumps(obj, option=option)
    except orjson.JSONEncodeError as exc:
        with pytest.raises(jo.JSONEncodeError) as info:
            jo.dumps(obj, option=option)
        assert str(info.value) == str(exc)
        return
    assert jo.dumps(obj, option=option) == want


class S(str):
    pass


class I(int):
    pass


class D(dict):
    pass


class L(list):
    pass


class F(float):
    pass


class DT(datetime.datetime):
    pass


COVERED = [
    {}, [], (), {"a": 1}, [1, 2, 3], (1, "x"), {"a": {"b": [{}, [], ()]}},
    None, True, False, 0, -1, 1, 2**30, 2**31, -(2**31), 2**62, 2**63 - 1, -(2**63),
    "", "abc", "a\"b\\c", "\x00\x1f\x7f", "\n\r\t\b\f", "é", "\u20ac", "\U0001F600",
    "x" * 500, "é" * 300, "\uffff", "\ud7ff\ue000",
    0.0, -0.0, 1.0, -1.0, 98.5, 0.25, 0.1, -0.1, 0.3, 1.5, 3.14159, 1e-5, 1.2e-5, 0.00012,
    1.0, 100.0, 1e14, 2.0**48 - 1, 123456.7, 0.5, 0.125, 0.00390625, 1234567.1234567,
    1e-6, 2.5e-6, 1e-7, 12345678.12345678, 0.1 + 0.2, 1 / 3, 2.0**48, 1e15, 1e16, 1e17, 1e100, 5e-324,
    1.7976931348623157e308, 2.2250738585072014e-308, 562949953421312.25, 1e-4, 1.5e-5, 1e22, 1e23,
    float("nan"), float("inf"), -float("inf"), [1.0, float("nan")],
    {"id": 12345, "username": "alice_smith", "email": "alice@example.com", "active": True,
     "score": 98.5, "tags": ["admin", "staff"], "created": "2024-01-15T10:30:00Z",
     "manager_id": None, "ratio": 0.25, "address": {"city": "Paris", "zip": "75001"}},
    {"\u00e9t\u00e9": ["\u65e5\u672c", 1.75], "k\n": "v\""},
]


DATETIMES = [
    datetime.datetime(2020, 1, 1), datetime.datetime(1, 2, 3, 4, 5, 6, 7), datetime.datetime(9999, 12, 31, 23, 59, 59, 999999),
    datetime.datetime(2024, 1, 15, 10, 30, tzinfo=datetime.timezone.utc),
    datetime.datetime(2024, 1, 15, 10, 30, 0, 120, tzinfo=datetime.timezone.utc),
    datetime.date(2020, 2, 29), datetime.date(1, 1, 1), datetime.time(0, 0), datetime.time(23, 59, 59, 10),
]
COVERED += DATETIMES + [{"created": datetime.datetime(2024, 1, 15, 10, 30, 5, 123000), "on": datetime.date(2024, 1, 1)}]


@pytest.mark.parametrize("obj", COVERED, ids=repr)
def test_covered(obj):
    covered(obj)


DECLINED = [
    F(1.5), [F(2.5)], I(2**64), [I(-(2**63) - 1)],
    {1: 2}, {None: 1}, {S("k"): 1}, {(1,): 2},
    2**63, 2**64 - 1, -(2**63) - 1, 2**64, -(2**64), [1, 2**70],
    "\ud800", ["ok", "\udfff"], {"a": "x\udbff"},
    datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1))),
    {"a": [1, datetime.datetime(2020, 1, 1, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))]},
    pytz.timezone("Europe/Paris").localize(datetime.datetime(2020, 6, 1, 12)),
    datetime.time(1, 2, tzinfo=datetime.timezone.utc), DT(2020, 1, 1), datetime.timedelta(1),
    b"bytes", {1.5}, object,
]


@pytest.mark.parametrize("obj", DECLINED, ids=repr)
def test_declined(obj):
    declined(obj)


def test_fragment_declines():
    frag = jo.Fragment(b'{"x":[1]}')
    assert small(frag) is None
    assert small([1, frag]) is None
    assert jo.dumps([1, frag]) == orjson.dumps([1, orjson.Fragment(b'{"x":[1]}')])


def nested(depth, leaf):
    obj = leaf
    for i in range(depth):
        obj = [obj] if i % 2 else {"k": obj}
    return obj


def test_depth_bound():
    covered(nested(DEPTH, 1))
    covered(nested(DEPTH - 1, []))  # an empty container counts as a level
    declined(nested(DEPTH + 1, 1))
    declined(nested(DEPTH, []))
    declined(nested(300, 1))  # orjson's recursion error, from the Go path


def test_cycles_decline():
    a = []
    a.append(a)
    declined(a)
    d = {}
    d["d"] = [d]
    declined(d)


@pytest.mark.parametrize("piece", ["x", "\n", "\x01", "é", "\u20ac", "\U0001F600"])
def test_size_bound(piece):
    # The largest output that fits and the next size up, for one-, escape-
    # and multi-byte characters at the very end.
    for n in range(MAX - 40, MAX + 10):
        obj = ["y" * (n // 2), "z" * (n - n // 2) + piece]
        out = orjson.dumps(obj)
        if len(out) <= MAX:
            covered(obj)
        else:
            declined(obj)


def test_size_bound_numbers():
    for n in range(1, 200):
        obj = [123456789] * n
        if len(orjson.dumps(obj)) <= MAX:
            covered(obj)
        else:
            declined(obj)
    for n in range(1, 200):
        obj = [0.125] * n + [None, True, False]
        if len(orjson.dumps(obj)) <= MAX:
            covered(obj)
        else:
            declined(obj)


@pytest.mark.parametrize("cap", [0, 1, 2, 63, 64, 65, 100, 4095, 4096, 4097, 20000])
def test_limits_and_buffer_moves(cap):
    # Outputs just under, at and over the limit, crossing the 64-byte first
    # buffer and the heap buffer's 4096-byte first size.
    for n in sorted({0, 1, 2, 30, 60, cap - 8, cap - 5, cap - 4, cap - 3, cap, cap + 1, cap + 50}):
        if n < 0:
            continue
        for obj in (["é" * n], ["x" * n], ["\n" * (n // 2)], list(range(n // 2)), {"k": "\U0001F600" * (n // 4)}):
            want = orjson.dumps(obj)
            got = small(obj, cap)
            assert got == (want if len(want) <= cap else None), (cap, n)


def test_entry_sizes_around_its_buffers():
    # jo.dumps: the stack buffer, the move into the result bytes object,
    # its growth (by resize) and its final shrink, the limit.
    for n in list(range(STACK - 12, STACK + 12)) + [5000, 100_000, KEEP - 4, KEEP + 10, 3 * KEEP, 5000]:
        obj = ["x" * n]
        assert jo.dumps(obj) == orjson.dumps(obj)
        assert jo.dumps(obj, option=orjson.OPT_APPEND_NEWLINE) == orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE)
    for cap in (KEEP, KEEP + 4097):
        assert small(["x" * (cap - 4)], cap) == orjson.dumps(["x" * (cap - 4)])
        assert small(["x" * (cap - 3)], cap) is None
    # (Past the entry's 64 MiB limit the Go path runs; not tried here: a
    # 64 MiB Go buffer raises the Go heap's GC goal for the rest of the
    # process, and the RSS tests that follow would see garbage pile up.)


def test_result_bytes_sized_from_the_last_large_output():
    # Past the stack buffer the output is written into the result bytes
    # object, first sized from the last output of 32 KiB or more: smaller,
    # equal and larger documents after a large one, each with and without
    # APPEND_NEWLINE (its byte is written past the output by the entry),
    # small ones between, growing past the hint and shrinking far below it.
    nl = orjson.OPT_APPEND_NEWLINE
    sizes = [40_000, 40_000, 3_000, 40_000, 45_000, 90_000, 33_000, 2_100, 200_000, 50, 32 * 1024, 1_000_000, 40_000]
    for n in sizes:
        for obj in (["y" * n], [{"k": "z" * 100}] * (n // 110 + 1), [i * 1.5 for i in range(n // 6 + 1)]):
            for option in (None, nl):
                got = jo.dumps(obj, option=option)
                assert got == orjson.dumps(obj, option=option)
                assert type(got) is bytes


def test_large_declines_then_large_covered():
    # A late decline past the stack buffer makes the next calls try C only
    # within it for a while; results stay orjson's throughout.
    big = [{"id": i, "name": "n%d" % i, "score": i / 4} for i in range(300)]
    bad = big + [datetime.timedelta(1)]
    for i in range(100):
        for obj in (bad, big, bad, {"a": 1}, big[:3]):
            assert jo.dumps(obj, default=str) == orjson.dumps(obj, default=str)


@pytest.mark.parametrize("name", ["twitter", "github", "citm_catalog", "canada"])
def test_corpus(corpus, name):
    obj = json.loads((corpus / "json" / (name + ".json")).read_bytes())
    want = orjson.dumps(obj)
    got = small(obj, LIMIT)
    assert got == want
    assert jo.dumps(obj) == want


def test_ints_of_every_length():
    rnd = random.Random(3)
    ints = []
    for d in range(1, 20):
        ints += [10**d - 1, 10**d, rnd.randrange(10 ** (d - 1), 10**d)]
    ints = [i for i in ints if i < 2**63] + [2**63 - 1]
    for i in ints:
        covered(i)
        covered(-i)
        covered([i, -i, {"k": i}])
    # exact fits at the limit, for every length
    for i in ints:
        for pad in range(0, 24):
            obj = ["x" * pad, i]
            want = orjson.dumps(obj)
            assert small(obj, len(want)) == want
            assert small(obj, len(want) - 1) is None


def test_every_ascii_character():
    for c in range(128):
        covered(chr(c))
        covered({chr(c): chr(c) * 3})
        covered("ab" + chr(c) + "é")  # the wide-string loop


def test_escapes_at_every_position_of_a_word():
    # The ASCII path checks eight bytes at a time, then the tail byte-wise.
    for c in range(128):
        for pos in range(20):
            covered("a" * pos + chr(c) + "b" * (19 - pos))
        covered(chr(c) * 17)


def test_escapes_around_the_last_sixteen_bytes():
    # A str of 16+ bytes ends with one overlapping 16-byte step when none of
    # its last 16 bytes needs an escape (je_quoted): escapes before, inside
    # and after that window, in ASCII and in UTF-8 (cached) strs.
    for n in range(16, 50):
        for pos in range(n):
            for c in ('"', "\\", "\n", "\x01", "\u00e9", "\u65e5"):
                s = "a" * pos + c + "b" * (n - 1 - pos)
                covered(s)
                covered(["x", s, "y"])


class Slots:
    def __init__(self, a, b):
        self.a = a
        self.b = b


def test_dict_tables():
    # Deleted entries, a table of general kind (a non-str key once), a
    # split table (an instance __dict__), a dict that grew and shrank.
    d = {"a": 1, "b": 2, "c": 3}
    del d["b"]
    covered(d)
    g = {1: "x", "k": "v"}
    del g[1]
    covered(g)
    g[2] = 3
    declined(g)
    inst = Slots(1, [2.5, "x"])
    split = vars(inst)
    assert type(split) is dict
    covered(split)
    big = {str(i): i for i in range(100)}
    for i in range(95):
        del big[str(i)]
    covered(big)
    covered({k: None for k in ("x", "y") if k == "z"})


def test_code_points():
    for c in list(range(0x80, 0x3000)) + list(range(0xd700, 0xe100)) + list(range(0xfff0, 0x10400, 7)):
        s = chr(c)
        if 0xd800 <= c <= 0xdfff:
            declined(s)
            declined("ab" + s)
        else:
            covered(s)
            covered("a\n" + s + "b")


# Every bit that changes nothing for the covered types takes the C path
# (APPEND_NEWLINE is added by the entry); the others go to Go.
C_OPTS = [
    orjson.OPT_APPEND_NEWLINE, orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z, orjson.OPT_OMIT_MICROSECONDS,
    orjson.OPT_SERIALIZE_NUMPY, orjson.OPT_PASSTHROUGH_SUBCLASS, orjson.OPT_PASSTHROUGH_DATETIME,
    orjson.OPT_PASSTHROUGH_DATACLASS, orjson.OPT_SERIALIZE_DATACLASS, orjson.OPT_SERIALIZE_UUID,
]
GO_OPTS = [
    orjson.OPT_INDENT_2, orjson.OPT_SORT_KEYS, orjson.OPT_STRICT_INTEGER, orjson.OPT_NON_STR_KEYS,
    orjson.OPT_APPEND_NEWLINE | orjson.OPT_SORT_KEYS,
]


@pytest.mark.parametrize("option", C_OPTS + GO_OPTS)
def test_options(option):
    for obj in COVERED + [{"b": 1, "a": [2**53 + 1, {"z": None, "y": 0.5}]}] + DECLINED:
        same(obj, option)


class Color(enum.IntEnum):
    RED = 1


class Name(str, enum.Enum):
    X = "x\u00e9"


class Plain(enum.Enum):
    A = 1


SUBCLASSES = [
    S("x"), S(""), S("é" * 20), S("a\nb"), S("\U0001F600"), I(1), I(-(2**63)), I(2**63 - 1), D(a=1), D(), L([1]), L(),
    [S("x")], {"a": I(2)}, collections.OrderedDict(a=1), collections.defaultdict(list, a=[1]),
    Color.RED, Name.X, {"c": [Color.RED, Name.X]}, {"d": D(b=L([I(3), S("y")]))},
]


@pytest.mark.parametrize("obj", SUBCLASSES, ids=repr)
def test_subclasses(obj):
    covered(obj)
    # With PASSTHROUGH_SUBCLASS they go to `default` (or raise): the Go path.
    assert small(obj, MAX, orjson.OPT_PASSTHROUGH_SUBCLASS) is None
    same(obj, orjson.OPT_PASSTHROUGH_SUBCLASS)


def test_plain_enum_declines():
    declined(Plain.A)
    declined({"a": [1, Plain.A]})


class U(uuid.UUID):
    pass


UUIDS = [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), uuid.UUID("12345678-1234-5678-1234-567812345678"),
         uuid.uuid4(), uuid.uuid1(), uuid.UUID(int=2**64)]


def test_uuids():
    for u in UUIDS:
        covered(u)
        covered({"id": u, "refs": [u, u]})
    rnd = random.Random(11)
    for _ in range(2000):
        covered(uuid.UUID(int=rnd.getrandbits(128)))
    declined(U(int=5))
    declined([uuid.UUID(int=1), U(int=5)])
    bad = uuid.UUID(int=7)
    object.__setattr__(bad, "int", -1)  # not a valid uuid int: left to Go
    assert small(bad) is None


DT_OPTS = [orjson.OPT_NAIVE_UTC, orjson.OPT_UTC_Z, orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z,
           orjson.OPT_OMIT_MICROSECONDS, orjson.OPT_NAIVE_UTC | orjson.OPT_OMIT_MICROSECONDS | orjson.OPT_UTC_Z]


@pytest.mark.parametrize("option", DT_OPTS)
def test_datetime_options(option):
    for obj in DATETIMES:
        covered(obj, option)
        covered([obj, {"k": obj}], option | orjson.OPT_APPEND_NEWLINE)


def test_passthrough_datetime_declines():
    for obj in DATETIMES:
        assert small(obj, MAX, orjson.OPT_PASSTHROUGH_DATETIME) is None
        same(obj, orjson.OPT_PASSTHROUGH_DATETIME)
        assert jo.dumps(obj, option=orjson.OPT_PASSTHROUGH_DATETIME, default=str) == \
            orjson.dumps(obj, option=orjson.OPT_PASSTHROUGH_DATETIME, default=str)


def test_passthrough_subclass_declines_like_orjson():
    # With PASSTHROUGH_SUBCLASS a str subclass goes to default: the C path
    # must not write it as a str.
    for obj in (S("x"), [I(1)], {"a": D()}):
        with pytest.raises(jo.JSONEncodeError):
            jo.dumps(obj, option=orjson.OPT_PASSTHROUGH_SUBCLASS)
        assert jo.dumps(obj, option=orjson.OPT_PASSTHROUGH_SUBCLASS, default=repr) == \
            orjson.dumps(obj, option=orjson.OPT_PASSTHROUGH_SUBCLASS, default=repr)


def test_default_only_sees_unsupported_values():
    seen = []

    def default(o):
        seen.append(o)
        return str(o)

    obj = {"a": [1, 2.5, "x"], "d": datetime.time(1, 2), "u": datetime.timedelta(2), "s": {3}}
    assert jo.dumps(obj, default=default) == orjson.dumps(obj, default=str)
    assert seen == [datetime.timedelta(2), {3}]


def floats_for_c(rnd, n):
    """Floats of the decimal shapes small payloads carry (prices, ratios,
    scores, coordinates) plus random bit patterns."""
    out = []
    for i in range(n):
        k = rnd.randint(0, 10)
        m = rnd.randint(0, 10 ** rnd.randint(1, 16))
        out.append((-1) ** i * m / 10**k)
        out.append(round(rnd.uniform(-1000, 1000), rnd.randint(0, 9)))
        out.append(struct.unpack("<d", rnd.getrandbits(64).to_bytes(8, "little"))[0])
        out.append(rnd.randint(0, 2**53) / 2.0 ** rnd.randint(0, 60))
    return out


def test_floats_against_orjson():
    rnd = random.Random(20261126)
    for f in floats_for_c(rnd, 50_000):
        want = orjson.dumps(f)
        assert small(f) == want, f
        assert jo.dumps(f) == want, f
        assert go(f) == want, f


def test_float_edges():
    # Powers of two (Dragonbox's separate branch for an all-zero
    # mantissa), of ten, their neighbours, subnormals, the layout switches.
    vals = [2.0**e for e in range(-1074, 1024)] + [10.0**e for e in range(-323, 309)]
    vals += [math.nextafter(v, math.inf) for v in vals] + [math.nextafter(v, 0) for v in vals]
    vals += [float(f"{m}e{e}") for m in (1, 9, 12345, 99999999999999999) for e in range(-25, 25)]
    for f in vals:
        want = orjson.dumps([f, -f])
        assert small([f, -f]) == want, f
        assert go([f, -f]) == want, f


def test_floats_with_every_small_integer_part():
    # Integer parts below 1000 come from a digit table (je_dig3), larger
    # ones from the digit words: every such integer part, with fractions
    # of 1 to 16 digits, and the neighbours of each integer.
    rng = random.Random(3)
    vals = []
    for ip in list(range(1000)) + [1000, 1001, 9999, 10**6 + 7, 2**53 - 1]:
        vals += [math.nextafter(float(ip), math.inf), math.nextafter(float(ip), 0)]
        vals += [ip + rng.random() for _ in range(4)] + [ip + 0.5, ip + 0.25, ip + 0.1]
    for f in vals:
        want = orjson.dumps([f, -f])
        assert small([f, -f]) == want, f


def test_fraction_digits_of_every_length():
    # The fraction of a pointed float is written as the first k of 16
    # digits (je_store16): fractions of 1 to 16 digits, with leading and
    # inner zeros and nines, after integer parts of each size.
    vals = []
    for ip in (1, 7, 42, 999, 1000, 123456, 98765432, 10**12 + 3):
        for k in range(1, 17):
            for frac in ("1", "5", "05", "0001", "9" * k, "1" + "0" * (k - 2) + "1" if k > 1 else "3",
                         "0" * (k - 1) + "7", "123456789012345678"[:k], "909090909090909090"[:k]):
                vals.append(float("%d.%s" % (ip, frac)))
    for f in vals:
        want = orjson.dumps([f, -f])
        assert small([f, -f]) == want, f


def test_short_decimals():
    # The shapes of prices, ratios and coordinates.
    rnd = random.Random(7)
    for _ in range(100_000):
        k = rnd.randint(0, 8)
        m = rnd.randint(0, 2**47 // 10**k)
        f = m / 10**k
        assert small(f) == orjson.dumps(f), f
        assert small(-f) == orjson.dumps(-f), f


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(), st.floats(min_value=-1e6, max_value=1e6).map(lambda f: round(f, 3)),
    st.text(max_size=12).filter(lambda s: not any(0xd800 <= ord(c) <= 0xdfff for c in s)),
)
trees = st.recursive(
    scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=5), st.lists(kids, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=8).filter(lambda s: not any(0xd800 <= ord(c) <= 0xdfff for c in s)),
                        kids, max_size=5),
    ),
    max_leaves=30,
)


def depth_of(obj):
    if isinstance(obj, dict):
        return 1 + max(map(depth_of, obj.values()), default=0)
    if isinstance(obj, (list, tuple)):
        return 1 + max(map(depth_of, obj), default=0)
    return 0


@settings(max_examples=600, deadline=None)
@given(trees)
def test_random_subset_trees(obj):
    want = orjson.dumps(obj)
    assert jo.dumps(obj) == want
    got = small(obj)
    if len(want) <= MAX and depth_of(obj) <= DEPTH:
        assert got == want
    else:
        assert got is None


anything = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**65), max_value=2**65), st.floats(),
              st.text(st.characters(), max_size=12), st.builds(S, st.text(max_size=3)),
              st.builds(I, st.integers()), st.datetimes()),
    lambda kids: st.one_of(
        st.lists(kids, max_size=5), st.lists(kids, max_size=3).map(tuple), st.builds(L, st.lists(kids, max_size=2)),
        st.dictionaries(st.one_of(st.text(max_size=5), st.integers(), st.builds(S, st.text(max_size=3))),
                        kids, max_size=5),
    ),
    max_leaves=30,
)


@settings(max_examples=600, deadline=None)
@given(anything, st.sampled_from([None] + C_OPTS + GO_OPTS))
def test_random_trees_any_types(obj, option):
    got = small(obj)
    if got is not None:
        assert got == orjson.dumps(obj)
    same(obj, option)


def test_rss_flat_small_path():
    """A long loop on the C path (and on its declines) keeps RSS flat."""
    record = {"id": 12345, "username": "alice_smith", "email": "alice@example.com", "active": True,
              "score": 98.5, "tags": ["admin", "staff"], "created": "2024-01-15T10:30:00Z",
              "manager_id": None, "ratio": 0.25, "address": {"city": "Paris", "zip": "75001"},
              "name": "\u00e9l\u00e8ve \u65e5\u672c"}
    near = ["x" * (MAX - 4)]  # just fits
    over = ["x" * 3000]       # past the stack buffer: the heap buffer
    # Declined at the last value; Go writes it without allocating Go memory
    # (a uuid would: the Go heap then grows to its GC target, ~5 MiB, which
    # is not a leak but would blur this measure).
    late = {"a": [1, 2, 3], "b": 2**64 - 1}
    dates = [datetime.datetime(2024, 1, 15, 10, 30, 5, 123000, tzinfo=datetime.timezone.utc), datetime.date(2024, 1, 1)]
    objs = [{"a": 1}, record, near, over, late, dates]
    for obj in objs:
        assert small(obj) is None or small(obj) == orjson.dumps(obj)
    proc = psutil.Process()
    for _ in range(20_000):
        for obj in objs:
            jo.dumps(obj)
    gc.collect()
    before = proc.memory_info().rss
    for _ in range(200_000):
        for obj in objs:
            jo.dumps(obj)
    gc.collect()
    grown = proc.memory_info().rss - before
    assert grown < 5 * 1024 * 1024, f"RSS grew by {grown / 2**20:.1f} MiB over 1M dumps"


# The dict key cache (je_kc in python/jsonenc_small.c): rendered '"key":'
# bytes by the key's address, a key entering on its second sighting and
# held by a strong reference while cached.
KC_BYTES = 48  # JE_KC_BYTES: '"' + up to 45 characters + '"' + ':'


def fresh(text):
    """A new str object with text's characters (not interned, not shared)."""
    return "".join(list(text))


def test_key_cache_never_stale_after_address_reuse():
    """Keys freed after being cached or sighted, their addresses reused by
    other strs of the same size: every output is still orjson's."""
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz_"
    for i in range(3000):
        n = rng.choice([1, 5, 8, 15, 16, 30, 44, 45, 46, 60])
        key = fresh("".join(rng.choice(letters) for _ in range(n)))
        doc = {key: i, "other": [{key: True}]}
        want = orjson.dumps(doc)
        for _ in range(3):  # sighted, cached, then a hit
            assert small(doc) == want
            assert jo.dumps(doc) == want
        del doc, key


def test_key_cache_survives_the_key():
    """A cached key whose every other reference is gone: the cache's own
    reference keeps the object (and so its address) until it is replaced."""
    key = fresh("survivor_key")
    doc = {key: 1}
    small(doc)
    small(doc)  # now cached
    import sys
    held = sys.getrefcount(key)
    del doc
    assert sys.getrefcount(key) == held - 1  # the dict's reference went, ours stays
    for i in range(200):
        other = fresh("survivor_kez" if i % 2 else "survivor_key")
        assert small({other: i}) == orjson.dumps({other: i})


@pytest.mark.parametrize("key", ["a", "x" * 44, "x" * 45, "x" * 46, "quote\"d", "back\\slash", "tab\t",
                                 "\u00e9t\u00e9", "\u65e5\u672c\u8a9e", "\U0001f600", ""])
def test_key_cache_kinds_of_keys(key):
    """Keys the cache takes (short ASCII) and those it leaves to je_str
    (escapes, non-ASCII, too long, empty), each repeated many times."""
    key = fresh(key)
    docs = [{key: i, "k": [{key: None}]} for i in range(40)]
    want = orjson.dumps(docs)
    for _ in range(3):
        assert small(docs, 1 << 20) == want
        assert jo.dumps(docs) == want


def test_key_cache_hits_near_the_limit():
    """Cached keys written at every output bound: the fixed-size copy of a
    hit needs room for all JE_KC_BYTES, else the exact path writes it."""
    key = fresh("k" * 20)
    doc = [{key: 1, "b": 2, "c" * 45: 3} for _ in range(6)]
    want = orjson.dumps(doc)
    small(doc, len(want))
    small(doc, len(want))
    for cap in range(0, len(want) + KC_BYTES + 2):
        got = small(doc, cap)
        assert got == (want if cap >= len(want) else None), cap


def test_key_cache_rss_flat_under_churn():
    """Hundreds of thousands of distinct keys, each cached then pushed out
    by others: the references the cache drops are released (RSS flat)."""
    proc = psutil.Process()

    def churn(count, base):
        for i in range(count):
            key = fresh("key_%d_%s" % (base + i, "x" * 20))
            doc = {key: i}
            small(doc)
            small(doc)

    churn(50_000, 0)
    gc.collect()
    before = proc.memory_info().rss
    churn(300_000, 1_000_000)
    gc.collect()
    grown = proc.memory_info().rss - before
    assert grown < 5 * 1024 * 1024, f"RSS grew by {grown / 2**20:.1f} MiB"
