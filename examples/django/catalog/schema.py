"""The JSON Schema a POST /api/orders/ body must satisfy, and its validator.

The validator module is a setting (GOACCEL_DEMO["JSONSCHEMA"]): any module with
python-jsonschema's ``Draft202012Validator`` API (``iter_errors``, errors with
``message`` and ``absolute_path``) works, e.g. ``jsonschema`` or ``schemafast``.
"""
from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from django.conf import settings
from rest_framework.settings import api_settings

ORDER_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "order",
    "type": "object",
    "required": ["customer", "items"],
    "additionalProperties": False,
    "properties": {
        "customer": {
            "type": "object",
            "required": ["name", "email"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 100},
                "email": {"type": "string", "maxLength": 254,
                          "pattern": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"},
            },
        },
        "items": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {
                "type": "object",
                "required": ["product", "quantity"],
                "additionalProperties": False,
                "properties": {
                    "product": {"type": "integer", "minimum": 1},
                    "quantity": {"type": "integer", "minimum": 1, "maximum": 100},
                },
            },
        },
        "note": {"type": "string", "maxLength": 500},
        "priority": {"enum": ["normal", "express"]},
    },
}


@lru_cache(maxsize=None)
def _validator(module_name: str) -> Any:
    module = importlib.import_module(module_name)
    return module.Draft202012Validator(ORDER_SCHEMA)


def schema_errors(data: Any) -> dict[str, list[str]]:
    """DRF-shaped errors ({"field.path": ["message", ...]}); empty when data is valid."""
    validator = _validator(settings.GOACCEL_DEMO["JSONSCHEMA"])
    errors: dict[str, list[str]] = {}
    for error in validator.iter_errors(data):
        path = ".".join(str(p) for p in error.absolute_path)
        errors.setdefault(path or api_settings.NON_FIELD_ERRORS_KEY, []).append(error.message)
    return dict(sorted(errors.items()))
