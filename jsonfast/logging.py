"""A drop-in for python-json-logger's ``JsonFormatter``.

Replaces ``pythonjsonlogger.json.JsonFormatter`` (python-json-logger 4.2.0) and its
older import path ``pythonjsonlogger.jsonlogger.JsonFormatter``: same constructor,
same attributes, same override points (``parse``, ``add_fields``,
``process_log_record``, ``jsonify_log_record``, ``serialize_log_record``,
``formatException``, ``formatStack``) and the same output for the same records.

It is faster because it does less work per record:

* everything derived from the constructor arguments (renamed field names, the
  static and default fields, the set of attributes to skip, the serializer) is
  computed once into a *plan*, rebuilt only when one of those attributes is
  assigned (in-place edits of the ``rename_fields``/``static_fields``/``defaults``
  dicts after the first record are not seen: assign a new dict instead);
* the record's extra attributes are found once per record *shape* (its tuple of
  attribute names), not by testing every attribute of every record;
* a shape seen a few times is compiled: one generated function per shape
  builds log_data in one dict display, and, when no override point is
  overridden and the output is compact, another writes the JSON text directly
  with one f-string (keys, separators and constant values pre-encoded; only the
  record's values are encoded per record); the same program is handed to Go
  (jsonfast/logrecord.go), which then writes a matching record's text in one
  call from format() (the f-string serves records Go does not match);
* ``asctime``'s ``time.strftime`` is cached per second;
* the JSON encoder is built once per configuration, not once per record.

Serialisation: log_data dicts, and any value that is not a str, int, finite
float, bool or None, go through the serializer made by :func:`_make_dumps` (the
one place to change JSON engines). The direct renderer writes those scalars
itself exactly as the standard json does (its C string escaper, ``int.__repr__``,
``float.__repr__``).
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import enum
import json
import logging
import math
import re as _re
import sys as _sys
import time
import traceback
from collections.abc import Callable, Container, Sequence
from json import encoder as _json_encoder
from types import TracebackType
from typing import Any

__all__ = [
    "RESERVED_ATTRS",
    "BaseJsonFormatter",
    "JsonEncoder",
    "JsonFormatter",
    "LogData",
    "merge_record_extra",
]

LogData = dict  # python-json-logger's alias: dict[str, Any]

RESERVED_ATTRS: list[str] = [
    "args", "asctime", "created", "exc_info", "exc_text", "filename", "funcName",
    "levelname", "levelno", "lineno", "module", "msecs", "message", "msg", "name",
    "pathname", "process", "processName", "relativeCreated", "stack_info", "thread",
    "threadName",
]
"""The LogRecord attributes left out of the output by default (as python-json-logger)."""

if _sys.version_info >= (3, 12):  # taskName was added to LogRecord in 3.12
    RESERVED_ATTRS.append("taskName")
    RESERVED_ATTRS.sort()

# python-json-logger's regexes, kept identical so custom formats parse the same.
_STYLE_TEMPLATE_RE = _re.compile(
    r"\$(?:\$|\{(?P<braced>.+?)\}|(?P<named>[_a-z][_a-z0-9]*))", _re.IGNORECASE
)
_STYLE_FORMAT_RE = _re.compile(r"\{(.+?)\}", _re.IGNORECASE)
_STYLE_PERCENT_RE = _re.compile(r"%\((.+?)\)", _re.IGNORECASE)


# --------------------------------------------------------------------------
# Serialisation: the ONE place JSON text is produced.
# --------------------------------------------------------------------------
def _make_dumps(default: Callable | None, indent: Any, ensure_ascii: bool) -> Callable[[Any], str]:
    """``lambda obj: json.dumps(obj, default=default, indent=indent, ensure_ascii=ensure_ascii)``.

    THE place this module turns log data into JSON text: every formatter using
    the standard serializer calls the function returned here (built once per
    formatter configuration). The standard library's encoder today.
    """
    if indent is None:
        # The C encoder json.dumps builds on every call, built once. markers=None:
        # one encoder serves every thread, so it cannot keep per-call state; a
        # circular structure then raises RecursionError instead of ValueError.
        c_enc = _json_encoder.c_make_encoder(
            None, default if default is not None else _no_default,
            _json_encoder.c_encode_basestring_ascii if ensure_ascii
            else _json_encoder.c_encode_basestring,
            None, ": ", ", ", False, False, True)
        join = "".join
        return lambda obj: join(c_enc(obj, 0))
    return json.JSONEncoder(default=default, indent=indent, ensure_ascii=ensure_ascii).encode


def _no_default(o: Any) -> Any:
    raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")


# --------------------------------------------------------------------------
# The default encoder (python-json-logger's JsonEncoder and its defaults).
# --------------------------------------------------------------------------
def _unknown_default(obj: Any) -> str:
    try:
        return str(obj)
    except Exception:  # noqa: BLE001  (python-json-logger's fallback chain)
        pass
    try:
        return repr(obj)
    except Exception:  # noqa: BLE001
        pass
    return "__could_not_encode__"


_DATETIMES = (_dt.time, _dt.date, _dt.datetime)
_ENUMS = (enum.Enum, enum.EnumMeta)
_BYTES = (bytes, bytearray)


def _encoder_default(o: Any) -> Any:
    """What ``JsonEncoder().default(o)`` returns, as a plain function."""
    if isinstance(o, _DATETIMES):
        return o.isoformat()
    return _default_tail(o)


def _default_tail(o: Any) -> Any:
    if isinstance(o, BaseException):
        return f"{o.__class__.__name__}: {o}"
    if isinstance(o, TracebackType):
        return "".join(traceback.format_tb(o)).strip()
    if isinstance(o, _ENUMS):
        if isinstance(o, enum.Enum):
            return o.value
        return [e.value for e in o]
    if isinstance(o, _BYTES):
        return base64.urlsafe_b64encode(o).decode("utf8")
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        return dataclasses.asdict(o)
    if isinstance(o, type):
        return o.__name__
    return _unknown_default(o)


class JsonEncoder(json.JSONEncoder):
    """python-json-logger's encoder: datetimes, exceptions, tracebacks, enums, bytes,
    dataclasses, classes, and ``str()`` for anything else."""

    def default(self, o: Any) -> Any:
        if isinstance(o, _DATETIMES):
            return self.format_datetime_obj(o)
        return _default_tail(o)

    def format_datetime_obj(self, o: _dt.time | _dt.date | _dt.datetime) -> str:
        return o.isoformat()


def _is_stock_encoder(cls: Any) -> bool:
    """True for this module's JsonEncoder or python-json-logger's, unmodified."""
    if cls is JsonEncoder:
        return True
    return (getattr(cls, "__module__", None) == "pythonjsonlogger.json"
            and getattr(cls, "__qualname__", None) == "JsonEncoder")


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------
def merge_record_extra(
    record: logging.LogRecord,
    target: dict,
    reserved: Container[str],
    rename_fields: dict[str, str] | None = None,
) -> dict:
    """Copies the record's extra attributes (not reserved, not ``_``-prefixed) into target."""
    if rename_fields is None:
        rename_fields = {}
    for key, value in record.__dict__.items():
        if key not in reserved and not (hasattr(key, "startswith") and key.startswith("_")):
            target[rename_fields.get(key, key)] = value
    return target


