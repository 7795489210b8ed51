"""jsonfast.drf.JSONParser parses exactly as DRF's JSONParser: the same
values, or a ParseError with the same detail ('JSON parse error - ...'), for
random documents and random damage, under STRICT_JSON on and off (DRF's
`strict` class attribute) and any request charset. Also both classes inside
a DRF view, through Django's request/response cycle."""
from __future__ import annotations

import tempfile
import io
import json
import math

import pytest
from hypothesis import given, settings as hsettings, strategies as st
from rest_framework import parsers as drf_parsers
from rest_framework.exceptions import ParseError

from jsonfast import drf


def parser_pair(strict: bool):
    attrs = {"strict": strict}
    return (type("Stock", (drf_parsers.JSONParser,), attrs)(),
            type("Fast", (drf.JSONParser,), attrs)())


def outcome(parser, body: bytes, context=None):
    try:
        # repr: NaN compares unequal to itself, its repr does not.
        return ("ok", repr(parser.parse(io.BytesIO(body), "application/json", context)))
    except ParseError as exc:
        return ("ParseError", exc.status_code, str(exc.detail), exc.detail.code)
    except Exception as exc:  # anything else must match too
        return ("raised", type(exc), str(exc))


def both(body: bytes, strict=True, context=None):
    stock, fast = parser_pair(strict)
    want = outcome(stock, body, context)
    assert outcome(fast, body, context) == want
    return want


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10),
              st.sampled_from(["\u2028", "é", "😀", "\x00", '"'])),
    lambda c: st.one_of(st.lists(c, max_size=5), st.dictionaries(st.text(max_size=6), c, max_size=5)),
    max_leaves=30,
)


@hsettings(max_examples=400, deadline=None)
@given(value=json_values, ensure_ascii=st.booleans(), indent=st.sampled_from([None, 2]),
       strict=st.booleans())
def test_random_documents_match_drf(value, ensure_ascii, indent, strict):
    body = json.dumps(value, ensure_ascii=ensure_ascii, indent=indent).encode("utf-8", "surrogatepass")
    both(body, strict)


@hsettings(max_examples=400, deadline=None)
@given(value=json_values, cut=st.integers(0, 10 ** 6), junk=st.binary(max_size=3), strict=st.booleans())
def test_damaged_documents_match_drf(value, cut, junk, strict):
    body = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    cut %= len(body) + 1
    both(body[:cut] + junk + body[cut:], strict)
    both(body[:cut], strict)


@hsettings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=40))
def test_random_bytes_match_drf(body):
    both(body)


@pytest.mark.parametrize("body", [
    b"", b" ", b"{", b"[1,]", b'{"a" 1}', b"\xef\xbb\xbf{}", b'"\xff"', b'"\xe2\x82"', b"\xe2\x82",
    b"NaN", b"[Infinity]", b"-Infinity", b'{"a": NaN}', b'"NaN"', b"[1e400]", b"nul", b"1 2",
    b'{"a": 1, "a": 2}', b"[" * 100000, b'"\\ud800"', b'"\\u2028"', b"0123", b"-", b"1.",
    # what the UTF-8 fast path must hand back to DRF's decode-then-parse:
    b"\xef\xbb\xbf[1]", b"1\x00", "1".encode("utf-16-le"), "[1]".encode("utf-16"), "[1]".encode("utf-32"),
    b'"\xed\xa0\x80"', b'"abc"\xe2\x82', b"[1]\xe2", b"\x00", b'{"a": "\x00"}', b'["\xc3\xa9", 1]',
    b'{"NaNa": "Infinity"}', b"[1, 2]  \n", b'"\xf4\x90\x80\x80"', b'"\xc0\x80"',
])
@pytest.mark.parametrize("strict", [True, False])
def test_edge_bodies_match_drf(body, strict):
    both(body, strict)


def test_parse_error_shape():
    got = both(b'{"a": }')
    assert got == ("ParseError", 400, "JSON parse error - Expecting value: line 1 column 7 (char 6)",
                   "parse_error")
    got = both(b"[NaN]")
    assert got[2] == "JSON parse error - Out of range float values are not JSON compliant: 'NaN'"
    assert both(b"[NaN, -Infinity]", strict=False)[1] == "[nan, -inf]"
    assert both(b"[1e400]")[1] == "[inf]"  # not a constant: json parses it as a float


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32", "latin-1", "cp1252", "utf-8-sig",
                                      "ascii", "bz2_codec", "rot13", "no-such-charset"])
def test_request_charsets_match_drf(encoding):
    doc = {"name": "Zoë", "n": [1, 2.5, None]}
    try:
        body = json.dumps(doc, ensure_ascii=False).encode(encoding)
    except (LookupError, UnicodeError, TypeError):
        body = json.dumps(doc).encode()
    both(body, context={"encoding": encoding})
    both(b"\xff\xfe{\x00}\x00", context={"encoding": encoding})


