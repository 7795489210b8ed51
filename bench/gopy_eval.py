"""Measures gopy-bound Go against _goaccel.core.to_go for passing a dict/list tree to Go.

Driven by bench/gopy_eval.sh, which builds the gopy package; usage:
    .venv/bin/python bench/gopy_eval.py <dir holding the gopy 'gtree' package> <corpus dir>
Prints median microseconds per call over repeated runs and the ratio to to_go,
all measured in this one process. Then, in child processes: coexistence of the
two Go runtimes, and what a Go panic does through each binding.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any, Callable

import orjson

if len(sys.argv) != 3:
    sys.exit("usage: gopy_eval.py GOPY_PKG_DIR CORPUS_DIR (run bench/gopy_eval.sh instead)")
GOPY_DIR, CORPUS = sys.argv[1], sys.argv[2]
sys.path.insert(0, GOPY_DIR)


def api_response(n: int = 1000) -> list[dict[str, Any]]:
    return [
        {"id": i, "name": f"user{i}", "email": f"user{i}@example.com",
         "active": i % 2 == 0, "score": i * 0.5, "tags": ["a", "b"]}
        for i in range(n)
    ]


def per_call_us(fn: Callable[[], object], budget_s: float = 0.2, repeats: int = 7) -> float:
    """Median over `repeats` runs of the mean per-call time, in microseconds."""
    fn()
    n, t0 = 1, time.perf_counter()
    while time.perf_counter() - t0 < budget_s / 10:  # calibrate calls per run
        fn()
        n += 1
    runs = []
    for _ in range(repeats):
        t = time.perf_counter_ns()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter_ns() - t) / n / 1000)
    return statistics.median(runs)


def measure() -> None:
    from _goaccel import core
    from gtree import go, gtree

    def feed(b: Any, x: Any) -> None:  # the generic route: one gopy call per node
        t = type(x)
        if t is dict:
            b.BeginMap()
            for k, v in x.items():
                b.Key(k)
                feed(b, v)
            b.End()
        elif t is list:
            b.BeginList()
            for v in x:
                feed(b, v)
            b.End()
        elif t is str:
            b.Str(x)
        elif t is bool:
            b.Bool(x)
        elif t is int:
            b.Int(x)
        elif t is float:
            b.Float(x)
        elif x is None:
            b.Null()
        else:
            raise TypeError(type(x).__name__)

    def via_builder(x: Any) -> int:
        b = gtree.NewBuilder()
        feed(b, x)
        return b.Count()

    def via_typed_items(rows: list[dict[str, Any]]) -> int:
        s = gtree.Slice_gtree_Item([
            gtree.Item(ID=r["id"], Name=r["name"], Email=r["email"], Active=r["active"],
                       Score=r["score"], Tags=go.Slice_string(r["tags"]))
            for r in rows])
        return gtree.CountItems(s)

    with open(os.path.join(CORPUS, "json", "twitter.json"), encoding="utf-8") as f:
        twitter = json.load(f)
    cases: dict[str, Any] = {
        "1000 small dicts": api_response(),
        "twitter.json": twitter,
        '{"a": 1}': {"a": 1},
    }
    routes: dict[str, Callable[[Any], int] | None] = {
        "_goaccel to_go (direct reads)": core.to_go,
        "gopy: CountJSON(json.dumps(x))": lambda x: gtree.CountJSON(json.dumps(x)),
        "gopy: CountJSON(orjson.dumps(x).decode())": lambda x: gtree.CountJSON(orjson.dumps(x).decode()),
        "gopy: Builder, one call per node": via_builder,
        "gopy: typed Slice_Item / Map_string_int": None,  # shape-specific, below
    }
    print(f"python {sys.version.split()[0]}, _goaccel go {core.go_version()}")
    for name, x in cases.items():
        want = core.to_go(x)
        print(f"\n{name}  ({want} nodes)")
        base = 0.0
        for route, fn in routes.items():
            if fn is None:
                if name == "1000 small dicts":
                    fn = via_typed_items
                elif name == '{"a": 1}':
                    fn = lambda x: gtree.CountIntMap(gtree.Map_string_int(x))  # noqa: E731
                else:
                    print(f"  {route:44s}  n/a (needs a Go struct per shape)")
                    continue
            got = fn(x)
            assert got == want, (route, got, want)
            us = per_call_us(lambda: fn(x))
            base = base or us
            print(f"  {route:44s} {us:10.2f} us  x{us / base:7.1f}")
        for label, ser in [("json.dumps(x)", json.dumps), ("orjson.dumps(x).decode()", lambda v: orjson.dumps(v).decode())]:
            us = per_call_us(lambda: ser(x))
            print(f"  {'  (of which ' + label + ' alone)':44s} {us:10.2f} us")

    print("\nwhile another Python thread is busy (GIL switch interval "
          f"{sys.getswitchinterval() * 1000:.0f} ms), {{'a': 1}} per call:")
    import threading
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            pass

    th = threading.Thread(target=spin)
    th.start()
    try:
        for route, fn in [("_goaccel to_go (keeps the GIL)", lambda: core.to_go({"a": 1})),
                          ("gopy CountIntMap (releases the GIL per call)",
                           lambda: gtree.CountIntMap(gtree.Map_string_int({"a": 1})))]:
            n, t = 0, time.perf_counter()
            while time.perf_counter() - t < 1.0:
                fn()
                n += 1
            print(f"  {route:44s} {(time.perf_counter() - t) / n * 1e6:10.2f} us  ({n} calls in 1 s)")
    finally:
        stop.set()
        th.join()

    print("\nerror mapping:")
    for label, call in [
        ("gopy CountJSON('{bad')", lambda: gtree.CountJSON("{bad")),
        ("gopy Builder.Int(2**70)", lambda: gtree.NewBuilder().Int(2**70)),
        ("_goaccel to_go({1: 2})", lambda: core.to_go({1: 2})),
        ("_goaccel to_go(object())", lambda: core.to_go(object())),
    ]:
        try:
            call()
            print(f"  {label}: no error")
        except Exception as e:  # noqa: BLE001 - reporting the type is the point
            print(f"  {label}: {type(e).__name__}: {e}")


CHILD_PREEMPT = """
import sys; sys.path.insert(0, {gopy!r})
order = {order!r}
for m in order:
    if m == 'gopy':
        from gtree import gtree
    else:
        import _goaccel
