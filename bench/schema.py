"""schemafast vs jsonschema-rs, python-jsonschema, fastjsonschema: ratios in one run.

    .venv/bin/python bench/schema.py [--quick] [--engine-paths] [--only SUBSTRING]

Cases (from issue 4): a GeoJSON schema on canada.json, a citm_catalog schema,
a ~2 KB API object (valid and invalid), a recursive tree, an OpenAPI-style
schema with many $refs. For each: is_valid time per call of every library,
and ratio = peer time / schemafast time (> 1 means schemafast is faster).
Also iter_errors on the invalid API object vs python-jsonschema (same errors
checked), validator construction time, and verdict agreement on every case.
"""
from __future__ import annotations

import sys

# bench/ holds json.py (jsonfast's bench): keep it from shadowing the stdlib.
if sys.path and sys.path[0] == __import__("os").path.dirname(__import__("os").path.abspath(__file__)):
    sys.path.pop(0)

import copy  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import time
from pathlib import Path

import fastjsonschema
import jsonschema
import jsonschema_rs

import schemafast

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from benchresults import record  # noqa: E402

def _corpus() -> Path:
    """GOACCEL_CORPUS, else the nearest ../shared/corpus above the repo."""
    if os.environ.get("GOACCEL_CORPUS"):
        return Path(os.environ["GOACCEL_CORPUS"])
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "corpus").is_dir():
            return parent / "shared" / "corpus"
    raise SystemExit("corpus not found: set GOACCEL_CORPUS")


CORPUS = _corpus()
QUICK = "--quick" in sys.argv
# --only api: just the is_valid cases whose name contains it (A/B runs).
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None


def load(name):
    return json.loads((CORPUS / "json" / name).read_text())


NUM = {"type": "number"}
POSITION = {"type": "array", "items": NUM, "minItems": 2, "maxItems": 3}
GEOJSON = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                "properties": {"type": ["object", "null"]},
                "geometry": {
                    "type": "object",
                    "required": ["type", "coordinates"],
                    "properties": {
                        "type": {"enum": ["Polygon", "MultiPolygon", "Point", "LineString"]},
                        "coordinates": {"type": "array", "items": {"type": "array", "items": POSITION}},
                    },
                },
            },
        }},
    },
}

ID = {"type": "integer", "minimum": 0}
NAMES = {"type": "object", "additionalProperties": {"type": "string"}}
CITM = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["areaNames", "events", "performances", "venueNames"],
    "properties": {
        "areaNames": NAMES, "audienceSubCategoryNames": NAMES, "blockNames": NAMES,
        "seatCategoryNames": NAMES, "subTopicNames": NAMES, "subjectNames": NAMES,
        "topicNames": NAMES, "venueNames": NAMES,
        "topicSubTopics": {"type": "object", "additionalProperties": {"type": "array", "items": ID}},
        "events": {"type": "object", "additionalProperties": {
            "type": "object",
            "required": ["id", "name", "topicIds", "subTopicIds"],
            "properties": {
                "id": ID, "name": {"type": "string"},
                "description": {"type": ["string", "null"]}, "logo": {"type": ["string", "null"]},
                "subjectCode": {"type": ["string", "null"]}, "subtitle": {"type": ["string", "null"]},
                "subTopicIds": {"type": "array", "items": ID}, "topicIds": {"type": "array", "items": ID},
            },
        }},
        "performances": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "eventId", "prices", "seatCategories", "start"],
            "properties": {
                "id": ID, "eventId": ID, "logo": {"type": ["string", "null"]},
                "name": {"type": ["string", "null"]}, "start": ID, "venueCode": {"type": "string"},
                "prices": {"type": "array", "items": {"type": "object", "required": ["amount"], "properties": {
                    "amount": ID, "audienceSubCategoryId": ID, "seatCategoryId": ID}}},
                "seatCategories": {"type": "array", "items": {"type": "object", "properties": {
                    "seatCategoryId": ID,
                    "areas": {"type": "array", "items": {"type": "object", "properties": {
                        "areaId": ID, "blockIds": {"type": "array"}}}},
                }}},
            },
        }},
    },
}

