"""The demo API through Django's test Client, on both stacks (stock and goaccel)."""
from __future__ import annotations

import json
from decimal import Decimal
from xml.etree import ElementTree

import pytest

ORDER = {"customer": {"name": "Ada Lovelace", "email": "ada@example.com"},
         "items": [{"product": 1, "quantity": 2}, {"product": 5, "quantity": 1}],
         "note": "leave at the door ✓", "priority": "express"}


def test_api_root_lists_endpoints(demo):
    r = demo.get("/api/")
    assert r.status == 200
    assert set(r.json()) == {"categories", "products", "orders"}


def test_product_list_is_paginated_100(demo):
    r = demo.get("/api/products/")
    assert r.status == 200 and r.content_type == "application/json"
    body = r.json()
    assert body["count"] == 120
    assert len(body["results"]) == 100
    assert body["next"].endswith("/api/products/?page=2") and body["previous"] is None
    first = body["results"][0]
    assert list(first) == ["id", "sku", "name", "price", "stock", "active", "category", "tags",
                           "review_count", "rating", "created_at"]
    assert first["sku"] == "SKU-00001"
    assert isinstance(first["price"], str) and Decimal(first["price"]) > 0
    assert set(first["category"]) == {"id", "name", "slug"}
    assert first["created_at"].endswith("Z")
    page2 = demo.get("/api/products/?page=2").json()
    assert len(page2["results"]) == 20 and page2["next"] is None
    assert [p["id"] for p in body["results"] + page2["results"]] == list(range(1, 121))


def test_product_list_filters(demo):
    books = demo.get("/api/products/?category=books&page_size=500").json()["results"]
    assert books and all(p["category"]["slug"] == "books" for p in books)
    cheap = demo.get("/api/products/?max_price=50&ordering=-price&page_size=500").json()["results"]
    prices = [Decimal(p["price"]) for p in cheap]
    assert prices and max(prices) <= 50 and prices == sorted(prices, reverse=True)
    inactive = demo.get("/api/products/?active=false").json()
    assert inactive["count"] == 7 and all(not p["active"] for p in inactive["results"])
    tagged = demo.get("/api/products/?tag=eco&page_size=500").json()["results"]
    assert tagged and all("eco" in p["tags"] for p in tagged)
    found = demo.get("/api/products/?search=SKU-00042").json()
    assert [p["id"] for p in found["results"]] == [42]
    assert demo.get("/api/products/?page_size=5").json()["results"].__len__() == 5


@pytest.mark.parametrize("query, field", [("min_price=abc", "min_price"), ("active=maybe", "active"),
                                          ("max_price=nan", "max_price")])
def test_bad_filter_is_400(demo, query, field):
    r = demo.get("/api/products/?" + query)
    assert r.status == 400
    assert list(r.json()) == [field]


def test_product_detail(demo):
    r = demo.get("/api/products/3/")
    assert r.status == 200
    body = r.json()
    assert body["id"] == 3 and body["sku"] == "SKU-00003"
    assert body["review_count"] == len(body["reviews"])
    for review in body["reviews"]:
        assert 1 <= review["rating"] <= 5 and set(review) >= {"author", "title", "created_at"}
    assert demo.get("/api/products/999/").status == 404
    assert demo.get("/api/products/999/").json() == {"detail": "No Product matches the given query."}


def test_categories(demo):
    cats = demo.get("/api/categories/").json()
    assert len(cats) == 8 and sum(c["product_count"] for c in cats) == 120


def test_xml_by_accept_header_and_by_format(demo):
    r = demo.get("/api/products/1/", Accept="application/xml")
    assert r.status == 200 and r.content_type.startswith("application/xml")
    root = ElementTree.fromstring(r.body)
    assert root.tag == "root" and root.findtext("sku") == "SKU-00001"
    assert root.find("category").findtext("slug")
    r = demo.get("/api/products/?format=xml&page_size=3")
    root = ElementTree.fromstring(r.body)
    assert root.findtext("count") == "120"
    assert len(root.find("results").findall("list-item")) == 3


def test_json_is_default_and_unknown_accept_is_406(demo):
    assert demo.get("/api/products/1/", Accept="*/*").content_type == "application/json"
    assert demo.get("/api/products/1/", Accept="text/csv").status == 406


def test_post_order_json(demo):
    r = demo.post("/api/orders/", json.dumps(ORDER), "application/json")
    assert r.status == 201, r.body
    body = r.json()
    assert r.headers["Location"] == "/api/orders/%d/" % body["id"]
    assert body["customer_name"] == "Ada Lovelace" and body["priority"] == "express"
    assert body["note"] == "leave at the door ✓"
    assert [(i["product"], i["quantity"]) for i in body["items"]] == [(1, 2), (5, 1)]
    p1 = demo.get("/api/products/1/").json()
    p5 = demo.get("/api/products/5/").json()
    assert Decimal(body["total"]) == 2 * Decimal(p1["price"]) + Decimal(p5["price"])
    again = demo.get(r.headers["Location"]).json()
    assert again == body


