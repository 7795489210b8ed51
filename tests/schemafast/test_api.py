"""schemafast's python-jsonschema API: validators, formats, references,
bad input, threads, install()."""
from __future__ import annotations

import sys
import threading

import pytest

import schemafast
from schemafast import validators


def test_validate_ok_and_error():
    schemafast.validate({"name": "x"}, {"properties": {"name": {"type": "string"}}})
    with pytest.raises(schemafast.ValidationError) as e:
        schemafast.validate({"name": 1}, {"properties": {"name": {"type": "string"}}})
    assert e.value.message == "1 is not of type 'string'"
    assert list(e.value.path) == ["name"]
    assert list(e.value.schema_path) == ["properties", "name", "type"]
    assert e.value.json_path == "$.name"


def test_validate_checks_schema_first():
    with pytest.raises(schemafast.SchemaError) as e:
        schemafast.validate(1, {"type": 12})
    assert e.value.validator == "anyOf"
    assert list(e.value.path) == ["type"]


def test_invalid_schema_raises_schema_error_on_use():
    v = schemafast.Draft7Validator({"minLength": "x"})  # construction does not raise
    with pytest.raises(schemafast.SchemaError):
        v.is_valid("a")


def test_validator_for_and_meta():
    assert validators.validator_for({"$schema": "http://json-schema.org/draft-04/schema#"}) is schemafast.Draft4Validator
    assert validators.validator_for({"$schema": "http://json-schema.org/draft-07/schema"}) is schemafast.Draft7Validator
    assert validators.validator_for({}) is schemafast.Draft202012Validator
    assert validators.validator_for({}, default=schemafast.Draft6Validator) is schemafast.Draft6Validator
    assert schemafast.Draft7Validator.META_SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    schemafast.Draft202012Validator.check_schema({"type": "object"})
    with pytest.raises(schemafast.SchemaError):
        schemafast.Draft202012Validator.check_schema({"type": "objekt"})


def test_is_type_and_evolve():
    v = schemafast.Draft4Validator({})
    assert v.is_type(1, "integer") and not v.is_type(1.0, "integer")
    assert schemafast.Draft7Validator({}).is_type(1.0, "integer")
    assert not v.is_type(True, "number")
    with pytest.raises(schemafast.UnknownType):
        v.is_type(1, "nope")
    w = v.evolve(schema={"type": "string"})
    assert isinstance(w, schemafast.Draft4Validator) and not w.is_valid(1)


def test_validate_method_raises_first_error_in_schema_order():
    v = schemafast.Draft202012Validator({"required": ["b"], "type": "object", "minProperties": 2})
    with pytest.raises(schemafast.ValidationError) as e:
        v.validate({"a": 1})
    assert e.value.validator == "required"


def test_error_tree_and_best_match():
    schema = {"properties": {"a": {"type": "string", "minLength": 3}}, "required": ["b"]}
    v = schemafast.Draft202012Validator(schema)
    tree = schemafast.ErrorTree(v.iter_errors({"a": 1}))
    assert "a" in tree and "type" in tree["a"].errors
    assert tree.total_errors == 2
    best = schemafast.best_match(v.iter_errors({"a": 1}))
    assert best.validator == "required"


def test_anyof_context():
    v = schemafast.Draft202012Validator({"anyOf": [{"type": "string"}, {"minimum": 3}]})
    (err,) = v.iter_errors(1)
    assert [c.message for c in err.context] == ["1 is not of type 'string'", "1 is less than the minimum of 3"]
    assert [list(c.schema_path) for c in err.context] == [[0, "type"], [1, "minimum"]]
    assert list(err.context[1].absolute_schema_path) == ["anyOf", 1, "minimum"]


def test_format_off_by_default_and_on_with_checker():
    schema = {"format": "email"}
    assert schemafast.Draft202012Validator(schema).is_valid("nope")
    v = schemafast.Draft202012Validator(schema, format_checker=schemafast.FORMAT_CHECKER)
    assert not v.is_valid("nope") and v.is_valid("a@b.example")
    (err,) = v.iter_errors("nope")
    assert err.message == "'nope' is not a 'email'"


