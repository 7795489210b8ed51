from typing import IO, Any, Callable, Optional, Type

from .encoder import JSONEncoder as JSONEncoder
from json import JSONDecodeError as JSONDecodeError, JSONDecoder as JSONDecoder

__all__: list[str]
__version__: str

def dumps(
    obj: Any,
    *,
    skipkeys: bool = ...,
    ensure_ascii: bool = ...,
    check_circular: bool = ...,
    allow_nan: bool = ...,
    cls: Optional[Type[JSONEncoder]] = ...,
    indent: None | int | str = ...,
    separators: Optional[tuple[str, str]] = ...,
    default: Optional[Callable[[Any], Any]] = ...,
    sort_keys: bool = ...,
    **kw: Any,
) -> str: ...
def dump(obj: Any, fp: IO[str], **kw: Any) -> None: ...
def loads(
    s: str | bytes | bytearray,
    *,
    cls: Optional[Type[JSONDecoder]] = ...,
    object_hook: Optional[Callable[[dict[Any, Any]], Any]] = ...,
    parse_float: Optional[Callable[[str], Any]] = ...,
    parse_int: Optional[Callable[[str], Any]] = ...,
    parse_constant: Optional[Callable[[str], Any]] = ...,
    object_pairs_hook: Optional[Callable[[list[tuple[Any, Any]]], Any]] = ...,
    **kw: Any,
) -> Any: ...
def load(fp: IO[Any], **kw: Any) -> Any: ...
