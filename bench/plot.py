"""Plots for docs/benchmarks.md (matplotlib, PNG into docs/img/).

Inputs are the raw numbers the benchmark scripts record (bench/lib/report.py
calls these functions for `make bench`):
- server ramps: one JSON object per stage, as printed by bench/loadgen
  (fields connections, rps, served_ms{Mean,P50,P90,P95,P99,P999,Max},
  served_curve [[percentile, ms], ...] from the HDR histogram);
- speed bars: {case: {implementation: seconds}} from the product benchmarks.
"""
from __future__ import annotations

import os
import sys

# bench/ holds json.py: keep it off sys.path when run as a script.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import json  # noqa: E402
import math  # noqa: E402
import pathlib  # noqa: E402
from typing import Dict, List, Mapping  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

IMG = pathlib.Path(__file__).resolve().parent.parent / "docs" / "img"


def read_stages(path: pathlib.Path) -> List[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def ramp_plot(ramps: Mapping[str, List[dict]], title: str, name: str) -> pathlib.Path:
    """Throughput and p50/p99 latency against concurrent connections."""
    fig, (ax_rps, ax_lat) = plt.subplots(1, 2, figsize=(12, 4.5))
    for server, stages in ramps.items():
        conns = [s["connections"] for s in stages]
        ax_rps.plot(conns, [s["rps"] for s in stages], marker="o", label=server)
        line, = ax_lat.plot(conns, [s["served_ms"]["P50"] for s in stages], marker="o", label=f"{server} p50")
        ax_lat.plot(conns, [s["served_ms"]["P99"] for s in stages], marker="x", linestyle="--",
                    color=line.get_color(), label=f"{server} p99")
    ax_rps.set(xlabel="concurrent connections", ylabel="requests/s", title="throughput")
    ax_lat.set(xlabel="concurrent connections", ylabel="latency (ms)", title="latency", yscale="log")
    for ax in (ax_rps, ax_lat):
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, name)


def percentile_plot(stages: Mapping[str, dict], title: str, name: str) -> pathlib.Path:
    """Latency percentile curves (p50 … p99.99) per server, one stage each,
    from the HDR histogram's served_curve; x is log(1 / (1 - p)) as in HDR
    plots, so the tail gets the room."""
    keys = [("P50", 50), ("P90", 90), ("P95", 95), ("P99", 99), ("P999", 99.9)]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ticks: Dict[float, str] = {}
    for server, st in stages.items():
        curve = st.get("served_curve") or [[p, st["served_ms"][k]] for k, p in keys]
        xs = [-math.log10(1 - p / 100) for p, _ in curve]
        ax.plot(xs, [ms for _, ms in curve], marker="o", label=server)
        for (p, _), x in zip(curve, xs):
            ticks[x] = "%g" % p
    ax.set_xticks(list(ticks), list(ticks.values()), rotation=45, fontsize=8)
    ax.set(xlabel="percentile", ylabel="latency (ms)", title=title, yscale="log")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return _save(fig, name)


def speed_bars(times: Mapping[str, Mapping[str, float]], title: str, name: str, reference: str,
               log: bool = False) -> pathlib.Path:
    """Bars of speed relative to `reference` (higher is faster) per case."""
    cases = list(times)
    impls: List[str] = []
    for case in cases:
        for impl in times[case]:
            if impl not in impls:
                impls.append(impl)
    fig, ax = plt.subplots(figsize=(max(6, 1.8 * len(cases)), 4.5))
    width = 0.8 / len(impls)
    for i, impl in enumerate(impls):
        values = []
        for case in cases:
            t = times[case].get(impl)
            values.append(times[case][reference] / t if t else 0)
        ax.bar([c + i * width for c in range(len(cases))], values, width, label=impl)
    ax.set_xticks([c + width * (len(impls) - 1) / 2 for c in range(len(cases))], cases, rotation=15, fontsize=8)
    ax.set(ylabel=f"speed relative to {reference}", title=title, yscale="log" if log else "linear")
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return _save(fig, name)


def _save(fig, name: str) -> pathlib.Path:
    IMG.mkdir(parents=True, exist_ok=True)
    path = IMG / name
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def markdown_image(path: pathlib.Path, alt: str) -> str:
    return f"![{alt}](img/{path.name})"


def _demo(argv: List[str]) -> None:
    """`python bench/plot.py ramp a.jsonl b.jsonl` plots ramps by file name."""
    kind, files = argv[0], [pathlib.Path(p) for p in argv[1:]]
    if kind == "ramp":
        ramps: Dict[str, List[dict]] = {p.stem: read_stages(p) for p in files}
        print(ramp_plot(ramps, "concurrency ramp", "ramp.png"))


if __name__ == "__main__":
    import sys

    _demo(sys.argv[1:])
