"""The API: categories, products (list, detail), orders (create, list, detail)."""
from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg, Count
from rest_framework import filters, mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from catalog.filters import filter_products
from catalog.models import Category, Order, OrderItem, Product
from catalog.schema import schema_errors
from catalog.serializers import (
    CategorySerializer,
    OrderSerializer,
    ProductDetailSerializer,
    ProductListSerializer,
)

log = logging.getLogger("demo.orders")


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer
    queryset = Category.objects.annotate(product_count=Count("products")).order_by("name")
    pagination_class = None


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """GET /api/products/ (filters: category, tag, active, in_stock, min_price, max_price,
    search, ordering; page, page_size) and GET /api/products/<id>/."""

    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["name", "sku", "description"]
    ordering_fields = ["id", "name", "price", "stock", "created_at", "rating"]
    ordering = ["id"]

    def get_queryset(self):
        qs = (Product.objects.select_related("category").prefetch_related("tags")
              .annotate(review_count=Count("reviews", distinct=True),
                        rating=Avg("reviews__rating")))
        if self.action == "retrieve":
            return qs.prefetch_related("reviews")
        return filter_products(qs, self.request.query_params)

    def get_serializer_class(self):
        return ProductDetailSerializer if self.action == "retrieve" else ProductListSerializer


class OrderViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   viewsets.GenericViewSet):
    """POST /api/orders/ (body validated against catalog.schema.ORDER_SCHEMA),
    GET /api/orders/ and GET /api/orders/<id>/."""

    serializer_class = OrderSerializer
    queryset = Order.objects.prefetch_related("items__product")

    def create(self, request, *args, **kwargs):
        data = request.data
        errors = schema_errors(data)
        if errors:
            raise ValidationError(errors)
        wanted = {int(item["product"]): item for item in data["items"]}
        products = Product.objects.in_bulk(list(wanted))
        item_errors = {}
        for i, item in enumerate(data["items"]):
            product = products.get(int(item["product"]))
            if product is None:
                item_errors["items.%d.product" % i] = ["Unknown product %s." % item["product"]]
            elif not product.active:
                item_errors["items.%d.product" % i] = ["Product %s is not for sale." % product.id]
        if item_errors:
            raise ValidationError(item_errors)
        with transaction.atomic():
            order = Order.objects.create(
                customer_name=data["customer"]["name"],
                customer_email=data["customer"]["email"],
                note=data.get("note") or "",
                priority=data.get("priority") or "normal",
                total=Decimal("0"),
            )
            total = Decimal("0")
            for item in data["items"]:
                product = products[int(item["product"])]
                quantity = int(item["quantity"])
                OrderItem.objects.create(order=order, product=product, quantity=quantity,
                                         unit_price=product.price)
                total += product.price * quantity
            order.total = total
            order.save(update_fields=["total"])
        log.info("order %d placed", order.id,
                 extra={"order_id": order.id, "total": str(total), "items": len(data["items"])})
        order = self.get_queryset().get(pk=order.pk)
        body = self.get_serializer(order).data
        return Response(body, status=status.HTTP_201_CREATED,
                        headers={"Location": "/api/orders/%d/" % order.id})
