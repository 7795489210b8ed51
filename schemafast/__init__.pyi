from . import exceptions as exceptions, validators as validators
from ._format import FORMAT_CHECKER as FORMAT_CHECKER, FormatChecker as FormatChecker
from .exceptions import (
    ErrorTree as ErrorTree,
    FormatError as FormatError,
    RefResolutionError as RefResolutionError,
    SchemaError as SchemaError,
    UnknownType as UnknownType,
    ValidationError as ValidationError,
    best_match as best_match,
)
from .validators import (
    Draft4Validator as Draft4Validator,
    Draft6Validator as Draft6Validator,
    Draft7Validator as Draft7Validator,
    Draft201909Validator as Draft201909Validator,
    Draft202012Validator as Draft202012Validator,
    validate as validate,
    validator_for as validator_for,
)

__all__: list[str]

def install() -> None: ...
def uninstall() -> None: ...
