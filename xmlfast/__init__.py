"""xmlfast: DRF's XML renderer/parser and xmltodict's parse/unparse, in Go.

``import xmlfast as xmltodict`` works for parse/unparse with xmltodict's
common arguments; ``xmlfast.drf`` holds the Django REST Framework classes.
"""
from _goaccel import xml as _native  # noqa: F401

from ._dict import parse, unparse
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


def __getattr__(name: str):
    # xmltodict's ParsingInterrupted, imported only when asked for (see _dict).
    if name == "ParsingInterrupted":
        from . import _dict

        return _dict.ParsingInterrupted
    raise AttributeError(f"module 'xmlfast' has no attribute {name!r}")
