"""Query-string filters of the product list (?category=, ?tag=, ?active=, ?min_price=, ...)."""
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError

_BOOLS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def _decimal(params, name: str):
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError({name: ["A valid number is required."]}) from None
    if not value.is_finite():
        raise ValidationError({name: ["A valid number is required."]})
    return value


def _bool(params, name: str):
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return _BOOLS[raw.lower()]
    except KeyError:
        raise ValidationError({name: ["Must be a valid boolean."]}) from None


def filter_products(qs: QuerySet, params) -> QuerySet:
    if params.get("category"):
        qs = qs.filter(category__slug=params["category"])
    if params.get("tag"):
        qs = qs.filter(tags__slug=params["tag"])
    active = _bool(params, "active")
    if active is not None:
        qs = qs.filter(active=active)
    in_stock = _bool(params, "in_stock")
    if in_stock is not None:
        qs = qs.filter(stock__gt=0) if in_stock else qs.filter(stock=0)
    low, high = _decimal(params, "min_price"), _decimal(params, "max_price")
    if low is not None:
        qs = qs.filter(price__gte=low)
    if high is not None:
        qs = qs.filter(price__lte=high)
    return qs
