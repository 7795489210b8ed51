"""jsonfast.drf.JSONRenderer renders exactly what DRF's JSONRenderer renders:
the same bytes, or the same exception (type and message), for random
payloads of every type DRF's JSONEncoder handles, under every setting the
renderer reads (UNICODE_JSON/COMPACT_JSON/STRICT_JSON as the class
attributes DRF derives from them, the `indent` media-type parameter, the
renderer context)."""
from __future__ import annotations

import tempfile
import collections
import datetime
import decimal
import ipaddress
import uuid
import zoneinfo

import numpy as np
import pytest
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from rest_framework import renderers as drf_renderers
from rest_framework.utils import encoders as drf_encoders
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from jsonfast import drf

UTC = datetime.timezone.utc
MEDIA_TYPES = [
    None, "", "application/json", "application/json; indent=4", "application/json; indent=0",
    "application/json; indent=1", "application/json;indent=8", "application/json; indent=9",
    "application/json; indent=100", "application/json; indent=-3", "application/json; indent=abc",
    "application/json; charset=utf-8", "application/json; q=0.9; indent=2", "*/*",
]
CONTEXTS = [None, {}, {"indent": None}, {"indent": 2}, {"indent": 0}, {"indent": "\t"},
            {"indent": -1}, {"indent": 12}, {"indent": ""}, {"indent": 0.5}, {"indent": True},
            {"view": object(), "request": None}]


def renderer_pair(ensure_ascii: bool, compact: bool, strict: bool):
    """DRF's renderer and ours with the same UNICODE_JSON/COMPACT_JSON/
    STRICT_JSON-derived class attributes."""
    attrs = {"ensure_ascii": ensure_ascii, "compact": compact, "strict": strict}
    return (type("Stock", (drf_renderers.JSONRenderer,), attrs)(),
            type("Fast", (drf.JSONRenderer,), attrs)())


def outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except Exception as exc:  # the exception itself is what is compared
        return ("raised", type(exc), str(exc))


# ---- payloads ----

class Regen:
    """An iterable without __getitem__ (DRF: tuple(item for item in obj));
    re-iterable, so both renderers see the same items."""

    def __init__(self, items):
        self.items = list(items)

    def __iter__(self):
        return iter(self.items)


class Mappingish:
    """__getitem__ but not a dict: DRF tries dict(obj), then gives up."""

    def __init__(self, pairs):
        self.pairs = pairs

    def keys(self):
        return [k for k, _ in self.pairs]

    def __getitem__(self, k):
        return dict(self.pairs)[k]


class BrokenGetitem:
    def __getitem__(self, k):
        raise KeyError(k)


class Opaque:
    pass


class MyDateTime(datetime.datetime):
    def isoformat(self, *args, **kwargs):
        return "custom-" + super().isoformat(*args, **kwargs)


class MyDecimal(decimal.Decimal):
    pass


class MyStr(str):
    pass


class Tolist:
    def tolist(self):
        return [1, "two", None]


lazy_upper = lazy(str.upper, str)

fixed_zones = st.builds(
    lambda m, s, us: datetime.timezone(datetime.timedelta(minutes=m, seconds=s, microseconds=us)),
    st.integers(-1439, 1439), st.sampled_from([0, 0, 0, 30]), st.sampled_from([0, 0, 0, 5]))
zones = st.one_of(st.none(), st.just(UTC), fixed_zones,
                  st.sampled_from([zoneinfo.ZoneInfo(z) for z in
                                   ("Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC",
                                    "Australia/Lord_Howe", "Pacific/Chatham")]))

texts = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "a\u2028b", "\u2029", "é", "中文", "😀", '"\\/', "\x00\x1f", "\u2028\u2029\u2028",
                     "x\ud800", "\udfff", "€\u2028"]),
)