API_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "user", "items", "shipping", "payment", "created"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^ord_[a-z0-9]{8}$"},
        "created": {"type": "string", "minLength": 10},
        "note": {"type": ["string", "null"], "maxLength": 500},
        "tags": {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True, "maxItems": 10},
        "user": {
            "type": "object", "required": ["id", "email", "name"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "email": {"type": "string", "pattern": "^[^@]+@[^@]+$"},
                "name": {"type": "string", "minLength": 1, "maxLength": 100},
                "age": {"type": "integer", "minimum": 0, "maximum": 150},
                "roles": {"type": "array", "items": {"enum": ["admin", "staff", "customer"]}},
            },
        },
        "items": {
            "type": "array", "minItems": 1, "maxItems": 100,
            "items": {
                "type": "object", "required": ["sku", "quantity", "price"],
                "properties": {
                    "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
                    "quantity": {"type": "integer", "minimum": 1},
                    "price": {"type": "number", "exclusiveMinimum": 0},
                    "options": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        },
        "shipping": {
            "type": "object", "required": ["address", "method"],
            "properties": {
                "method": {"enum": ["standard", "express", "pickup"]},
                "address": {
                    "type": "object", "required": ["line1", "city", "country"],
                    "properties": {
                        "line1": {"type": "string"}, "line2": {"type": "string"},
                        "city": {"type": "string"}, "zip": {"type": "string", "maxLength": 12},
                        "country": {"type": "string", "minLength": 2, "maxLength": 2},
                    },
                },
            },
        },
        "payment": {
            "oneOf": [
                {"type": "object", "required": ["card"], "properties": {"card": {"type": "object", "required": ["last4"], "properties": {"last4": {"type": "string", "pattern": "^[0-9]{4}$"}}}}},
                {"type": "object", "required": ["iban"], "properties": {"iban": {"type": "string", "minLength": 15}}},
            ],
        },
    },
}
API_VALID = {
    "id": "ord_1a2b3c4d", "created": "2024-05-01T12:00:00Z", "note": "leave at the door, please",
    "tags": ["gift", "priority", "fragile"],
    "user": {"id": 42, "email": "ada@example.com", "name": "Ada Lovelace", "age": 36, "roles": ["customer", "staff"]},
    "items": [{"sku": f"ABC-{1000 + i}", "quantity": i + 1, "price": 9.99 + i, "options": {"color": "red", "size": "M"}} for i in range(12)],
    "shipping": {"method": "express", "address": {"line1": "12 Analytical St", "city": "London", "zip": "N1 9GU", "country": "GB"}},
    "payment": {"card": {"last4": "4242"}},
}
API_INVALID = copy.deepcopy(API_VALID)
API_INVALID["user"]["email"] = "not-an-email"
API_INVALID["user"]["age"] = -3
del API_INVALID["shipping"]["address"]["city"]
API_INVALID["items"][3]["quantity"] = 0
API_INVALID["items"][5]["sku"] = "bad"
API_INVALID["extra"] = True

TREE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$ref": "#/$defs/node",
    "$defs": {"node": {
        "type": "object", "required": ["value"],
        "properties": {"value": {"type": "integer"}, "label": {"type": "string"},
                       "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
    }},
}


def tree(depth, fan):
    node = {"value": depth, "label": f"n{depth}"}
    if depth:
        node["children"] = [tree(depth - 1, fan) for _ in range(fan)]
    return node


TREE = tree(6, 3)

