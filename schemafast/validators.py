"""Validator classes (Draft4 ... Draft202012), python-jsonschema compatible.

Compilation and validation run in Go (`_goaccel.schema`); this module keeps
the API: lazily compiled validators, errors built from the records the Go
walk returns (keyword, schema location, paths, instance, detail), with
python-jsonschema's messages.
"""
from __future__ import annotations

import json
import threading
import warnings
from typing import Any, Iterator

from _goaccel import schema as _native

from . import exceptions as _exc
from ._metaschemas import META_SCHEMAS
from ._format import FORMAT_CHECKER, FormatChecker
from ._messages import message_for
from .exceptions import RefResolutionError, SchemaError, UnknownType, ValidationError

_native.set_exceptions(SchemaError, RefResolutionError)

ROOT_URL = "urn:schemafast:root"
FAST_ROOT_URL = "https://json-schema.org/schemafast/root"  # see compile.go

# ---- meta-schemas (the files v6 embeds, shipped beside this module) ----

_META_DOCS: dict[str, Any] = META_SCHEMAS

_UNSET: Any = object()


def _resolve_pointer(doc: Any, pointer: str) -> Any:
    if not pointer or pointer == "/":
        return doc
    for raw in pointer[1:].split("/"):
        tok = raw.replace("~1", "/").replace("~0", "~")
        if "%" in tok:
            from urllib.parse import unquote  # only for %-escaped pointers

            tok = unquote(tok)
        if isinstance(doc, list):
            doc = doc[int(tok)]
        else:
            doc = doc[tok]
    return doc


class _Compiled:
    """One compile of (schema, draft, registry, formats) held by a validator."""

    __slots__ = ("handle", "docs", "subschemas")

    def __init__(self, handle: Any, docs: dict) -> None:
        self.handle = handle
        self.docs = docs
        self.subschemas: dict = {}  # error location -> subschema

    def subschema(self, loc: str) -> Any:
        try:
            return self.subschemas[loc]
        except KeyError:
            pass
        url, _, pointer = loc.partition("#")
        doc = self.docs.get(url)
        if doc is None:
            doc = self.docs.get(url.rstrip("#"), {})
        try:
            sub = _resolve_pointer(doc, pointer)
        except (KeyError, IndexError, ValueError, TypeError):
            sub = {}
        if len(self.subschemas) < 4096:
            self.subschemas[loc] = sub
        return sub