leaves = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(2 ** 70), 2 ** 70),
    st.floats(), texts,
    st.decimals(), st.decimals(places=2, min_value=-10 ** 6, max_value=10 ** 6),
    st.sampled_from([decimal.Decimal("NaN"), decimal.Decimal("-sNaN"), decimal.Decimal("Infinity"),
                     decimal.Decimal("1e400"), decimal.Decimal("-1e-400"), decimal.Decimal("0.1"),
                     decimal.Decimal("-0"), decimal.Decimal("12345678901234567890.123456789")]),
    st.datetimes(timezones=zones), st.dates(),
    st.times(timezones=st.one_of(st.none(), st.none(), st.none(), fixed_zones)),
    st.timedeltas(), st.timedeltas(min_value=datetime.timedelta(days=-3), max_value=datetime.timedelta(days=3)),
    st.uuids(), st.ip_addresses(),
    st.sampled_from([ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8::/32"),
                     ipaddress.ip_interface("192.168.1.5/24"), ipaddress.ip_interface("::1/128")]),
    st.builds(gettext_lazy, st.sampled_from(["Yes", "No", "This field is required."])),
    st.builds(lazy_upper, st.text(max_size=5)),
    st.binary(max_size=6),
    st.builds(np.int64, st.integers(-(2 ** 63), 2 ** 63 - 1)), st.builds(np.float32, st.floats(width=32)),
    st.builds(lambda xs: np.array(xs, dtype=np.int32), st.lists(st.integers(-100, 100), max_size=4)),
    st.builds(MyDateTime, st.integers(1, 9999), st.integers(1, 12), st.integers(1, 28)),
    st.builds(MyDecimal, st.integers(-10 ** 9, 10 ** 9)), st.builds(lambda s: (MyStr(s),), texts),  # (a bare str subclass upsets hypothesis)
    st.just(Tolist()), st.just(Opaque()), st.just(BrokenGetitem()),
)
keys = st.one_of(texts, st.integers(), st.floats(), st.booleans(), st.none(),
                 st.sampled_from([decimal.Decimal("1.5"), datetime.date(2020, 1, 1)]))


def ordered(pairs, move_first_to_end):
    d = collections.OrderedDict(pairs)
    if move_first_to_end and d:
        d.move_to_end(next(iter(d)))
    return d


payloads = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.builds(tuple, st.lists(children, max_size=4)),
        st.builds(lambda xs: ReturnList(xs, serializer=None), st.lists(children, max_size=5)),
        st.dictionaries(keys, children, max_size=5),
        st.dictionaries(texts, children, max_size=5),
        st.builds(lambda d: ReturnDict(d, serializer=None), st.dictionaries(texts, children, max_size=5)),
        st.builds(ordered, st.lists(st.tuples(texts, children), max_size=5), st.booleans()),
        st.builds(Regen, st.lists(children, max_size=3)),
        st.builds(set, st.lists(st.integers(), max_size=3)),
        st.builds(Mappingish, st.lists(st.tuples(texts, children), max_size=3)),
    ),
    max_leaves=25,
)


@hsettings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=payloads, ensure_ascii=st.booleans(), compact=st.booleans(), strict=st.booleans(),
       media=st.sampled_from(MEDIA_TYPES), ctx=st.sampled_from(CONTEXTS))
def test_random_payloads_match_drf(data, ensure_ascii, compact, strict, media, ctx):
    stock, fast = renderer_pair(ensure_ascii, compact, strict)
    assert outcome(fast.render, data, media, ctx) == outcome(stock.render, data, media, ctx)


@hsettings(max_examples=300, deadline=None)
@given(data=st.lists(st.fixed_dictionaries({
    "id": st.integers(0, 10 ** 6), "name": texts, "price": st.decimals(places=2, allow_nan=False,
                                                                     allow_infinity=False),
    "created": st.datetimes(timezones=zones), "day": st.dates(), "uid": st.uuids(),
    "tags": st.lists(texts, max_size=3), "nested": st.fixed_dictionaries({"a": st.floats(), "b": st.none()}),
}), max_size=20))
def test_serializer_shaped_lists_match_drf(data):
    stock, fast = drf_renderers.JSONRenderer(), drf.JSONRenderer()
    payload = ReturnList(data, serializer=None)
    assert outcome(fast.render, payload, "application/json", {}) == \
        outcome(stock.render, payload, "application/json", {})