from gtree import gtree
print(round(gtree.PreemptGC(2000), 3))
"""

CHILD_PANIC = """
import sys; sys.path.insert(0, {gopy!r})
{body}
print("survived")
"""


def child(code: str) -> tuple[int, str]:
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    tail = (p.stdout.strip().splitlines() or [""])[-1]
    err = (p.stderr.strip().splitlines() or [""])[0]
    return p.returncode, tail or err


def coexistence() -> None:
    print("\ntwo Go runtimes in one process: runtime.GC() in gopy's runtime while a")
    print("goroutine spins ~2 s in a loop without calls (needs async preemption):")
    for order in (["gopy"], ["_goaccel", "gopy"], ["gopy", "_goaccel"]):
        rc, out = child(CHILD_PREEMPT.format(gopy=GOPY_DIR, order=order))
        print(f"  import order {' then '.join(order):22s} rc={rc}  GC took {out} s")
    print("\nGo panic inside the call:")
    for label, body in [
        ("gopy gtree.Panic('x')", "from gtree import gtree\ngtree.Panic('x')"),
        ("_goaccel core.panic('x')",
         "from _goaccel import core\ntry:\n    core.panic('x')\nexcept SystemError as e:\n    print('SystemError', e)"),
    ]:
        rc, out = child(CHILD_PANIC.format(gopy=GOPY_DIR, body=body))
        print(f"  {label}: rc={rc}  {out}")


if __name__ == "__main__":
    measure()
    coexistence()
