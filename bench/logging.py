"""format() speed: jsonfast.logging.JsonFormatter vs python-json-logger 4.2.0.

Both formatters get the same records and arguments in the same run; each
configuration is timed in interleaved rounds and the best round of each is
kept, so the printed ratio is robust to a busy machine. Run:

    .venv/bin/python bench/logging.py [--quick]
"""
from __future__ import annotations

import os
import sys

# This file is named logging.py: keep its folder off sys.path so that
# `import logging` below finds the standard library's module.
if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))  # benchresults only

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

from pythonjsonlogger.json import JsonFormatter as PjlFormatter

from jsonfast.logging import JsonFormatter as FastFormatter

FMT = "%(asctime)s %(levelname)s %(name)s %(message)s"

# (name, constructor kwargs)
CONFIGS = [
    ("fmt only", dict(fmt="%(levelname)s %(name)s %(message)s")),
    ("fmt with asctime", dict(fmt=FMT)),
    ("asctime + timestamp", dict(fmt=FMT, timestamp=True)),
    ("rename + static", dict(fmt=FMT, rename_fields={"levelname": "level", "asctime": "time"},
                             static_fields={"service": "demo", "env": "bench"})),
    ("{-style, datefmt", dict(fmt="{asctime} {levelname} {message}", style="{",
                              datefmt="%Y-%m-%dT%H:%M:%S")),
    ("field list, ensure_ascii=False", dict(fmt=["levelname", "name", "message"],
                                            json_ensure_ascii=False)),
]


def make_records(n: int) -> list[logging.LogRecord]:
    log = logging.getLogger("demo.http")
    recs = []
    for i in range(n):
        if i % 4 == 0:
            r = log.makeRecord("demo.http", logging.INFO, "/app/views.py", 42,
                               "GET %s -> %d", ("/api/items/%d" % i, 200), None,
                               extra={"status": 200, "duration_ms": 1.5 + i, "user": "alice",
                                      "request_id": "r-%06d" % i})
        elif i % 4 == 1:
            r = log.makeRecord("demo.db", logging.DEBUG, "/app/db.py", 7,
                               "query took %.3f ms", (0.25 * i,), None)
        elif i % 4 == 2:
            r = log.makeRecord("demo.app", logging.WARNING, "/app/svc.py", 99,
                               "cache miss for key %r", ("item:%d" % i,), None,
                               extra={"key": "item:%d" % i, "hits": i, "ratio": 0.5})
        else:
            r = log.makeRecord("demo.app", logging.INFO, "/app/svc.py", 120,
                               "plain message with unicode é ✓", (), None, extra={"tags": ["a", "b"]})
        recs.append(r)
    return recs


CHUNK = 100  # records per timed sample; make_records repeats a 4-record mix, so chunks are alike


def best(formatters: list, recs: list, rounds: int) -> list[float]:
    """Best µs/record of each formatter.

    The formatters take turns chunk by chunk, and each keeps its fastest chunk:
    on a shared, busy machine the minimum over many short samples is what
    stays comparable between the formatters of one run.
    """
    chunks = [recs[i:i + CHUNK] for i in range(0, len(recs) - CHUNK + 1, CHUNK)]
    best_t = [float("inf")] * len(formatters)
    clock = time.perf_counter
    for _ in range(rounds):
        for chunk in chunks:
            for i, fmt in enumerate(formatters):
                f = fmt.format
                t0 = clock()
                for r in chunk:
                    f(r)
                dt = clock() - t0
                if dt < best_t[i]:
                    best_t[i] = dt
    return [t / CHUNK * 1e6 for t in best_t]


def jsonfast_engine():
    """jsonfast.dumps as the serializer factory, when this build has it."""
    import jsonfast

    dumps = getattr(jsonfast, "dumps", None)
    if dumps is None:
        return None

    def make(default, indent, ensure_ascii):
        return lambda obj: dumps(obj, default=default, indent=indent, ensure_ascii=ensure_ascii)
    return make


def geomean(xs: list[float]) -> float:
    g = 1.0
    for x in xs:
        g *= x
    return g ** (1 / len(xs))