def test_user_format_calls_python():
    checker = schemafast.FormatChecker()
    calls = []

    @checker.checks("even", raises=ValueError)
    def is_even(value):
        calls.append(value)
        if not isinstance(value, int):
            return True
        if value % 2:
            raise ValueError(f"{value} is odd")
        return True

    v = schemafast.Draft202012Validator({"items": {"format": "even"}}, format_checker=checker)
    assert v.is_valid([2, 4, "x"])
    assert not v.is_valid([2, 3])
    errors = list(v.iter_errors([1, 2, 3]))
    assert [list(e.path) for e in errors] == [[0], [2]]
    assert isinstance(errors[0].cause, ValueError) and str(errors[0].cause) == "1 is odd"
    assert 4 in calls
    assert checker.conforms(2, "even") and not checker.conforms(3, "even")


def test_user_format_exception_propagates():
    checker = schemafast.FormatChecker()

    @checker.checks("boom")
    def boom(value):
        raise KeyError("inner")

    v = schemafast.Draft202012Validator({"format": "boom"}, format_checker=checker)
    with pytest.raises(KeyError):
        v.is_valid(1)


def test_registry_and_retrieve():
    other = {"$id": "http://example.com/other.json", "$defs": {"n": {"type": "integer"}}}
    schema = {"$ref": "http://example.com/other.json#/$defs/n"}
    v = schemafast.Draft202012Validator(schema, registry={"http://example.com/other.json": other})
    assert v.is_valid(1) and not v.is_valid("x")
    (err,) = v.iter_errors("x")
    assert err.schema == {"type": "integer"} and err.validator_value == "integer"
    seen = []

    def retrieve(uri):
        seen.append(uri)
        return other

    v = schemafast.Draft202012Validator(schema, retrieve=retrieve)
    assert not v.is_valid("x") and seen == ["http://example.com/other.json"]


def test_referencing_registry():
    referencing = pytest.importorskip("referencing")
    from referencing.jsonschema import DRAFT202012

    other = {"$defs": {"n": {"type": "integer"}}}
    reg = referencing.Registry().with_resource("urn:other", DRAFT202012.create_resource(other))
    v = schemafast.Draft202012Validator({"$ref": "urn:other#/$defs/n"}, registry=reg)
    assert v.is_valid(3) and not v.is_valid("3")


def test_unknown_remote_ref_names_it():
    v = schemafast.Draft202012Validator({"$ref": "http://nowhere.example/s.json"})
    with pytest.raises(schemafast.RefResolutionError, match="nowhere.example/s.json"):
        v.is_valid(1)


@pytest.mark.parametrize("bad", [{1, 2}, object(), b"x", {"a": {1}}, {"a": [1, object()]}])
def test_non_json_values_raise_type_error(bad):
    v = schemafast.Draft202012Validator({"type": "object", "properties": {"a": {"items": {"type": "integer"}, "type": "array"}}})
    with pytest.raises(TypeError):
        v.is_valid(bad)
    with pytest.raises(TypeError):
        list(v.iter_errors(bad))


def test_non_string_keys_raise_type_error():
    v = schemafast.Draft202012Validator({"type": "object", "properties": {"a": {}}})
    with pytest.raises(TypeError, match="keys must be str"):
        v.is_valid({1: 2})


def test_deep_instance_and_recursive_schema():
    x: list = []
    for _ in range(50000):
        x = [x]
    v = schemafast.Draft202012Validator({"items": {"$ref": "#"}})
    with pytest.raises(RecursionError):
        v.is_valid(x)
    with pytest.raises(RecursionError):  # {"$ref": "#"} never ends (python-jsonschema: RecursionError too)
        schemafast.Draft202012Validator({"$ref": "#"}).is_valid(1)


