"""xmlfast: DRF's XML renderer/parser and xmltodict's parse/unparse, in Go."""
from _goaccel import xml as _native  # noqa: F401

__all__: list = []