class _Validator:
    META_SCHEMA: dict
    DRAFT_URL: str
    DRAFT: int
    FORMAT_CHECKER: FormatChecker = FORMAT_CHECKER
    VALIDATORS: dict
    TYPE_CHECKER: Any = None

    def __init__(self, schema: Any, registry: Any = None, resolver: Any = None,
                 format_checker: FormatChecker | None = None, *, retrieve: Any = None) -> None:
        if resolver is not None:
            warnings.warn("schemafast ignores the deprecated RefResolver; pass registry=",
                          DeprecationWarning, stacklevel=2)
        self.schema = schema
        self.registry = registry
        self.format_checker = format_checker
        self._retrieve = retrieve
        self._compiled: _Compiled | None = None
        self._compile_error: BaseException | None = None
        self._lock = threading.Lock()
        # Compiled on first use, like python-jsonschema, which also builds
        # nothing at construction; compile errors surface there too.

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(schema={self.schema!r:.60}, format_checker={self.format_checker!r})"

    # ---- compilation ----

    @staticmethod
    def ID_OF(schema: Any) -> str | None:
        if isinstance(schema, dict):
            return schema.get("$id", schema.get("id"))
        return None

    def _compile(self) -> _Compiled:
        c = self._compiled
        if c is not None:
            return c
        if self._compile_error is not None:
            raise self._compile_error
        with self._lock:
            if self._compiled is not None:
                return self._compiled
            docs: dict = {ROOT_URL: self.schema, FAST_ROOT_URL: self.schema}
            docs.update(_META_DOCS)
            reg, retrieve = _registry_parts(self.registry, self._retrieve)
            if reg is not None:
                docs.update(reg)
            if retrieve is not None:
                user = retrieve

                def retrieve(uri: str, _user=user) -> Any:  # remember documents for error paths
                    doc = _user(uri)
                    docs[uri] = doc
                    return doc

            fc = self.format_checker
            user_formats = fc._user_formats() if fc is not None else ()
            meta_url = _meta_url_of(self.schema)
            if meta_url is not None:
                handle = _native.compile(self.schema, meta_url, _META_DOCS, None, user_formats, True)
            else:
                try:
                    handle = _native.compile(self.schema, _DRAFT_META_URL[self.DRAFT], reg, retrieve, user_formats)
                except SchemaError:
                    # python-jsonschema's SchemaError (message, paths) when
                    # its meta-schema check agrees; else Go's message.
                    validator_for(self.schema, default=type(self)).check_schema(self.schema)
                    raise
            self._compiled = _Compiled(handle, docs)
            return self._compiled

    def _formats(self) -> dict | None:
        fc = self.format_checker
        return None if fc is None else fc._for_native()

    # ---- validation ----

    def is_valid(self, instance: Any, _schema: Any = None) -> bool:
        if _schema is not None:
            warnings.warn("Passing a schema to is_valid is deprecated; use evolve(schema=...)",
                          DeprecationWarning, stacklevel=2)
            return self.evolve(schema=_schema).is_valid(instance)
        c = self._compile()
        fc = self.format_checker
        if type(self).is_valid is _Validator.is_valid:
            # Later calls take the hot path: one C call, no Python frame
            # (a C callable bound to the handle; see python/schema_entry.c).
            self.is_valid = _native.bind_is_valid(c.handle, None if fc is None else fc._for_native())
        return _native.is_valid(c.handle, self._formats(), instance)

    def iter_errors(self, instance: Any, _schema: Any = None) -> Iterator[ValidationError]:
        if _schema is not None:
            yield from self.evolve(schema=_schema).iter_errors(instance)
            return
        c = self._compile()
        for rec in _native.errors(c.handle, self._formats(), instance):
            yield self._error(rec, c, instance)

    def validate(self, *args: Any, **kwargs: Any) -> None:
        for error in self.iter_errors(*args, **kwargs):
            raise error

    def descend(self, instance: Any, schema: Any, path: Any = None, schema_path: Any = None,
                resolver: Any = None) -> Iterator[ValidationError]:
        for error in self.evolve(schema=schema).iter_errors(instance):
            if path is not None:
                error.path.appendleft(path)
            if schema_path is not None:
                error.schema_path.appendleft(schema_path)
            yield error

    def evolve(self, **changes: Any) -> "_Validator":
        cls = changes.pop("cls", self.__class__)
        kw = dict(schema=self.schema, registry=self.registry, format_checker=self.format_checker,
                  retrieve=self._retrieve)
        kw.update(changes)
        return cls(**kw)

    def is_type(self, instance: Any, type: str) -> bool:
        return _is_type(instance, type, self.DRAFT, self.schema)

    @classmethod
    def check_schema(cls, schema: Any, format_checker: Any = _UNSET) -> None:
        Validator = validator_for(cls.META_SCHEMA, default=cls)
        if format_checker is _UNSET:
            format_checker = Validator.FORMAT_CHECKER
        validator = Validator(schema=cls.META_SCHEMA, format_checker=format_checker)
        for error in validator.iter_errors(schema):
            raise SchemaError.create_from(error)

    # ---- errors ----

    def _error(self, rec: tuple, c: _Compiled, root: Any) -> ValidationError:
        kw, loc, path, spath, instance, extra, context, fb_msg, fb_path = rec
        subschema = c.subschema(loc)
        if fb_msg is not None:  # from the v6 fallback path
            ipath, instance = _walk_instance(root, fb_path)
            value = subschema.get(kw) if isinstance(subschema, dict) else None
            return ValidationError(fb_msg, validator=kw, path=ipath, validator_value=value,
                                   instance=instance, schema=subschema, schema_path=spath,
                                   type_checker=self._type_checker)
        ctx = [self._error(r, c, instance) for r in context] if context else []
        if kw == "":
            return ValidationError(f"False schema does not allow {instance!r}", validator=None,
                                   path=path, validator_value=None, instance=instance,
                                   schema=subschema, schema_path=spath[:-1],
                                   type_checker=self._type_checker)
        value = subschema.get(kw) if isinstance(subschema, dict) else None
        if kw in ("minContains", "maxContains") and value is None:
            value = extra
        if kw == "contains" and self.DRAFT >= 2019 and isinstance(subschema, dict):
            value = subschema.get("contains")
        message, cause = message_for(self, kw, value, instance, subschema, extra)
        return _make_error(message, kw, path, cause, ctx, value, instance, subschema, spath,
                           self._type_checker)

    def _type_checker(self, instance: Any, type: str) -> bool:
        try:
            return _is_type(instance, type, self.DRAFT, self.schema)
        except UnknownType:
            return False


_make_error = ValidationError._make


def _walk_instance(root: Any, parts: tuple) -> tuple:
    path, cur = [], root
    for p in parts:
        if isinstance(cur, (list, tuple)):
            p = int(p)
        path.append(p)
        try:
            cur = cur[p]
        except (KeyError, IndexError, TypeError):
            break
    return path, cur


