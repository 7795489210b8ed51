"""DRF response rendering on the demo's real list payload (100 products), and
the logging formatter: goaccel's classes vs the stock ones, in the same run.

    .venv/bin/python bench/django.py [--quick]

The payload is the first page of GET /api/products/ of examples/django (built
by the demo's own serializers from a seeded temporary database). A goaccel
class that this build does not have yet is reported as missing, not skipped
silently; its output must be byte-identical to the stock renderer's.
"""
from __future__ import annotations

import os
import sys

# This file is named django.py: keep its folder off sys.path so that
# `import django` finds the real package.
if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))  # benchresults only

import argparse  # noqa: E402
import importlib  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "examples" / "django"

PAIRS = [
    # (what, stock class, goaccel class, media type, target ratio)
    ("JSON list render (100 records)", "rest_framework.renderers.JSONRenderer",
     "jsonfast.drf.JSONRenderer", "application/json", 5.0),
    ("XML list render (100 records)", "rest_framework_xml.renderers.XMLRenderer",
     "xmlfast.drf.XMLRenderer", "application/xml", 10.0),
]


def load(dotted: str):
    module, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def demo_payload(tmp: str):
    os.environ.update(DJANGO_SETTINGS_MODULE="demo_project.settings",
                      GOACCEL_DEMO_DB=os.path.join(tmp, "bench.sqlite3"),
                      GOACCEL_DEMO_LOG_LEVEL="WARNING", GOACCEL_DEMO_STACK="stock")
    sys.path.insert(0, str(APP_DIR))
    import django

    django.setup()
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from catalog.setup import ensure_database
    from catalog.views import ProductViewSet

    ensure_database()
    view = ProductViewSet()
    view.action = "list"
    view.format_kwarg = None
    view.request = Request(APIRequestFactory().get("/api/products/"))
    page = view.paginate_queryset(view.filter_queryset(view.get_queryset()))
    return view.get_paginated_response(view.get_serializer(page, many=True).data).data


def best_us(fn, rounds: int, number: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best * 1e6


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    rounds, number = (5, 20) if args.quick else (15, 50)
    with tempfile.TemporaryDirectory() as tmp:
        data = demo_payload(tmp)
    print("### Django/DRF: rendering the demo's product list")
    print()
    print("`.venv/bin/python bench/django.py`: µs per response, best of %d rounds of %d; "
          "ratio = stock time / goaccel time." % (rounds, number))
    print()
    print("| what | stock | µs | goaccel | µs | ratio | target |")
    print("|---|---|---:|---|---:|---:|---:|")
    for what, stock_path, fast_path, media, target in PAIRS:
        stock_cls, fast_cls = load(stock_path), load(fast_path)
        stock = stock_cls()
        ctx = {"indent": None}
        want = stock.render(data, media, ctx)
        t_stock = best_us(lambda: stock.render(data, media, ctx), rounds, number)
        if fast_cls is None:
            print("| %s | `%s` | %.1f | `%s` | not in this build | | %.0fx |"
                  % (what, stock_path, t_stock, fast_path, target))
            continue
        fast = fast_cls()
        got = fast.render(data, media, ctx)
        if got != want:
            print("MISMATCH: %s renders differently from %s" % (fast_path, stock_path))
            return 1
        t_fast = best_us(lambda: fast.render(data, media, ctx), rounds, number)
        from benchresults import record
        record("DRF list render", what, {"stock": t_stock / 1e6, "goaccel": t_fast / 1e6}, ours="goaccel")
        print("| %s | `%s` | %.1f | `%s` | %.1f | %.2fx | %.0fx |"
              % (what, stock_path, t_stock, fast_path, t_fast, t_stock / t_fast, target))
    print()
    print("The logging `format()` target (3x) is measured by bench/logging.py.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