OPENAPI = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$ref": "#/$defs/Order",
    "$defs": {
        "Id": {"type": "integer", "minimum": 1},
        "Money": {"type": "object", "required": ["amount", "currency"], "properties": {"amount": {"type": "number"}, "currency": {"$ref": "#/$defs/Currency"}}},
        "Currency": {"type": "string", "enum": ["EUR", "USD", "GBP"]},
        "Address": {"type": "object", "required": ["city"], "properties": {"street": {"type": "string"}, "city": {"type": "string"}, "country": {"$ref": "#/$defs/Country"}}},
        "Country": {"type": "string", "minLength": 2, "maxLength": 2},
        "Customer": {"type": "object", "required": ["id", "name"], "properties": {"id": {"$ref": "#/$defs/Id"}, "name": {"type": "string"}, "address": {"$ref": "#/$defs/Address"}, "billing": {"$ref": "#/$defs/Address"}}},
        "Product": {"type": "object", "required": ["id", "price"], "properties": {"id": {"$ref": "#/$defs/Id"}, "title": {"type": "string"}, "price": {"$ref": "#/$defs/Money"}, "tags": {"type": "array", "items": {"$ref": "#/$defs/Tag"}}}},
        "Tag": {"type": "string", "maxLength": 20},
        "Line": {"type": "object", "required": ["product", "qty"], "properties": {"product": {"$ref": "#/$defs/Product"}, "qty": {"$ref": "#/$defs/Id"}, "discount": {"$ref": "#/$defs/Money"}}},
        "Order": {"type": "object", "required": ["id", "customer", "lines"], "properties": {"id": {"$ref": "#/$defs/Id"}, "customer": {"$ref": "#/$defs/Customer"}, "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}}, "total": {"$ref": "#/$defs/Money"}}},
    },
}
ORDER = {
    "id": 7,
    "customer": {"id": 3, "name": "Grace", "address": {"street": "1 Main", "city": "Paris", "country": "FR"}, "billing": {"city": "Paris", "country": "FR"}},
    "lines": [{"product": {"id": i + 1, "title": f"p{i}", "price": {"amount": 3.5 * i, "currency": "EUR"}, "tags": ["a", "b"]}, "qty": 2, "discount": {"amount": 1, "currency": "EUR"}} for i in range(20)],
    "total": {"amount": 100.0, "currency": "EUR"},
}


def cases():
    return [
        ("geojson/canada", GEOJSON, load("canada.json")),
        ("citm_catalog", CITM, load("citm_catalog.json")),
        ("api 2KB valid", API_SCHEMA, API_VALID),
        ("api 2KB invalid", API_SCHEMA, API_INVALID),
        ("recursive tree", TREE_SCHEMA, TREE),
        ("openapi $refs", OPENAPI, ORDER),
    ]


def timeit(fn, budget):
    """CPU seconds per call (process time: on a shared, busy machine it
    leaves out the time other processes hold the CPU). Calls run in
    batches of about 2 ms between clock reads: reading the process CPU
    clock is a system call (~0.5 us), which per call would swamp the
    small cases and pull every ratio towards 1."""
    fn()
    batch, start = 1, time.process_time()
    while True:  # calibrate the batch size
        t0 = time.process_time()
        for _ in range(batch):
            fn()
        if time.process_time() - t0 > 0.002 or batch >= 1 << 20:
            break
        batch *= 2
    n, start = 0, time.process_time()
    while True:
        for _ in range(batch):
            fn()
        n += batch
        el = time.process_time() - start
        if el > budget:
            return el / n


def best(fn, budget, rounds=5):
    return min(timeit(fn, budget) for _ in range(rounds))


def fast_is_valid(f):
    def run(x):
        try:
            f(x)
            return True
        except fastjsonschema.JsonSchemaException:
            return False
    return run


def main():
    budget = 0.1 if QUICK else 0.4
    print(f"schemafast bench: is_valid CPU seconds per call (best of 5 interleaved rounds) and ratio peer/schemafast; budget {budget}s")
    print(f"{'case':18} {'schemafast':>11} {'jsonschema-rs':>14} {'x':>6} {'python-js':>11} {'x':>7} {'fastjs':>10} {'x':>6}  verdicts")
    for name, schema, doc in cases():
        if ONLY is not None and ONLY not in name:
            continue
        sf = schemafast.validators.validator_for(schema)(schema)
        rs = jsonschema_rs.validator_for(schema)
        pj = jsonschema.validators.validator_for(schema)(schema)
        fj = fast_is_valid(fastjsonschema.compile(schema))
        verdicts = {"sf": sf.is_valid(doc), "rs": rs.is_valid(doc), "pj": pj.is_valid(doc), "fj": fj(doc)}
        agree = "agree" if len(set(verdicts.values())) == 1 else f"DISAGREE {verdicts}"
        # Rounds interleave the libraries, so load swings on a shared
        # machine hit all of them alike; best round of each.
        t_sf = t_rs = t_fj = float("inf")
        for _ in range(5):
            t_sf = min(t_sf, timeit(lambda: sf.is_valid(doc), budget / 2))
            t_rs = min(t_rs, timeit(lambda: rs.is_valid(doc), budget / 2))
            t_fj = min(t_fj, timeit(lambda: fj(doc), budget / 2))
        t_pj = timeit(lambda: pj.is_valid(doc), budget)
        record("is_valid", name, {"schemafast": t_sf, "jsonschema-rs": t_rs, "python-jsonschema": t_pj,
                                  "fastjsonschema": t_fj}, ours="schemafast")
        print(f"{name:18} {t_sf:11.3e} {t_rs:14.3e} {t_rs / t_sf:6.2f} {t_pj:11.3e} {t_pj / t_sf:7.1f} {t_fj:10.3e} {t_fj / t_sf:6.2f}  {agree}")
    if ONLY is not None:
        return

    # iter_errors on the invalid API document, against python-jsonschema.
    sf = schemafast.Draft202012Validator(API_SCHEMA)
    pj = jsonschema.Draft202012Validator(API_SCHEMA)

    def key(e):
        return (e.message, tuple(e.path), tuple(e.schema_path), e.validator)

    same = sorted(map(key, sf.iter_errors(API_INVALID))) == sorted(map(key, pj.iter_errors(API_INVALID)))
    t_sf = t_pj = float("inf")
    for _ in range(5):  # interleaved rounds, best of each
        t_sf = min(t_sf, timeit(lambda: list(sf.iter_errors(API_INVALID)), budget / 2))
        t_pj = min(t_pj, timeit(lambda: list(pj.iter_errors(API_INVALID)), budget / 2))
    n = len(list(sf.iter_errors(API_INVALID)))
    record("iter_errors", "api 2KB invalid", {"schemafast": t_sf, "python-jsonschema": t_pj}, ours="schemafast")
    print(f"\niter_errors (api invalid, {n} errors): schemafast {t_sf:.3e}s python-jsonschema {t_pj:.3e}s "
          f"ratio {t_pj / t_sf:.1f}x; same errors: {same}")

    # Compile: every call gets a schema object never seen before (no cache
    # hit). python-jsonschema compiles nothing at construction (it is lazy),
    # so "construct + first is_valid of the document" is measured too.
    def fresh(i):
        s = copy.deepcopy(OPENAPI)
        s["$defs"]["Id"]["minimum"] = i
        return s

    n = 150 if QUICK else 400
    rows = {}
    for lib, make in (
        ("schemafast", lambda s: schemafast.Draft202012Validator(s)),
        ("python-jsonschema", lambda s: jsonschema.Draft202012Validator(s)),
        ("jsonschema-rs", lambda s: jsonschema_rs.validator_for(s)),
    ):
        schemas = [fresh(-(10**6 * len(rows) + i)) for i in range(2 * n)]  # all keep ORDER valid
        t0 = time.process_time()
        for s in schemas[:n]:
            make(s)
        t_construct = (time.process_time() - t0) / n
        t0 = time.process_time()
        for s in schemas[n:]:
            make(s).is_valid(ORDER)
        rows[lib] = (t_construct, (time.process_time() - t0) / n)
    sf_c, sf_f = rows["schemafast"]
    record("compile", "openapi $refs: construct", {k: v[0] for k, v in rows.items()}, ours="schemafast")
    record("compile", "openapi $refs: construct + first is_valid", {k: v[1] for k, v in rows.items()},
           ours="schemafast")
    print("\ncompile (openapi schema, fresh schema each time; seconds, ratio peer/schemafast):")
    for lib, (c, f) in rows.items():
        print(f"  {lib:18} construct {c:.3e} ({c / sf_c:6.2f}x)   construct+first is_valid {f:.3e} ({f / sf_f:6.2f}x)")


def engine_paths():
    """The design decision's evidence: the walker over Python objects vs v6
    on converted values (forced by an always-valid unevaluatedProperties,
    which only v6 implements; it adds some annotation work to v6's side)."""
    from _goaccel import schema as native

    print("\nengine paths (is_valid CPU seconds): walker vs v6 on converted values")
    for name, sch, doc in [c for c in cases() if c[0] in ("geojson/canada", "api 2KB valid", "openapi $refs")]:
        forced = copy.deepcopy(sch)
        forced["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        forced["unevaluatedProperties"] = {}
        walker = schemafast.Draft202012Validator(sch)
        v6 = schemafast.Draft202012Validator(forced)
        assert native.uses_fallback(v6._compile().handle) and not native.uses_fallback(walker._compile().handle)
        budget = 0.1 if QUICK else 0.3
        a, b = best(lambda: walker.is_valid(doc), budget, 3), best(lambda: v6.is_valid(doc), budget, 3)
        print(f"  {name:18} walker {a:.3e}  v6+conversion {b:.3e}  ({b / a:.1f}x slower)")


if __name__ == "__main__":
    main()
    if "--engine-paths" in sys.argv:
        engine_paths()
