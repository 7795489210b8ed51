from collections import deque
from typing import Any, Callable, ClassVar, Iterable, Iterator

WEAK_MATCHES: frozenset[str]
STRONG_MATCHES: frozenset[str]

class _Error(Exception):
    message: str
    path: deque[str | int]
    relative_path: deque[str | int]
    schema_path: deque[str | int]
    relative_schema_path: deque[str | int]
    context: list[_Error]
    cause: Exception | None
    validator: Any
    validator_value: Any
    instance: Any
    schema: Any
    parent: _Error | None
    def __init__(
        self,
        message: str,
        validator: Any = ...,
        path: Iterable[str | int] = ...,
        cause: Exception | None = ...,
        context: Iterable[_Error] = ...,
        validator_value: Any = ...,
        instance: Any = ...,
        schema: Any = ...,
        schema_path: Iterable[str | int] = ...,
        parent: _Error | None = ...,
        type_checker: Any = ...,
    ) -> None: ...
    @classmethod
    def create_from(cls, other: _Error) -> Any: ...
    @property
    def absolute_path(self) -> deque[str | int]: ...
    @property
    def absolute_schema_path(self) -> deque[str | int]: ...
    @property
    def json_path(self) -> str: ...

class ValidationError(_Error): ...
class SchemaError(_Error): ...
class RefResolutionError(Exception): ...

Unresolvable = RefResolutionError

class UnknownType(Exception):
    type: str
    instance: Any
    schema: Any
    def __init__(self, type: str, instance: Any, schema: Any) -> None: ...

class FormatError(Exception):
    message: str
    cause: Exception | None
    def __init__(self, message: str, cause: Exception | None = ...) -> None: ...

class ErrorTree:
    errors: dict[str, ValidationError]
    def __init__(self, errors: Iterable[ValidationError] = ...) -> None: ...
    def __contains__(self, index: str | int) -> bool: ...
    def __getitem__(self, index: str | int) -> ErrorTree: ...
    def __iter__(self) -> Iterator[str | int]: ...
    def __len__(self) -> int: ...
    @property
    def total_errors(self) -> int: ...

def by_relevance(weak: Iterable[str] = ..., strong: Iterable[str] = ...) -> Callable[[_Error], Any]: ...

relevance: Callable[[_Error], Any]

def best_match(errors: Iterable[_Error], key: Callable[[_Error], Any] = ...) -> _Error | None: ...