def test_post_order_xml_and_xml_response(demo):
    xml = ("<?xml version='1.0'?><root><customer><name>Bo</name><email>bo@example.org</email>"
           "</customer><items><list-item><product>2</product><quantity>3</quantity></list-item>"
           "</items></root>")
    r = demo.post("/api/orders/", xml, "application/xml", Accept="application/xml")
    assert r.status == 201, r.body
    root = ElementTree.fromstring(r.body)
    assert root.findtext("customer_name") == "Bo"
    assert root.find("items").find("list-item").findtext("quantity") == "3"


@pytest.mark.parametrize("body, errors", [
    ({"items": [{"product": 1, "quantity": 1}]},
     {"non_field_errors": ["'customer' is a required property"]}),
    (dict(ORDER, items=[]), {"items": ["[] should be non-empty"]}),
    (dict(ORDER, items=[{"product": 1, "quantity": 0}]),
     {"items.0.quantity": ["0 is less than the minimum of 1"]}),
    (dict(ORDER, items=[{"product": "1", "quantity": 1}]),
     {"items.0.product": ["'1' is not of type 'integer'"]}),
    (dict(ORDER, customer={"name": "A", "email": "A"}, priority="now", extra=1),
     {"customer.email": ["'A' does not match '^[^@\\\\s]+@[^@\\\\s]+\\\\.[^@\\\\s]+$'"],
      "non_field_errors": ["Additional properties are not allowed ('extra' was unexpected)"],
      "priority": ["'now' is not one of ['normal', 'express']"]}),
    ([1, 2], {"non_field_errors": ["[1, 2] is not of type 'object'"]}),
])
def test_schema_violations_are_400(demo, body, errors):
    r = demo.post("/api/orders/", json.dumps(body), "application/json")
    assert r.status == 400
    assert r.json() == errors


def test_unknown_product_is_400(demo):
    r = demo.post("/api/orders/", json.dumps(dict(ORDER, items=[{"product": 9999, "quantity": 1}])),
                  "application/json")
    assert r.status == 400
    assert r.json() == {"items.0.product": ["Unknown product 9999."]}


@pytest.mark.parametrize("body, content_type, detail", [
    ("{bad json", "application/json",
     "JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ("", "application/json", None),
    ("<root><customer>", "application/xml", "XML parse error - no element found: line 1, column 16"),
    ("<root>&unknown;</root>", "application/xml", None),
])
def test_malformed_bodies_are_400(demo, body, content_type, detail):
    r = demo.post("/api/orders/", body, content_type)
    assert r.status == 400
    payload = r.json()
    if detail is not None:
        assert payload == {"detail": detail}
    else:
        assert list(payload) in (["detail"], ["non_field_errors"])


def test_wrong_content_type_is_415(demo):
    r = demo.post("/api/orders/", "a=1&b=2", "application/x-www-form-urlencoded")
    assert r.status == 415
    assert r.json() == {"detail": 'Unsupported media type "application/x-www-form-urlencoded" in request.'}
    r = demo.post("/api/orders/", "hello", "text/plain")
    assert r.status == 415


def test_method_not_allowed(demo):
    r = demo.request("DELETE", "/api/products/1/")
    assert r.status == 405
    assert r.json() == {"detail": 'Method "DELETE" not allowed.'}


def test_structured_json_logs(demo):
    demo.get("/api/products/7/?probe=logs")
    lines = demo.logs()
    access = [line for line in lines if line.get("logger") == "demo.access"
              and line.get("path") == "/api/products/7/?probe=logs"]
    assert len(access) == 1
    entry = access[0]
    assert entry["level"] == "INFO" and entry["status"] == 200 and entry["method"] == "GET"
    assert entry["service"] == "goaccel-demo" and entry["stack"] in ("stock", "goaccel")
    assert entry["timestamp"].endswith("+00:00") and entry["duration_ms"] >= 0
    assert any(line.get("logger") == "demo.orders" and "order_id" in line for line in lines)


def test_xml_schema_violation_is_400(demo):
    xml = ("<root><customer><name>Bo</name><email>bo@example.org</email></customer>"
           "<items><list-item><product>2</product><quantity>zero</quantity></list-item></items>"
           "</root>")
    r = demo.post("/api/orders/", xml, "application/xml", Accept="application/xml")
    assert r.status == 400
    root = ElementTree.fromstring(r.body)
    assert root.find("items.0.quantity").findtext("list-item") == "'zero' is not of type 'integer'"