class _Shape:
    """What one record shape (its tuple of attribute names) contributes."""

    __slots__ = ("keys", "seen", "build", "render")

    def __init__(self, keys: list) -> None:
        self.keys = keys  # the extra attributes merge_record_extra would copy, in order
        self.seen = 1
        self.build: Callable[[dict], dict] | None = None
        self.render: Callable[[dict, float], str] | None = None


# A shape is compiled into one generated function when it repeats; a program
# whose records never repeat a shape only pays for the key scan.
_COMPILE_AFTER = 3
_MAX_SHAPES = 256


def _shape_of(d: dict, plan: "_Plan") -> _Shape:
    """The cached _Shape of a record's __dict__.

    Records made by one call site have the same attributes in the same order, so
    the extras are found once per shape (one tuple() and one dict lookup per
    record) instead of by testing every attribute of every record.
    """
    shape = tuple(d)
    entry = plan.shapes.get(shape)
    if entry is None:
        skip = plan.skip
        keys = [k for k in shape
                if k not in skip and not (hasattr(k, "startswith") and k.startswith("_"))]
        entry = _Shape(keys)
        # Only all-str shapes are cached: a tuple with 1 would equal one with True.
        if all(type(k) is str for k in shape):
            if len(plan.shapes) >= _MAX_SHAPES:  # bounded: shapes vary with the extras used
                plan.shapes.clear()
            plan.shapes[shape] = entry
    elif entry.build is None:
        entry.seen += 1
        if entry.seen >= _COMPILE_AFTER:
            extras = [(plan.rename.get(k, k), k) for k in entry.keys]
            entry.build = _compile_builder(plan.head_items, extras)
            if plan.render_with is not None:
                entry.render = _compile_renderer(plan, extras, shape)
                if entry.render is not None:
                    if len(plan.renders) >= _MAX_SHAPES:
                        plan.renders.clear()
                        plan.go_table = None  # its shapes go with the renderers
                    plan.renders[shape] = entry.render
    return entry


