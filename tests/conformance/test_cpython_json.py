"""CPython's own json test suite (test.test_json, shipped with this Python)
run against jsonfast.

Every pure-Python test class of test.test_json (the ``TestPy*`` variants,
which the standard library runs against its pure-Python json) is re-created
here with ``self.json``, ``self.loads``, ``self.dumps`` and
``self.JSONDecodeError`` pointing at jsonfast. The ``TestC*`` variants are the
same tests pointed at the ``_json`` accelerator, so they are not duplicated.

EXCLUDED names each test that is not run, with the reason: only tests that
inspect the standard library's private machinery (the ``_json`` scanner,
``c_make_encoder``, the pure-Python module layout) or that are not about the
json API at all. test_excluded_tests_exist keeps the list honest.
"""
from __future__ import annotations

import importlib
import inspect
import unittest

import jsonfast
import jsonfast.decoder as _decoder
import jsonfast.encoder

import test.test_json as cpython_json

MODULES = [
    "test_decode", "test_default", "test_dump", "test_encode_basestring_ascii",
    "test_enum", "test_fail", "test_float", "test_indent", "test_pass1",
    "test_pass2", "test_pass3", "test_recursion", "test_scanstring",
    "test_separators", "test_unicode",
]

# Modules not run at all, with the reason.
EXCLUDED_MODULES = {
    "test_speedups": "CTest only: calls _json.make_scanner / c_make_encoder directly with bad "
    "arguments (the C accelerator's private machinery)",
    "test_tool": "tests the `python -m json.tool` command line of the standard library, "
    "which jsonfast does not replace",
}

# Single tests not run, "Module.Class.test" -> reason.
EXCLUDED = {
    "__init__.TestPyTest.test_pyjson": "asserts json.scanner / json.decoder.scanstring / "
    "json.encoder.encode_basestring_ascii are the pure-Python module's own functions",
}


class _JsonfastNamespace:
    """What the tests reach as ``self.json``: jsonfast, with the decoder and
    encoder sub-modules as attributes (as the json package has them)."""

    def __getattr__(self, name):
        if name == "decoder":
            return _decoder
        if name == "encoder":
            return jsonfast.encoder
        return getattr(jsonfast, name)


_NS = _JsonfastNamespace()


def _make_classes():
    made = {}
    for modname in MODULES:
        mod = importlib.import_module("test.test_json." + modname)
        for name, cls in inspect.getmembers(mod, inspect.isclass):
            if not (issubclass(cls, cpython_json.PyTest) and cls.__module__ == mod.__name__):
                continue
            attrs = {
                "json": _NS,
                "loads": staticmethod(jsonfast.loads),
                "dumps": staticmethod(jsonfast.dumps),
                "JSONDecodeError": staticmethod(jsonfast.JSONDecodeError),
            }
            for test in dir(cls):
                if test.startswith("test") and f"{modname}.{name}.{test}" in EXCLUDED:
                    attrs[test] = None  # not collected by unittest/pytest
            new = type("Jsonfast_" + name, (cls,), attrs)
            new.__module__ = __name__
            made[new.__name__] = new
    return made


globals().update(_make_classes())


class TestHarness(unittest.TestCase):
    def test_excluded_tests_exist(self):
        for key in EXCLUDED:
            modname, clsname, test = key.split(".")
            mod = cpython_json if modname == "__init__" else importlib.import_module("test.test_json." + modname)
            self.assertTrue(hasattr(getattr(mod, clsname), test), key)
        for modname in EXCLUDED_MODULES:
            importlib.import_module("test.test_json." + modname)

    def test_points_at_jsonfast(self):
        cls = globals()["Jsonfast_TestPyDump"]
        self.assertIs(cls.dumps, jsonfast.dumps)
        self.assertIs(cls.json.encoder, jsonfast.encoder)
