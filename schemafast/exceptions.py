"""Validation errors, python-jsonschema 4.x compatible.

Adapted from python-jsonschema's ``jsonschema/exceptions.py`` (MIT licence,
Copyright (c) 2013 Julian Berman), without its attrs/referencing imports.
"""
from __future__ import annotations

import heapq
import re
from collections import defaultdict, deque
from textwrap import dedent, indent
from typing import Any, ClassVar, Iterable

WEAK_MATCHES: frozenset = frozenset(["anyOf", "oneOf"])
STRONG_MATCHES: frozenset = frozenset()

_JSON_PATH_COMPATIBLE_PROPERTY_PATTERN = re.compile("^[a-zA-Z][a-zA-Z0-9_]*$")


class _Unset:
    def __repr__(self) -> str:
        return "<unset>"


_unset: Any = _Unset()


def _pretty(thing: Any, prefix: str) -> str:
    from pprint import pformat  # pprint imports dataclasses/inspect: only when an error is shown

    return indent(pformat(thing, width=72, sort_dicts=False), prefix).lstrip()


def _format_as_index(container: str, indices) -> str:
    if not indices:
        return container
    return f"{container}[{']['.join(repr(index) for index in indices)}]"


class _Error(Exception):
    _word_for_schema_in_error_message: ClassVar[str]
    _word_for_instance_in_error_message: ClassVar[str]

    def __init__(
        self,
        message: str,
        validator: Any = _unset,
        path: Iterable = (),
        cause: Exception | None = None,
        context=(),
        validator_value: Any = _unset,
        instance: Any = _unset,
        schema: Any = _unset,
        schema_path: Iterable = (),
        parent: "_Error | None" = None,
        type_checker: Any = _unset,
    ) -> None:
        super().__init__(message, validator, path, cause, context, validator_value,
                         instance, schema, schema_path, parent)
        self.message = message
        self.path = self.relative_path = deque(path)
        self.schema_path = self.relative_schema_path = deque(schema_path)
        self.context = list(context)
        self.cause = self.__cause__ = cause
        self.validator = validator
        self.validator_value = validator_value
        self.instance = instance
        self.schema = schema
        self.parent = parent
        self._type_checker = type_checker
        for error in self.context:
            error.parent = self

    @classmethod
    def _make(cls, message: str, validator: Any, path: Any, cause: Any, context: list,
              validator_value: Any, instance: Any, schema: Any, schema_path: Any,
              type_checker: Any) -> "_Error":
        """__init__'s result without its keyword handling (iter_errors builds
        many errors; context must be a fresh list)."""
        self = cls.__new__(cls)
        self.args = (message, validator, path, cause, context, validator_value,
                     instance, schema, schema_path, None)
        self.message = message
        self.path = self.relative_path = deque(path)
        self.schema_path = self.relative_schema_path = deque(schema_path)
        self.context = context
        self.cause = self.__cause__ = cause
        self.validator = validator
        self.validator_value = validator_value
        self.instance = instance
        self.schema = schema
        self.parent = None
        self._type_checker = type_checker
        for error in context:
            error.parent = self
        return self

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: {self.message!r}>"

    def __str__(self) -> str:
        essential = (self.validator, self.validator_value, self.instance, self.schema)
        if any(m is _unset for m in essential):
            return self.message
        schema_path = _format_as_index(
            container=self._word_for_schema_in_error_message,
            indices=list(self.relative_schema_path)[:-1],
        )
        instance_path = _format_as_index(
            container=self._word_for_instance_in_error_message,
            indices=self.relative_path,
        )
        prefix = 16 * " "
        return dedent(
            f"""\
            {self.message}

            Failed validating {self.validator!r} in {schema_path}:
                {_pretty(self.schema, prefix=prefix)}

            On {instance_path}:
                {_pretty(self.instance, prefix=prefix)}
            """.rstrip(),
        )

    @classmethod
    def create_from(cls, other: "_Error"):
        return cls(**other._contents())

    @property
    def absolute_path(self) -> deque:
        parent = self.parent
        if parent is None:
            return self.relative_path
        path = deque(self.relative_path)
        path.extendleft(reversed(parent.absolute_path))
        return path

    @property
    def absolute_schema_path(self) -> deque:
        parent = self.parent
        if parent is None:
            return self.relative_schema_path
        path = deque(self.relative_schema_path)
        path.extendleft(reversed(parent.absolute_schema_path))
        return path

    @property
    def json_path(self) -> str:
        path = "$"
        for elem in self.absolute_path:
            if isinstance(elem, int):
                path += "[" + str(elem) + "]"
            elif _JSON_PATH_COMPATIBLE_PROPERTY_PATTERN.match(elem):
                path += "." + elem
            else:
                escaped = elem.replace("\\", "\\\\").replace("'", r"\'")
                path += "['" + escaped + "']"
        return path

    def _set(self, type_checker: Any = None, **kwargs: Any) -> None:
        if type_checker is not None and self._type_checker is _unset:
            self._type_checker = type_checker
        for k, v in kwargs.items():
            if getattr(self, k) is _unset:
                setattr(self, k, v)

    def _contents(self) -> dict:
        attrs = ("message", "cause", "context", "validator", "validator_value",
                 "path", "schema_path", "instance", "schema", "parent")
        return {attr: getattr(self, attr) for attr in attrs}

    def _matches_type(self) -> bool:
        try:
            expected = self.schema["type"]
        except (KeyError, TypeError):
            return False
        checker = self._type_checker
        if checker is _unset:
            return False
        if isinstance(expected, str):
            return checker(self.instance, expected)
        return any(checker(self.instance, t) for t in expected)


