"""jsonfast.orjson: orjson's API on goaccel's Go engine.

``import jsonfast.orjson as orjson``: dumps returns bytes, with orjson's
options, types and errors; loads accepts bytes, bytearray, memoryview and str.
"""
from __future__ import annotations


from _goaccel import json as _native

__all__ = [
    "dumps", "loads", "dump", "load", "Fragment", "JSONDecodeError", "JSONEncodeError",
    "OPT_APPEND_NEWLINE", "OPT_INDENT_2", "OPT_NAIVE_UTC", "OPT_NON_STR_KEYS",
    "OPT_OMIT_MICROSECONDS", "OPT_PASSTHROUGH_DATACLASS", "OPT_PASSTHROUGH_DATETIME",
    "OPT_PASSTHROUGH_SUBCLASS", "OPT_SERIALIZE_DATACLASS", "OPT_SERIALIZE_NUMPY",
    "OPT_SERIALIZE_UUID", "OPT_SORT_KEYS", "OPT_STRICT_INTEGER", "OPT_UTC_Z",
    "OPT_SERIALIZE_DECIMAL", "OPT_SERIALIZE_SET",
]

# orjson's option bits (orjson 3.13).
OPT_INDENT_2 = 1
OPT_NAIVE_UTC = 2
OPT_NON_STR_KEYS = 4
OPT_OMIT_MICROSECONDS = 8
OPT_SERIALIZE_NUMPY = 16
OPT_SORT_KEYS = 32
OPT_STRICT_INTEGER = 64
OPT_UTC_Z = 128
OPT_PASSTHROUGH_SUBCLASS = 256
OPT_PASSTHROUGH_DATETIME = 512
OPT_APPEND_NEWLINE = 1024
OPT_PASSTHROUGH_DATACLASS = 2048
OPT_SERIALIZE_DATACLASS = 0  # always on, as in orjson 3
OPT_SERIALIZE_UUID = 0  # always on, as in orjson 3

# jsonfast's own opt-in types, on bits orjson rejects (not in orjson):
# decimal.Decimal as its exact number text (str(d); NaN and infinities as
# null, like floats) and set/frozenset as arrays in iteration order.
OPT_SERIALIZE_DECIMAL = 4096
OPT_SERIALIZE_SET = 8192

# orjson.JSONEncodeError is TypeError itself.
JSONEncodeError = TypeError


class Fragment:
    """Already-serialized JSON (bytes or str) included as is in dumps output."""

    __slots__ = ("contents",)

    def __init__(self, contents: Union[bytes, str]) -> None:
        self.contents = contents


_native.orjson_set_fragment(Fragment)

#: dumps(obj, default=None, option=None) -> bytes (the Go function itself:
#: no Python frame between the caller and the engine).
dumps: Callable[..., bytes] = _native.orjson_dumps


def __getattr__(name):
    # loads and JSONDecodeError come from jsonfast.decoder, imported on first
    # use: it imports the standard library's json (JSONDecodeError derives
    # from json.JSONDecodeError), which would triple this module's import time.
    if name not in ("loads", "JSONDecodeError"):
        raise AttributeError(f"module 'jsonfast.orjson' has no attribute {name!r}")
    from . import decoder

    globals()["loads"] = decoder.orjson_loads
    globals()["JSONDecodeError"] = decoder.OrjsonDecodeError
    return globals()[name]


def dump(obj: Any, fp: IO[bytes], default: Optional[Callable[[Any], Any]] = None, option: Optional[int] = None) -> None:
    """Write dumps(obj, default, option) to the binary file fp."""
    fp.write(dumps(obj, default, option))


def load(fp: IO[Any]) -> Any:
    """loads(fp.read())."""
    from .decoder import orjson_loads

    return orjson_loads(fp.read())