# ---- specific behaviour ----

def render_both(data, media="application/json", ctx=None, **attrs):
    stock, fast = renderer_pair(attrs.get("ensure_ascii", False), attrs.get("compact", True),
                                attrs.get("strict", True))
    want = outcome(stock.render, data, media, ctx)
    got = outcome(fast.render, data, media, ctx)
    assert got == want
    return got


def test_defaults_are_drfs_settings():
    r = drf.JSONRenderer()
    assert isinstance(r, drf_renderers.JSONRenderer)
    assert (r.media_type, r.format, r.charset) == ("application/json", "json", None)
    # UNICODE_JSON, COMPACT_JSON, STRICT_JSON default to True in DRF.
    assert (r.ensure_ascii, r.compact, r.strict) == (False, True, True)
    assert r.encoder_class is drf_encoders.JSONEncoder
    assert drf.JSONParser.renderer_class is drf.JSONRenderer


def test_none_renders_empty():
    assert render_both(None) == ("ok", b"")


def test_datetime_forms():
    tz5 = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    tzs = datetime.timezone(-datetime.timedelta(hours=1, seconds=30, microseconds=7))
    data = [
        datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime.datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=UTC),
        datetime.datetime(1, 1, 1, 0, 0),
        datetime.datetime(2024, 1, 2, 3, 4, 5, 1, tzinfo=tz5),
        datetime.datetime(2024, 1, 2, tzinfo=tzs),
        datetime.datetime(2024, 7, 1, 12, tzinfo=zoneinfo.ZoneInfo("Europe/London")),
        datetime.datetime(2024, 7, 1, 12, tzinfo=datetime.timezone(datetime.timedelta(0), "named")),
        datetime.date(999, 12, 31), datetime.time(0, 0), datetime.time(23, 59, 59, 999999),
        datetime.timedelta(0), datetime.timedelta(microseconds=-1), datetime.timedelta(days=999999999),
        datetime.timedelta(days=-999999999), datetime.timedelta(seconds=86399, microseconds=999999),
    ]
    ok, body = render_both(data)
    assert ok == "ok"
    assert body.startswith(b'["2024-01-02T03:04:05Z","2024-01-02T03:04:05.120000Z","0001-01-01T00:00:00",'
                           b'"2024-01-02T03:04:05.000001+05:30","2024-01-02T00:00:00-01:00:30.000007",'
                           b'"2024-07-01T12:00:00+01:00","2024-07-01T12:00:00Z","0999-12-31","00:00:00",'
                           b'"23:59:59.999999","0.0","-1e-06"')


def test_aware_time_raises_as_drf():
    t = datetime.time(1, 2, tzinfo=UTC)
    assert render_both({"t": t}) == ("raised", ValueError, "JSON can't represent timezone-aware times.")


def test_decimal_is_a_float_as_drfs_encoder_makes_it():
    # COERCE_DECIMAL_TO_STRING acts in serializers' DecimalField (strings
    # reach the renderer); a Decimal that reaches the encoder is float(obj).
    assert render_both([decimal.Decimal("1.10"), decimal.Decimal("1e400"), decimal.Decimal("-0")],
                       strict=False) == ("ok", b'[1.1,Infinity,-0.0]')
    assert render_both([decimal.Decimal("NaN")])[1] is ValueError
    assert render_both([decimal.Decimal("sNaN")]) == (
        "raised", ValueError, "cannot convert signaling NaN to float")


def test_line_separators_escaped_as_drf():
    s = "a\u2028b\u2029c\u2028é"
    assert render_both({s: s}) == ("ok", '{"a\\u2028b\\u2029c\\u2028é":"a\\u2028b\\u2029c\\u2028é"}'.encode())
    assert render_both([s], ensure_ascii=True) == ("ok", b'["a\\u2028b\\u2029c\\u2028\\u00e9"]')


