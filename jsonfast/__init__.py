"""jsonfast: a drop-in for the standard library's json (``import jsonfast as
json``) and for orjson (``import jsonfast.orjson as orjson``), in Go.

dumps/dump/JSONEncoder live in jsonfast.encoder; loads/load/JSONDecoder/
JSONDecodeError in jsonfast.decoder. Output is the standard library's, byte
for byte.
"""
from __future__ import annotations

from typing import IO, Any, Callable, Optional, Type

from _goaccel import json as _native  # noqa: F401  (the Go engine)

from .encoder import JSONEncoder, flags as _flags, indent_text as _indent_text

try:
    from .decoder import JSONDecodeError, JSONDecoder, load, loads
except ImportError:  # the decoder half is developed on its own branch
    from json import JSONDecodeError, JSONDecoder, load, loads  # type: ignore[assignment]

__all__ = ["dump", "dumps", "load", "loads", "JSONDecoder", "JSONDecodeError", "JSONEncoder"]

__version__ = "2.0.9"  # the json module version whose behaviour this follows

_encode = _native.encode
_DEFAULT_FLAGS = _flags(False, True, True, True, False)


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
        cls = JSONEncoder
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
