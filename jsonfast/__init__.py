"""jsonfast: a drop-in for the standard library's json (``import jsonfast as
json``) and for orjson (``import jsonfast.orjson as orjson``), in Go.

dumps/dump live here; JSONEncoder in jsonfast.encoder; loads/load/
JSONDecoder/JSONDecodeError in jsonfast.decoder. Output is the standard
library's, byte for byte.

The encoder and decoder sub-modules are imported on first use (PEP 562
module __getattr__): they import the standard library's json package, whose
regular expressions cost more than the whole import budget of goaccel
(20 ms, tests/foundation/test_process.py), while `dumps` with the usual
arguments never needs them.
"""
from __future__ import annotations

from _goaccel import json as _native  # the Go engine

__all__ = ["dump", "dumps", "load", "loads", "JSONDecoder", "JSONDecodeError", "JSONEncoder"]

__version__ = "2.0.9"  # the json module version whose behaviour this follows

_encode = _native.encode

# Bits of the flags argument of _native.encode (native/json.go).
SKIPKEYS = 1
ENSURE_ASCII = 2
CHECK_CIRCULAR = 4
ALLOW_NAN = 8
SORT_KEYS = 16
_DEFAULT_FLAGS = ENSURE_ASCII | CHECK_CIRCULAR | ALLOW_NAN


def _flags(skipkeys, ensure_ascii, check_circular, allow_nan, sort_keys):
    """The flags word for _native.encode from json's boolean keywords."""
    f = 0
    if skipkeys:
        f |= SKIPKEYS
    if ensure_ascii:
        f |= ENSURE_ASCII
    if check_circular:
        f |= CHECK_CIRCULAR
    if allow_nan:
        f |= ALLOW_NAN
    if sort_keys:
        f |= SORT_KEYS
    return f


def _indent_text(indent):
    """json's indent as the string repeated per level, or NotImplemented
    for values only the standard library's machinery knows how to treat."""
    if indent is None or indent.__class__ is str:
        return indent
    if indent.__class__ is int:
        return " " * indent
    return NotImplemented


_LAZY = {
    "JSONEncoder": "encoder",
    "JSONDecoder": "decoder",
    "JSONDecodeError": "decoder",
    "loads": "decoder",
    "load": "decoder",
}


def __getattr__(name):
    import importlib

    if name in ("encoder", "decoder"):  # `json.decoder.JSONDecodeError` style
        return importlib.import_module("." + name, __name__)
    sub = _LAZY.get(name)
    if sub is None:
        raise AttributeError(f"module 'jsonfast' has no attribute {name!r}")
    value = getattr(importlib.import_module("." + sub, __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | {"encoder", "decoder"})


def dumps(
    obj: Any,
    *,
    skipkeys: bool = False,
    ensure_ascii: bool = True,
    check_circular: bool = True,
    allow_nan: bool = True,
    cls: Optional[Type[JSONEncoder]] = None,
    indent: Any = None,
    separators: Optional[tuple] = None,
    default: Optional[Callable[[Any], Any]] = None,
    sort_keys: bool = False,
    **kw: Any,
) -> str:
    """Serialize ``obj`` to a JSON formatted ``str``, exactly as json.dumps."""
    if (cls is None and indent is None and separators is None and default is None and not kw
            and ensure_ascii is True and check_circular is True and allow_nan is True
            and not skipkeys and not sort_keys):
        return _encode(obj, _DEFAULT_FLAGS, None, ", ", ": ", None)
    if cls is None and not kw:
        text = _indent_text(indent)
        if text is not NotImplemented:
            if separators is None:
                item_sep, key_sep = (", ", ": ") if indent is None else (",", ": ")
            else:
                item_sep, key_sep = separators
            if item_sep.__class__ is str and key_sep.__class__ is str:
                return _encode(
                    obj,
                    _flags(skipkeys, ensure_ascii, check_circular, allow_nan, sort_keys),
                    text,
                    item_sep,
                    key_sep,
                    default,
                )
    if cls is None:
        from .encoder import JSONEncoder as cls
    return cls(
        skipkeys=skipkeys,
        ensure_ascii=ensure_ascii,
        check_circular=check_circular,
        allow_nan=allow_nan,
        indent=indent,
        separators=separators,
        default=default,
        sort_keys=sort_keys,
        **kw,
    ).encode(obj)


def dump(obj: Any, fp: IO[str], **kw: Any) -> None:
    """Serialize ``obj`` as JSON to the text file ``fp`` (one write)."""
    fp.write(dumps(obj, **kw))
