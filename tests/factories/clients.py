"""Factories for clients and their history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from clients.models import (
    Client,
    Interaction,
    InteractionKind,
    Occasion,
    OccasionKind,
    Order,
    OrderChannel,
    OrderLine,
    WishlistItem,
)
from clients.services import identity_build
from tests.factories.catalog import BoutiqueFactory, ProductFactory


class ClientFactory(DjangoModelFactory[Client]):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"Camille{n}")
    last_name = factory.Sequence(lambda n: f"Laurent{n}")
    salutation = "Mme"
    preferred_language = "fr"
    home_boutique = factory.SubFactory(BoutiqueFactory)
    sizes = factory.LazyFunction(lambda: {"ready_to_wear": "38", "shoes": "38.5"})

    @factory.post_generation
    def email(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            identity_build(client=self, kind="email", value=extracted, is_primary=True).save()

    @factory.post_generation
    def phone(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            identity_build(client=self, kind="phone", value=extracted, is_primary=True).save()


class OccasionFactory(DjangoModelFactory[Occasion]):
    class Meta:
        model = Occasion

    client = factory.SubFactory(ClientFactory)
    kind = OccasionKind.GALA
    title = "Opera gala"
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=20))
    next_date = factory.LazyAttribute(lambda o: o.date)


class OrderFactory(DjangoModelFactory[Order]):
    class Meta:
        model = Order

    client = factory.SubFactory(ClientFactory)
    channel = OrderChannel.BOUTIQUE
    boutique = factory.LazyAttribute(lambda o: o.client.home_boutique)
    placed_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    total = Decimal("0")


class OrderLineFactory(DjangoModelFactory[OrderLine]):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    unit_price = factory.LazyAttribute(lambda o: o.product.price)


class InteractionFactory(DjangoModelFactory[Interaction]):
    class Meta:
        model = Interaction

    client = factory.SubFactory(ClientFactory)
    product = factory.SubFactory(ProductFactory)
    kind = InteractionKind.VIEW
    occurred_at = factory.LazyFunction(timezone.now)


class WishlistItemFactory(DjangoModelFactory[WishlistItem]):
    class Meta:
        model = WishlistItem

    client = factory.SubFactory(ClientFactory)
    product = factory.SubFactory(ProductFactory)
