"""FormatChecker: python-jsonschema's API; the built-in checks run in Go."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from .exceptions import FormatError

# Formats the Go engine implements (santhosh-tekuri/jsonschema v6).
BUILTIN_FORMATS = frozenset({
    "date", "date-time", "time", "duration", "period", "email", "hostname",
    "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference",
    "uri-template", "json-pointer", "relative-json-pointer", "uuid", "regex",
    "semver", "idn-hostname", "idn-email",
})

_BUILTIN = object()  # marks a check implemented in Go


class FormatChecker:
    """Checks formats. Built-in names run in Go; names registered with
    `checks` call the Python function (with the GIL held, from inside the
    Go walk). Format names the checker does not know always conform."""

    checkers: dict

    def __init__(self, formats: Iterable[str] | None = None) -> None:
        names = BUILTIN_FORMATS if formats is None else formats
        self.checkers = {name: (_BUILTIN, ()) for name in names if name in BUILTIN_FORMATS}
        self._native: dict | None = None

    def __repr__(self) -> str:
        return f"<FormatChecker checkers={sorted(self.checkers)}>"

    def checks(self, format: str, raises: Any = ()) -> Callable:
        """Register a decorated function as validating a new format."""

        def _checks(func: Callable) -> Callable:
            self.checkers[format] = (func, raises)
            if self._native is not None:  # updated in place: validators hold it
                self._native[format] = (lambda inst, _n=format: self.conforms(inst, _n))
            return func

        return _checks

    def check(self, instance: Any, format: str) -> None:
        """Raise FormatError if instance does not conform to format."""
        if format not in self.checkers:
            return
        func, raises = self.checkers[format]
        result, cause = None, None
        if func is _BUILTIN:
            from . import validators  # the Go check, through a tiny schema

            result = validators._builtin_format_ok(format, instance)
        else:
            try:
                result = func(instance)
            except raises as e:
                cause = e
        if not result:
            raise FormatError(f"{instance!r} is not a {format!r}", cause=cause)

    def conforms(self, instance: Any, format: str) -> bool:
        """Whether instance conforms to format."""
        try:
            self.check(instance, format)
        except FormatError:
            return False
        return True

    def _for_native(self) -> dict:
        """name -> None (check in Go) or a callable(instance) -> bool."""
        if self._native is None:
            native = {}
            for name, (func, _) in self.checkers.items():
                if func is _BUILTIN:
                    native[name] = None
                else:
                    native[name] = (lambda inst, _n=name: self.conforms(inst, _n))
            self._native = native
        return self._native

    def _user_formats(self) -> tuple:
        return tuple(n for n, (f, _) in self.checkers.items() if f is not _BUILTIN)


FORMAT_CHECKER = FormatChecker()
draft4_format_checker = draft6_format_checker = draft7_format_checker = FORMAT_CHECKER
draft201909_format_checker = draft202012_format_checker = FORMAT_CHECKER
