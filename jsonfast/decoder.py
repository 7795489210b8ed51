"""jsonfast's decoder: the standard library's ``json`` decoding API, and
orjson's ``loads``, on the Go engine.

The fast path (no hooks, default ``parse_*``) parses in Go and builds all
Python objects in one C pass. Whatever the fast path does not take — hooks,
custom ``parse_*``, any malformed input, encodings other than UTF-8, strs
with lone surrogates, very deep nesting — goes through the standard
library itself, so results, exceptions, messages and positions are exactly
the standard library's.
"""
from __future__ import annotations

import json as _std_json
import json.decoder as _std_decoder
from json import JSONDecodeError
from typing import Any, Callable

from _goaccel import json as _native

__all__ = [
    "JSONDecoder",
    "JSONDecodeError",
    "OrjsonDecodeError",
    "load",
    "loads",
    "orjson_loads",
    "scanstring",
]

# The pure helpers users import from json.decoder keep their stdlib identity.
scanstring = _std_decoder.scanstring
NaN = _std_decoder.NaN
PosInf = _std_decoder.PosInf
NegInf = _std_decoder.NegInf

_loads_std = _native.loads_std
_std_loads = _std_json.loads
_StdDecoder = _std_decoder.JSONDecoder


class OrjsonDecodeError(JSONDecodeError):
    """orjson.JSONDecodeError: a json.JSONDecodeError (and so a ValueError)."""


_native.decoder_setup(OrjsonDecodeError)

#: orjson.loads(obj): bytes, bytearray, memoryview or str. The C entry
#: (loads_orjson_c) parses small documents itself and hands the rest to
#: the Go engine (loads_orjson).
orjson_loads: Callable[[Any], Any] = _native.loads_orjson_c


class JSONDecoder(_StdDecoder):
    """The standard library's JSONDecoder, decoding on the Go engine when no
    hook or custom parser is set. Subclasses work as with the stdlib."""

    def __init__(self, *, object_hook=None, parse_float=None, parse_int=None,
                 parse_constant=None, strict=True, object_pairs_hook=None):
        super().__init__(object_hook=object_hook, parse_float=parse_float,
                         parse_int=parse_int, parse_constant=parse_constant,
                         strict=strict, object_pairs_hook=object_pairs_hook)
        # The stdlib's C scanner captures the hooks and `strict` here, at
        # construction; so does the fast path's decision.
        self._fast = (object_hook is None and parse_float is None
                      and parse_int is None and parse_constant is None
                      and object_pairs_hook is None)
        self._allow_control = not strict
        self._scan_once = self.scan_once

    def decode(self, s, _w=_std_decoder.WHITESPACE.match):
        """Return the Python value of the JSON document ``s`` (a str)."""
        # Subclasses that replace raw_decode, or code that swaps scan_once,
        # keep the stdlib's path.
        if (self._fast and type(s) is str and self.scan_once is self._scan_once
                and type(self).raw_decode is _StdDecoder.raw_decode):
            r = _loads_std(s, self._allow_control)
            if r is not NotImplemented:
                return r
        return super().decode(s, _w)


_default_decoder = JSONDecoder()


def _loads_py(s, *, cls=None, object_hook=None, parse_float=None, parse_int=None,
              parse_constant=None, object_pairs_hook=None, **kw):
    """json.loads: deserialize ``s`` (str, bytes or bytearray) to a Python
    object, with every argument of the standard library. (``loads`` is the
    native function below, which calls this one when given keywords.)"""
    if (cls is None and object_hook is None and parse_float is None
            and parse_int is None and parse_constant is None
            and object_pairs_hook is None and not kw):
        r = _loads_std(s)
        if r is not NotImplemented:
            return r
        return _std_loads(s)
    if cls is None:
        cls = JSONDecoder
    return _std_loads(s, cls=cls, object_hook=object_hook, parse_float=parse_float,
                      parse_int=parse_int, parse_constant=parse_constant,
                      object_pairs_hook=object_pairs_hook, **kw)


# Argument errors name the function users called (3.11 uses __qualname__).
_loads_py.__name__ = _loads_py.__qualname__ = "loads"
_native.loads_setup(_std_loads, _loads_py)

#: json.loads(s, **kw): a native function (a Python frame and the **kw dict
#: cost ~170 ns a call); with keyword arguments it calls _loads_py. The C
#: entry (loads_c) builds small documents itself; the rest go to the Go
#: face (_native.loads).
loads: Callable[..., Any] = _native.loads_c


def load(fp, *, cls=None, object_hook=None, parse_float=None, parse_int=None,
         parse_constant=None, object_pairs_hook=None, **kw):
    """json.load: deserialize the contents of a file object ``fp``."""
    return _loads_py(fp.read(), cls=cls, object_hook=object_hook, parse_float=parse_float,
                 parse_int=parse_int, parse_constant=parse_constant,
                 object_pairs_hook=object_pairs_hook, **kw)
