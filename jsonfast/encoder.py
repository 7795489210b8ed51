"""jsonfast.encoder: the standard library's JSONEncoder, with the Go engine
behind encode().

JSONEncoder subclasses json.encoder.JSONEncoder, so isinstance checks,
attributes and iterencode() are the standard library's own. encode() hands
the whole document to the Go encoder unless a subclass overrides
iterencode() (then the standard library's machinery runs, so results never
differ). A subclass overriding default() gets it called from Go.
"""
from __future__ import annotations

import json.encoder as _std
from typing import Any, Callable, Optional

from _goaccel import json as _native

__all__ = ["JSONEncoder", "encode_basestring", "encode_basestring_ascii", "INFINITY"]

# Re-exported from the standard library so `from json.encoder import ...`
# style code finds the same names here.
encode_basestring = _std.encode_basestring
encode_basestring_ascii = _std.encode_basestring_ascii
py_encode_basestring = _std.py_encode_basestring
py_encode_basestring_ascii = _std.py_encode_basestring_ascii
INFINITY = _std.INFINITY

# Bits of the flags argument of _native.encode (native/json.go).
SKIPKEYS = 1
ENSURE_ASCII = 2
CHECK_CIRCULAR = 4
ALLOW_NAN = 8
SORT_KEYS = 16

_encode = _native.encode
_std_default = _std.JSONEncoder.default
_std_iterencode = _std.JSONEncoder.iterencode


def flags(skipkeys: Any, ensure_ascii: Any, check_circular: Any, allow_nan: Any, sort_keys: Any) -> int:
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


def indent_text(indent: Any) -> Any:
    """json's indent as the string repeated per level, or NotImplemented
    for values only the standard library's machinery knows how to treat."""
    if indent is None or indent.__class__ is str:
        return indent
    if indent.__class__ is int:
        return " " * indent
    return NotImplemented


class JSONEncoder(_std.JSONEncoder):
    """json.JSONEncoder with encode() running in Go."""

    def encode(self, o: Any) -> str:
        cls = type(self)
        if cls.iterencode is not _std_iterencode:
            return super().encode(o)
        indent = indent_text(self.indent)
        if indent is NotImplemented:
            return super().encode(o)
        default: Optional[Callable[[Any], Any]] = None
        if cls.default is not _std_default or "default" in self.__dict__:
            default = self.default
        item_separator = self.item_separator
        key_separator = self.key_separator
        if item_separator.__class__ is not str or key_separator.__class__ is not str:
            return super().encode(o)
        return _encode(
            o,
            flags(self.skipkeys, self.ensure_ascii, self.check_circular, self.allow_nan, self.sort_keys),
            indent,
            item_separator,
            key_separator,
            default,
        )
