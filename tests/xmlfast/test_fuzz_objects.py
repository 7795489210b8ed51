"""Odd Python objects in the trees: same result or same exception type as the references."""
import datetime
import decimal

import xmltodict
from hypothesis import given, settings, strategies as st
from rest_framework_xml.renderers import XMLRenderer as RefRenderer

import xmlfast
from xmlfast.drf import XMLRenderer


class BadStr:
    def __str__(self):
        raise KeyError("nope")


class BadIter:
    def __iter__(self):
        raise ValueError("iter")

    def __str__(self):
        return "baditer"


class Sub(dict):
    pass


ODD = [BadStr(), BadIter(), {1, 2}, frozenset(), 1j, b"\xff", bytearray(b"x"), memoryview(b"m"), range(3),
       Ellipsis, type, decimal.Decimal("nan"), datetime.time(1), "\ud800", "\x00", "", " "]
leaf = st.one_of(st.sampled_from(ODD), st.text(max_size=5), st.integers(), st.floats())
keys = st.one_of(st.sampled_from(["a", "@a", "#text", "#comment", "@xmlns", "", " ", "1", 1, None, b"k", ("t",)]),
                 st.text(max_size=3))
tree = st.recursive(leaf, lambda c: st.one_of(st.lists(c, max_size=3), st.tuples(c),
                                              st.dictionaries(keys, c, max_size=3),
                                              st.dictionaries(keys, c, max_size=2).map(Sub)), max_leaves=10)


def outcome(fn, *args, **kw):
    try:
        return ("ok", fn(*args, **kw))
    except Exception as exc:  # noqa: BLE001
        return ("error", type(exc))


@settings(max_examples=400, deadline=None)
@given(tree)
def test_render_odd_objects(data):
    assert outcome(XMLRenderer().render, data) == outcome(RefRenderer().render, data)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(keys, tree, max_size=2),
       st.sampled_from([{}, {"pretty": True}, {"full_document": False}, {"short_empty_elements": True},
                        {"expand_iter": "i"}]))
def test_unparse_odd_objects(data, kw):
    assert outcome(xmlfast.unparse, data, **kw) == outcome(xmltodict.unparse, data, **kw)