_UTC = _dt.timezone.utc

try:  # the Go renderer (jsonfast/logrecord.go); without it the f-string renderers serve
    from _goaccel.json import log_add as _log_add, log_render as _log_render, log_table as _log_table
except ImportError:  # a build without it
    _log_add = _log_render = _log_table = None  # type: ignore[assignment]
_MSEC = tuple(",%03d" % i for i in range(1000))  # logging's default_msec_format tails
_ISO_CACHE: tuple = (None, "")  # (second, "YYYY-MM-DDTHH:MM:SS")


def _utc_isoformat(created: float) -> str:
    """``datetime.fromtimestamp(created, tz=timezone.utc).isoformat()``, cached per second.

    Rounds the fraction exactly as datetime does (half-even to microseconds, with carry).
    """
    frac, sec = math.modf(created)
    us = round(frac * 1e6)
    if us >= 1000000:
        sec += 1.0
        us -= 1000000
    elif us < 0:
        sec -= 1.0
        us += 1000000
    global _ISO_CACHE
    cached_sec, base = _ISO_CACHE  # one tuple: threads never see half an update
    if cached_sec != sec:
        base = _dt.datetime.fromtimestamp(sec, tz=_UTC).isoformat()[:-6]  # drop "+00:00"
        _ISO_CACHE = (sec, base)
    if us:
        return "%s.%06d+00:00" % (base, us)
    return base + "+00:00"


# Attributes the plan is derived from: assigning one rebuilds the plan.
_PLAN_ATTRS = frozenset({
    "_required_fields", "_skip_fields", "rename_fields", "static_fields", "defaults",
    "timestamp", "rename_fields_keep_missing", "prefix", "json_default", "json_encoder",
    "json_serializer", "json_indent", "json_ensure_ascii", "_fmt", "_style",
})


_EMPTY: dict = {}  # the message dict of a plain-message record (never written to)


def _compile_builder(head: list, extras: list) -> Callable[[dict], dict]:
    """A function building log_data from a record's __dict__ in one dict display.

    add_fields writes the defaults, then each fmt field (``d.get(field)``), then
    the static fields, then the record's extras, one assignment at a time. A
    dict display evaluates and stores left to right with the same result (a
    repeated key keeps its first position and its last value), so all of it is
    one generated expression: no loops, no rename lookups, no calls per field.

    head: [(output key, ("const", value) | ("get", field))]; extras: [(output key, attribute)].
    """
    env: dict = {}
    items = []

    def const(v: Any) -> str:
        name = "c%d" % len(env)
        env[name] = v
        return name

    def key(k: Any) -> str:
        return repr(k) if type(k) is str else const(k)

    for out, (kind, v) in head:
        items.append("%s: %s" % (key(out), const(v) if kind == "const" else "get(%s)" % key(v)))
    for out, attr in extras:
        items.append("%s: d[%s]" % (key(out), key(attr)))
    src = "def build(d):\n    get = d.get\n    return {%s}\n" % ", ".join(items)
    exec(src, env)  # noqa: S102  (source built above from repr()s and generated names)
    return env["build"]


_SCALARS = (str, int, float, bool, type(None))


