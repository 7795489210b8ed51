"""The Go renderer of repeated record shapes (jsonfast/logrecord.go) writes python-json-logger's bytes."""
from __future__ import annotations

import datetime as dt
import decimal
import enum
import gc
import logging

import psutil
import pytest
from hypothesis import given, settings, strategies as st
from pythonjsonlogger.json import JsonFormatter as PjlFormatter

import jsonfast.logging as jl
from jsonfast.logging import JsonFormatter as FastFormatter


class Level(enum.IntEnum):
    HIGH = 3


class Text(str):
    pass


ODD_VALUES = [
    "plain", "", "quote \" back \\ slash / tab \t nl \n ctl \x01 del \x7f", "é ✓ 😀 \u2028",
    "lone \ud800 surrogate", "\udfff", 0, -1, 2**63 - 1, 2**63, -(2**64) - 5, 10**40, True, False, None,
    0.0, -0.0, 1.5, 1e-7, 1e16, 1.7976931348623157e308, 5e-324, float("inf"), float("-inf"), float("nan"),
    Level.HIGH, Text("sub"), [1, "a", None], {"k": [1.5]}, (1, 2), decimal.Decimal("1.10"),
    dt.datetime(2024, 1, 2, 3, 4, 5, 6), dt.date(2024, 1, 2), b"bytes", object,
]

CONFIGS = [
    {"fmt": "%(levelname)s %(name)s %(message)s"},
    {"fmt": "%(asctime)s %(message)s", "timestamp": True, "static_fields": {"s": [1], "t": "é"}},
    {"fmt": ["message", "missing"], "json_ensure_ascii": False, "prefix": "é> ",
     "rename_fields": {"v": "value"}, "rename_fields_keep_missing": True},
    {"fmt": "%(message)s", "json_default": repr, "static_fields": {"n": 1.5, "m": None}},
]


def _record(value, name="v"):
    return logging.getLogger("go.r").makeRecord("go.r", logging.INFO, "/p.py", 1, "m %s", ("x",), None,
                                                extra={name: value, "w": 1})


def _same(p, f, record):
    a = logging.makeLogRecord(dict(record.__dict__))
    b = logging.makeLogRecord(dict(record.__dict__))
    try:
        want = p.format(a)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            f.format(b)
        return
    assert f.format(b) == want


@pytest.mark.parametrize("kw", CONFIGS, ids=[str(i) for i in range(len(CONFIGS))])
def test_odd_values_through_the_go_renderer(kw):
    p, f = PjlFormatter(**kw), FastFormatter(**kw)
    for value in ODD_VALUES:
        r = _record(value)
        for _ in range(4):  # the third sighting compiles the shape
            _same(p, f, r)
    plan = f._plan
    assert plan.go_table is not None
    # Go served these records: it matches the shape by its key objects.
    r = _record("x")
    f.format(r)
    assert jl._log_render(plan.go_table, r.__dict__) == p.format(r)


def test_equal_but_not_identical_keys_take_the_python_renderer():
    p, f = PjlFormatter("%(message)s"), FastFormatter("%(message)s")
    for i in range(4):
        r = _record(i, "user")
        assert f.format(r) == p.format(r)
    r = _record(7, "user")
    # a __dict__ whose "user" key is an equal str but another object
    r.__dict__ = {("".join(["us", "er"]) if k == "user" else k): v for k, v in r.__dict__.items()}
    assert jl._log_render(f._plan.go_table, r.__dict__) is None  # Go matches by identity
    assert f.format(r) == p.format(r)  # the Python renderer serves it


def test_unserialisable_value_raises_like_pjl():
    def fail(o):
        raise ValueError("nope")

    p, f = PjlFormatter("%(message)s", json_default=fail), FastFormatter("%(message)s", json_default=fail)
    for _ in range(4):
        r = _record(1)
        assert f.format(r) == p.format(r)
    with pytest.raises(ValueError, match="nope"):
        p.format(_record(object()))
    with pytest.raises(ValueError, match="nope"):
        f.format(_record(object()))


def test_default_that_logs_and_mutates_the_record():
    f = FastFormatter("%(message)s")
    p = PjlFormatter("%(message)s")
    nested = []

    class Noisy:
        def __init__(self, rec):
            self.rec = rec

        def __str__(self):
            # formats another record with the same formatter, then changes ours
            nested.append(f.format(_record("inner")))
            self.rec.__dict__.pop("w", None)
            self.rec.__dict__["v"] = "changed"
            return "noisy"

    for _ in range(4):
        f.format(_record(1))
    r = _record(None)
    r.v = Noisy(r)
    r2 = logging.makeLogRecord(dict(r.__dict__))
    r2.v = Noisy(r2)
    assert f.format(r) == p.format(r2)
    assert nested and all('"v": "inner"' in s for s in nested)


