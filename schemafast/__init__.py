"""schemafast: python-jsonschema's API with validation in Go.

    import schemafast as jsonschema
    jsonschema.validate({"name": 1}, {"properties": {"name": {"type": "string"}}})

`install()` makes `import jsonschema` (and its submodules used by libraries:
jsonschema.exceptions, jsonschema.validators) resolve to schemafast.
"""
from __future__ import annotations

import sys

from . import exceptions, validators
from ._format import FORMAT_CHECKER, FormatChecker
from .exceptions import (
    ErrorTree,
    FormatError,
    RefResolutionError,
    SchemaError,
    UnknownType,
    ValidationError,
    best_match,
)
from .validators import (
    Draft4Validator,
    Draft6Validator,
    Draft7Validator,
    Draft201909Validator,
    Draft202012Validator,
    validate,
    validator_for,
)

__all__ = [
    "Draft4Validator", "Draft6Validator", "Draft7Validator", "Draft201909Validator",
    "Draft202012Validator", "ErrorTree", "FORMAT_CHECKER", "FormatChecker", "FormatError",
    "RefResolutionError", "SchemaError", "UnknownType", "ValidationError", "best_match",
    "exceptions", "install", "uninstall", "validate", "validator_for", "validators",
]

_SAVED: dict = {}


def install() -> None:
    """Make `import jsonschema`, `jsonschema.exceptions` and
    `jsonschema.validators` resolve to schemafast (sys.modules), so libraries
    that import jsonschema themselves validate in Go. Call it before those
    libraries import jsonschema; objects already bound keep the original."""
    for name, mod in (("jsonschema", sys.modules[__name__]),
                      ("jsonschema.exceptions", exceptions),
                      ("jsonschema.validators", validators)):
        if name not in _SAVED:
            _SAVED[name] = sys.modules.get(name)
        sys.modules[name] = mod


def uninstall() -> None:
    """Undo install()."""
    for name, mod in _SAVED.items():
        if mod is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = mod
    _SAVED.clear()