def _compile_renderer(plan: "_Plan", extras: list, shape: tuple) -> Callable[[dict, float], str] | None:
    """A function writing the JSON text of one record shape directly.

    Used only when nobody can observe log_data (no override point is
    overridden) and the output is compact JSON from the standard serializer:
    the keys, their order and every constant are known when the shape is
    compiled, so only the record's values are encoded per call. Strings, ints
    and finite floats are written as json writes them (its own C string
    escaper, int/float repr); any other value goes through the serializer
    made by _make_dumps, exactly as inside the whole dict.

    The same program is also handed to Go (_goaccel.json.log_add), which then
    renders records of this shape in one call from format(); this f-string
    renderer serves the records Go does not match (key objects that are equal
    but not identical to the shape's) and builds without the Go side.
    """
    value_enc, ascii_, go_default = plan.render_with
    present = set(shape)
    index = {k: i for i, k in enumerate(shape)}
    gops: list | None = []  # the Go program: str literal | int slot (index in shape) | ("ts", index of created) | (const,)
    esc = (_json_encoder.c_encode_basestring_ascii if ascii_
           else _json_encoder.c_encode_basestring)
    int_repr, float_repr = int.__repr__, float.__repr__

    def enc(v: Any) -> str:
        c = v.__class__
        if c is str:
            return esc(v)
        if c is int:
            return int_repr(v)
        if c is float and v - v == 0.0:  # finite
            return float_repr(v)
        if v is None:
            return "null"
        if v is True:
            return "true"
        if v is False:
            return "false"
        return value_enc(v)

    # The keys as log_data would hold them: first position, last value.
    fields: dict = {}
    for out, what in plan.head_items:
        fields[out] = what
    for out, attr in extras:
        fields[out] = ("item", attr)
    if plan.ts_key is not None:
        fields[plan.ts_key] = ("ts", None)
    if plan.keep_missing is not None:
        for out in plan.keep_missing:
            if out not in fields:
                fields[out] = ("const", None)

    env: dict = {"enc": enc, "esc": esc, "int_repr": int_repr, "float_repr": float_repr,
                 "iso": _utc_isoformat,
                 "fromts": _dt.datetime.fromtimestamp, "UTC": _UTC}
    lines: list = []

    def name_of(v: Any) -> str:
        n = "c%d" % len(env)
        env[n] = v
        return n

    def lit(k: Any) -> str:
        return repr(k) if type(k) is str else name_of(k)

    # The output as a sequence of literal text and expressions, built by one
    # f-string (BUILD_STRING: a single allocation, no template parsing).
    pieces: list = []  # str literal | ("expr", source)

    def text(t: str) -> None:
        if pieces and type(pieces[-1]) is str:
            pieces[-1] += t
        else:
            pieces.append(t)
        if gops is not None:
            gops.append(t)

    text(plan.prefix + "{")
    for i, (out, (kind, v)) in enumerate(fields.items()):
        try:
            key_text = value_enc({out: 0})[1:-4]  # '{"key": 0}' -> '"key"'
        except Exception:  # noqa: BLE001  (a key json refuses: let the dict path raise)
            return None
        text((", " if i else "") + key_text + ": ")
        if kind == "const":
            if type(v) in _SCALARS and not (type(v) is float and v - v != 0.0):
                text(enc(v))
                continue
            pieces.append(("expr", "enc(%s)" % name_of(v)))  # mutable: encode its current state
            if gops is not None:
                gops.append((v,))
        elif kind == "ts":
            if plan.iso_ts:
                text('"')
                pieces.append(("expr", "iso(created)"))
                if gops is not None:  # Go formats record.created itself
                    gops = gops + [("ts", index["created"])] if "created" in index else None
                text('"')
                continue
            pieces.append(("expr", "enc(fromts(created, tz=UTC))"))
            gops = None  # a datetime through the encoder: Python only
        else:
            if kind == "get" and v not in present:  # the shape says: d.get(v) is None
                text("null")
                continue
            var = "v%d" % len(lines)
            lines.append("    %s = d[%s]" % (var, lit(v)))  # present in every record of the shape
            if gops is not None:
                gops.append(index[v])
            pieces.append(("expr", (
                "esc({0}) if {0}.__class__ is str else int_repr({0}) if {0}.__class__ is int"
                " else float_repr({0}) if {0}.__class__ is float and {0} - {0} == 0.0"
                " else enc({0})").format(var)))
    text("}")
    # Literal text is passed by name: nothing in it needs escaping for the f-string.
    fstring = "".join("{%s}" % name_of(p) if type(p) is str else "{(%s)}" % p[1] for p in pieces)
    src = ("def render(d, created):\n" + "".join(l + "\n" for l in lines)
           + "    return f'%s'\n" % fstring)
    exec(src, env)  # noqa: S102  (source built above from repr()s and generated names)
    if gops is not None:  # Go checks what format() would: no exception or stack to format
        for attr in ("exc_info", "exc_text", "stack_info"):
            gops = gops + [("none", index[attr])] if gops is not None and attr in index else None
    if gops is not None and _log_table is not None:
        if plan.go_table is None:
            plan.go_table = _log_table(ascii_, go_default)
            plan.go_keep = []
        if _log_add(plan.go_table, shape, gops):
            plan.go_keep.append((shape, gops))  # Go borrows the keys and constants
    return env["render"]


