from typing import Any, Callable, Protocol

from json import JSONDecodeError as JSONDecodeError
from json import JSONDecoder as _StdJSONDecoder

__all__ = [
    "JSONDecoder",
    "JSONDecodeError",
    "OrjsonDecodeError",
    "load",
    "loads",
    "orjson_loads",
    "scanstring",
]

NaN: float
PosInf: float
NegInf: float

def scanstring(s: str, end: int, strict: bool = ...) -> tuple[str, int]: ...

class _SupportsRead(Protocol):
    def read(self) -> str | bytes | bytearray: ...

class OrjsonDecodeError(JSONDecodeError): ...

def orjson_loads(obj: bytes | bytearray | memoryview | str, /) -> Any: ...

class JSONDecoder(_StdJSONDecoder):
    def __init__(
        self,
        *,
        object_hook: Callable[[dict[str, Any]], Any] | None = ...,
        parse_float: Callable[[str], Any] | None = ...,
        parse_int: Callable[[str], Any] | None = ...,
        parse_constant: Callable[[str], Any] | None = ...,
        strict: bool = ...,
        object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = ...,
    ) -> None: ...

def loads(
    s: str | bytes | bytearray,
    *,
    cls: type[JSONDecoder] | None = ...,
    object_hook: Callable[[dict[str, Any]], Any] | None = ...,
    parse_float: Callable[[str], Any] | None = ...,
    parse_int: Callable[[str], Any] | None = ...,
    parse_constant: Callable[[str], Any] | None = ...,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = ...,
    **kw: Any,
) -> Any: ...
def load(
    fp: _SupportsRead,
    *,
    cls: type[JSONDecoder] | None = ...,
    object_hook: Callable[[dict[str, Any]], Any] | None = ...,
    parse_float: Callable[[str], Any] | None = ...,
    parse_int: Callable[[str], Any] | None = ...,
    parse_constant: Callable[[str], Any] | None = ...,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = ...,
    **kw: Any,
) -> Any: ...
