"""Dev benchmark: jsonfast loads vs orjson, msgspec, ujson and stdlib json.

Prints, per corpus file, the best-of-N time per call of each library and the
ratio peer time / jsonfast time (> 1 means jsonfast is faster). Only ratios
from one run mean anything on a shared machine.

    .venv/bin/python bench/json_loads.py [--quick] [--corpus DIR]
"""
from __future__ import annotations

import os
import sys

# bench/json.py (the full JSON benchmark) sits beside this script: keep it
# from shadowing the standard library's json.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from typing import Callable  # noqa: E402

import msgspec  # noqa: E402
import orjson  # noqa: E402
import ujson  # noqa: E402

import jsonfast.decoder as jd  # noqa: E402

DEFAULT_CORPUS = os.environ.get(
    "GOACCEL_CORPUS", os.path.join(HERE, "..", "..", "shared", "corpus"))
FILES = ["twitter", "github", "citm_catalog", "canada"]


CLOCK = time.process_time


def race(fns: dict[str, Callable[[], object]], budget: float) -> dict[str, float]:
    """Best per-call time of each function. The functions take turns in
    short batches, so load from other processes hits them all alike. Time
    is the process's CPU time (all its threads, Go's included) unless
    --wall: on a shared machine, time spent descheduled is not the
    library's."""
    inner = {}
    for name, fn in fns.items():
        fn()
        t0 = CLOCK()
        fn()
        inner[name] = max(1, int(0.01 / max(CLOCK() - t0, 1e-7)))
    best = {name: float("inf") for name in fns}
    end = time.perf_counter() + budget * len(fns)
    rounds = 0
    while time.perf_counter() < end or rounds < 5:
        rounds += 1
        for name, fn in fns.items():
            n = inner[name]
            t0 = CLOCK()
            for _ in range(n):
                fn()
            best[name] = min(best[name], (CLOCK() - t0) / n)
    return best


def fmt(t: float) -> str:
    """A time per call, 10 characters wide: ns below 10 µs, else µs."""
    return f"{t * 1e9:8.0f}ns" if t < 1e-5 else f"{t * 1e6:8.1f}us"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--wall", action="store_true", help="wall-clock time instead of CPU time")
    args = ap.parse_args()
    global CLOCK
    if args.wall:
        CLOCK = time.perf_counter
    budget = 0.3 if args.quick else 1.5
    corpus = args.corpus
    if not os.path.isdir(os.path.join(corpus, "json")):
        corpus = os.path.join(HERE, "..", "..", "..", "shared", "corpus")
    dec = msgspec.json.Decoder()
    small = {"a": b'{"a":1}',
             "record": json.dumps({"id": 12345, "name": "Ada Lovelace", "email": "ada@example.com",
                                   "active": True, "score": 98.5, "tags": ["x", "y"],
                                   "created": "2024-01-02T03:04:05Z", "parent": None,
                                   "count": 7, "ratio": 0.25}).encode()}
    docs = [(f, open(os.path.join(corpus, "json", f + ".json"), "rb").read()) for f in FILES]
    docs += [(k + " (small)", v) for k, v in small.items()]
    print("orjson face (bytes in): time per call; ratio = peer / jsonfast")
    print(f"{'file':22} {'jsonfast':>10} {'orjson':>10} {'msgspec':>10} {'ujson':>10}"
          f" {'x orjson':>9} {'x msgspec':>9} {'x ujson':>9}")
    for name, b in docs:
        assert jd.orjson_loads(b) == orjson.loads(b)
        t = race({
            "jsonfast": lambda: jd.orjson_loads(b),
            "orjson": lambda: orjson.loads(b),
            "msgspec": lambda: dec.decode(b),
            "ujson": lambda: ujson.loads(b),
        }, budget)
        j = t["jsonfast"]
        print(f"{name:22} {fmt(j)} {fmt(t['orjson'])} {fmt(t['msgspec'])}"
              f" {fmt(t['ujson'])} {t['orjson']/j:9.2f} {t['msgspec']/j:9.2f} {t['ujson']/j:9.2f}")
    print()
    print("stdlib face json.loads(str): ratio = stdlib / jsonfast")
    print(f"{'file':22} {'jsonfast':>10} {'stdlib':>10} {'x stdlib':>9}")
    for name, b in docs:
        s = b.decode()
        assert jd.loads(s) == json.loads(s)
        t = race({"jsonfast": lambda: jd.loads(s), "stdlib": lambda: json.loads(s)}, budget)
        j, st = t["jsonfast"], t["stdlib"]
        print(f"{name:22} {fmt(j)} {fmt(st)} {st/j:9.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
