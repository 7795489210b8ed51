"""xmlfast: DRF's XML renderer/parser and xmltodict's parse/unparse, in Go.

``import xmlfast as xmltodict`` works for parse/unparse with xmltodict's
common arguments; ``xmlfast.drf`` holds the Django REST Framework classes.
"""
from _goaccel import xml as _native  # noqa: F401

from ._dict import ParsingInterrupted, parse, unparse
from ._safety import (
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
    LimitExceeded,
    XMLParseError,
)

__all__ = [
    "parse",
    "unparse",
    "ParsingInterrupted",
    "XMLParseError",
    "DTDForbidden",
    "EntitiesForbidden",
    "ExternalReferenceForbidden",
    "LimitExceeded",
]
