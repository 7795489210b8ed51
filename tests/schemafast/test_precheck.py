"""is_valid's C pre-check (python/schema_entry.c, schemafast/pre.go) rejects
some instances without entering Go: the root's "type" and its key count,
list length and str length bounds. Those verdicts must be exactly what the
Go walk (`is_valid_go`, which never consults the table) and
python-jsonschema say, for random root schemas built around the table's
conditions and random instances around their edges (bool vs int, 1.0 as an
"integer" by draft, subclasses, non-BMP code points, key counts near the
bounds)."""
from __future__ import annotations

import gc
import weakref

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemafast
from _goaccel import schema as native

DRAFTS = {
    "http://json-schema.org/draft-04/schema#": (schemafast.Draft4Validator, jsonschema.Draft4Validator),
    "http://json-schema.org/draft-06/schema#": (schemafast.Draft6Validator, jsonschema.Draft6Validator),
    "http://json-schema.org/draft-07/schema#": (schemafast.Draft7Validator, jsonschema.Draft7Validator),
    "https://json-schema.org/draft/2019-09/schema": (schemafast.Draft201909Validator, jsonschema.Draft201909Validator),
    "https://json-schema.org/draft/2020-12/schema": (schemafast.Draft202012Validator, jsonschema.Draft202012Validator),
}
TYPES = ["null", "boolean", "integer", "number", "string", "array", "object"]
KEYS = ["a", "b", "c", "d"]


class MyDict(dict):
    pass


class MyStr(str):
    pass


class MyInt(int):
    pass


class MyList(list):
    pass


class MyFloat(float):
    pass


small = st.integers(0, 4)
types = st.one_of(st.sampled_from(TYPES), st.lists(st.sampled_from(TYPES), min_size=1, max_size=3, unique=True))
prop_schema = st.sampled_from([{}, {"type": "integer"}, {"type": "string", "minLength": 1}, {"minimum": 0}, True, False])


@st.composite
def root_schemas(draw):
    draft = draw(st.sampled_from(sorted(DRAFTS)))
    s: dict = {}
    if draw(st.booleans()):
        s["type"] = draw(types)
    if draw(st.booleans()):
        s["required"] = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True))
    if draw(st.booleans()):
        props = draw(st.dictionaries(st.sampled_from(KEYS), prop_schema, max_size=3))
        if "draft-04" in draft:  # no boolean schemas in draft 4
            props = {k: {"not": {}} if p is False else {} if p is True else p for k, p in props.items()}
        s["properties"] = props
    if draw(st.booleans()):
        s["additionalProperties"] = draw(st.sampled_from([False, {"type": "integer"}, True]))  # booleans: all drafts
    if draw(st.integers(0, 3)) == 0:
        s["patternProperties"] = {"^d": {}}
    for kw in ("minProperties", "maxProperties", "minItems", "maxItems", "minLength", "maxLength"):
        if draw(st.integers(0, 2)) == 0:
            s[kw] = draw(small)
    if draw(st.integers(0, 4)) == 0:
        s["items"] = {"type": "integer"}
    if draw(st.integers(0, 5)) == 0:
        s["enum"] = [1, "ab", None, {"a": 1}, [1, 2]]
    shape = draw(st.integers(0, 6))
    if shape == 0:  # a $ref-only root: the table comes from its target
        key = "$defs" if "2019" in draft or "2020" in draft else "definitions"
        return draft, {"$schema": draft, "$ref": f"#/{key}/t", key: {"t": s}}
    if shape == 1 and "draft-04" not in draft:  # boolean schemas exist from draft 6 on
        return draft, draw(st.booleans())
    return draft, {"$schema": draft, **s}


text = st.text(alphabet=st.sampled_from(["x", "é", "\U0001F600", "\ud800"]), max_size=5)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.integers(2**64, 2**70),
    st.sampled_from([0.0, 1.0, -2.0, 1.5, float("inf"), 1e300]), text,
    st.builds(MyStr, text), st.builds(MyInt, small), st.builds(MyFloat, st.sampled_from([1.0, 2.5])),
)
instances = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.builds(MyList, st.lists(inner, max_size=3)),
        st.dictionaries(st.sampled_from(KEYS + ["e"]), inner, max_size=5),
        st.builds(MyDict, st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)),
    ),
    max_leaves=8,
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(root_schemas(), st.lists(instances, min_size=1, max_size=6))
def test_precheck_verdicts_match_go_and_python_jsonschema(drafted, docs):
    draft, schema = drafted
    sf_cls, pj_cls = DRAFTS[draft]
    sf, pj = sf_cls(schema), pj_cls(schema)
    handle = sf._compile().handle
    for doc in docs:
        want = pj.is_valid(doc)
        assert native.is_valid_go(handle, None, doc) == want, (schema, doc)
        # Twice: the first call with a handle builds the table.
        assert sf.is_valid(doc) == want, (schema, doc)
        assert sf.is_valid(doc) == want, (schema, doc)
        assert native.is_valid(handle, None, doc) == want, (schema, doc)