def test_values_are_plain_python():
    stock, fast = parser_pair(True)
    value = fast.parse(io.BytesIO(b'{"a": [1, 2.5, "x", null, true], "b": {}}'))
    assert value == {"a": [1, 2.5, "x", None, True], "b": {}}
    assert type(value) is dict


# ---- inside DRF views ----

def make_view():
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class Echo(APIView):
        authentication_classes: list = []
        permission_classes: list = []
        renderer_classes = [drf.JSONRenderer]
        parser_classes = [drf.JSONParser]

        def get(self, request):
            return Response({"items": [1, {"a": "é\u2028"}]})

        def post(self, request):
            return Response({"got": request.data})

    return Echo.as_view()


def test_view_renders_and_parses():
    from rest_framework.test import APIRequestFactory

    view, rf = make_view(), APIRequestFactory()
    resp = view(rf.get("/", HTTP_ACCEPT="application/json; indent=2"))
    resp.render()
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/json"
    assert resp.content == b'{\n  "items": [\n    1,\n    {\n      "a": "\xc3\xa9\\u2028"\n    }\n  ]\n}'

    resp = view(rf.post("/", b'{"x": [1, 2]}', content_type="application/json"))
    resp.render()
    assert (resp.status_code, resp.content) == (200, b'{"got":{"x":[1,2]}}')


@pytest.mark.parametrize("body, detail", [
    (b'{"x": ', "JSON parse error - Expecting value: line 1 column 7 (char 6)"),
    (b"[NaN]", "JSON parse error - Out of range float values are not JSON compliant: 'NaN'"),
    (b'"\xff"', "JSON parse error - 'utf-8' codec can't decode byte 0xff in position 1: invalid start byte"),
])
def test_view_bad_bodies_give_drfs_400(body, detail):
    from rest_framework.test import APIRequestFactory

    resp = make_view()(APIRequestFactory().post("/", body, content_type="application/json"))
    resp.render()
    assert resp.status_code == 400
    assert json.loads(resp.content) == {"detail": detail}


def test_view_unsupported_charset():
    from rest_framework import parsers as stock
    from rest_framework.test import APIRequestFactory

    request = APIRequestFactory().post("/", b"{}", content_type="application/json; charset=bz2_codec")
    if hasattr(stock, "get_encoding"):
        # DRF 3.17+ refuses non-text codecs with a 400.
        resp = make_view()(request)
        resp.render()
        assert resp.status_code == 400
        assert json.loads(resp.content) == {"detail": 'Unsupported charset "bz2_codec" in request Content-Type header.'}
    else:
        # Older DRF (the releases for Django 4.2) decodes through the codec
        # and fails as its own parser does.
        def outcome(parser):
            try:
                return ("ok", parser.parse(io.BytesIO(b"{}"), None, {"encoding": "bz2_codec"}))
            except Exception as exc:  # noqa: BLE001 - the type is what is compared
                return ("error", type(exc))

        assert outcome(drf.JSONParser()) == outcome(stock.JSONParser())


def test_nan_in_result_kept_when_not_strict():
    value = parser_pair(False)[1].parse(io.BytesIO(b"[NaN]"))
    assert math.isnan(value[0])


ADOPTION_SCRIPT = r"""
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=["rest_framework"], DATABASES={}, REST_FRAMEWORK={
    "DEFAULT_RENDERER_CLASSES": ["jsonfast.drf.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["jsonfast.drf.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [], "DEFAULT_PERMISSION_CLASSES": [], "UNAUTHENTICATED_USER": None})
django.setup()
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

class V(APIView):
    def post(self, request):
        return Response({"got": request.data})

rf = APIRequestFactory()
for body in (b'{"a": [1, 2]}', b'{"a": '):
    r = V.as_view()(rf.post("/", body, content_type="application/json", HTTP_ACCEPT="application/json; indent=1"))
    r.render()
    print(r.status_code, type(r.accepted_renderer).__module__, r.content)
"""


def test_adoption_through_rest_framework_settings():
    """The README's two settings lines, in a fresh interpreter: DRF imports
    our classes itself (no import cycle) and uses them for every view."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", ADOPTION_SCRIPT], capture_output=True, text=True, timeout=120,
                          cwd=tempfile.gettempdir())  # no source tree on sys.path
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "200 jsonfast.drf b'{\\n \"got\": {\\n  \"a\": [\\n   1,\\n   2\\n  ]\\n }\\n}'",
        "400 jsonfast.drf b'{\\n \"detail\": \"JSON parse error - Expecting value: line 1 column 7 (char 6)\"\\n}'",
    ]