def test_ref_cycle_schema_does_not_crash():
    v = schemafast.Draft202012Validator({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"})
    with pytest.raises((RecursionError, schemafast.SchemaError, schemafast.RefResolutionError)):
        v.is_valid(1)


def test_threads_share_one_validator():
    schema = {"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}}, "required": ["n"]}
    v = schemafast.Draft202012Validator(schema)
    bad: list = []

    def work(k):
        for i in range(2000):
            ok = v.is_valid({"n": i - k})
            if ok != (i - k >= 0):
                bad.append((k, i))
            if i % 200 == 0:
                errs = list(v.iter_errors({"n": -1}))
                if [e.message for e in errs] != ["-1 is less than the minimum of 0"]:
                    bad.append(errs)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bad == []


def test_big_ints_and_floats():
    v = schemafast.Draft202012Validator({"type": "integer", "maximum": 2 ** 64})
    assert v.is_valid(2 ** 64) and not v.is_valid(2 ** 64 + 1)
    assert schemafast.Draft202012Validator({"const": 10 ** 30}).is_valid(10 ** 30)
    assert schemafast.Draft202012Validator({"enum": [1]}).is_valid(1.0)
    assert not schemafast.Draft202012Validator({"enum": [1]}).is_valid(True)


def test_install_makes_jsonschema_resolve_to_schemafast():
    saved = {k: sys.modules.get(k) for k in ("jsonschema", "jsonschema.exceptions", "jsonschema.validators")}
    try:
        schemafast.install()
        import jsonschema  # noqa: PLC0415
        from jsonschema import Draft7Validator, ValidationError  # noqa: PLC0415
        from jsonschema.exceptions import SchemaError  # noqa: PLC0415
        from jsonschema.validators import validator_for  # noqa: PLC0415

        assert jsonschema is schemafast
        assert Draft7Validator is schemafast.Draft7Validator
        assert ValidationError is schemafast.ValidationError and SchemaError is schemafast.SchemaError
        assert validator_for({}) is schemafast.Draft202012Validator
    finally:
        schemafast.uninstall()
    for k, m in saved.items():
        assert sys.modules.get(k) is m


def test_native_is_valid_rejects_bad_arguments():
    from _goaccel import schema as native

    with pytest.raises(TypeError, match="compiled schema handle"):
        native.is_valid(object(), None, 1)
    with pytest.raises(TypeError, match="3 arguments"):
        native.is_valid(1)


def test_fresh_key_objects_and_interned_keys_agree():
    """is_valid matches keys by address when it has seen the key object
    before; new key objects (a json.loads per document) must give the same
    verdicts as repeated ones."""
    import json

    schema = {"type": "object", "required": ["id", "tags"], "additionalProperties": False,
              "properties": {"id": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}},
                             "note": {"type": "string"}}}
    v = schemafast.Draft202012Validator(schema)
    texts = ['{"id": 1, "tags": ["a"]}', '{"id": "x", "tags": []}', '{"id": 1}', '{"id": 1, "tags": [], "extra": 1}',
             '{"tags": [], "id": 2, "note": "n"}', '{"tags": [1], "id": 2}', '{"ID": 1, "tags": []}']
    expected = [True, False, False, False, True, False, False]
    for _ in range(50):
        assert [v.is_valid(json.loads(t)) for t in texts] == expected
    docs = [json.loads(t) for t in texts]
    for _ in range(50):
        assert [v.is_valid(d) for d in docs] == expected


def test_cyclic_dict_raises_recursion_error():
    """The is_valid fast paths for objects call each other directly; the
    depth bound must still hold on a cyclic instance."""
    schema = {"$defs": {"n": {"type": "object", "properties": {"a": {"$ref": "#/$defs/n"},
                                                               "l": {"type": "array", "items": {"$ref": "#/$defs/n"}}}}},
              "$ref": "#/$defs/n"}
    v = schemafast.Draft202012Validator(schema)
    d: dict = {}
    d["a"] = d
    with pytest.raises(RecursionError):
        v.is_valid(d)
    e: dict = {"l": []}
    e["l"].append(e)
    with pytest.raises(RecursionError):
        v.is_valid(e)
    assert v.is_valid({"a": {"a": {}}, "l": [{}, {"l": [{"a": {}}]}]})
    assert not v.is_valid({"a": {"a": 1}})
    assert not v.is_valid({"l": [{}, {"l": [{"a": []}]}]})


def test_threads_switch_inside_walks_with_fresh_keys():
    """A user format check lets another thread run in the middle of a walk;
    every walk updates the shared key-address entries (fresh key objects
    from json.loads each time). Verdicts must stay right."""
    import json
    import time

    checker = schemafast.FormatChecker()

    @checker.checks("slow")
    def slow(value):
        time.sleep(0)  # releases the GIL: another thread's walk runs now
        return value != "bad"

    schema = {"type": "object", "required": ["a", "b"],
              "properties": {"a": {"type": "string", "format": "slow"}, "b": {"type": "integer"},
                             "c": {"type": "object", "properties": {"a": {"type": "string", "format": "slow"}}}}}
    v = schemafast.Draft202012Validator(schema, format_checker=checker)
    texts = ['{"a": "x", "b": 1, "c": {"a": "y"}}', '{"a": "bad", "b": 1}', '{"b": 1, "a": "x", "c": {"a": "bad"}}',
             '{"a": "x", "b": "1"}', '{"a": "x"}']
    expected = [True, False, False, False, False]
    bad: list = []

    def work():
        for _ in range(300):
            got = [v.is_valid(json.loads(t)) for t in texts]
            if got != expected:
                bad.append(got)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bad == []
