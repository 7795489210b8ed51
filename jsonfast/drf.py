"""jsonfast.drf: Django REST framework's JSONRenderer and JSONParser on the Go
engine.

    REST_FRAMEWORK = {
        "DEFAULT_RENDERER_CLASSES": ["jsonfast.drf.JSONRenderer", ...],
        "DEFAULT_PARSER_CLASSES": ["jsonfast.drf.JSONParser", ...],
    }

Both subclass DRF's own classes, so isinstance checks, attributes
(media_type, format, charset, ensure_ascii, compact, strict, encoder_class,
renderer_class) and the settings they read (UNICODE_JSON, COMPACT_JSON,
STRICT_JSON) are DRF's. The output is DRF's byte for byte: the same
separators, indent clamping, U+2028/U+2029 escapes, and every type DRF's
JSONEncoder handles. The Go encoder writes the document; DRF's default() is
a C function for datetimes, dates, times, timedeltas, Decimals and UUIDs
(python/jsondrf_default.c), and the rarer types (lazy strings, QuerySets,
ipaddress, bytes, numpy, iterables, subclasses) go through DRF's
JSONEncoder.default itself. Request bodies in UTF-8 are parsed by the Go
decoder straight from their bytes.

A subclass that sets its own encoder_class gets DRF's render() unchanged.
"""
from __future__ import annotations

import codecs
from typing import Any, Mapping, Optional

from rest_framework import parsers as _parsers
from rest_framework import renderers as _renderers
from rest_framework.compat import INDENT_SEPARATORS, LONG_SEPARATORS, SHORT_SEPARATORS
from rest_framework.exceptions import ParseError
from rest_framework.utils import encoders as _encoders
from rest_framework.utils import json as _drf_json

from _goaccel import json as _native

from .decoder import _loads_std, loads as _loads
from .encoder import ALLOW_NAN, CHECK_CIRCULAR, ENSURE_ASCII, indent_text as _indent_text

__all__ = ["JSONRenderer", "JSONParser"]

_DRFEncoder = _encoders.JSONEncoder
_drf_get_indent = _renderers.JSONRenderer.get_indent
_drf_default = _DRFEncoder().default  # stateless: DRF's type ladder, then TypeError
_native.drf_setup(_drf_default)
_render = _native.drf_render
#: The encoder's default(): DRF's JSONEncoder.default, its common types in C.
_default = _native.drf_default
_strict_constant = _drf_json.strict_constant
_std_json_loads = _drf_json.json.loads  # the stdlib's, as DRF calls it


class JSONRenderer(_renderers.JSONRenderer):
    """rest_framework.renderers.JSONRenderer, rendering in Go."""

    def render(self, data: Any, accepted_media_type: Optional[str] = None,
               renderer_context: Optional[Mapping[str, Any]] = None) -> bytes:
        """Render `data` into JSON bytes, exactly as DRF's JSONRenderer."""
        if data is None:
            return b""
        if self.encoder_class is not _DRFEncoder:
            return super().render(data, accepted_media_type, renderer_context)
        renderer_context = renderer_context or {}
        if (accepted_media_type and ";" in accepted_media_type) or type(self).get_indent is not _drf_get_indent:
            indent = self.get_indent(accepted_media_type, renderer_context)
        else:
            # No media-type parameters: DRF's get_indent reads the context.
            indent = renderer_context.get("indent", None)
        if indent is None:
            separators = SHORT_SEPARATORS if self.compact else LONG_SEPARATORS
        else:
            separators = INDENT_SEPARATORS
        text = _indent_text(indent)
        if text is NotImplemented:  # an indent only json's own machinery takes
            return super().render(data, accepted_media_type, renderer_context)
        item_sep, key_sep = separators
        flags = CHECK_CIRCULAR
        if self.ensure_ascii:
            flags |= ENSURE_ASCII
        if not self.strict:
            flags |= ALLOW_NAN
        try:
            ret = _render(data, flags, text, item_sep, key_sep, _default)
        except UnicodeEncodeError:
            # A str subclass holding a lone surrogate: DRF's own path gives
            # the exact error (its position counts the whole text).
            return super().render(data, accepted_media_type, renderer_context)
        except TypeError as exc:
            # A key of a C type: json's C encoder names it by tp_name
            # ("decimal.Decimal"), which the Go encoder does not (yet).
            if str(exc).startswith("keys must be "):
                return super().render(data, accepted_media_type, renderer_context)
            raise
        if ret.__class__ is str:
            # Lone surrogates: DRF's own str.encode() raises on them.
            ret = ret.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()
        return ret


class _Replay:
    """A stream that returns bytes already read from the request, once."""

    def __init__(self, data: Any) -> None:
        self.data = data

    def read(self, *size: int) -> Any:
        data, self.data = self.data, self.data[:0]
        return data


_UTF8_NAMES: dict = {}


def _is_utf8(encoding: str) -> bool:
    """Whether a charset name is plain UTF-8 (not utf-8-sig), cached."""
    r = _UTF8_NAMES.get(encoding)
    if r is None:
        r = codecs.lookup(encoding).name == "utf-8"
        if len(_UTF8_NAMES) < 64:
            _UTF8_NAMES[encoding] = r
    return r


def _drf_encoding(parser_context: Mapping[str, Any]) -> str:
    """The request charset as the installed DRF reads it: DRF 3.17+ checks it
    with get_encoding(); older releases (the ones for Django 4.2) take the
    context's encoding or DEFAULT_CHARSET as is."""
    get_encoding = getattr(_parsers, "get_encoding", None)
    if get_encoding is not None:
        return get_encoding(parser_context)
    from django.conf import settings

    return parser_context.get("encoding", settings.DEFAULT_CHARSET)


class JSONParser(_parsers.JSONParser):
    """rest_framework.parsers.JSONParser, parsing in Go."""

    renderer_class = JSONRenderer

    def parse(self, stream: Any, media_type: Optional[str] = None,
              parser_context: Optional[Mapping[str, Any]] = None) -> Any:
        """Parse the request body as JSON, exactly as DRF's JSONParser."""
        parser_context = parser_context or {}
        encoding = _drf_encoding(parser_context)
        try:
            if _is_utf8(encoding):
                # The Go decoder reads the UTF-8 body itself when that cannot
                # differ from DRF's decode-then-parse: no BOM (DRF keeps it as
                # a character), no NUL (json.loads would sniff UTF-16/32), no
                # NaN/Infinity under STRICT_JSON (DRF's parse_constant
                # raises). Anything it does not take — invalid UTF-8 among
                # it — goes DRF's way below.
                data = stream.read()
                if (data.__class__ is bytes and not data.startswith(codecs.BOM_UTF8)
                        and b"\0" not in data
                        and not (self.strict and (b"NaN" in data or b"Infinity" in data))):
                    r = _loads_std(data)
                    if r is not NotImplemented:
                        return r
                stream = _Replay(data)
            text = codecs.getreader(encoding)(stream).read()
            if self.strict and ("NaN" in text or "Infinity" in text):
                # Possibly a constant: the stdlib calls DRF's strict_constant.
                return _std_json_loads(text, parse_constant=_strict_constant)
            return _loads(text)
        except ValueError as exc:
            raise ParseError("JSON parse error - %s" % str(exc))
