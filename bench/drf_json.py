"""jsonfast.drf.JSONRenderer / JSONParser vs Django REST framework's own,
measured in the same run.

    .venv/bin/python bench/drf_json.py [--quick]

Prints a Markdown table: CPU µs per call (process CPU time, which other
processes on a shared machine disturb less than wall time), best of several
interleaved rounds, and the ratio DRF time / jsonfast time (above 1.0:
jsonfast is faster).
Every jsonfast output is first checked to be byte-identical to DRF's.

Payloads (100 records, the shape of a ModelSerializer list page):
- "serializer output": what DRF's serializers hand the renderer with the
  default settings — a pagination dict around a ReturnList of dicts whose
  decimals and datetimes are already strings (COERCE_DECIMAL_TO_STRING,
  DATETIME_FORMAT);
- "native values": the same records with Decimal, aware datetime, date and
  UUID objects left for the renderer's encoder (COERCE_DECIMAL_TO_STRING =
  False, DATETIME_FORMAT = None, or `.values()` querysets);
- "OrderedDict records": native values in OrderedDicts (DRF before 3.15,
  and code that still builds them).
"""
from __future__ import annotations

import os
import sys

# bench/ holds json.py and django.py: keep it off sys.path so that the
# imports below find the standard library and the real Django.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
sys.path.insert(0, os.path.join(_HERE, "lib"))  # benchresults only: no shadowing there

import argparse  # noqa: E402
import collections  # noqa: E402
import datetime  # noqa: E402
import decimal  # noqa: E402
import io  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if not settings.configured:
    settings.configure(USE_I18N=True, LANGUAGE_CODE="en", DATABASES={},
                       INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth",
                                       "rest_framework"])
    django.setup()

from rest_framework import parsers as drf_parsers  # noqa: E402
from rest_framework import renderers as drf_renderers  # noqa: E402
from rest_framework.utils.serializer_helpers import ReturnList  # noqa: E402

from benchresults import record as save_result  # noqa: E402
from jsonfast import drf  # noqa: E402

UTC = datetime.timezone.utc
BASE = datetime.datetime(2024, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)


def record(i: int, native: bool, mapping=dict):
    price = decimal.Decimal(f"{(i * 7919) % 100000 / 100:.2f}")
    created = BASE + datetime.timedelta(hours=i * 13, microseconds=i * 977)
    r = mapping()
    r["id"] = i
    r["sku"] = f"SKU-{i:05d}"
    r["name"] = f"Product number {i} — deluxe"
    r["price"] = price if native else str(price)
    r["stock"] = (i * 37) % 500
    r["active"] = i % 3 != 0
    r["category"] = mapping(id=i % 7, name=f"Category {i % 7}", slug=f"category-{i % 7}")
    r["tags"] = [f"tag-{(i + k) % 11}" for k in range(3)]
    r["review_count"] = i % 13
    r["rating"] = round(3 + (i % 20) / 10, 2)
    r["created_at"] = created if native else created.isoformat().replace("+00:00", "Z")
    if native:
        r["release_date"] = created.date()
        r["uuid"] = uuid.UUID(int=i * 0x9E3779B97F4A7C15_F39CC0605CEDC834 % (1 << 128))
    return r


def page(native: bool, mapping=dict):
    results = ReturnList([record(i, native, mapping) for i in range(100)], serializer=None)
    return {"count": 1000, "next": "http://testserver/api/products/?page=2", "previous": None,
            "results": results}


def best(fn, number, rounds):
    t = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(number):
            fn()
        t = min(t, (time.process_time() - start) / number)
    return t


def race(contenders, budget):
    """Per-call time of each contender (name -> fn), rounds interleaved."""
    base = next(iter(contenders.values()))
    start = time.process_time()
    base()
    once = max(time.process_time() - start, 1e-7)
    number = max(1, int(budget / 10 / once))
    times = {name: float("inf") for name in contenders}
    for _ in range(7):
        for name, fn in contenders.items():
            times[name] = min(times[name], best(fn, number, 2))
    return times


class PyDefaultRenderer(drf.JSONRenderer):
    """jsonfast.drf's renderer with DRF's Python default() instead of the Go
    one: the first design, kept here to show what the Go types are worth."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        saved, drf._default = drf._default, drf._drf_default
        try:
            return super().render(data, accepted_media_type, renderer_context)
        finally:
            drf._default = saved


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    budget = 0.05 if args.quick else 0.4
    stock, fast, pyd = drf_renderers.JSONRenderer(), drf.JSONRenderer(), PyDefaultRenderer()
    media, ctx = "application/json", {"indent": None}
    print("### DRF JSON renderer and parser (bench/drf_json.py)\n")
    print("CPU µs per call; ratio = DRF time / jsonfast time, same run.\n")
    print("| what | DRF µs | jsonfast µs | DRF / jsonfast | jsonfast with Python default() µs |")
    print("|---|---:|---:|---:|---:|")
    cases = [
        ("render: serializer output (100 records)", page(False), media),
        ("render: native values (100 records)", page(True), media),
        ("render: OrderedDict records, native values", page(True, collections.OrderedDict), media),
        ("render: native values, `indent=4`", page(True), media + "; indent=4"),
    ]
    failed = False
    for what, data, mt in cases:
        want = stock.render(data, mt, ctx)
        for r in (fast, pyd):
            if r.render(data, mt, ctx) != want:
                print(f"MISMATCH: {what}: {type(r).__name__} differs from DRF")
                failed = True
        t = race({"drf": lambda: stock.render(data, mt, ctx),
                  "fast": lambda: fast.render(data, mt, ctx),
                  "pyd": lambda: pyd.render(data, mt, ctx)}, budget)
        save_result("DRF JSON", what, {"DRF": t["drf"], "jsonfast": t["fast"], "jsonfast + Python default()": t["pyd"]},
               ours="jsonfast")
        print(f"| {what} | {t['drf'] * 1e6:.1f} | {t['fast'] * 1e6:.1f} | "
              f"**{t['drf'] / t['fast']:.2f}x** | {t['pyd'] * 1e6:.1f} |")
    body = stock.render(page(False), media, ctx)
    p0, p1 = drf_parsers.JSONParser(), drf.JSONParser()
    if p0.parse(io.BytesIO(body)) != p1.parse(io.BytesIO(body)):
        print("MISMATCH: parser")
        failed = True
    t = race({"drf": lambda: p0.parse(io.BytesIO(body)), "fast": lambda: p1.parse(io.BytesIO(body))},
             budget)
    save_result("DRF JSON", "parse: serializer output body", {"DRF": t["drf"], "jsonfast": t["fast"]}, ours="jsonfast")
    print(f"| parse: serializer output body ({len(body)} bytes) | {t['drf'] * 1e6:.1f} | "
          f"{t['fast'] * 1e6:.1f} | **{t['drf'] / t['fast']:.2f}x** | |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
