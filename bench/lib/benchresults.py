"""Raw numbers of a benchmark run, for scripts/bench's report and plots.

A benchmark script calls `record(...)` once per measured row, next to where
it prints that row. When the environment variable GOACCEL_BENCH_JSON names a
file (scripts/bench sets it), each call appends one JSON object to it at
once, so a script that fails half way still leaves what it measured. Without
the variable, `record` does nothing: the scripts keep working on their own.

This module lives in bench/lib/ (not bench/) so importing it never puts
bench/json.py, bench/logging.py or bench/xml.py in front of the standard
library's modules of the same names.

    values: {implementation: number}; ours: the goaccel implementation's key;
    unit: "s" (time per call, lower is better), "rps" (higher is better),
    "ms" (latency, lower is better) or "MB".
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, Mapping, Optional

ENV = "GOACCEL_BENCH_JSON"


def record(table: str, row: str, values: Mapping[str, float], *, ours: str, unit: str = "s",
           extra: Optional[Dict[str, Any]] = None) -> None:
    path = os.environ.get(ENV)
    if not path:
        return
    obj = {"script": os.path.basename(sys.argv[0]), "table": table, "row": row, "ours": ours,
           "unit": unit, "values": {k: float(v) for k, v in values.items() if v is not None}}
    if extra:
        obj["extra"] = extra
    with open(path, "a") as f:
        f.write(json.dumps(obj) + "\n")