API = {
    "type": "object",
    "required": ["id", "user"],
    "additionalProperties": False,
    "properties": {"id": {"type": "string"}, "user": {"type": "object"}, "note": {"type": "string"}},
}


def test_rejections_the_table_makes():
    v = schemafast.Draft202012Validator(API)
    handle = v._compile().handle
    for doc, want in [
        ({"id": "x", "user": {}, "note": "", "extra": 1}, False),  # more keys than properties
        ({"id": "x"}, False),  # fewer keys than required names
        ([], False), ("s", False), (1, False), (1.0, False), (None, False), (True, False),
        ({"id": "x", "user": {}}, True),
        ({"id": 1, "user": {}}, False),  # decided in Go
        (MyDict(id="x", user={}, note="", extra=1), False),  # a subclass: decided in Go
    ]:
        for _ in range(2):
            assert v.is_valid(doc) is want, doc
            assert native.is_valid(handle, None, doc) is want, doc


def test_integer_root_leaves_whole_floats_to_go():
    for cls, want in [(schemafast.Draft4Validator, False), (schemafast.Draft7Validator, True),
                      (schemafast.Draft202012Validator, True)]:
        v = cls({"type": "integer"})
        assert v.is_valid(1.0) is want
        assert v.is_valid(1.5) is False
        assert v.is_valid(True) is False
        assert v.is_valid(3) is True


def test_string_length_counts_code_points():
    v = schemafast.Draft202012Validator({"type": "string", "minLength": 2, "maxLength": 3})
    assert v.is_valid("\U0001F600") is False
    assert v.is_valid("\U0001F600\U0001F600") is True
    assert v.is_valid("\ud800\ud800\ud800") is True
    assert v.is_valid("abcd") is False


def test_errors_still_come_from_go():
    v = schemafast.Draft202012Validator(API)
    doc = {"id": "x", "user": {}, "note": "", "extra": 1}
    assert v.is_valid(doc) is False
    assert [e.message for e in v.iter_errors(doc)] == [
        "Additional properties are not allowed ('extra' was unexpected)"]


def test_non_json_values_go_to_go():
    v = schemafast.Draft202012Validator({"type": "object", "maxProperties": 1})
    for bad in ({1, 2}, object(), b"x"):
        try:
            v.is_valid(bad)
        except TypeError:
            pass
        else:
            raise AssertionError(f"{bad!r} was accepted or rejected without a TypeError")


def test_tables_survive_their_validators_being_collected():
    # Many distinct schemas: validators are evicted from the compile cache and
    # collected (their C tables freed); live ones must keep answering.
    keep = [schemafast.Draft202012Validator({"type": "object", "maxProperties": i}) for i in range(50)]
    for i in range(3000):
        schemafast.Draft202012Validator({"type": "string", "maxLength": i}).is_valid("x" * (i + 1))
        if i % 500 == 0:
            gc.collect()
    for i, v in enumerate(keep):
        assert v.is_valid({str(k): k for k in range(i + 1)}) is False
        assert v.is_valid({str(k): k for k in range(i)}) is True


def test_bound_is_valid_checks_its_arguments():
    v = schemafast.Draft202012Validator(API)
    v.is_valid({})  # binds the C callable on the instance
    bound = v.__dict__["is_valid"]
    assert type(bound).__name__ == "BoundIsValid"
    with pytest.raises(TypeError, match="exactly one argument"):
        bound()
    with pytest.raises(TypeError, match="exactly one argument"):
        bound({}, {})
    with pytest.raises(TypeError, match="exactly one argument"):
        bound(instance={})
    with pytest.raises(TypeError):
        type(bound)()
    with pytest.raises(TypeError, match="compiled schema handle"):
        native.bind_is_valid(object(), None)
    with pytest.raises(TypeError, match="2 arguments"):
        native.bind_is_valid(1)
    # A handle whose root has no table: every call goes to Go.
    anything = native.compile({}, "https://json-schema.org/draft/2020-12/schema", None, None, ())
    assert native.bind_is_valid(anything, None)({"x": 1}) is True


def test_bound_is_valid_keeps_format_checks_and_is_collected():
    checker = schemafast.FormatChecker()
    seen = []

    @checker.checks("even")
    def even(s):
        seen.append(s)
        return len(s) % 2 == 0

    v = schemafast.Draft202012Validator({"type": "string", "format": "even", "maxLength": 4}, format_checker=checker)
    assert [v.is_valid(s) for s in ("ab", "abc", "abcdef", 1)] == [True, False, False, False]
    assert seen == ["ab", "abc"]  # the too-long one and the int were rejected in C
    ref = weakref.ref(v)
    v.self_ref = v  # a cycle through the instance dict that holds the bound callable
    del v
    gc.collect()
    assert ref() is None
