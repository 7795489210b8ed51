from typing import IO, Any, Callable, Optional, Union
import json

OPT_APPEND_NEWLINE: int
OPT_INDENT_2: int
OPT_NAIVE_UTC: int
OPT_NON_STR_KEYS: int
OPT_OMIT_MICROSECONDS: int
OPT_PASSTHROUGH_DATACLASS: int
OPT_PASSTHROUGH_DATETIME: int
OPT_PASSTHROUGH_SUBCLASS: int
OPT_SERIALIZE_DATACLASS: int
OPT_SERIALIZE_NUMPY: int
OPT_SERIALIZE_UUID: int
OPT_SERIALIZE_DECIMAL: int
OPT_SERIALIZE_SET: int
OPT_SORT_KEYS: int
OPT_STRICT_INTEGER: int
OPT_UTC_Z: int

JSONEncodeError = TypeError

class JSONDecodeError(json.JSONDecodeError): ...

class Fragment:
    contents: Union[bytes, str]
    def __init__(self, contents: Union[bytes, str]) -> None: ...

def dumps(obj: Any, default: Optional[Callable[[Any], Any]] = ..., option: Optional[int] = ...) -> bytes: ...
def loads(obj: Union[bytes, bytearray, memoryview, str]) -> Any: ...
def dump(obj: Any, fp: IO[bytes], default: Optional[Callable[[Any], Any]] = ..., option: Optional[int] = ...) -> None: ...
def load(fp: IO[Any]) -> Any: ...