def ablation(jl, recs: list, rounds: int) -> None:
    """Where the speed comes from: jsonfast.logging with its steps turned on one by one."""

    class Generic(FastFormatter):  # an overridden hook: the step-by-step (non-fused) path
        def process_log_record(self, log_data):
            return log_data

    def per_call_dumps(obj, **kw):  # json.dumps as python-json-logger calls it
        return json.dumps(obj, **kw)

    steps = [
        ("python-json-logger 4.2.0", lambda kw: PjlFormatter(**kw)),
        ("plan, json.dumps per record", lambda kw: Generic(**kw, json_serializer=per_call_dumps)),
        ("+ encoder built once (_make_dumps)", lambda kw: Generic(**kw)),
        ("+ fused path, no compiled shapes", lambda kw: FastFormatter(**kw)),
        ("+ compiled dict builder per shape", lambda kw: FastFormatter(**kw)),
        ("+ direct JSON text per shape (Python f-string)", lambda kw: FastFormatter(**kw)),
        ("+ the shape's text written by Go (all)", lambda kw: FastFormatter(**kw)),
    ]
    per_step: list[list[float]] = [[] for _ in steps]
    for _, kw in CONFIGS:
        fs = []
        for i, (_, make) in enumerate(steps):
            f = make(kw)
            for r in recs:  # build the plan and compile the shapes
                f.format(r)
            plan = getattr(f, "_plan", None)
            if i == 5:  # the f-string renderers only
                plan.go_table = None
            if i in (3, 4):  # take back what the later steps add
                plan.go_table = None
                plan.direct = False
                plan.renders.clear()
                for entry in plan.shapes.values():
                    entry.render = None
                    if i == 3:
                        entry.build = None
                        entry.seen = -10**9  # never compiled again
            fs.append(f)
        for i, t in enumerate(best(fs, recs, max(1, rounds // 2))):
            per_step[i].append(t)
    print()
    print("Where the speed comes from: jsonfast.logging with its steps turned on one by one "
          "(geometric mean over the configurations above).")
    print()
    print("| step | µs per record | vs python-json-logger | vs previous step |")
    print("|---|---:|---:|---:|")
    base = geomean(per_step[0])
    prev = base
    for (name, _), times in zip(steps, per_step):
        g = geomean(times)
        print("| %s | %.2f | %.2fx | %.2fx |" % (name, g, base / g, prev / g))
        prev = g


def main() -> int:
    import jsonfast.logging as jl

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    recs = make_records(400 if args.quick else 1000)
    rounds = 3 if args.quick else 10
    stdlib_make = jl._make_dumps
    engine = jsonfast_engine()

    print("### Logging: `format()`, jsonfast.logging vs python-json-logger 4.2.0")
    print()
    print("`.venv/bin/python bench/logging.py`: µs per record, the best %d-record sample of %d "
          "(the formatters take turns); ratio = python-json-logger time / jsonfast.logging time."
          % (CHUNK, rounds * (len(recs) // CHUNK)))
    print()
    head = "| configuration | python-json-logger | jsonfast.logging | ratio |"
    rule = "|---|---:|---:|---:|"
    if engine:
        head += " jsonfast.logging + jsonfast.dumps | ratio |"
        rule += "---:|---:|"
    print(head)
    print(rule)
    cols: list[list[float]] = [[], []]
    for name, kw in CONFIGS:
        p, f = PjlFormatter(**kw), FastFormatter(**kw)
        fs = [p, f]
        if engine:
            jl._make_dumps = engine
            fs.append(FastFormatter(**kw))
            jl._make_dumps = stdlib_make
        for r in recs:  # warm the caches, and check the outputs agree
            want = p.format(r)
            for other in fs[1:]:
                if other.format(r) != want:
                    print("MISMATCH in %s:\n%s\n%s" % (name, want, other.format(r)))
                    return 1
        t = best(fs, recs, rounds)
        from benchresults import record
        record("format()", name, {"python-json-logger": t[0] / 1e6, "jsonfast.logging": t[1] / 1e6},
               ours="jsonfast.logging")
        line = "| %s | %.2f | %.2f | %.2fx |" % (name, t[0], t[1], t[0] / t[1])
        cols[0].append(t[0] / t[1])
        if engine:
            line += " %.2f | %.2fx |" % (t[2], t[0] / t[2])
            cols[1].append(t[0] / t[2])
        print(line)
    line = "| **geometric mean** | | | **%.2fx** |" % geomean(cols[0])
    if engine:
        line += " | **%.2fx** |" % geomean(cols[1])
    print(line)
    print()
    print("jsonfast.logging writes repeated record shapes in Go (jsonfast/logrecord.go); other "
          "records serialise through `jsonfast.logging._make_dumps` (the standard json's C encoder)"
          + ("; the last columns point that at `jsonfast.dumps`." if engine
             else "; `jsonfast.dumps` is not in this build."))
    ablation(jl, recs, rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
