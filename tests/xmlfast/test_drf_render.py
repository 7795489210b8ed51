"""xmlfast.drf.XMLRenderer against djangorestframework-xml's renderer.

djangorestframework-xml 2.0.0 imports and runs on Django 5.2 / DRF 3.18, so
it is the reference itself (no copy needed).
"""
import collections
import datetime
import decimal
import gc

import pytest
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy
from django.utils.xmlutils import UnserializableContentError
from hypothesis import HealthCheck, given, settings, strategies as st
from rest_framework_xml.renderers import XMLRenderer as RefRenderer

from xmlfast.drf import XMLRenderer, render, render_python

from .strategies import tag_name, trees, xml_text

ref = RefRenderer()
ours = XMLRenderer()


def same(data):
    expected = ref.render(data)
    got = ours.render(data)
    assert got == expected
    assert type(got) is type(expected)
    return got


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
def test_random_trees_identical(data):
    same(data)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(tag_name, trees(), max_size=5))
def test_random_dicts_identical(data):
    same(data)


@settings(max_examples=300, deadline=None)
@given(st.floats())
def test_float_repr(f):
    same({"f": f})


def test_simple_document():
    out = same({"a": [1, 2, {"b": None}], "c": "x & <y>"})
    assert out == ('<?xml version="1.0" encoding="utf-8"?>\n<root><a><list-item>1</list-item>'
                   '<list-item>2</list-item><list-item><b></b></list-item></a><c>x &amp; &lt;y&gt;</c></root>')


def test_none_renders_empty_string():
    assert ours.render(None) == "" == ref.render(None)


@pytest.mark.parametrize("value", [
    True, False, 0, -1, 2**64, -(2**100), 1.5, 1e16, 1e-5, float("nan"), float("-inf"), -0.0,
    decimal.Decimal("1.10"), decimal.Decimal("-0"), decimal.Decimal("1E+3"), decimal.Decimal("NaN"),
    datetime.datetime(2011, 12, 25, 12, 45), datetime.datetime(1, 1, 1, 0, 0, 0, 1),
    datetime.datetime(2020, 2, 29, 23, 59, 59, 999999),
    datetime.datetime(2011, 12, 25, 12, 45, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))),
    datetime.date(2020, 1, 2), datetime.time(1, 2, 3), datetime.timedelta(days=1, seconds=5),
    b"bytes \xc3\xa9 &", bytearray(b"ba"), "", "caf\u00e9", "\u20ac\U0001F600", "tab\tnl\ncr\r",
    "\x7f\x80\x9f", object,
])
def test_scalar_values(value):
    same({"v": value})
    same([value, value])


def test_lazy_translation_strings():
    same({"msg": gettext_lazy("Hello"), "items": [gettext_lazy("a & b")]})
    lazy_num = lazy(lambda: 42, int)
    same({"n": lazy_num()})


def test_str_subclass_used_as_is():
    class S(str):
        def __str__(self):
            return "not used"

    same({"s": S("kept & <data>"), S("key"): 1})


def test_custom_objects_use_str():
    class Thing:
        def __str__(self):
            return "thing <1>"

    same({"t": Thing()})


@pytest.mark.parametrize("bad", ["\x00", "a\x08b", "\x0b", "\x0c", "\x1f", "x\x0e"])
def test_control_characters_raise_djangos_error(bad):
    with pytest.raises(UnserializableContentError) as ref_exc:
        ref.render({"a": bad})
    with pytest.raises(UnserializableContentError) as our_exc:
        ours.render({"a": bad})
    assert str(our_exc.value) == str(ref_exc.value)


def test_control_characters_in_bytes_and_objects():
    class C:
        def __str__(self):
            return "\x01"

    for v in [b"\x02", C()]:
        with pytest.raises(UnserializableContentError):
            ref.render({"a": v})
        with pytest.raises(UnserializableContentError):
            ours.render({"a": v})


def test_invalid_utf8_bytes_raise_like_force_str():
    with pytest.raises(Exception) as ref_exc:
        ref.render({"a": b"\xff"})
    with pytest.raises(Exception) as our_exc:
        ours.render({"a": b"\xff"})
    assert type(our_exc.value) is type(ref_exc.value)


