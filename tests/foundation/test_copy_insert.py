"""core.copy_insert.copy_create stores exactly what bulk_create stores (PostgreSQL).

Each test builds the same objects twice, saves one set with bulk_create and the other
with copy_create, and compares every column of the stored rows except the primary
key and the values drawn afresh per object (a UUID, a creation time, an encrypted
field's nonce — those are compared by what they decrypt to, or by kind).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model

from catalog.models import Product
from clients.models import Client, Identity
from clients.services import identity_build
from core.copy_insert import _pure, copy_create

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]


def columns(obj: Model, drop: set[str]) -> dict[str, Any]:
    """Every stored column of obj, read back from the database."""
    model = type(obj)
    fresh = model._default_manager.get(pk=obj.pk)
    return {
        field.attname: getattr(fresh, field.attname)
        for field in model._meta.concrete_fields
        if not field.primary_key and field.attname not in drop
    }


def clients(cast: Any, tag: str) -> list[Client]:
    return [
        Client(
            first_name="Client",
            last_name=f"{tag}{n}",
            home_boutique_id=cast.paris.pk,
            preferred_language="en" if n % 2 else "de",
            sizes={"shoes": "38"} if n == 0 else {},
        )
        for n in range(3)
    ]


def test_clients_are_stored_as_bulk_create_stores_them(cast):
    by_orm = Client.objects.bulk_create(clients(cast, "orm-"))
    by_copy = copy_create(clients(cast, "copy-"))
    drop = {"public_id", "created_at", "updated_at", "last_name"}

    assert [obj.pk for obj in by_copy] == sorted(obj.pk for obj in by_copy)
    assert all(not obj._state.adding for obj in by_copy)
    assert [columns(obj, drop) for obj in by_copy] == [columns(obj, drop) for obj in by_orm]
    assert [Client.objects.get(pk=obj.pk).last_name for obj in by_copy] == [
        "copy-0",
        "copy-1",
        "copy-2",
    ]
    assert len({Client.objects.get(pk=obj.pk).public_id for obj in by_copy}) == 3


def test_identities_keep_their_own_encryption_and_lookup_hash(cast):
    owners = copy_create(clients(cast, "id-"))
    built = [
        identity_build(client=owner, kind="pos", value=f"{90000 + n}", source="import")
        for n, owner in enumerate(owners)
    ]
    twins = [
        identity_build(client=owner, kind="pos", value=f"{90000 + n}", source="import")
        for n, owner in enumerate(owners)
    ]
    copy_create(built)
    stored = list(Identity.objects.filter(client__in=owners).order_by("pk"))

    assert [(i.kind, i.value, i.lookup_hash, i.source) for i in stored] == [
        (t.kind, t.value, t.lookup_hash, t.source) for t in twins
    ]
    with connection.cursor() as cursor:  # an encrypted value is never stored twice alike
        cursor.execute(
            "SELECT value FROM clients_identity WHERE id = ANY(%s)", [[i.pk for i in stored]]
        )
        ciphertexts = [row[0] for row in cursor.fetchall()]
    assert len(set(ciphertexts)) == 3
    assert not any("9000" in text for text in ciphertexts)
    # Only Django's own fields are prepared once per value: the encrypted one every time.
    assert not _pure(Identity._meta.get_field("value"))
    assert _pure(Identity._meta.get_field("source"))


def test_products_are_stored_as_bulk_create_stores_them():
    def products(tag: str) -> list[Product]:
        return [
            Product(
                style_code=f"{tag}{n}",
                name="Riviera trench",
                description="A trench",
                category="outerwear",
                subcategory="imported",
                price=Decimal("2450.50"),
                currency="GBP",
                season="Imported",
                active=False,
            )
            for n in range(2)
        ]

    by_orm = Product.objects.bulk_create(products("ORM-"))
    by_copy = copy_create(products("CPY-"))
    drop = {"public_id", "created_at", "updated_at", "style_code"}

    assert [columns(obj, drop) for obj in by_copy] == [columns(obj, drop) for obj in by_orm]


def test_what_copy_cannot_do_is_refused(cast):
    saved = Client(first_name="A", last_name="B", home_boutique_id=cast.paris.pk, pk=10**9)
    with pytest.raises(ValueError, match="already have one"):
        copy_create([saved])
    with pytest.raises(ValueError, match="one model at a time"):
        copy_create([*clients(cast, "x"), Product(style_code=str(uuid.uuid4()))])
    assert copy_create([]) == []