def test_lone_surrogate_raises_as_drf():
    got = render_both(["\ud800"])
    assert got[:2] == ("raised", UnicodeEncodeError)
    assert render_both(["\ud800"], ensure_ascii=True) == ("ok", b'["\\ud800"]')


def test_indent_parameter_and_context():
    data = {"a": [1, {"b": None}], "c": {}}
    assert render_both(data, "application/json; indent=4")[1] == (
        b'{\n    "a": [\n        1,\n        {\n            "b": null\n        }\n    ],\n    "c": {}\n}')
    # clamped to 8; 0 means none; garbage is ignored; the context's indent
    # applies when the media type has none.
    assert render_both(data, "application/json; indent=50")[1].count(b" " * 8) > 0
    assert render_both(data, "application/json; indent=0")[1] == b'{"a":[1,{"b":null}],"c":{}}'
    assert render_both(data, "application/json; indent=x", {"indent": 1})[1].startswith(b'{\n "a"')
    assert render_both(data, "application/json", {"indent": 2})[1].startswith(b'{\n  "a"')
    assert render_both(data, None, {"indent": "--"})[1].startswith(b'{\n--"a"')
    assert render_both(data, compact=False)[1] == b'{"a": [1, {"b": null}], "c": {}}'


def test_generators_querysets_and_iterables():
    from django.contrib.auth.models import Group

    for make in (lambda: (i * i for i in range(4)), lambda: iter([1, 2]), lambda: range(3),
                 lambda: {"k": (x for x in "ab")}, lambda: Group.objects.none(),
                 lambda: collections.deque([1, datetime.date(2020, 2, 2)]), lambda: {1, 2},
                 lambda: frozenset(), lambda: Tolist(), lambda: np.arange(4.0).reshape(2, 2),
                 lambda: Mappingish([("a", 1)]), lambda: BrokenGetitem(), lambda: Opaque()):
        stock, fast = renderer_pair(False, True, True)
        assert outcome(fast.render, make(), "application/json", {}) == \
            outcome(stock.render, make(), "application/json", {})


def test_queryset_with_rows():
    from django.contrib.auth.models import Group

    def make():
        qs = Group.objects.all()
        qs._result_cache = [{"id": 1, "name": "staff"}, {"id": 2, "name": "admins"}]  # rows, no database
        return qs

    assert outcome(drf.JSONRenderer().render, make()) == outcome(drf_renderers.JSONRenderer().render, make())
    assert drf.JSONRenderer().render(make()) == b'[{"id":1,"name":"staff"},{"id":2,"name":"admins"}]'


def test_lazy_strings_and_subclasses():
    data = {"msg": gettext_lazy("This field is required."), "dt": MyDateTime(2020, 1, 1),
            "d": MyDecimal("2.5"), "s": MyStr("x")}
    assert render_both(data) == ("ok", b'{"msg":"This field is required.","dt":"custom-2020-01-01T00:00:00",'
                                       b'"d":2.5,"s":"x"}')


def test_errors_match():
    cyclic = []
    cyclic.append(cyclic)
    for data in (cyclic, {"x": Opaque()}, {(1, 2): 3}, {decimal.Decimal(1): 1}, [float("nan")],
                 [b"\xff"], {float("inf"): 1}):
        assert render_both(data)[0] == "raised"
        assert render_both(data, "application/json; indent=2")[0] == "raised"


def test_ordered_dict_order_kept():
    d = collections.OrderedDict([("a", 1), ("b", 2), ("c", 3)])
    d.move_to_end("a")
    assert render_both(d)[1] == b'{"b":2,"c":3,"a":1}'


def test_custom_encoder_class_is_used():
    class Encoder(drf_encoders.JSONEncoder):
        def default(self, obj):
            if isinstance(obj, Opaque):
                return "opaque"
            return super().default(obj)

    class Fast(drf.JSONRenderer):
        encoder_class = Encoder

    assert Fast().render({"o": Opaque(), "d": datetime.date(2020, 1, 1)}) == b'{"o":"opaque","d":"2020-01-01"}'


