"""schemafast against python-jsonschema: same instance, same schema, same
verdicts, same errors (message, paths, keyword, value, instance, context)."""
from __future__ import annotations

import jsonschema
import pytest

import schemafast

DRAFTS = [
    (schemafast.Draft4Validator, jsonschema.Draft4Validator),
    (schemafast.Draft6Validator, jsonschema.Draft6Validator),
    (schemafast.Draft7Validator, jsonschema.Draft7Validator),
    (schemafast.Draft201909Validator, jsonschema.Draft201909Validator),
    (schemafast.Draft202012Validator, jsonschema.Draft202012Validator),
]

PERSON = {
    "type": "object",
    "required": ["name", "age"],
    "properties": {
        "name": {"type": "string", "minLength": 2, "maxLength": 5, "pattern": "^[A-Z]"},
        "age": {"type": "integer", "minimum": 0, "maximum": 150, "multipleOf": 1},
        "email": {"type": ["string", "null"]},
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "minItems": 1, "maxItems": 2},
        "kind": {"enum": ["a", "b", 3]},
        "fixed": {"const": {"x": [1, 2]}},
        "meta": {"type": "object", "minProperties": 1, "maxProperties": 2},
    },
    "additionalProperties": False,
}

CASES = [
    ({"type": "string"}, 1),
    ({"type": "string"}, True),
    ({"type": ["string", "integer"]}, 1.5),
    ({"type": "integer"}, 1.0),
    ({"type": "number"}, True),
    (PERSON, {"name": 1}),
    (PERSON, {"name": "bob", "age": -1, "extra": 1, "other": 2}),
    (PERSON, {"name": "Bobby Tables", "age": 1.5, "tags": ["a", "a", "b"], "kind": "c"}),
    (PERSON, {"name": "B", "age": 151, "tags": [], "fixed": {"x": [1]}, "meta": {}}),
    (PERSON, {"name": "Bo", "age": 3, "meta": {"a": 1, "b": 2, "c": 3}, "email": 5}),
    (PERSON, [1, 2]),
    ({"properties": {"a": {"minimum": 5}}, "patternProperties": {"^x": {"type": "integer"}},
      "additionalProperties": False}, {"a": 1, "xy": "s", "zz": 1}),
    ({"patternProperties": {"^x": {}}, "additionalProperties": False}, {"a": 1, "b": 2}),
    ({"additionalProperties": {"type": "string"}}, {"a": 1, "b": "x"}),
    ({"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 3}]}, 1),
    ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, 1.5),
    ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 3),
    ({"allOf": [{"type": "integer"}, {"minimum": 4}]}, 3.5),
    ({"not": {"type": "integer"}}, 3),
    ({"items": {"type": "integer"}, "maxItems": 2}, [1, "a", 3]),
    ({"minLength": 1}, ""),
    ({"maxLength": 0}, "a"),
    ({"minItems": 1}, []),
    ({"minProperties": 1}, {}),
    ({"maxProperties": 0}, {"a": 1}),
    ({"exclusiveMinimum": 3, "exclusiveMaximum": 5}, 3),
    ({"exclusiveMaximum": 5}, 5),
    ({"multipleOf": 0.5}, 1.3),
    ({"required": ["a", "b", "c"]}, {"b": 1}),
    ({"dependencies": {"a": ["b", "c"]}}, {"a": 1}),
    ({"dependencies": {"a": {"required": ["z"]}}}, {"a": 1}),
    ({"contains": {"type": "string"}}, [1, 2]),
    ({"propertyNames": {"maxLength": 2}}, {"abc": 1, "ab": 2}),
    ({"if": {"type": "integer"}, "then": {"minimum": 10}, "else": {"type": "string"}}, 3),
    ({"if": {"type": "integer"}, "then": {"minimum": 10}, "else": {"type": "string"}}, 3.5),
    ({"$ref": "#/definitions/a", "definitions": {"a": {"type": "string"}}}, 1),
    ({"properties": {"n": {"$ref": "#/definitions/a"}}, "definitions": {"a": {"type": "string"}}}, {"n": 1}),
    ({"definitions": {"node": {"type": "object", "properties": {"c": {"type": "array", "items": {"$ref": "#/definitions/node"}}, "v": {"type": "integer"}}}},
      "$ref": "#/definitions/node"}, {"v": 1, "c": [{"v": "x"}, {"c": [{"v": 2.5}]}]}),
    ({"enum": [1, True]}, 1.0),
    ({"enum": [1]}, True),
    ({"const": False}, 0),
    ({"uniqueItems": True}, [1, 1.0]),
    ({"uniqueItems": True}, [1, True]),
    ({"uniqueItems": True}, [{"a": 1}, {"a": 1}]),
    ({"items": {"type": "integer"}}, [1, 2, 3]),
    (True, 1),
    (False, 1),
    ({"properties": {"a": False}}, {"a": 1}),
    ({"minimum": 2 ** 70}, 2 ** 70 - 1),
    ({"type": "integer"}, 2 ** 80),
    ({"maximum": 1.1}, 1.1),
    ({"multipleOf": 0.0001}, 0.0075),
    ({"minLength": 2}, "\U0001f600"),
]


