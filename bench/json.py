"""jsonfast vs orjson, msgspec, ujson and the standard library's json.

Prints Markdown tables of ratios: peer time / jsonfast time, measured in the
same run (above 1.0: jsonfast is faster). Each cell is the best of several
rounds; the rounds of all contenders are interleaved, so load from other
processes hits them alike. Times are process CPU time (all threads, so Go's
background GC work counts), which other jobs on a shared machine disturb
far less than wall-clock time.

    .venv/bin/python bench/json.py [--quick]

Corpus: $GOACCEL_CORPUS/json or ../shared/corpus/json (twitter, github,
citm_catalog, canada).
"""
from __future__ import annotations

import os
import sys

# This file is named json.py: keep its folder off sys.path so that
# `import json` below is the standard library.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
sys.path.insert(0, os.path.join(_HERE, "lib"))  # benchresults only: no shadowing there

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402
import time  # noqa: E402

import msgspec  # noqa: E402
import orjson  # noqa: E402
import ujson  # noqa: E402

import jsonfast  # noqa: E402
import jsonfast.orjson as jo  # noqa: E402
from benchresults import record  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = pathlib.Path(os.environ.get("GOACCEL_CORPUS", ROOT.parent / "shared" / "corpus")) / "json"

SMALL = {
    "{\"a\": 1}": {"a": 1},
    "10-field API record": {
        "id": 12345, "username": "alice_smith", "email": "alice@example.com", "active": True,
        "score": 98.5, "tags": ["admin", "staff"], "created": "2024-01-15T10:30:00Z",
        "manager_id": None, "ratio": 0.25, "address": {"city": "Paris", "zip": "75001"},
    },
}


# Mid-size API responses (dumps, orjson face only): lists of the record
# above, on both sides of the C encoder's 2 KiB stack buffer
# (python/jsonenc_entry.c), with and without a datetime per record.
_REC = SMALL["10-field API record"]
MEDIUM = {
    "5 API records (1.1 KB)": [_REC] * 5,
    "50 API records (11 KB)": [_REC] * 50,
    "50 API records with datetimes": [
        dict(_REC, created=datetime.datetime(2024, 1, 15, 10, 30, i, tzinfo=datetime.timezone.utc))
        for i in range(50)
    ],
}


def best(fn, number, rounds):
    """Best per-call time over `rounds` rounds of `number` calls."""
    t = float("inf")
    for _ in range(rounds):
        start = time.process_time_ns()
        for _ in range(number):
            fn()
        t = min(t, (time.process_time_ns() - start) / 1e9 / number)
    return t


def race(contenders, budget):
    """Times each contender (name -> fn), interleaving rounds."""
    base = next(iter(contenders.values()))
    start = time.perf_counter()
    for _ in range(10):
        base()
    once = max((time.perf_counter() - start) / 10, 1e-7)
    number = max(1, int(budget / 10 / once))
    times = {name: float("inf") for name in contenders}
    for _ in range(5):
        for name, fn in contenders.items():
            times[name] = min(times[name], best(fn, number, 2))
    return times


def fmt_time(t):
    return f"{t * 1e6:.1f} µs" if t < 1e-3 else f"{t * 1e3:.2f} ms"


def table(title, rows, peers):
    print(f"### {title}\n")
    print("| input | jsonfast | " + " | ".join(f"{p} / jsonfast" for p in peers) + " |")
    print("|---|---:|" + "---:|" * len(peers))
    for name, times in rows:
        own = times["jsonfast"]
        record(title, name, times, ours="jsonfast")
        cells = [f"{times[p] / own:.2f}" if p in times else "—" for p in peers]
        print(f"| {name} | {fmt_time(own)} | " + " | ".join(cells) + " |")
    print()


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="shorter timing budget")
    args = ap.parse_args(argv)
    budget = 0.05 if args.quick else 0.3
    files = sorted(CORPUS.glob("*.json"))
    if not files:
        sys.exit(f"no corpus at {CORPUS} (set GOACCEL_CORPUS)")
    docs = [(p.name, p.read_bytes()) for p in files]
    objs = [(name, json.loads(raw)) for name, raw in docs]
    enc = msgspec.json.Encoder()

    print("## jsonfast\n")
    print(f"Command: `.venv/bin/python bench/json.py{' --quick' if args.quick else ''}`. "
          "Ratios are peer time / jsonfast time (above 1.0: jsonfast is faster); "
          "times are process CPU time per call, best of interleaved rounds.\n")

    rows = []
    for name, obj in objs + list(SMALL.items()) + list(MEDIUM.items()):
        assert jo.dumps(obj) == orjson.dumps(obj)
        contenders = {
            "jsonfast": lambda obj=obj: jo.dumps(obj),
            "orjson": lambda obj=obj: orjson.dumps(obj),
            "msgspec": lambda obj=obj: enc.encode(obj),
            "ujson": lambda obj=obj: ujson.dumps(obj),
        }
        try:
            ujson.dumps(obj)
        except TypeError:  # datetimes: ujson has no encoder for them ("—")
            del contenders["ujson"]
        rows.append((name, race(contenders, budget)))
    table("dumps, orjson face (`jsonfast.orjson.dumps` → bytes)", rows, ["orjson", "msgspec", "ujson"])

    rows = []
    for name, obj in objs + list(SMALL.items()):
        assert jsonfast.dumps(obj) == json.dumps(obj)
        rows.append((name, race({
            "jsonfast": lambda obj=obj: jsonfast.dumps(obj),
            "json": lambda obj=obj: json.dumps(obj),
            "orjson": lambda obj=obj: orjson.dumps(obj),
        }, budget)))
    table("dumps, json face (`jsonfast.dumps` → str, identical to json.dumps)", rows, ["json", "orjson"])

    rows = []
    for name, raw in docs + [(k, json.dumps(v).encode()) for k, v in SMALL.items()]:
        rows.append((name, race({
            "jsonfast": lambda raw=raw: jo.loads(raw),
            "orjson": lambda raw=raw: orjson.loads(raw),
            "msgspec": lambda raw=raw: msgspec.json.decode(raw),
            "ujson": lambda raw=raw: ujson.loads(raw),
        }, budget)))
    table("loads, orjson face (`jsonfast.orjson.loads`, bytes in)", rows, ["orjson", "msgspec", "ujson"])

    rows = []
    for name, raw in docs + [(k, json.dumps(v).encode()) for k, v in SMALL.items()]:
        text = raw.decode()
        rows.append((name, race({
            "jsonfast": lambda text=text: jsonfast.loads(text),
            "json": lambda text=text: json.loads(text),
        }, budget)))
    table("loads, json face (`jsonfast.loads`, str in)", rows, ["json"])


if __name__ == "__main__":
    main()
