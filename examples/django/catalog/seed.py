"""Deterministic demo data: 8 categories, 12 tags, 120 products, ~360 reviews."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from django.db import transaction

from catalog.models import Category, Product, Review, Tag

CATEGORIES = [
    ("Books", "books"), ("Coffee & Tea", "coffee-tea"), ("Electronics", "electronics"),
    ("Garden", "garden"), ("Kitchen", "kitchen"), ("Outdoors", "outdoors"),
    ("Stationery", "stationery"), ("Toys", "toys"),
]
TAGS = ["bestseller", "eco", "gift", "handmade", "imported", "limited", "local", "new",
        "organic", "sale", "sturdy", "vintage"]
ADJECTIVES = ["Classic", "Compact", "Deluxe", "Everyday", "Nordic", "Pocket", "Smart",
              "Rustic", "Studio", "Trail", "Urban", "Zen"]
NOUNS = ["Lamp", "Notebook", "Kettle", "Backpack", "Grinder", "Planter", "Puzzle", "Speaker",
         "Mug", "Blanket", "Knife", "Tent", "Pen", "Novel", "Drone", "Teapot"]
AUTHORS = ["Ada", "Grace", "Linus", "Guido", "Barbara", "Ken", "Margaret", "Dennis", "Zoë",
           "José", "Åsa", "Nikolaus"]
PRODUCTS = 120


@transaction.atomic
def seed() -> None:
    """Fills an empty database (the caller checks it is empty)."""
    rng = random.Random(20240601)
    epoch = datetime(2024, 6, 1, 9, 0, tzinfo=timezone.utc)
    categories = Category.objects.bulk_create(
        [Category(name=n, slug=s, description="Everything in %s." % n.lower())
         for n, s in CATEGORIES])
    tags = Tag.objects.bulk_create([Tag(slug=t) for t in TAGS])
    products = []
    for i in range(1, PRODUCTS + 1):
        name = "%s %s %d" % (rng.choice(ADJECTIVES), rng.choice(NOUNS), i)
        products.append(Product(
            sku="SKU-%05d" % i,
            name=name,
            description="The %s: %s" % (name, rng.choice([
                "built to last.", "a favourite of our customers.", "now with 20% more joy.",
                "ships in recycled packaging — «ecológico».", "small, light, and useful."])),
            price=Decimal(rng.randrange(199, 29999)) / 100,
            stock=rng.choice([0, 3, 10, 25, 100, 250]),
            active=(i % 17 != 0),
            category=categories[i % len(categories)],
            created_at=epoch + timedelta(hours=7 * i, seconds=rng.randrange(3600),
                                         microseconds=rng.randrange(10**6)),
        ))
    products = Product.objects.bulk_create(products)
    through = Product.tags.through
    links = []
    for p in products:
        for t in rng.sample(tags, rng.randrange(0, 4)):
            links.append(through(product_id=p.id, tag_id=t.id))
    through.objects.bulk_create(links)
    reviews = []
    for p in products:
        for j in range(rng.randrange(0, 7)):
            reviews.append(Review(
                product=p, author=rng.choice(AUTHORS), rating=rng.randrange(1, 6),
                title=rng.choice(["Great", "Okay", "Not for me", "Love it", "Solid value"]),
                body=rng.choice(["", "Arrived quickly.", "Would buy again ✓", "Works as described."]),
                created_at=p.created_at + timedelta(days=j + 1, minutes=rng.randrange(1440)),
            ))
    Review.objects.bulk_create(reviews)
