"""A/B of two builds of _goaccel on loads (both faces), in separate processes.

Each round runs one child process per build, alternating, so load from
other jobs on a shared machine hits both alike; each cell is the best
process-CPU time per call over all rounds. Peers (orjson, msgspec, json)
are re-measured in every child, so every ratio is same-process.

    .venv/bin/python bench/json_loads_ab.py BEFORE_DIR AFTER_DIR [--rounds N]

A build directory holds a _goaccel*.so, e.g. made with
`go build -buildmode=c-shared -o DIR/_goaccel.cpython-311-x86_64-linux-gnu.so ./native`
(CGO_CFLAGS and CGO_LDFLAGS as in setup.py).
"""
from __future__ import annotations

import os
import sys

# bench/json.py sits beside this file: keep it from shadowing json.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

CORPUS = os.path.join(os.environ.get("GOACCEL_CORPUS", os.path.join(HERE, "..", "..", "shared", "corpus")), "json")
FILES = ["twitter", "github", "citm_catalog", "canada"]


def child(build: str) -> None:
    sys.path.insert(0, build)
    import _goaccel
    assert os.path.dirname(os.path.abspath(_goaccel.__file__)) == os.path.abspath(build), _goaccel.__file__
    import msgspec
    import orjson

    import jsonfast.decoder as jd
    dec = msgspec.json.Decoder()
    out = {}
    for name in FILES:
        b = open(os.path.join(CORPUS, name + ".json"), "rb").read()
        s = b.decode()
        # "js"/"json": a fresh str per call, as users pass them (a request
        # body decoded once); "jsr"/"jsonr": one str reused, which lets
        # CPython's cached UTF-8 copy of it (if any) hide the encoding.
        fns = {"jo": (jd.orjson_loads, b), "orjson": (orjson.loads, b), "msgspec": (dec.decode, b),
               "jsr": (jd.loads, s), "jsonr": (json.loads, s),
               "js": (jd.loads, None), "json": (json.loads, None)}
        n = max(2, int(3e6 / len(b)))  # ~3 MB of input per batch
        res = {k: float("inf") for k in fns}
        for _ in range(3):
            for k, (f, x) in fns.items():
                xs = [x] * n if x is not None else [b.decode() for _ in range(n)]
                f(xs[0] if x is not None else b.decode())
                t = time.process_time()
                for x1 in xs:
                    f(x1)
                res[k] = min(res[k], (time.process_time() - t) / n)
                del xs
        out[name] = res
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.before)
    builds = {"before": args.before, "after": args.after}
    best: dict = {v: {} for v in builds}
    for _ in range(args.rounds):
        for v, d in builds.items():
            o = json.loads(subprocess.check_output([sys.executable, __file__, d, d, "--child"]))
            for f, res in o.items():
                for k, t in res.items():
                    cell = best[v].setdefault(f, {})
                    cell[k] = min(cell.get(k, float("inf")), t)
    print(f"process CPU per call, best of {args.rounds} rounds x 3 batches; ratio = peer / jsonfast;"
          " json face: a fresh str per call unless 'reused'")
    print("| file | orjson/jf before | after | msgspec/jf before | after | json/jf before | after "
          "| orjson face µs before -> after | json face µs before -> after "
          "| json/jf reused str before | after |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for f in FILES:
        a, b = best["before"][f], best["after"][f]
        print(f"| {f} | {a['orjson']/a['jo']:.2f} | {b['orjson']/b['jo']:.2f} "
              f"| {a['msgspec']/a['jo']:.2f} | {b['msgspec']/b['jo']:.2f} "
              f"| {a['json']/a['js']:.2f} | {b['json']/b['js']:.2f} "
              f"| {a['jo']*1e6:.0f} -> {b['jo']*1e6:.0f} | {a['js']*1e6:.0f} -> {b['js']*1e6:.0f} "
              f"| {a['jsonr']/a['jsr']:.2f} | {b['jsonr']/b['jsr']:.2f} |")


if __name__ == "__main__":
    main()