@pytest.mark.parametrize("key", [1, 1.5, None, ("t",), b"k"])
def test_non_str_keys_raise_type_error(key):
    with pytest.raises(TypeError) as ref_exc:
        ref.render({key: 1})
    with pytest.raises(TypeError) as our_exc:
        ours.render({key: 1})
    assert str(our_exc.value) == str(ref_exc.value)


def test_keys_written_unchanged_like_the_reference():
    same({"a b": 1, "1x": 2, "xml-thing": 3, "<&>": 4, "caf\u00e9": 5})


def test_ordered_dict_order_and_subclasses():
    od = collections.OrderedDict([("a", 1), ("b", 2), ("c", 3)])
    od.move_to_end("a")
    assert ours.render(od).endswith("<b>2</b><c>3</c><a>1</a></root>")
    same(od)

    class D(dict):
        def items(self):
            return [("z", 0)]

    same(D(a=1))

    class L(list):
        def __iter__(self):
            return iter([9])

    same(L([1, 2]))
    from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

    same(ReturnDict({"a": ReturnList([{"b": 1}], serializer=None)}, serializer=None))


def test_lone_surrogates_use_the_python_fallback():
    same({"a": "x\ud800y"})
    same({"k\udc00": "v"})


def test_custom_tag_names_on_subclass():
    class Mine(XMLRenderer):
        root_tag_name = "data"
        item_tag_name = "item"

    class Ref(RefRenderer):
        root_tag_name = "data"
        item_tag_name = "item"

    data = {"a": [1, {"b": [2]}]}
    assert Mine().render(data) == Ref().render(data)


def test_deep_nesting_raises_recursion_error():
    deep = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(RecursionError):
        ours.render(deep)
    loop = []
    loop.append(loop)
    with pytest.raises(RecursionError):
        ours.render(loop)


def test_sanitize_tags_opt_in_gives_valid_xml():
    import xml.etree.ElementTree as ET

    class Safe(XMLRenderer):
        sanitize_tags = True

    data = {"1abc": 1, "a b": 2, "xmlish": 3, "": 4, 5: 6, "ok-name.x": 7, "a:b": 8, "caf\u00e9": 9}
    out = Safe().render(data)
    root = ET.fromstring(out.encode())
    assert [c.tag for c in root] == ["_1abc", "a_b", "_xmlish", "_", "_5", "ok-name.x", "a_b", "caf\u00e9"]
    assert render_python(data, sanitize_tags=True) == out


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(xml_text, st.integers(), max_size=4))
def test_sanitized_output_always_parses(data):
    import xml.etree.ElementTree as ET

    out = render(data, sanitize_tags=True)
    ET.fromstring(out.encode())


def test_python_reference_copy_matches():
    data = {"a": [1, {"b": "x<"}], "n": None, "d": decimal.Decimal("1.5")}
    assert render_python(data) == ref.render(data)


def test_refcounts_unchanged():
    import sys

    s = "text value"
    d = {"k": s}
    before = sys.getrefcount(s), sys.getrefcount(d)
    for _ in range(100):
        ours.render(d)
    gc.collect()
    assert (sys.getrefcount(s), sys.getrefcount(d)) == before


def test_callbacks_that_mutate_containers_do_not_crash():
    data = {"a": None, "b": 2, "c": 3}

    class Evil:
        def __str__(self):
            data.clear()
            data.update({"x%d" % i: i for i in range(50)})
            return "evil"

    data["a"] = Evil()
    with pytest.raises(RuntimeError):
        ref.render(data)
    data2 = {"a": Evil(), "b": 2}
    data = data2
    with pytest.raises(RuntimeError):
        ours.render(data2)

    items = []

    class Shrink:
        def __str__(self):
            items.clear()
            return "s"

    items.extend([Shrink(), "gone", {"k": "v"}])
    expected = ref.render(items)
    items[:] = [Shrink(), "gone", {"k": "v"}]
    assert ours.render(items) == expected
