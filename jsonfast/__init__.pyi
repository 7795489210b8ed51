from typing import IO, Any, Callable, Optional, Type

from .decoder import JSONDecodeError as JSONDecodeError
from .decoder import JSONDecoder as JSONDecoder
from .decoder import load as load
from .decoder import loads as loads
from .encoder import JSONEncoder as JSONEncoder

__all__: list[str]
__version__: str

SKIPKEYS: int
ENSURE_ASCII: int
CHECK_CIRCULAR: int
ALLOW_NAN: int
SORT_KEYS: int

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
