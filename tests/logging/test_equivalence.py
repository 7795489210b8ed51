"""jsonfast.logging.JsonFormatter gives python-json-logger 4.2.0's output, byte for byte."""
from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import io
import itertools
import json
import logging
import sys
import threading
import uuid
import warnings

import pytest
from hypothesis import given, settings, strategies as st
from pythonjsonlogger import core as pjl_core
from pythonjsonlogger.json import JsonEncoder as PjlEncoder
from pythonjsonlogger.json import JsonFormatter as PjlFormatter

import jsonfast.logging as jl
from jsonfast.logging import JsonFormatter as FastFormatter


class Color(enum.Enum):
    RED = 1
    BLUE = "blue"


@dataclasses.dataclass
class Point:
    x: int
    y: float


class Weird:
    def __str__(self):
        raise RuntimeError("no str")

    def __repr__(self):
        return "<Weird>"


class Hopeless:
    def __str__(self):
        raise RuntimeError("no str")

    def __repr__(self):
        raise RuntimeError("no repr")


def _exc_info():
    try:
        raise ValueError("boom \u2028 é")
    except ValueError:
        return sys.exc_info()


EXC = _exc_info()

EXTRAS = [
    {},
    {"status": 200, "duration_ms": 1.25, "user": "alice", "ok": True, "none": None},
    {"when": dt.datetime(2024, 5, 6, 7, 8, 9, 123456), "day": dt.date(2024, 1, 2),
     "at": dt.time(3, 4, 5), "aware": dt.datetime(2024, 5, 6, tzinfo=dt.timezone.utc)},
    {"uuid": uuid.UUID(int=12345), "dec": decimal.Decimal("1.10"), "raw": b"\x00\xffbytes",
     "ba": bytearray(b"abc"), "color": Color.BLUE, "colors": Color, "point": Point(1, 2.5),
     "cls": ValueError, "err": KeyError("k"), "tb": EXC[2], "set": {1}, "weird": Weird(),
     "hopeless": Hopeless()},
    {"nested": {"a": [1, 2.5, {"b": None}], "c": ("t", 1)}, "unicode": "é ✓ \u2028 \U0001f600",
     "nan": float("nan"), "inf": float("inf"), "big": 10**30, "neg": -0.0},
    {"_private": 1, "levelname_x": "keep", "message2": "m"},
]

MESSAGES = [
    ("plain", ()),
    ("GET %s -> %d", ("/api/items/1", 200)),
    ("unicode %s", ("é ✓",)),
    ({"event": "login", "user": "bob", "nested": {"a": 1}}, ()),
    ({"exc_info": "custom exc", "stack_info": "custom stack"}, ()),
    ("%(a)s and %(b)s", ({"a": 1, "b": 2},)),
]


def make_records():
    log = logging.getLogger("equiv.test")
    records = []
    for i, ((msg, args), extra) in enumerate(itertools.product(MESSAGES, EXTRAS)):
        exc = EXC if i % 7 == 3 else None
        sinfo = "Stack (most recent call last):\n  File x, line 1" if i % 5 == 2 else None
        r = log.makeRecord("equiv.%d" % (i % 3), [logging.DEBUG, logging.INFO, logging.ERROR][i % 3],
                           "/app/mod.py", i, msg, args, exc, func="fn", extra=dict(extra),
                           sinfo=sinfo)
        if i % 11 == 4:
            r.exc_text = "precomputed exc text"
        if i % 13 == 6:
            r.__dict__[42] = "numeric key"
        records.append(r)
    return records


def clone(record):
    new = object.__new__(type(record))
    new.__dict__.update(record.__dict__)
    return new


class MyEncoder(json.JSONEncoder):
    def default(self, o):
        return "<%s>" % type(o).__name__


