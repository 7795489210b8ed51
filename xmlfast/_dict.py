"""xmltodict-compatible parse() and unparse() on the Go parser and writer."""
from __future__ import annotations

import codecs
import re
from types import GeneratorType
from typing import Any, Callable

from _goaccel import xml as _native

from . import _safety

# Keyword arguments xmltodict.parse passes to its handler that Go implements.
_NATIVE_DEFAULTS: dict[str, Any] = {
    "xml_attribs": True,
    "attr_prefix": "@",
    "cdata_key": "#text",
    "force_cdata": False,
    "postprocessor": None,
    "strip_whitespace": True,
    "namespaces": None,
    "force_list": None,
    "comment_key": "#comment",
}

class _ParsingInterrupted(Exception):
    """Raised by xmltodict when an item_callback returns a false value."""


def __getattr__(name: str) -> Any:
    # Streaming (item_callback) runs on xmltodict, which raises its own class;
    # it is resolved lazily because importing xmltodict pulls in urllib and
    # hashlib (~100 ms), which `import xmlfast` must not pay.
    if name == "ParsingInterrupted":
        try:
            from xmltodict import ParsingInterrupted
        except ImportError:  # pragma: no cover - xmltodict absent
            return _ParsingInterrupted
        return ParsingInterrupted
    raise AttributeError(name)


_DECL_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


def _normalize_force(value: Any) -> Any:
    """force_list / force_cdata as Go reads them: a bool, a tuple of names, or
    a callable(path, key, value) with xmltodict's exact membership rules."""
    if value is None or value is False or value is True:
        return bool(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, (tuple, list, set, frozenset, dict)) and all(type(k) is str for k in value):
        return tuple(value)

    def decide(path: list, key: str, data: Any) -> bool:
        if not value:
            return False
        try:
            return key in value
        except TypeError:
            return value(path, key, data)

    return decide


def _to_utf8(data: bytes, encoding: str | None) -> bytes:
    """The bytes the Go parser reads (UTF-8): transcodes a document in another
    encoding, given by the caller or by its BOM / XML declaration."""
    if encoding:
        return _safety.to_utf8(data, encoding)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _safety.to_utf8(data, "utf-16")
    m = _DECL_ENCODING.match(data)
    if m:
        name = m.group(1).decode("ascii")
        try:
            canonical = codecs.lookup(name).name
        except LookupError:
            raise _safety.XMLParseError("unknown encoding: %s" % name) from None
        if canonical not in ("utf-8", "ascii"):
            return _safety.to_utf8(data, canonical)
    return data


def parse(xml_input: Any, encoding: str | None = None, expat: Any = None,
          process_namespaces: bool = False, namespace_separator: str = ":",
          disable_entities: bool = True, process_comments: bool = False,
          max_depth: int = _safety.DEFAULT_MAX_DEPTH, max_size: int = _safety.DEFAULT_MAX_SIZE,
          **kwargs: Any) -> Any:
    """xmltodict.parse, in Go, safe by default.

    Accepts str, bytes, a file-like object or a generator of chunks. Entities
    are never expanded and DTDs are refused, whatever ``disable_entities`` and
    ``expat`` say; ``max_depth`` / ``max_size`` bound the work. Errors raise
    :class:`xmlfast.XMLParseError` (an ``xml.parsers.expat.ExpatError``).
    """
    unsupported = _unsupported_parse_args(kwargs)
    if unsupported:
        return _delegate("parse", unsupported, xml_input, encoding=encoding,
                         process_namespaces=process_namespaces,
                         namespace_separator=namespace_separator,
                         disable_entities=True, process_comments=process_comments, **kwargs)
    opts = dict(_NATIVE_DEFAULTS)
    opts.update(kwargs)
    opts.pop("dict_constructor", None)
    opts.pop("cdata_separator", None)
    opts.pop("item_depth", None)
    opts.pop("item_callback", None)
    if isinstance(xml_input, str):
        data = xml_input.encode("utf-8")
    else:
        if isinstance(xml_input, GeneratorType):
            chunks = [c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in xml_input]
            xml_input = b"".join(chunks)
        data = _to_utf8(_safety.read_limited(xml_input, max_size), encoding)
    if max_size > 0 and len(data) > max_size:
        raise _safety.LimitExceeded("document larger than %d bytes" % max_size)
    sep = namespace_separator if process_namespaces else ":"
    with _safety.no_gc():
        return _native.parse_dict(
            data, max_depth, opts["attr_prefix"], opts["cdata_key"], bool(opts["xml_attribs"]),
            bool(opts["strip_whitespace"]), bool(process_namespaces), sep, opts["namespaces"],
            _normalize_force(opts["force_list"]), _normalize_force(opts["force_cdata"]),
            opts["postprocessor"], bool(process_comments), opts["comment_key"])


