"""The official JSON-Schema-Test-Suite against schemafast.

Drafts 4, 6, 7, 2019-09 and 2020-12: every required test, plus
optional/format/* with format assertion on (FORMAT_CHECKER). Remote
references are served from the suite's remotes/ folder through the
registry (http://localhost:1234/...), never the network.

    .venv/bin/pytest tests/conformance/test_json_schema_suite.py   # asserts, prints the table
    .venv/bin/python tests/conformance/test_json_schema_suite.py   # the table and every failure

KNOWN_FAILURES lists each test that does not pass with its reason; a test
listed there must still fail (so the list cannot go stale silently).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

import schemafast


def _suite_dir() -> Path:
    if os.environ.get("GOACCEL_CORPUS"):
        return Path(os.environ["GOACCEL_CORPUS"]) / "json-schema-test-suite"
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "corpus").is_dir():
            return parent / "shared" / "corpus" / "json-schema-test-suite"
    raise RuntimeError("corpus not found: set GOACCEL_CORPUS")


SUITE = _suite_dir()

DRAFTS = {
    "draft4": schemafast.Draft4Validator,
    "draft6": schemafast.Draft6Validator,
    "draft7": schemafast.Draft7Validator,
    "draft2019-09": schemafast.Draft201909Validator,
    "draft2020-12": schemafast.Draft202012Validator,
}

# (draft, file, group description, test description) -> reason
KNOWN_FAILURES: dict[tuple, str] = {}


def _remotes() -> dict:
    out = {}
    root = SUITE / "remotes"
    for path in sorted(root.rglob("*.json")):
        rel = path.relative_to(root).as_posix()
        out[f"http://localhost:1234/{rel}"] = json.loads(path.read_text())
    return out


REMOTES = _remotes()


def _files(draft: str) -> list[Path]:
    base = SUITE / "tests" / draft
    return sorted(base.glob("*.json")) + sorted((base / "optional" / "format").glob("*.json"))


def run_draft(draft: str) -> list[tuple]:
    """[(file, group, test, passed, reason)] for one draft."""
    cls = DRAFTS[draft]
    results = []
    for path in _files(draft):
        rel = path.relative_to(SUITE / "tests" / draft).as_posix()
        fmt = schemafast.FORMAT_CHECKER if rel.startswith("optional/format") else None
        for group in json.loads(path.read_text()):
            try:
                validator = cls(group["schema"], registry=REMOTES, format_checker=fmt)
                compile_error = None
            except Exception as e:  # noqa: BLE001 - reported per test below
                validator, compile_error = None, e
            for test in group["tests"]:
                key = (rel, group["description"], test["description"])
                try:
                    if compile_error is not None:
                        raise compile_error
                    got = validator.is_valid(test["data"])
                    errors = list(validator.iter_errors(test["data"]))
                    if got != test["valid"]:
                        reason = f"is_valid={got}, expected {test['valid']}"
                    elif got == bool(errors):
                        reason = f"is_valid={got} but iter_errors gave {len(errors)} errors"
                    else:
                        reason = ""
                except Exception as e:  # noqa: BLE001
                    reason = f"raised {type(e).__name__}: {e}"
                results.append((*key, not reason, reason))
    return results


_cache: dict = {}


def results_for(draft: str) -> list[tuple]:
    if draft not in _cache:
        _cache[draft] = run_draft(draft)
    return _cache[draft]


def table() -> str:
    lines = [f"{'draft':14} {'required':>16} {'optional/format':>18} {'total':>16}"]
    for draft in DRAFTS:
        res = results_for(draft)
        req = [r for r in res if not r[0].startswith("optional/")]
        fmt = [r for r in res if r[0].startswith("optional/")]

        def cell(rs):
            return f"{sum(r[3] for r in rs)}/{len(rs)}"

        lines.append(f"{draft:14} {cell(req):>16} {cell(fmt):>18} {cell(res):>16}")
    for draft in DRAFTS:
        for f, g, t, ok, reason in results_for(draft):
            if not ok:
                known = KNOWN_FAILURES.get((draft, f, g, t))
                lines.append(f"FAIL {draft} {f} | {g} | {t}: {reason}" + (f" [known: {known}]" if known else ""))
    return "\n".join(lines)


@pytest.mark.parametrize("draft", list(DRAFTS))
def test_suite(draft):
    res = results_for(draft)
    assert len(res) > 100
    unexpected = [(f, g, t, reason) for f, g, t, ok, reason in res
                  if not ok and (draft, f, g, t) not in KNOWN_FAILURES]
    assert not unexpected, "\n".join(map(str, unexpected))
    passing_known = [(f, g, t) for f, g, t, ok, _ in res if ok and (draft, f, g, t) in KNOWN_FAILURES]
    assert not passing_known, f"now passing, remove from KNOWN_FAILURES: {passing_known}"


def test_print_table(capsys):
    text = table()
    with capsys.disabled():
        print("\nJSON-Schema-Test-Suite (schemafast):\n" + text)
    assert "draft2020-12" in text


if __name__ == "__main__":
    print(table())
