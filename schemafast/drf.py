"""Django REST framework integration: validate request bodies in Go.

    from schemafast.drf import validate_body

    class OrderView(APIView):
        @validate_body(ORDER_SCHEMA)
        def post(self, request):
            ...  # request.data is valid here

An invalid body raises rest_framework.exceptions.ValidationError, which
DRF answers with 400 and details keyed by the failing path:

    {"user.email": ["'x' does not match '^[^@]+@[^@]+$'"],
     "items.3.quantity": ["0 is less than the minimum of 1"],
     "non_field_errors": ["'id' is a required property"]}
"""
from __future__ import annotations

import ast
import functools
import re
from typing import Any, Callable

from rest_framework import exceptions
from rest_framework.settings import api_settings

from .validators import validator_for


_REQUIRED = re.compile(r"^(.*) is a required property$", re.S)


def error_detail(errors: Any) -> dict:
    """DRF detail dict from schemafast errors: path (dotted) -> messages.
    Errors at the document root go under NON_FIELD_ERRORS_KEY; a missing
    required property is reported under its own name."""
    detail: dict = {}
    for error in errors:
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            m = _REQUIRED.match(error.message)
            if m:
                try:
                    path = path + [str(ast.literal_eval(m.group(1)))]
                except (ValueError, SyntaxError):
                    pass
        key = ".".join(path) if path else api_settings.NON_FIELD_ERRORS_KEY
        detail.setdefault(key, []).append(error.message)
    return detail


def validate_data(data: Any, schema: Any, *, format_checker: Any = None, validator: Any = None) -> Any:
    """Validate data (e.g. request.data); raise DRF ValidationError (400)."""
    v = validator if validator is not None else _validator(schema, format_checker)
    if v.is_valid(data):
        return data
    raise exceptions.ValidationError(error_detail(v.iter_errors(data)))


_validators: dict = {}


def _validator(schema: Any, format_checker: Any) -> Any:
    key = (id(schema), id(format_checker))
    hit = _validators.get(key)
    if hit is None or hit[0] is not schema:
        cls = validator_for(schema)
        cls.check_schema(schema)
        hit = _validators[key] = (schema, cls(schema, format_checker=format_checker))
    return hit[1]


def validate_body(schema: Any, *, format_checker: Any = None) -> Callable:
    """Decorator for DRF view methods (self, request, ...) and @api_view
    functions (request, ...): validates request.data before the view runs."""
    cls = validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=format_checker)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = args[1] if len(args) > 1 and hasattr(args[1], "data") else args[0]
            validate_data(request.data, schema, validator=validator)
            return view(*args, **kwargs)

        return wrapper

    return decorate


class JSONSchemaValidator:
    """A DRF serializer/field validator: `validators=[JSONSchemaValidator(schema)]`."""

    def __init__(self, schema: Any, *, format_checker: Any = None) -> None:
        cls = validator_for(schema)
        cls.check_schema(schema)
        self.validator = cls(schema, format_checker=format_checker)
        self.schema = schema

    def __call__(self, value: Any) -> None:
        validate_data(value, self.schema, validator=self.validator)
