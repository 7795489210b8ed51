"""schemafast.drf: request bodies validated in Go, 400 with DRF details."""
from __future__ import annotations

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        USE_I18N=True,
        LANGUAGE_CODE="en",
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
        DATABASES={},
    )
    django.setup()

from rest_framework import serializers  # noqa: E402
from rest_framework.decorators import api_view  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.test import APIRequestFactory  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from schemafast.drf import JSONSchemaValidator, error_detail, validate_body  # noqa: E402

SCHEMA = {
    "type": "object",
    "required": ["name", "user"],
    "properties": {
        "name": {"type": "string"},
        "user": {"type": "object", "required": ["email"], "properties": {
            "email": {"type": "string", "pattern": "@"}, "age": {"type": "integer", "minimum": 0}}},
        "items": {"type": "array", "items": {"type": "object", "properties": {"qty": {"type": "integer", "minimum": 1}}}},
    },
}

factory = APIRequestFactory()


class OrderView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @validate_body(SCHEMA)
    def post(self, request):
        return Response({"ok": request.data["name"]}, status=201)


@api_view(["POST"])
@validate_body(SCHEMA)
def order_fn(request):
    return Response({"ok": True})


def post(view, body):
    req = factory.post("/orders", body, format="json")
    resp = view(req)
    resp.render()
    return resp


def test_valid_body_reaches_the_view():
    resp = post(OrderView.as_view(), {"name": "n", "user": {"email": "a@b"}})
    assert resp.status_code == 201 and resp.data == {"ok": "n"}


def test_invalid_body_is_400_keyed_by_path():
    resp = post(OrderView.as_view(), {"user": {"email": "nope", "age": -1}, "items": [{"qty": 1}, {"qty": 0}]})
    assert resp.status_code == 400
    assert resp.data == {
        "name": ["'name' is a required property"],
        "user.email": ["'nope' does not match '@'"],
        "user.age": ["-1 is less than the minimum of 0"],
        "items.1.qty": ["0 is less than the minimum of 1"],
    }


def test_function_view_and_root_errors():
    resp = post(order_fn, [1, 2])
    assert resp.status_code == 400
    assert resp.data == {"non_field_errors": ["[1, 2] is not of type 'object'"]}


def test_serializer_validator():
    class S(serializers.Serializer):
        payload = serializers.JSONField(validators=[JSONSchemaValidator({"type": "object", "required": ["a"]})])

    s = S(data={"payload": {"b": 1}})
    assert not s.is_valid()
    assert s.errors == {"payload": {"a": ["'a' is a required property"]}}
    assert S(data={"payload": {"a": 1}}).is_valid()


def test_error_detail_accepts_any_errors():
    assert error_detail([]) == {}
