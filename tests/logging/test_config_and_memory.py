"""jsonfast.logging from logging.config.dictConfig, and format() in a long loop."""
from __future__ import annotations

import gc
import io
import json
import logging
import logging.config

import psutil
from pythonjsonlogger.json import JsonFormatter as PjlFormatter

from jsonfast.logging import JsonFormatter


def _configure(formatter: dict, stream: io.StringIO, name: str) -> logging.Logger:
    logging.config.dictConfig({
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": formatter},
        "handlers": {"mem": {"class": "logging.StreamHandler", "stream": stream,
                             "formatter": "json"}},
        "loggers": {name: {"handlers": ["mem"], "level": "DEBUG", "propagate": False}},
    })
    return logging.getLogger(name)


def _emit(log: logging.Logger) -> None:
    log.info("order %s placed", 17, extra={"order_id": 17, "amount": 9.5})
    log.warning({"event": "cache", "hit": False})
    try:
        {}["missing"]
    except KeyError:
        log.exception("lookup failed")


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_dictconfig_factory_key_with_all_arguments():
    args = {"fmt": "%(asctime)s %(levelname)s %(name)s %(message)s", "datefmt": "%Y",
            "rename_fields": {"levelname": "level"}, "static_fields": {"service": "demo"},
            "timestamp": True, "json_ensure_ascii": False, "prefix": ""}
    fast, ref = io.StringIO(), io.StringIO()
    _emit(_configure({"()": "jsonfast.logging.JsonFormatter", **args}, fast, "cfg.fast"))
    _emit(_configure({"()": "pythonjsonlogger.json.JsonFormatter", **args}, ref, "cfg.fast"))
    got, want = _lines(fast), _lines(ref)
    assert len(got) == 3
    for g, w in zip(got, want):
        g.pop("timestamp"), w.pop("timestamp")
        assert g.keys() == w.keys()
        assert g["level"] == w["level"] and g["message"] == w["message"]
    assert got[0]["order_id"] == 17 and got[0]["service"] == "demo"
    assert got[1]["event"] == "cache" and got[1]["message"] == ""
    assert "KeyError" in got[2]["exc_info"]


def test_dictconfig_class_key_with_format_and_style():
    stream = io.StringIO()
    log = _configure({"class": "jsonfast.logging.JsonFormatter",
                      "format": "{levelname} {message}", "style": "{", "validate": True},
                     stream, "cfg.class")
    handler = log.handlers[0]
    assert type(handler.formatter) is JsonFormatter
    _emit(log)
    first = _lines(stream)[0]
    assert list(first)[:2] == ["levelname", "message"]
    assert first["message"] == "order 17 placed"


def test_format_loop_does_not_grow_memory():
    f = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", timestamp=True,
                      static_fields={"svc": "x"}, rename_fields={"levelname": "level"})
    log = logging.getLogger("mem.loop")

    def batch(n: int) -> None:
        for i in range(n):
            # a new shape of extras now and then exercises the bounded shape cache
            extra = {"i": i, "k%d" % (i % 997): i} if i % 3 else {"i": i}
            r = log.makeRecord("mem.loop", logging.INFO, "/m.py", 1, "n=%d", (i,), None, extra=extra)
            f.format(r)
            r.created += i  # a new second for the time caches

    proc = psutil.Process()
    batch(30_000)
    gc.collect()
    before = proc.memory_info().rss
    batch(150_000)
    gc.collect()
    grown = proc.memory_info().rss - before
    assert grown < 8 * 1024 * 1024, grown


def test_same_output_as_pjl_from_dictconfig_formatters():
    fast = logging.config.DictConfigurator({}).configure_formatter(
        {"()": "jsonfast.logging.JsonFormatter", "fmt": ["levelname", "message"]})
    ref = PjlFormatter(["levelname", "message"])
    r = logging.getLogger("x").makeRecord("x", logging.INFO, "f", 1, "hi %s", ("there",), None)
    assert fast.format(r) == ref.format(r)
