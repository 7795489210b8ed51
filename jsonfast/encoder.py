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

from _goaccel import json as _native

__all__ = ["JSONEncoder", "encode_basestring", "encode_basestring_ascii", "INFINITY"]

# Re-exported from the standard library so `from json.encoder import ...`
# style code finds the same names here.
encode_basestring = _std.encode_basestring
encode_basestring_ascii = _std.encode_basestring_ascii
py_encode_basestring = _std.py_encode_basestring
py_encode_basestring_ascii = _std.py_encode_basestring_ascii
INFINITY = _std.INFINITY

from . import ALLOW_NAN, CHECK_CIRCULAR, ENSURE_ASCII, SKIPKEYS, SORT_KEYS  # noqa: F401,E402
from . import _flags as flags, _indent_text as indent_text  # noqa: E402

_encode = _native.encode
_std_default = _std.JSONEncoder.default
_std_iterencode = _std.JSONEncoder.iterencode


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