CONFIGS = [
    {},
    {"fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    {"fmt": "%(levelname)s %(message)s", "datefmt": "%Y"},
    {"fmt": "{asctime} {levelname} {message}", "style": "{"},
    {"fmt": "${levelname} $name $$ ${message}", "style": "$"},
    {"fmt": "levelname, name ,message,, lineno", "style": ","},
    {"fmt": ["levelname", "message", "funcName"]},
    {"fmt": ("message", "levelno")},
    {"fmt": "%(asctime)s %(message)s", "datefmt": "%Y-%m-%dT%H:%M:%S"},
    {"fmt": "%(message)s", "prefix": "JSON: "},
    {"fmt": "%(levelname)s %(message)s %(name)s",
     "rename_fields": {"levelname": "level", "message": "msg", "status": "http.status",
                       "event": "evt", "exc_info": "error"}},
    {"fmt": "%(levelname)s", "rename_fields": {"levelname": "name", "missing": "gone"},
     "rename_fields_keep_missing": True},
    {"fmt": "%(message)s", "static_fields": {"service": "demo", "env": {"k": [1, 2]}, "user": "static"}},
    {"fmt": "%(message)s", "reserved_attrs": []},
    {"fmt": "%(message)s", "reserved_attrs": ["msg", "args", "created", "msecs", "relativeCreated",
                                              "thread", "process", "exc_info", "pathname"]},
    {"fmt": "%(message)s", "timestamp": True},
    {"fmt": "%(message)s", "timestamp": "@ts", "rename_fields": {"@ts": "time"}},
    {"fmt": "%(message)s", "defaults": {"app": "x", "levelname": "default-level"}},
    {"fmt": "%(levelname)s %(message)s", "defaults": {"levelname": "d"}, "static_fields": {"levelname": "s"}},
    {"fmt": "%(message)s", "exc_info_as_array": True, "stack_info_as_array": True},
    {"fmt": "%(message)s", "json_default": repr},
    {"fmt": "%(message)s", "json_default": repr, "json_encoder": PjlEncoder},
    {"fmt": "%(message)s", "json_encoder": MyEncoder},
    {"fmt": "%(message)s", "json_indent": 2},
    {"fmt": "%(message)s", "json_indent": "\t", "timestamp": True},
    {"fmt": "%(message)s", "json_ensure_ascii": False},
    {"fmt": "%(message)s %(levelname)s", "json_ensure_ascii": False, "timestamp": True,
     "rename_fields": {"message": "@message"}, "static_fields": {"v": 1}, "prefix": ">"},
    {"fmt": None},
]


def _fast_kwargs(kw):
    kw = dict(kw)
    if kw.get("json_encoder") is PjlEncoder:
        kw["json_encoder"] = jl.JsonEncoder
    return kw


def assert_same(pjl_fmt, fast_fmt, records):
    for r in records:
        a, b = clone(r), clone(r)
        try:
            want = pjl_fmt.format(a)
        except Exception as e:  # noqa: BLE001
            with pytest.raises(type(e)):
                fast_fmt.format(b)
            continue
        got = fast_fmt.format(b)
        assert got == want, (r.__dict__, pjl_fmt.__dict__)
        # format() leaves the same attributes on the record
        assert a.__dict__.keys() == b.__dict__.keys()
        assert a.message == b.message


RECORDS = make_records()


@pytest.mark.parametrize("kw", CONFIGS, ids=[str(i) for i in range(len(CONFIGS))])
def test_same_output(kw):
    assert_same(PjlFormatter(**kw), FastFormatter(**_fast_kwargs(kw)), RECORDS)


@pytest.mark.parametrize("kw", CONFIGS[:12], ids=[str(i) for i in range(12)])
def test_pjl_encoder_class_accepted(kw):
    kw = dict(kw, json_encoder=PjlEncoder)
    assert_same(PjlFormatter(**kw), FastFormatter(**kw), RECORDS[:40])


def test_custom_serializer_called_like_pjl():
    calls = []

    def ser(obj, **kw):
        calls.append(sorted(kw))
        return json.dumps(obj, **kw)

    assert_same(PjlFormatter("%(message)s", json_serializer=ser),
                FastFormatter("%(message)s", json_serializer=ser), RECORDS[:10])
    assert calls[:10] == calls[10:]
    assert calls[0] == ["cls", "default", "ensure_ascii", "indent"]


def _subclasses(base):
    class AddFields(base):
        def add_fields(self, log_data, record, message_dict):
            log_data["first"] = 1
            log_data["levelname"] = "pre"
            super().add_fields(log_data, record, message_dict)
            log_data["added"] = record.levelname.lower()

    class Process(base):
        def process_log_record(self, log_data):
            log_data["processed"] = sorted(log_data)
            ts = log_data.get("timestamp")
            log_data["ts_type"] = type(ts).__name__
            return log_data

    class Jsonify(base):
        def jsonify_log_record(self, log_data):
            return "J" + super().jsonify_log_record(log_data)

    class Serialize(base):
        def serialize_log_record(self, log_data):
            return "S" + super().serialize_log_record(log_data)

    class Rename(base):
        def _get_rename(self, key):
            return key.upper()

    class Parse(base):
        def parse(self):
            return ["levelname", "custom"]

    class FormatTime(base):
        def formatTime(self, record, datefmt=None):
            return "T%d" % int(record.created)

    return [AddFields, Process, Jsonify, Serialize, Rename, Parse, FormatTime]


@pytest.mark.parametrize("i", range(7))
@pytest.mark.parametrize("kw", [
    {"fmt": "%(asctime)s %(levelname)s %(message)s", "timestamp": True},
    {"fmt": "%(message)s", "rename_fields": {"levelname": "level"}, "rename_fields_keep_missing": True,
     "static_fields": {"s": 1}},
])
def test_override_points(i, kw):
    p = _subclasses(PjlFormatter)[i](**kw)
    f = _subclasses(FastFormatter)[i](**kw)
    assert_same(p, f, RECORDS)


def test_attribute_assignment_after_init():
    p = PjlFormatter("%(message)s")
    f = FastFormatter("%(message)s")
    assert_same(p, f, RECORDS[:10])  # builds the plan
    for name, value in [("rename_fields", {"message": "m"}), ("static_fields", {"x": 1}),
                        ("timestamp", "when"), ("prefix", "P "), ("json_indent", 1),
                        ("json_ensure_ascii", False), ("rename_fields_keep_missing", True),
                        ("defaults", {"d": 2}), ("datefmt", "%H"), ("json_default", str),
                        ("json_encoder", None)]:
        setattr(p, name, value)
        setattr(f, name, value)
        assert_same(p, f, RECORDS[:30])


def test_constructor_errors_match():
    for args, kw in [(("%(message)s", None, "x"), {}), (("%(message", None, "%"), {}),
                     (("{message", None, "{"), {}), (("no fields",), {})]:
        try:
            PjlFormatter(*args, **kw)
        except Exception as e:  # noqa: BLE001
            with pytest.raises(type(e), match=None) as info:
                FastFormatter(*args, **kw)
            assert str(info.value) == str(e)
        else:
            FastFormatter(*args, **kw)


def test_custom_style_without_validation_needs_parse():
    with pytest.raises(ValueError, match="not supported"):
        FastFormatter("a b", style="@", validate=False)


def test_reserved_attrs_and_old_path_names():
    assert jl.RESERVED_ATTRS == pjl_core.RESERVED_ATTRS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from pythonjsonlogger import jsonlogger
    old = jsonlogger.JsonFormatter("%(levelname)s %(message)s", timestamp=True)
    new = FastFormatter("%(levelname)s %(message)s", timestamp=True)
    assert_same(old, new, RECORDS)
    assert isinstance(new, logging.Formatter)


def test_record_msg_dict_is_not_modified():
    msg = {"a": 1}
    r = logging.getLogger("x").makeRecord("x", logging.ERROR, "f", 1, msg, (), EXC)
    FastFormatter().format(r)
    assert msg == {"a": 1}


def test_encoder_class_matches():
    objs = [dt.datetime(2020, 1, 2, 3, 4, 5), Color.RED, Color, b"x", Point(1, 2), ValueError,
            KeyError("k"), EXC[2], Weird(), Hopeless(), {1, 2}]
    for o in objs:
        assert json.dumps([o], cls=jl.JsonEncoder) == json.dumps([o], cls=PjlEncoder)


@pytest.mark.parametrize("created", [0.0, 0.5, 1.9999995, 1.0000005, 1.0000015, 1e9 + 5e-7,
                                     1700000000.9999996, 1700000000.0000004, 1764101789.708241,
                                     2**31 + 0.25, 4e9 - 1e-7])
def test_timestamp_string_edges(created):
    want = dt.datetime.fromtimestamp(created, tz=dt.timezone.utc).isoformat()
    assert jl._utc_isoformat(created) == want


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    st.floats(min_value=0, max_value=4e9, allow_nan=False),
    # half-microsecond steps: where rounding and carries happen
    st.builds(lambda s, h: s + h / 2e6, st.integers(0, 4 * 10**9), st.integers(0, 2 * 10**6)),
))
def test_timestamp_string_matches_datetime(created):
    want = dt.datetime.fromtimestamp(created, tz=dt.timezone.utc).isoformat()
    assert jl._utc_isoformat(created) == want


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=12), st.datetimes(), st.dates(), st.binary(max_size=8))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=8)
field_names = st.sampled_from(["levelname", "name", "message", "asctime", "lineno", "module",
                               "funcName", "process", "thread", "missing", "user", "status"])