class _Plan:
    """What format() needs, computed once from the formatter's attributes."""

    __slots__ = (
        "asctime", "own_time",                # fmt uses asctime; formatTime not overridden
        "tc",                                 # formatTime's last result, for format() (see there)
        "required", "renamed", "head_items",  # fmt fields, their output names, add_fields' head
        "head",                               # generated: the head dict from a record
        "rename", "skip", "ts_key", "keep_missing", "prefix",
        "fused", "serialize", "iso_ts",       # no hook overridden; the serializer; ts as text
        "shapes", "renders",                  # per record shape: _Shape, generated renderer
        "render_with", "direct",              # renderer inputs; renderers usable at all
        "go_table", "go_keep",                # Go's compiled shapes; what they borrow
    )


class BaseJsonFormatter(logging.Formatter):
    """python-json-logger's ``BaseJsonFormatter``: everything but the serializer."""

    _style: logging.PercentStyle | str  # type: ignore[assignment]

    def __init__(
        self,
        fmt: str | Sequence[str] | None = None,
        datefmt: str | None = None,
        style: str = "%",
        validate: bool = True,
        *,
        prefix: str = "",
        rename_fields: dict[str, str] | None = None,
        rename_fields_keep_missing: bool = False,
        static_fields: dict[str, Any] | None = None,
        reserved_attrs: Sequence[str] | None = None,
        timestamp: bool | str = False,
        defaults: dict[str, Any] | None = None,
        exc_info_as_array: bool = False,
        stack_info_as_array: bool = False,
    ) -> None:
        self._plan = None
        # logging.Formatter compatibility (python-json-logger does not call its __init__).
        if fmt is None or isinstance(fmt, str):
            if style in logging._STYLES:  # type: ignore[attr-defined]
                _style = logging._STYLES[style][0](fmt)  # type: ignore[attr-defined]
                if validate:
                    _style.validate()
                self._style = _style
                self._fmt = _style._fmt
            elif style == "," or not validate:
                self._style = style
                self._fmt = fmt
            else:
                raise ValueError("Style must be one of: '%{$,'")
            self._required_fields = self.parse()
        elif isinstance(fmt, Sequence):
            self._style = "__sequence__"
            self._fmt = str(fmt)
            self._required_fields = list(fmt)

        self.datefmt = datefmt
        self.prefix = prefix
        self.rename_fields = (
            {key: rename_fields[key] for key in rename_fields} if rename_fields is not None else {}
        )
        self.static_fields = (
            {key: static_fields[key] for key in static_fields} if static_fields is not None else {}
        )
        self.rename_fields_keep_missing = rename_fields_keep_missing
        self.reserved_attrs = set(reserved_attrs if reserved_attrs is not None else RESERVED_ATTRS)
        self.timestamp = timestamp
        self._skip_fields = set(self._required_fields)
        self._skip_fields.update(self.reserved_attrs)
        self.defaults = defaults if defaults is not None else {}
        self.exc_info_as_array = exc_info_as_array
        self.stack_info_as_array = stack_info_as_array

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name in _PLAN_ATTRS:
            object.__setattr__(self, "_plan", None)

    # -- the plan ---------------------------------------------------------
    def _build_plan(self) -> _Plan:
        p = _Plan()
        rename = dict(self.rename_fields)
        get = rename.get
        required = list(self._required_fields)
        p.asctime = "asctime" in required
        p.required = required
        p.renamed = [get(f, f) for f in required]
        p.head_items = (
            [(get(k, k), ("const", v)) for k, v in self.defaults.items()]
            + [(out, ("get", f)) for out, f in zip(p.renamed, required)]
            + [(get(k, k), ("const", v)) for k, v in self.static_fields.items()]
        )
        p.head = _compile_builder(p.head_items, [])
        p.rename = rename
        p.skip = frozenset(self._skip_fields)
        p.shapes = {}
        p.renders = {}  # shape -> generated renderer (prefix + JSON text)
        p.go_table = None  # made with the first compiled renderer
        p.go_keep = None
        ts = self.timestamp
        if ts:
            key = ts if isinstance(ts, str) else "timestamp"
            p.ts_key = get(key, key)
        else:
            p.ts_key = None
        p.keep_missing = list(rename.values()) if self.rename_fields_keep_missing else None
        p.prefix = self.prefix
        cls = type(self)
        p.fused = (
            cls.add_fields is BaseJsonFormatter.add_fields
            and cls.process_log_record is BaseJsonFormatter.process_log_record
            and cls.serialize_log_record is BaseJsonFormatter.serialize_log_record
            and cls._get_rename is BaseJsonFormatter._get_rename
        )
        p.serialize = self._serializer()
        # The timestamp may be written pre-encoded only when nobody can see the
        # datetime object: the fused path and the stock encoder's default.
        p.iso_ts = p.fused and self._stock_datetime_default()
        # Direct JSON text per record shape: fused path, compact standard output.
        p.render_with = self._render_with() if p.fused else None
        p.direct = p.render_with is not None
        p.own_time = cls.formatTime is BaseJsonFormatter.formatTime
        p.tc = None
        object.__setattr__(self, "_plan", p)
        return p

    def _serializer(self) -> Callable[[Any], str] | None:
        """A fast equivalent of jsonify_log_record, or None to call it."""
        return None

    def _stock_datetime_default(self) -> bool:
        return False

    def _render_with(self) -> tuple[Callable[[Any], str], bool, Callable] | None:
        """(value serializer, ensure_ascii, its default) when records may be rendered directly."""
        return None

    # -- logging.Formatter ------------------------------------------------
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """logging.Formatter.formatTime with the strftime part cached per second."""
        created = record.created
        conv = self.converter
        tfmt = datefmt if datefmt else self.default_time_format
        sec = int(created)
        tc = self.__dict__.get("_time_cache")
        if tc is not None and tc[0] == sec and tc[1] is tfmt and tc[2] is conv:
            s = tc[3]
        elif sec >= 0 and (conv is time.localtime or conv is time.gmtime):
            # time.localtime floors a float to its second: one strftime per second.
            s = time.strftime(tfmt, conv(created))
            self.__dict__["_time_cache"] = (sec, tfmt, conv, s)
        else:
            return super().formatTime(record, datefmt)
        plan = self.__dict__.get("_plan")
        if plan is not None and (datefmt or self.default_msec_format == "%s,%03d"):
            # format() reuses s while the second and every input are the same
            plan.tc = (float(sec), float(sec + 1), datefmt, self.default_time_format, conv,
                       self.default_msec_format, s)
        if datefmt:
            return s
        msec_format = self.default_msec_format
        if not msec_format:
            return s
        if msec_format == "%s,%03d":
            ms = int(record.msecs)  # what %03d does to the float
            if 0 <= ms < 1000:
                return s + _MSEC[ms]
        return msec_format % (s, record.msecs)

    def format(self, record: logging.LogRecord) -> str:
        """Formats a record and serialises it to JSON (python-json-logger's format)."""
        plan = self._plan or self._build_plan()
        msg = record.msg
        if isinstance(msg, dict):
            message_dict = msg.copy()
            record.message = ""
        else:
            message_dict = _EMPTY
            record.message = record.getMessage()
        if plan.asctime:
            tc = plan.tc
            created = record.created
            if (tc is not None and tc[0] <= created < tc[1] and tc[2] is self.datefmt
                    and tc[3] is self.default_time_format and tc[4] is self.converter
                    and tc[5] is self.default_msec_format and plan.own_time):
                # formatTime's result for this second, inlined (tc: see formatTime)
                if tc[2]:
                    record.asctime = tc[6]
                else:
                    ms = record.msecs
                    record.asctime = (tc[6] + _MSEC[int(ms)] if 0 <= ms < 1000
                                      else self.formatTime(record, tc[2]))
            else:
                record.asctime = self.formatTime(record, self.datefmt)
        if message_dict is _EMPTY and plan.go_table is not None:
            # The common case, a repeating record shape: Go writes its JSON text
            # (or returns None: another shape, or an exception/stack to format).
            s = _log_render(plan.go_table, record.__dict__)
            if s is not None:
                return s
        if record.exc_info or record.exc_text or record.stack_info:
            if message_dict is _EMPTY:
                message_dict = {}
            if record.exc_info and not message_dict.get("exc_info"):
                message_dict["exc_info"] = self.formatException(record.exc_info)
            if not message_dict.get("exc_info") and record.exc_text:
                message_dict["exc_info"] = record.exc_text
            if record.stack_info and not message_dict.get("stack_info"):
                message_dict["stack_info"] = self.formatStack(record.stack_info)

        if message_dict is _EMPTY and plan.direct:
            # The common case: a repeating record shape rendered by its generated code.
            d = record.__dict__
            render = plan.renders.get(tuple(d))
            if render is not None:
                return render(d, record.created)

        if not plan.fused:
            if message_dict is _EMPTY:
                message_dict = {}
            log_data: dict = {}
            self.add_fields(log_data, record, message_dict)
            log_data = self.process_log_record(log_data)
            return self.serialize_log_record(log_data)

        # Fused path: add_fields + process_log_record (identity) + serialize.
        log_data = self._fill(plan, record, message_dict, plan.iso_ts)
        ser = plan.serialize
        if ser is None:
            return plan.prefix + self.jsonify_log_record(log_data)
        return plan.prefix + ser(log_data)

    def _fill(self, plan: _Plan, record: logging.LogRecord, message_dict: dict,
              iso_ts: bool, log_data: dict | None = None) -> dict:
        """add_fields' writes, in its order, into log_data (a new dict if None)."""
        d = record.__dict__
        shape = _shape_of(d, plan)
        if log_data is None and not message_dict and shape.build is not None:
            log_data = shape.build(d)  # the common case: everything in one call
        else:
            if log_data is None:
                log_data = plan.head(d)
            else:
                log_data.update(plan.head(d))
            rename = plan.rename
            if message_dict:
                if rename:
                    for key, value in message_dict.items():
                        log_data[rename.get(key, key)] = value
                else:
                    log_data.update(message_dict)
            extra = shape.keys
            if rename:
                for key in extra:
                    log_data[rename.get(key, key)] = d[key]
            else:
                for key in extra:
                    log_data[key] = d[key]
        if plan.ts_key is not None:
            log_data[plan.ts_key] = (
                _utc_isoformat(record.created) if iso_ts
                else _dt.datetime.fromtimestamp(record.created, tz=_UTC)
            )
        if plan.keep_missing is not None:
            for field in plan.keep_missing:
                if field not in log_data:
                    log_data[field] = None
        return log_data

    # -- override points (python-json-logger's) ----------------------------
    def parse(self) -> list[str]:
        """The fields named by fmt (override for custom styles)."""
        if self._fmt is None:
            return []
        if isinstance(self._style, str):
            if self._style == "__sequence__":
                raise RuntimeError("Must not call parse when fmt is a sequence of strings")
            if self._style == ",":
                return [field.strip() for field in self._fmt.split(",") if field.strip()]
            raise ValueError(f"Style {self._style!r} is not supported")
        if isinstance(self._style, logging.StringTemplateStyle):
            return [
                match.group("braced") or match.group("named")
                for match in _STYLE_TEMPLATE_RE.finditer(self._fmt)
                if match.group("braced") or match.group("named")
            ]
        if isinstance(self._style, logging.StrFormatStyle):
            return _STYLE_FORMAT_RE.findall(self._fmt)
        if isinstance(self._style, logging.PercentStyle):
            return _STYLE_PERCENT_RE.findall(self._fmt)
        raise ValueError(f"Style {self._style!r} is not supported")

    def add_fields(self, log_data: dict, record: logging.LogRecord,
                   message_dict: dict) -> None:
        """Fills log_data from the record, static fields and message dict."""
        if type(self)._get_rename is not BaseJsonFormatter._get_rename:
            self._add_fields_generic(log_data, record, message_dict)
            return
        plan = self._plan
        if plan is None:
            plan = self._build_plan()
        self._fill(plan, record, message_dict, False, log_data)

    def _add_fields_generic(self, log_data: dict, record: logging.LogRecord,
                            message_dict: dict) -> None:
        for field in self.defaults:
            log_data[self._get_rename(field)] = self.defaults[field]
        for field in self._required_fields:
            log_data[self._get_rename(field)] = record.__dict__.get(field)
        for data_dict in [self.static_fields, message_dict]:
            for key, value in data_dict.items():
                log_data[self._get_rename(key)] = value
        merge_record_extra(record, log_data, reserved=self._skip_fields,
                           rename_fields=self.rename_fields)
        if self.timestamp:
            key = self.timestamp if isinstance(self.timestamp, str) else "timestamp"
            log_data[self._get_rename(key)] = _dt.datetime.fromtimestamp(record.created, tz=_UTC)
        if self.rename_fields_keep_missing:
            for field in self.rename_fields.values():
                if field not in log_data:
                    log_data[field] = None

    def _get_rename(self, key: str) -> str:
        return self.rename_fields.get(key, key)

    def process_log_record(self, log_data: dict) -> dict:
        """Hook to alter the data before it is serialised."""
        return log_data

    def serialize_log_record(self, log_data: dict) -> str:
        """prefix + jsonify_log_record(log_data)."""
        return self.prefix + self.jsonify_log_record(log_data)

    def jsonify_log_record(self, log_data: dict) -> str:
        """Converts the log data into a JSON string (subclasses must override)."""
        raise NotImplementedError()

    def formatException(self, ei: Any) -> str | list[str]:  # type: ignore[override]
        s = super().formatException(ei)
        return s.splitlines() if self.exc_info_as_array else s

    def formatStack(self, stack_info: str) -> str | list[str]:  # type: ignore[override]
        s = super().formatStack(stack_info)
        return s.splitlines() if self.stack_info_as_array else s


