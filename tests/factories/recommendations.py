"""Factories for lookbooks and models."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from recommendations.models import (
    ItemSource,
    Lookbook,
    LookbookItem,
    LookbookOrigin,
    LookbookStatus,
    ModelVersion,
)
from tests.factories.catalog import ProductFactory
from tests.factories.clients import ClientFactory


class ModelVersionFactory(DjangoModelFactory[ModelVersion]):
    class Meta:
        model = ModelVersion

    status = "ready"
    params = factory.LazyFunction(lambda: {"factors": 32})


class LookbookFactory(DjangoModelFactory[Lookbook]):
    class Meta:
        model = Lookbook

    client = factory.SubFactory(ClientFactory)
    origin = LookbookOrigin.MODEL
    status = LookbookStatus.DRAFT
    title = "For the opera season"


class LookbookItemFactory(DjangoModelFactory[LookbookItem]):
    class Meta:
        model = LookbookItem

    lookbook = factory.SubFactory(LookbookFactory)
    product = factory.SubFactory(ProductFactory)
    position = factory.Sequence(lambda n: n)
    source = ItemSource.MODEL
    explanation = "She bought the Riviera trench; in stock in 38 in Paris."