@settings(max_examples=250, deadline=None)
@given(
    extra=st.dictionaries(st.text(min_size=1, max_size=8).filter(
        lambda k: k not in logging.LogRecord("n", 0, "p", 0, "m", (), None).__dict__
        and k not in ("message", "asctime")), json_values, max_size=5),
    fields=st.lists(field_names, max_size=5),
    rename=st.dictionaries(field_names, st.text(min_size=1, max_size=6), max_size=3),
    static=st.dictionaries(st.text(min_size=1, max_size=6), json_values, max_size=2),
    timestamp=st.sampled_from([False, True, "ts"]),
    indent=st.sampled_from([None, None, 2]),
    ascii_=st.booleans(),
    keep_missing=st.booleans(),
    msg=st.one_of(st.text(max_size=20).map(lambda s: s.replace("%", "%%")),
                  st.dictionaries(st.text(max_size=5), json_values, max_size=3)),
)
def test_random_records_and_arguments(extra, fields, rename, static, timestamp, indent, ascii_,
                                      keep_missing, msg):
    kw = dict(fmt=fields, rename_fields=rename, static_fields=static, timestamp=timestamp,
              json_indent=indent, json_ensure_ascii=ascii_, rename_fields_keep_missing=keep_missing)
    r = logging.getLogger("h").makeRecord("h", logging.INFO, "/p.py", 3, msg, (), None, extra=extra)
    assert_same(PjlFormatter(**kw), FastFormatter(**kw), [r])


