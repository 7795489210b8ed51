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

import argparse  # noqa: E402
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


def best_us_per_record(fmt: logging.Formatter, recs: list, rounds: int) -> list[float]:
    out = []
    f = fmt.format
    for _ in range(rounds):
        t0 = time.perf_counter()
        for r in recs:
            f(r)
        out.append((time.perf_counter() - t0) / len(recs) * 1e6)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    recs = make_records(400 if args.quick else 2000)
    rounds = 5 if args.quick else 15
    print("format() per record, best of %d interleaved rounds over %d records (µs)"
          % (rounds, len(recs)))
    print("%-32s %12s %12s %8s" % ("configuration", "pjl 4.2.0", "jsonfast", "ratio"))
    ratios = []
    for name, kw in CONFIGS:
        p, f = PjlFormatter(**kw), FastFormatter(**kw)
        for r in recs:  # warm caches, and check the outputs agree
            if p.format(r) != f.format(r):
                if "asctime" not in str(kw.get("fmt")):
                    print("MISMATCH in %s" % name)
                    return 1
        tp, tf = [], []
        for _ in range(rounds):  # interleave: both see the same machine load
            tp += best_us_per_record(p, recs, 1)
            tf += best_us_per_record(f, recs, 1)
        ratio = min(tp) / min(tf)
        ratios.append(ratio)
        print("%-32s %12.2f %12.2f %7.2fx" % (name, min(tp), min(tf), ratio))
    geo = 1.0
    for r in ratios:
        geo *= r
    geo **= 1 / len(ratios)
    print("%-32s %12s %12s %7.2fx" % ("geometric mean", "", "", geo))
    return 0


if __name__ == "__main__":
    sys.exit(main())
