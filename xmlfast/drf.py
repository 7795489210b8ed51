"""Django REST Framework XML renderer and parser backed by Go.

Drop-in replacements for djangorestframework-xml's
``rest_framework_xml.renderers.XMLRenderer`` and
``rest_framework_xml.parsers.XMLParser``::

    REST_FRAMEWORK = {
        "DEFAULT_RENDERER_CLASSES": ["xmlfast.drf.XMLRenderer"],
        "DEFAULT_PARSER_CLASSES": ["xmlfast.drf.XMLParser"],
    }

Importing this module needs Django and DRF; ``import xmlfast`` does not.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.encoding import force_str
from django.utils.xmlutils import SimplerXMLGenerator, UnserializableContentError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer

from _goaccel import xml as _native

from . import _safety

__all__ = ["XMLRenderer", "XMLParser", "render", "render_python"]


def render(data: Any, root_tag_name: str = "root", item_tag_name: str = "list-item",
           sanitize_tags: bool = False) -> str:
    """Renders ``data`` exactly as djangorestframework-xml's XMLRenderer does."""
    out = _native.render_drf(data, root_tag_name, item_tag_name, force_str,
                             UnserializableContentError, sanitize_tags)
    if out is None:  # a lone surrogate: only a Python str can carry it
        out = render_python(data, root_tag_name, item_tag_name, sanitize_tags)
    return out


def render_python(data: Any, root_tag_name: str = "root", item_tag_name: str = "list-item",
                  sanitize_tags: bool = False) -> str:
    """The reference algorithm in Python, on Django's SimplerXMLGenerator."""
    if data is None:
        return ""
    from io import StringIO

    stream = StringIO()
    xml = SimplerXMLGenerator(stream, "utf-8")
    tag = _native.sanitize_name if sanitize_tags else (lambda k: k)

    def to_xml(value: Any) -> None:
        if isinstance(value, (list, tuple)):
            for item in value:
                xml.startElement(tag(item_tag_name), {})
                to_xml(item)
                xml.endElement(tag(item_tag_name))
        elif isinstance(value, dict):
            for key, v in value.items():
                if sanitize_tags and not isinstance(key, str):
                    key = force_str(key)
                xml.startElement(tag(key), {})
                to_xml(v)
                xml.endElement(tag(key))
        elif value is not None:
            xml.characters(force_str(value))

    xml.startDocument()
    xml.startElement(tag(root_tag_name), {})
    to_xml(data)
    xml.endElement(tag(root_tag_name))
    xml.endDocument()
    return stream.getvalue()


class XMLRenderer(BaseRenderer):
    """Renderer which serializes to XML (djangorestframework-xml compatible).

    Set ``sanitize_tags = True`` on a subclass to turn invalid tag names
    (numbers, spaces, an ``xml`` prefix...) into valid ones instead of
    emitting a broken document.
    """

    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"
    item_tag_name = "list-item"
    root_tag_name = "root"
    sanitize_tags = False

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: dict | None = None) -> str:
        return render(data, self.root_tag_name, self.item_tag_name, self.sanitize_tags)


class XMLParser(BaseParser):
    """XML parser (djangorestframework-xml compatible), safe by default.

    Leaf text becomes a ``datetime`` ('%Y-%m-%d %H:%M:%S'), else an ``int``,
    else a ``Decimal``, else the ``str``; empty elements become ``None``;
    children named ``list-item`` make a list. DTDs, entity declarations and
    external references are refused; ``max_depth`` and ``max_size`` bound the
    work a request can cause. Every failure is a DRF ``ParseError``.
    """

    media_type = "application/xml"
    item_tag_name = "list-item"
    max_depth = _safety.DEFAULT_MAX_DEPTH
    max_size = _safety.DEFAULT_MAX_SIZE

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: dict | None = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = _safety.read_limited(stream, self.max_size)
            data = _safety.to_utf8(data, encoding)
            with _safety.no_gc():
                return _native.parse_drf(data, self.item_tag_name, self.max_depth)
        except (ValueError, _safety.XMLParseError) as exc:
            raise ParseError("XML parse error - %s" % exc)
