"""Exceptions and limits shared by xmlfast's parsers.

Malformed input raises :class:`XMLParseError`, which is both an
``xml.parsers.expat.ExpatError`` (what xmltodict users catch) and a
``ValueError`` (what defusedxml users catch). The safety refusals are
subclasses of it named like defusedxml's exceptions.
"""
from __future__ import annotations

import codecs
import gc
import re
from contextlib import contextmanager
from typing import Any
from xml.parsers.expat import ExpatError

DEFAULT_MAX_DEPTH = 1000
DEFAULT_MAX_SIZE = 64 * 1024 * 1024

_POSITION = re.compile(r": line (\d+), column (\d+)$")


class XMLParseError(ExpatError, ValueError):
    """Malformed, truncated or refused XML. ``lineno`` and ``offset`` locate it."""

    def __init__(self, msg: str = "") -> None:
        super().__init__(msg)
        m = _POSITION.search(msg)
        self.lineno = int(m.group(1)) if m else None
        self.offset = int(m.group(2)) if m else None
        self.code = None


class DTDForbidden(XMLParseError):
    """The document has a DOCTYPE declaration."""


class EntitiesForbidden(XMLParseError):
    """The document declares or references an entity other than the five predefined ones."""


class ExternalReferenceForbidden(XMLParseError):
    """The document refers to an external resource."""


class LimitExceeded(XMLParseError):
    """The document is deeper or larger than the configured limits."""


@contextmanager
def no_gc():
    """Pauses the cyclic GC while a parser builds a large acyclic tree: the
    many new dicts would otherwise trigger collections that traverse the
    growing result again and again (20% of a parse, measured)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def read_limited(stream: Any, max_size: int) -> bytes:
    """Reads a file-like object (or takes bytes/str) refusing more than max_size bytes."""
    if isinstance(stream, (bytes, bytearray, memoryview)):
        data = bytes(stream)
    elif isinstance(stream, str):
        data = stream.encode("utf-8")
    else:
        data = stream.read(max_size + 1) if max_size > 0 else stream.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
    if max_size > 0 and len(data) > max_size:
        raise LimitExceeded("document larger than %d bytes" % max_size)
    return data


def to_utf8(data: bytes, encoding: str | None) -> bytes:
    """Transcodes input in another encoding to UTF-8 (the Go parser reads UTF-8),
    like expat does when the caller overrides the document's encoding."""
    if not encoding:
        return data
    name = codecs.lookup(encoding).name
    if name == "utf-8":
        return data
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise XMLParseError("not well-formed (invalid token): %s" % exc) from None
    # The declaration's encoding no longer applies once transcoded.
    return text.encode("utf-8")


def _drf_type_convert(value: str) -> Any:
    """djangorestframework-xml's XMLParser._type_convert, for the leaf texts
    the Go side does not decide itself (Unicode digits or spaces, '_')."""
    import datetime
    import decimal

    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        pass
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return decimal.Decimal(value)
    except decimal.InvalidOperation:
        pass
    return value


def _configure() -> None:
    import decimal

    from _goaccel import xml as native

    native.configure(XMLParseError, DTDForbidden, EntitiesForbidden, LimitExceeded,
                     decimal.Decimal, decimal.InvalidOperation, _drf_type_convert)


_configure()
