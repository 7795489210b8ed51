"""A long validation loop must not grow RSS (handles, error tuples, format
callbacks and the compile cache are all released)."""
from __future__ import annotations

import gc
import os

import schemafast


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


SCHEMA = {
    "type": "object",
    "required": ["id", "tags"],
    "properties": {
        "id": {"type": "integer", "minimum": 0},
        "name": {"type": "string", "format": "even-len"},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
    },
    "additionalProperties": False,
}


def test_rss_flat_over_many_validations():
    checker = schemafast.FormatChecker()
    checker.checks("even-len")(lambda s: len(s) % 2 == 0)
    v = schemafast.Draft202012Validator(SCHEMA, format_checker=checker)
    good = {"id": 1, "name": "ab", "tags": ["x", "y"]}
    bad = {"id": -1, "name": "abc", "tags": ["x", 1, 2, 3], "zz": 0}

    def run(n):
        for i in range(n):
            v.is_valid(good)
            v.is_valid(bad)  # rejected in C (more keys than properties)
            if i % 10 == 0:
                list(v.iter_errors(bad))
            if i % 1000 == 0:
                schemafast.Draft202012Validator(SCHEMA).is_valid(good)  # cache hit
                schemafast.validate(good, SCHEMA)

    run(100_000)  # warm-up: caches, interned strings, Go heap target
    gc.collect()
    before = rss_mb()
    run(300_000)
    gc.collect()
    grown = rss_mb() - before
    assert grown < 5, f"RSS grew {grown:.1f} MB"