def _unsupported_parse_args(kwargs: dict) -> list[str]:
    out = []
    for k, v in kwargs.items():
        if k in _NATIVE_DEFAULTS:
            if k == "namespaces" and v is not None and type(v) is not dict:
                out.append(k)
            if k in ("attr_prefix", "cdata_key", "comment_key") and type(v) is not str:
                out.append(k)
            continue
        if k == "dict_constructor" and v is dict:
            continue
        if k == "cdata_separator" and v == "":
            continue
        if k == "item_depth" and v == 0:
            continue
        if k == "item_callback":
            continue
        out.append(k)
    return out


def _delegate(fn: str, args: list[str], *a: Any, **kw: Any) -> Any:
    """Arguments the Go side does not implement run on xmltodict itself when it
    is installed (same results, pure-Python speed)."""
    try:
        import xmltodict
    except ImportError:
        raise TypeError("xmlfast.%s does not implement %s; install xmltodict to use them"
                        % (fn, ", ".join(sorted(args)))) from None
    return getattr(xmltodict, fn)(*a, **kw)
_UNPARSE_NATIVE = {"attr_prefix", "cdata_key", "pretty", "newl", "indent", "expand_iter",
                   "bytes_errors", "namespace_separator", "namespaces", "preprocessor"}


def unparse(input_dict: Any, output: Any = None, encoding: str = "utf-8",
            full_document: bool = True, short_empty_elements: bool = False,
            comment_key: str = "#comment", **kwargs: Any) -> str | None:
    """xmltodict.unparse, in Go: same documents for the same mapping.

    ``namespaces`` and ``preprocessor`` (and unknown arguments) run on
    xmltodict itself when it is installed.
    """
    unsupported = [k for k in kwargs if k not in _UNPARSE_NATIVE]
    if kwargs.get("namespaces") or kwargs.get("preprocessor") is not None:
        unsupported += [k for k in ("namespaces", "preprocessor") if kwargs.get(k)]
    attr_prefix = kwargs.get("attr_prefix", "@")
    cdata_key = kwargs.get("cdata_key", "#text")
    newl = kwargs.get("newl", "\n")
    indent = kwargs.get("indent", "\t")
    if isinstance(indent, int) and not isinstance(indent, bool):
        indent = " " * indent
    expand_iter = kwargs.get("expand_iter")
    for name, value in (("attr_prefix", attr_prefix), ("newl", newl), ("indent", indent),
                        ("encoding", encoding), ("cdata_key", cdata_key), ("comment_key", comment_key)):
        if type(value) is not str:
            unsupported.append(name)
    if expand_iter is not None and type(expand_iter) is not str:
        unsupported.append("expand_iter")
    bytes_errors = kwargs.get("bytes_errors", "replace")
    try:
        codecs.lookup_error(bytes_errors)
    except LookupError as exc:
        raise ValueError(f"Invalid bytes_errors handler: {bytes_errors}") from exc
    result = None
    if not unsupported:
        def convert(value: Any) -> str:
            return bytes(value).decode(encoding, errors=bytes_errors)

        result = _native.unparse(input_dict, attr_prefix, cdata_key, comment_key,
                                 bool(kwargs.get("pretty", False)), newl, indent,
                                 bool(full_document), bool(short_empty_elements), encoding,
                                 expand_iter, convert)
    if result is None:  # arguments or text only xmltodict handles
        return _delegate("unparse", unsupported or ["lone surrogates"], input_dict, output=output,
                         encoding=encoding, full_document=full_document,
                         short_empty_elements=short_empty_elements, comment_key=comment_key, **kwargs)
    if output is None:
        return result
    output.write(result)
    return None
