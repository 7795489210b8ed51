"""The classes inside DRF's request/response cycle (APIView, content negotiation)."""
import datetime
import decimal

from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView
from rest_framework_xml.renderers import XMLRenderer as RefRenderer

from xmlfast.drf import XMLParser, XMLRenderer


class EchoView(APIView):
    renderer_classes = [XMLRenderer]
    parser_classes = [XMLParser]
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        return Response({"items": [{"id": 1, "price": decimal.Decimal("9.99"),
                                    "when": datetime.datetime(2024, 5, 1, 8, 30)}], "next": None})

    def post(self, request):
        return Response({"received": request.data})


def test_get_renders_xml_with_the_reference_bytes():
    request = APIRequestFactory().get("/", HTTP_ACCEPT="application/xml")
    response = EchoView.as_view()(request)
    response.render()
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    expected = RefRenderer().render(response.data).encode("utf-8")
    assert response.content == expected


def test_post_parses_xml_request_bodies():
    body = b"<root><a>1</a><b><list-item>x</list-item><list-item>2011-12-25 12:45:00</list-item></b></root>"
    request = APIRequestFactory().post("/", body, content_type="application/xml")
    response = EchoView.as_view()(request)
    assert response.data == {"received": {"a": 1, "b": ["x", datetime.datetime(2011, 12, 25, 12, 45)]}}


def test_malformed_body_is_a_400():
    request = APIRequestFactory().post("/", b"<root><a></root>", content_type="application/xml")
    response = EchoView.as_view()(request)
    assert response.status_code == 400
    assert "XML parse error" in str(response.data["detail"])


def test_dtd_body_is_a_400():
    body = b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    request = APIRequestFactory().post("/", body, content_type="application/xml")
    response = EchoView.as_view()(request)
    assert response.status_code == 400
