"""Long loops of DRF renders and parses keep RSS flat: nothing the Go
default, the byte output or the error paths allocate outlives its call."""
from __future__ import annotations

import datetime
import decimal
import gc
import io
import ipaddress
import uuid
import zoneinfo

import psutil
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ParseError
from rest_framework.utils.serializer_helpers import ReturnList

from jsonfast import drf

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def payload():
    return ReturnList([{
        "id": i, "name": f"é{i}\u2028", "price": decimal.Decimal(i) / 8, "at": datetime.datetime(
            2024, 1, 1, i % 24, tzinfo=datetime.timezone.utc if i % 2 else PARIS),
        "day": datetime.date(2024, 1, 1 + i % 28), "t": datetime.time(i % 24), "span": datetime.timedelta(
            seconds=i), "uid": uuid.UUID(int=i << 100), "ip": ipaddress.ip_address(i), "lazy": gettext_lazy("Yes"),
        "gen": (x for x in range(3)),
    } for i in range(100)], serializer=None)


def test_render_and_parse_loop_keeps_rss_flat():
    renderer, parser = drf.JSONRenderer(), drf.JSONParser()
    bad_render = [{"t": datetime.time(1, tzinfo=datetime.timezone.utc)}, {"x": object()},
                  [decimal.Decimal("sNaN")], {decimal.Decimal(1): 1}, ["\ud800"]]
    bad_parse = [b'{"a": ', b"[NaN]", b'"\xff"', b"[" * 3000]

    def rounds(n):
        for i in range(n):
            body = renderer.render(payload(), "application/json; indent=2" if i % 7 == 0 else None)
            parser.parse(io.BytesIO(body))
            try:
                renderer.render(bad_render[i % len(bad_render)])
            except (ValueError, TypeError):
                pass
            try:
                parser.parse(io.BytesIO(bad_parse[i % len(bad_parse)]))
            except (ParseError, RecursionError):  # deep nesting: as DRF, a RecursionError
                pass

    proc = psutil.Process()
    rounds(200)
    gc.collect()
    before = proc.memory_info().rss
    rounds(1500)
    gc.collect()
    grown = proc.memory_info().rss - before
    assert grown < 8 * 2 ** 20, f"RSS grew by {grown / 2 ** 20:.1f} MiB over 1500 rounds"