class JsonFormatter(BaseJsonFormatter):
    """``pythonjsonlogger.json.JsonFormatter``, faster."""

    def __init__(
        self,
        *args: Any,
        json_default: Callable | None = None,
        json_encoder: Callable | None = None,
        json_serializer: Callable = json.dumps,
        json_indent: int | str | None = None,
        json_ensure_ascii: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.json_default = json_default
        self.json_encoder = json_encoder
        self.json_serializer = json_serializer
        self.json_indent = json_indent
        self.json_ensure_ascii = json_ensure_ascii
        if not self.json_encoder and not self.json_default:
            self.json_encoder = JsonEncoder

    def _effective_default(self) -> tuple[bool, Callable | None]:
        """(fast-serialisable, default) for the current json_* settings."""
        if self.json_serializer is not json.dumps or type(self).jsonify_log_record is not JsonFormatter.jsonify_log_record:
            return False, None
        enc = self.json_encoder
        if enc is None:
            return True, self.json_default
        if _is_stock_encoder(enc):
            # json.dumps(cls=JsonEncoder, default=f) makes f the instance's default.
            return True, self.json_default if self.json_default is not None else _encoder_default
        return False, None

    def _serializer(self) -> Callable[[Any], str] | None:
        fast, default = self._effective_default()
        if not fast:
            return None
        return _make_dumps(default, self.json_indent, self.json_ensure_ascii)

    def _stock_datetime_default(self) -> bool:
        fast, default = self._effective_default()
        return fast and default is _encoder_default

    def _render_with(self) -> tuple[Callable[[Any], str], bool] | None:
        fast, default = self._effective_default()
        if not fast or self.json_indent is not None:
            return None
        ascii_ = bool(self.json_ensure_ascii)
        return (_make_dumps(default, None, ascii_), ascii_,
                default if default is not None else _no_default)

    def jsonify_log_record(self, log_data: dict) -> str:
        """Returns a JSON string of the log data."""
        plan = self._plan
        if plan is None:
            plan = self._build_plan()
        if plan.serialize is not None:
            return plan.serialize(log_data)
        return self.json_serializer(
            log_data,
            default=self.json_default,
            cls=self.json_encoder,
            indent=self.json_indent,
            ensure_ascii=self.json_ensure_ascii,
        )
