"""python-jsonschema's error messages, keyed by keyword.

The Go walk reports which keyword failed, on which instance, with the
detail a message needs (missing property, extra keys, valid branches);
the wording here matches python-jsonschema 4.x (_keywords.py and
_legacy_keywords.py) so messages compare equal.
"""
from __future__ import annotations

from typing import Any


def _extras_msg(extras: Any) -> tuple:
    verb = "was" if len(extras) == 1 else "were"
    return ", ".join(repr(extra) for extra in extras), verb


def _ensure_list(thing: Any) -> list:
    return [thing] if isinstance(thing, str) else thing


def message_for(validator: Any, kw: str, value: Any, instance: Any, schema: Any, extra: Any) -> tuple:
    """(message, cause) for one error."""
    draft = validator.DRAFT
    cause = None
    if kw == "type":
        reprs = ", ".join(repr(t) for t in _ensure_list(value))
        msg = f"{instance!r} is not of type {reprs}"
    elif kw == "required":
        msg = f"{extra!r} is a required property"
    elif kw in ("dependencies", "dependentRequired"):
        each, prop = extra
        msg = f"{each!r} is a dependency of {prop!r}"
    elif kw == "enum":
        msg = f"{instance!r} is not one of {value!r}"
    elif kw == "const":
        msg = f"{value!r} was expected"
    elif kw == "additionalProperties":
        extras = list(extra)
        if isinstance(schema, dict) and "patternProperties" in schema:
            verb = "does" if len(extras) == 1 else "do"
            joined = ", ".join(repr(each) for each in sorted(extras))
            patterns = ", ".join(repr(each) for each in sorted(schema["patternProperties"]))
            msg = f"{joined} {verb} not match any of the regexes: {patterns}"
        else:
            msg = "Additional properties are not allowed (%s %s unexpected)" % _extras_msg(sorted(extras, key=str))
    elif kw == "additionalItems":
        msg = "Additional items are not allowed (%s %s unexpected)" % _extras_msg(instance[extra:])
    elif kw == "items":
        prefix = extra or 0
        n = len(instance) - prefix
        rest = instance[prefix:] if n != 1 else instance[prefix]
        item = "items" if prefix != 1 else "item"
        msg = f"Expected at most {prefix} {item} but found {n} extra: {rest!r}"
        if draft < 2020:
            msg = f"{instance!r} is expected to be empty" if prefix == 0 else msg
    elif kw == "minimum":
        excl = draft == 4 and isinstance(schema, dict) and schema.get("exclusiveMinimum") is True
        cmp = "less than or equal to" if excl else "less than"
        msg = f"{instance!r} is {cmp} the minimum of {value!r}"
    elif kw == "maximum":
        excl = draft == 4 and isinstance(schema, dict) and schema.get("exclusiveMaximum") is True
        cmp = "greater than or equal to" if excl else "greater than"
        msg = f"{instance!r} is {cmp} the maximum of {value!r}"
    elif kw == "exclusiveMinimum":
        msg = f"{instance!r} is less than or equal to the minimum of {value!r}"
    elif kw == "exclusiveMaximum":
        msg = f"{instance!r} is greater than or equal to the maximum of {value!r}"
    elif kw == "multipleOf":
        msg = f"{instance!r} is not a multiple of {value}"
    elif kw in ("minItems", "minLength"):
        msg = f"{instance!r} " + ("should be non-empty" if value == 1 else "is too short")
    elif kw in ("maxItems", "maxLength"):
        msg = f"{instance!r} " + ("is expected to be empty" if value == 0 else "is too long")
    elif kw == "minProperties":
        msg = f"{instance!r} " + ("should be non-empty" if value == 1 else "does not have enough properties")
    elif kw == "maxProperties":
        msg = f"{instance!r} " + ("is expected to be empty" if value == 0 else "has too many properties")
    elif kw == "uniqueItems":
        msg = f"{instance!r} has non-unique elements"
    elif kw == "pattern":
        msg = f"{instance!r} does not match {value!r}"
    elif kw == "format":
        msg = f"{instance!r} is not a {value!r}"
        fc = validator.format_checker
        if fc is not None:
            from .exceptions import FormatError

            try:
                fc.check(instance, value)
            except FormatError as e:
                msg, cause = e.message, e.cause
    elif kw in ("anyOf",) or (kw == "oneOf" and extra is None):
        msg = f"{instance!r} is not valid under any of the given schemas"
    elif kw == "oneOf":
        reprs = ", ".join(repr(value[i]) for i in extra)
        msg = f"{instance!r} is valid under each of {reprs}"
    elif kw == "not":
        msg = f"{instance!r} should not be valid under {value!r}"
    elif kw == "contains":
        if draft < 2019:
            msg = f"None of {instance!r} are valid under the given schema"
        else:
            msg = f"{instance!r} does not contain items matching the given schema"
    elif kw == "minContains":
        msg = ("Too few items match the given schema (expected at least "
               f"{value} but only {extra} matched)")
    elif kw == "maxContains":
        msg = f"Too many items match the given schema (expected at most {value})"
    else:
        msg = f"{instance!r} is not valid under {kw!r}"
    return msg, cause