def test_threads_share_one_formatter():
    f = FastFormatter("%(asctime)s %(levelname)s %(message)s",
                      static_fields={"shared": {"a": [1, 2]}}, timestamp=True)
    p = PjlFormatter("%(asctime)s %(levelname)s %(message)s",
                     static_fields={"shared": {"a": [1, 2]}}, timestamp=True)
    records = []
    for i, r in enumerate(RECORDS * 4):  # many different seconds: the time caches churn
        r = clone(r)
        r.created += i * 1.7
        r.msecs = (r.created - int(r.created)) * 1000
        records.append(r)
    want = [p.format(clone(r)) for r in records]
    errors = []

    def work():
        for _ in range(10):
            got = [f.format(clone(r)) for r in records]
            if got != want:
                errors.append(got)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_through_a_handler():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(FastFormatter("%(levelname)s %(name)s %(message)s", timestamp=True))
    log = logging.getLogger("jsonfast.handler.test")
    log.addHandler(handler)
    log.propagate = False
    log.setLevel(logging.INFO)
    try:
        log.info("hello %s", "world", extra={"user": "alice"})
        try:
            1 / 0
        except ZeroDivisionError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    first, second = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert first["message"] == "hello world" and first["user"] == "alice"
    assert first["levelname"] == "INFO" and first["timestamp"].endswith("+00:00")
    assert second["message"] == "failed" and "ZeroDivisionError" in second["exc_info"]


# One formatter pair reused across examples: records of a repeating shape are
# rendered by the per-shape generated code, with random values.
_REUSED = [
    (PjlFormatter("%(levelname)s %(message)s", timestamp=True, static_fields={"s": [1]}),
     FastFormatter("%(levelname)s %(message)s", timestamp=True, static_fields={"s": [1]})),
    (PjlFormatter(["message", "status"], json_ensure_ascii=False, rename_fields={"status": "code"},
                  rename_fields_keep_missing=True, prefix="%s %% "),
     FastFormatter(["message", "status"], json_ensure_ascii=False, rename_fields={"status": "code"},
                   rename_fields_keep_missing=True, prefix="%s %% ")),
    (PjlFormatter("%(message)s", json_default=repr), FastFormatter("%(message)s", json_default=repr)),
]


@settings(max_examples=300, deadline=None)
@given(status=json_values, user=json_values, ratio=json_values,
       msg=st.text(max_size=10).map(lambda s: s.replace("%", "%%")), which=st.integers(0, 2))
def test_repeated_shape_with_random_values(status, user, ratio, msg, which):
    p, f = _REUSED[which]
    r = logging.getLogger("h").makeRecord("h", logging.INFO, "/p.py", 3, msg, (), None,
                                          extra={"status": status, "user%": user, "ratio": ratio})
    for _ in range(4):  # the third sighting of a shape compiles it
        assert_same(p, f, [r])


def test_asctime_follows_converter_and_formats():
    import time

    p = PjlFormatter("%(asctime)s %(message)s")
    f = FastFormatter("%(asctime)s %(message)s")
    recs = [clone(r) for r in RECORDS[:12]]
    for r in recs[6:]:
        r.created += 3600.5  # another second and hour
        r.msecs = (r.created - int(r.created)) * 1000
    assert_same(p, f, recs * 3)
    for name, value in [("converter", time.gmtime), ("default_msec_format", "%s.%03d"),
                        ("default_time_format", "%H:%M"), ("default_msec_format", None),
                        ("datefmt", "%Y/%m/%d %H")]:
        setattr(p, name, value)
        setattr(f, name, value)
        assert_same(p, f, recs * 3)