class ValidationError(_Error):
    """An instance was invalid under a provided schema."""

    _word_for_schema_in_error_message = "schema"
    _word_for_instance_in_error_message = "instance"


class SchemaError(_Error):
    """A schema was invalid under its corresponding metaschema."""

    _word_for_schema_in_error_message = "metaschema"
    _word_for_instance_in_error_message = "schema"


class RefResolutionError(Exception):
    """A reference could not be resolved (unknown remote, bad pointer)."""


# python-jsonschema 4.18+ spells it this way (referencing.exceptions).
Unresolvable = RefResolutionError
_RefResolutionError = RefResolutionError


class UnknownType(Exception):
    """A validator was asked to validate an instance against an unknown type."""

    def __init__(self, type, instance, schema):
        self.type = type
        self.instance = instance
        self.schema = schema

    def __str__(self) -> str:
        return f"Unknown type {self.type!r} for validator with schema:\n{_pretty(self.schema, '    ')}"


class FormatError(Exception):
    """Validating a format failed."""

    def __init__(self, message, cause=None):
        super().__init__(message, cause)
        self.message = message
        self.cause = self.__cause__ = cause

    def __str__(self) -> str:
        return self.message


class ErrorTree:
    """ErrorTrees make it easier to check which validations failed."""

    _instance = _unset

    def __init__(self, errors: Iterable[ValidationError] = ()):
        self.errors: dict = {}
        self._contents: dict = defaultdict(self.__class__)
        for error in errors:
            container = self
            for element in error.path:
                container = container[element]
            container.errors[error.validator] = error
            container._instance = error.instance

    def __contains__(self, index) -> bool:
        return index in self._contents

    def __getitem__(self, index):
        if self._instance is not _unset and index not in self:
            self._instance[index]
        return self._contents[index]

    def __iter__(self):
        return iter(self._contents)

    def __len__(self) -> int:
        return self.total_errors

    def __repr__(self) -> str:
        total = len(self)
        errors = "error" if total == 1 else "errors"
        return f"<{self.__class__.__name__} ({total} total {errors})>"

    @property
    def total_errors(self) -> int:
        child_errors = sum(len(tree) for _, tree in self._contents.items())
        return len(self.errors) + child_errors


def by_relevance(weak=WEAK_MATCHES, strong=STRONG_MATCHES):
    """A key function sorting errors by relevance (as python-jsonschema)."""

    def relevance(error):
        validator = error.validator
        return (
            -len(error.path),
            error.path,
            validator not in weak,
            validator in strong,
            not error._matches_type(),
        )

    return relevance


relevance = by_relevance()


def best_match(errors, key=relevance):
    """The error that appears to be the best match among the given errors."""
    best = max(errors, key=key, default=None)
    if best is None:
        return None
    while best.context:
        smallest = heapq.nsmallest(2, best.context, key=key)
        if len(smallest) == 2 and key(smallest[0]) == key(smallest[1]):
            return best
        best = smallest[0]
    return best
