from typing import Any, Callable, Iterable

BUILTIN_FORMATS: frozenset[str]

class FormatChecker:
    checkers: dict[str, tuple[Any, Any]]
    def __init__(self, formats: Iterable[str] | None = ...) -> None: ...
    def checks(self, format: str, raises: type[Exception] | tuple[type[Exception], ...] = ...) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]: ...
    def check(self, instance: Any, format: str) -> None: ...
    def conforms(self, instance: Any, format: str) -> bool: ...

FORMAT_CHECKER: FormatChecker
draft4_format_checker: FormatChecker
draft6_format_checker: FormatChecker
draft7_format_checker: FormatChecker
draft201909_format_checker: FormatChecker
draft202012_format_checker: FormatChecker
