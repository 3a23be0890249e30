"""Factories for consent: policy versions and records."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from consent.models import ConsentRecord, ConsentSource, ConsentTier, PolicyVersion
from tests.factories.clients import ClientFactory


class PolicyVersionFactory(DjangoModelFactory[PolicyVersion]):
    class Meta:
        model = PolicyVersion
        django_get_or_create = ("version",)

    version = "2026.1"
    summary = "How Maison Verlaine uses what you share with us."
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=365))


class ConsentRecordFactory(DjangoModelFactory[ConsentRecord]):
    class Meta:
        model = ConsentRecord

    client = factory.SubFactory(ClientFactory)
    tier = ConsentTier.PERSONAL
    email = True
    sms = False
    whatsapp = False
    phone = False
    policy_version = factory.SubFactory(PolicyVersionFactory)
    source = ConsentSource.BOUTIQUE
    proof_text = "I agree to the Personal tier as described."
    recorded_at = factory.LazyFunction(timezone.now)
