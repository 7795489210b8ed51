"""xmlfast: DRF's XML renderer/parser and xmltodict's parse/unparse, in Go."""
from _goaccel import xml as _native  # noqa: F401

from ._safety import (
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
    LimitExceeded,
    XMLParseError,
)

__all__ = [
    "XMLParseError",
    "DTDForbidden",
    "EntitiesForbidden",
    "ExternalReferenceForbidden",
    "LimitExceeded",
]