def key(e):
    return (e.message, list(e.path), list(e.schema_path), e.validator, repr(e.validator_value),
            repr(e.instance), sorted(map(key, e.context)))


@pytest.mark.parametrize("sf_cls,pj_cls", DRAFTS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("schema,instance", CASES)
def test_same_errors(sf_cls, pj_cls, schema, instance):
    if isinstance(schema, bool) and sf_cls.DRAFT == 4:
        return  # boolean schemas start with draft 6 (python-jsonschema crashes on them)
    if not isinstance(schema, bool) and ("dependencies" in schema and sf_cls.DRAFT >= 2019
                                          or "if" in schema and sf_cls.DRAFT < 7):
        schema = dict(schema)  # keywords the draft does not know: both ignore them
    sf, pj = sf_cls(schema), pj_cls(schema)
    if not pj_cls(pj_cls.META_SCHEMA).is_valid(schema):
        # python-jsonschema runs schemas its draft's meta-schema rejects;
        # schemafast compiles in v6, which refuses them: SchemaError on use.
        with pytest.raises(schemafast.SchemaError):
            sf.is_valid(instance)
        return
    assert sf.is_valid(instance) == pj.is_valid(instance)
    got = sorted(map(key, sf.iter_errors(instance)))
    want = sorted(map(key, pj.iter_errors(instance)))
    assert got == want
    best_sf = schemafast.best_match(sf.iter_errors(instance))
    best_pj = jsonschema.exceptions.best_match(pj.iter_errors(instance))
    assert (best_sf and key(best_sf)) == (best_pj and key(best_pj))
    for e_sf in sf.iter_errors(instance):
        assert isinstance(e_sf, schemafast.ValidationError)
        for c in e_sf.context:
            assert c.parent is e_sf


@pytest.mark.parametrize("schema,instance", [c for c in CASES[:20] if not jsonschema.Draft202012Validator(c[0]).is_valid(c[1])])
def test_validate_function_matches(schema, instance):
    with pytest.raises(jsonschema.ValidationError) as want:
        jsonschema.validate(instance, schema)
    with pytest.raises(schemafast.ValidationError) as got:
        schemafast.validate(instance, schema)
    assert key(got.value) == key(want.value)
    assert str(got.value) == str(want.value)
    assert list(got.value.absolute_path) == list(want.value.absolute_path)
    assert got.value.json_path == want.value.json_path


BAD_SCHEMAS = [
    {"type": 12},
    {"type": "objekt"},
    {"minLength": -1},
    {"properties": {"a": {"type": ["string", 3]}}},
    {"required": "a"},
    {"items": [{"type": 1}]},
    {"pattern": "("},
]
# Not compared: {"enum": []} (drafts 6/7) and {"$ref": 5} (draft 4). The
# meta-schemas v6 embeds for those drafts are older copies than
# python-jsonschema's (enum minItems 1, $ref typed), so schemafast rejects
# them and python-jsonschema accepts them.


@pytest.mark.parametrize("sf_cls,pj_cls", DRAFTS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("schema", BAD_SCHEMAS)
def test_check_schema_same_error(sf_cls, pj_cls, schema):
    try:
        pj_cls.check_schema(schema)
    except jsonschema.SchemaError as e:
        want = e
    else:
        sf_cls.check_schema(schema)
        return
    with pytest.raises(schemafast.SchemaError) as got:
        sf_cls.check_schema(schema)
    assert key(got.value) == key(want)