def _is_type(instance: Any, type: str, draft: int, schema: Any = None) -> bool:
    if type == "string":
        return isinstance(instance, str)
    if type == "object":
        return isinstance(instance, dict)
    if type == "array":
        return isinstance(instance, list)
    if type == "null":
        return instance is None
    if type == "boolean":
        return isinstance(instance, bool)
    if type == "number":
        return isinstance(instance, (int, float)) and not isinstance(instance, bool)
    if type == "integer":
        if isinstance(instance, bool):
            return False
        if isinstance(instance, int):
            return True
        return draft > 4 and isinstance(instance, float) and instance.is_integer()
    raise UnknownType(type, instance, schema)


def _registry_parts(registry: Any, retrieve: Any) -> tuple:
    """A Mapping uri -> schema, or a referencing.Registry, as (dict, retrieve)."""
    if registry is None:
        return None, retrieve
    docs = {}
    for uri in registry:
        res = registry[uri]
        docs[str(uri).rstrip("#")] = getattr(res, "contents", res)
    if retrieve is None and hasattr(registry, "get_or_retrieve"):
        def retrieve(uri: str) -> Any:
            try:
                return registry.get_or_retrieve(uri).value.contents
            except Exception as e:  # referencing raises its own Unresolvable
                raise RefResolutionError(f"unresolvable reference {uri!r}: {e}") from e
    return docs, retrieve


_DRAFT_META_URL = {
    4: "http://json-schema.org/draft-04/schema#",
    6: "http://json-schema.org/draft-06/schema#",
    7: "http://json-schema.org/draft-07/schema#",
    2019: "https://json-schema.org/draft/2019-09/schema",
    2020: "https://json-schema.org/draft/2020-12/schema",
}


def _meta_url_of(schema: Any) -> str | None:
    """If schema IS one of the shipped meta-schemas, its draft URL."""
    for draft, url in _DRAFT_META_URL.items():
        if schema is _META_DOCS[url.rstrip("#")]:
            return url
    return None


_META_SCHEMAS: dict[str, type] = {}


def _create(name: str, draft: int) -> type:
    url = _DRAFT_META_URL[draft]
    cls = type(name, (_Validator,), {
        "META_SCHEMA": _META_DOCS[url.rstrip("#")],
        "DRAFT_URL": url,
        "DRAFT": draft,
        "__doc__": f"Validates against JSON Schema draft {draft} in Go.",
    })
    cls.__module__ = __name__
    _META_SCHEMAS[url] = cls
    _META_SCHEMAS[url.rstrip("#")] = cls
    return cls


Draft4Validator = _create("Draft4Validator", 4)
Draft6Validator = _create("Draft6Validator", 6)
Draft7Validator = _create("Draft7Validator", 7)
Draft201909Validator = _create("Draft201909Validator", 2019)
Draft202012Validator = _create("Draft202012Validator", 2020)
_LATEST_VERSION = Draft202012Validator


def validator_for(schema: Any, default: Any = _UNSET) -> type:
    """The validator class for a schema's $schema, else default (latest)."""
    DefaultValidator = _LATEST_VERSION if default is _UNSET else default
    if schema is True or schema is False or not isinstance(schema, dict) or "$schema" not in schema:
        return DefaultValidator
    uri = schema["$schema"]
    if uri not in _META_SCHEMAS and default is _UNSET:
        warnings.warn(f"The metaschema specified by $schema was not found ({uri!r}); using the latest draft.",
                      DeprecationWarning, stacklevel=2)
    return _META_SCHEMAS.get(uri, DefaultValidator)


_builtin_cache: dict = {}


def _builtin_format_ok(format: str, instance: Any) -> bool:
    v = _builtin_cache.get(format)
    if v is None:
        v = _builtin_cache[format] = Draft202012Validator({"format": format})
    return _native.is_valid(v._compile().handle, {format: None}, instance)


def validate(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    """Validate instance against schema (checking the schema first), raising
    the best-matching ValidationError, like jsonschema.validate."""
    if cls is None:
        cls = validator_for(schema)
    _check_schema_cached(cls, schema)
    validator = cls(schema, *args, **kwargs)
    if validator.is_valid(instance):
        return
    error = _exc.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


_checked: dict = {}
_checked_lock = threading.Lock()


def _check_schema_cached(cls: type, schema: Any) -> None:
    """check_schema, remembering schemas (by canonical JSON) that passed."""
    try:
        key = (cls, json.dumps(schema, sort_keys=True, default=repr))
    except (TypeError, ValueError):
        cls.check_schema(schema)
        return
    if key in _checked:
        return
    cls.check_schema(schema)
    with _checked_lock:
        if len(_checked) > 1024:
            _checked.clear()
        _checked[key] = True