def test_many_shapes_do_not_grow_memory():
    f = FastFormatter("%(levelname)s %(message)s", timestamp=True)
    log = logging.getLogger("go.mem")
    names = ["k%d" % i for i in range(600)]  # the same key objects: Go matches them

    def batch(n: int) -> None:
        for i in range(n):
            r = log.makeRecord("go.mem", logging.INFO, "/m.py", 1, "n=%d", (i,), None,
                               extra={names[i % 600]: i, "x": [i]})
            f.format(r)

    proc = psutil.Process()
    batch(20_000)
    gc.collect()
    before = proc.memory_info().rss
    batch(100_000)
    gc.collect()
    assert proc.memory_info().rss - before < 8 * 1024 * 1024


_TS_PAIR = (PjlFormatter("%(message)s", timestamp=True), FastFormatter("%(message)s", timestamp=True))


def _ts_same(created):
    p, f = _TS_PAIR
    for _ in range(3):  # compile the shape
        f.format(_record(1))
    r = _record(1)
    r.created = created
    _same(p, f, r)


@pytest.mark.parametrize("created", [0.0, 0.5, 1.9999995, 1.0000005, 1.0000015, 1e9 + 5e-7,
                                     1700000000.9999996, 1700000000.0000004, -0.5, -1.5,
                                     253402300799.0, 253402300799.9999999, 253402300800.0, 1e15,
                                     float("nan"), float("inf")])
def test_timestamp_text_written_by_go(created):
    _ts_same(created)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, max_value=4e9) | st.integers(0, 2**33).map(lambda i: i / 1e6 + 1.7e9))
def test_timestamp_text_written_by_go_random(created):
    _ts_same(created)


def test_asctime_reuse_follows_every_input():
    import sys
    import time

    kw = {"fmt": "%(asctime)s %(message)s"}
    p, f = PjlFormatter(**kw), FastFormatter(**kw)

    def check(created=1_700_000_000.25):
        for _ in range(4):
            r = _record(1)
            r.created, r.msecs = created, (created - int(created)) * 1000
            _same(p, f, r)

    check()
    check(1_700_000_000.9995)
    check(1_700_000_001.0)  # the next second
    old = logging.Formatter.converter
    try:
        logging.Formatter.converter = time.gmtime  # the documented class-level switch
        check()
    finally:
        logging.Formatter.converter = old
    check()
    for fmt in (p, f):
        fmt.datefmt = "%H:%M"
    check()
    for fmt in (p, f):
        fmt.datefmt = ""
        fmt.default_msec_format = "%s.%03d"
    check()
    for fmt in (p, f):
        fmt.default_msec_format = None
        fmt.default_time_format = "%Y"
    check()
    for fmt in (p, f):
        fmt.default_time_format = "%d/%m"
        del fmt.default_msec_format
    check()
    try:
        1 / 0
    except ZeroDivisionError:
        exc = sys.exc_info()
    for attr, value in (("exc_info", exc), ("exc_text", ""), ("exc_text", "text"), ("stack_info", "st")):
        r = _record(1)
        setattr(r, attr, value)
        _same(p, f, r)


def test_formatTime_override_calling_super_is_used():
    class Mine(FastFormatter):
        def formatTime(self, record, datefmt=None):
            return "<" + super().formatTime(record, datefmt) + ">"

    class Theirs(PjlFormatter):
        def formatTime(self, record, datefmt=None):
            return "<" + super().formatTime(record, datefmt) + ">"

    p, f = Theirs("%(asctime)s %(message)s"), Mine("%(asctime)s %(message)s")
    for _ in range(5):
        _same(p, f, _record(1))


def test_circular_and_deep_values_raise_and_leave_the_interpreter_usable():
    p, f = PjlFormatter("%(message)s"), FastFormatter("%(message)s")
    for _ in range(4):
        f.format(_record(1))
    loop: list = []
    loop.append(loop)
    deep: list = [0]
    for _ in range(100_000):
        deep = [deep]
    for _ in range(3):
        with pytest.raises(RecursionError):  # pjl: ValueError (circular) / RecursionError (deep)
            f.format(_record(loop))
        with pytest.raises(RecursionError):
            f.format(_record(deep))
    # the recursion depth was given back: ordinary work still runs
    r = _record([[[1]], {"a": [2]}])
    assert f.format(r) == p.format(r)

    def nest(n):
        return 0 if n == 0 else nest(n - 1)

    assert nest(500) == 0


def test_log_render_refuses_what_is_not_a_table():
    from _goaccel import json as native

    with pytest.raises(TypeError):
        native.log_render(1, {})
    with pytest.raises(TypeError):
        native.log_render(native.log_table(True, repr), [])