def test_custom_get_indent_is_used():
    class Fast(drf.JSONRenderer):
        def get_indent(self, accepted_media_type, renderer_context):
            return 3

    assert Fast().render([1]) == b"[\n   1\n]"


def test_threads_render_concurrently():
    import threading

    data = ReturnList([{"id": i, "at": datetime.datetime(2020, 1, 1, i % 24, tzinfo=UTC),
                        "p": decimal.Decimal(i) / 4, "u": uuid.UUID(int=i)} for i in range(200)],
                      serializer=None)
    want = drf_renderers.JSONRenderer().render(data)
    errors = []

    def work():
        r = drf.JSONRenderer()
        for _ in range(50):
            if r.render(data) != want:
                errors.append("mismatch")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@hsettings(max_examples=500, deadline=None)
@given(value=leaves)
def test_native_default_equals_drfs_default(value):
    # The C default on its own gives what DRF's JSONEncoder.default gives.
    from _goaccel import json as native

    def norm(r):
        if r[0] == "ok" and isinstance(r[1], float) and r[1] != r[1]:
            return ("ok", "nan")
        return r

    assert norm(outcome(native.drf_default, value)) == norm(outcome(drf_encoders.JSONEncoder().default, value))


SETTINGS_SCRIPT = r"""
import datetime, decimal, sys
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=["rest_framework"], DATABASES={},
                   REST_FRAMEWORK={"UNICODE_JSON": %s, "COMPACT_JSON": %s, "STRICT_JSON": %s,
                                   "COERCE_DECIMAL_TO_STRING": %s})
django.setup()
from rest_framework import parsers, renderers, serializers
from jsonfast import drf

class S(serializers.Serializer):
    price = serializers.DecimalField(max_digits=8, decimal_places=2)
    at = serializers.DateTimeField()
    name = serializers.CharField()

row = {"price": decimal.Decimal("12.50"), "at": datetime.datetime(2024, 1, 2, 3, 4, 5, 678000,
       tzinfo=datetime.timezone.utc), "name": "Zo\u00eb\u2028"}
data = {"rows": S([row, row], many=True).data, "nan": float("nan"), "raw": decimal.Decimal("1.5")}
out = []
for r in (renderers.JSONRenderer(), drf.JSONRenderer()):
    try:
        out.append(r.render(data, "application/json"))
    except ValueError as exc:
        out.append(repr(exc))
assert out[0] == out[1], out
p0, p1 = parsers.JSONParser(), drf.JSONParser()
import io
res = []
for p in (p0, p1):
    try:
        res.append(repr(p.parse(io.BytesIO(b'[NaN, 1]'))))
    except Exception as exc:
        res.append(repr(exc))
assert res[0] == res[1], res
sys.stdout.write(repr(out[1]) + "\n" + res[1])
"""


@pytest.mark.parametrize("unicode_json, compact, strict, coerce", [
    (True, True, True, True), (False, False, False, False), (True, False, False, True),
    (False, True, True, False)])
def test_drf_settings_honoured(unicode_json, compact, strict, coerce):
    """DRF reads its settings when its modules are imported: a fresh
    interpreter per combination, both renderers and parsers side by side."""
    import subprocess
    import sys

    script = SETTINGS_SCRIPT % (unicode_json, compact, strict, coerce)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=tempfile.gettempdir())  # no source tree on sys.path
    assert proc.returncode == 0, proc.stderr
    body, parsed = proc.stdout.split("\n")
    if strict:
        assert "Out of range float values" in body
        assert "ParseError" in parsed
    else:
        assert "NaN" in body
        assert parsed == "[nan, 1]"
        assert ('"12.50"' in body) == coerce
        assert ("Zo\\\\u00eb" in body) == (not unicode_json)
        assert ('"rows": ' in body) == (not compact)
        assert "\\\\u2028" in body
