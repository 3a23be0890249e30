"""Fixtures for privacy tests: a client with data in every corner of the house."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from rest_framework.authtoken.models import Token

from clients.imports.runs import import_run_create, import_run_execute
from clients.models import Client, Order
from clients.services import identity_add
from consent.services import access_log_record, consent_record
from stylists.models import (
    Appointment,
    FollowUp,
    Message,
    StylingRequest,
)
from stylists.services import note_add
from tests.factories.catalog import ProductFactory, VariantFactory
from tests.factories.clients import (
    InteractionFactory,
    OccasionFactory,
    OrderFactory,
    OrderLineFactory,
    WishlistItemFactory,
)
from tests.factories.recommendations import LookbookFactory, LookbookItemFactory
from tests.factories.security import totp_device

FIRST, LAST = "Camille", "Laurent"
EMAIL, PHONE = "camille.laurent@example.com", "+33612345678"


@dataclass
class Story:
    client: Client
    order: Order
    order_total: Decimal


@pytest.fixture(autouse=True)
def _private_storage(tmp_path: Path, settings: Any) -> None:
    """Archives go to a temporary private root, never into var/."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MODEL_ARTIFACT_DIR = tmp_path / "models"


@pytest.fixture
def story(cast: Any) -> Story:
    """The cast's client (Camille Laurent) with something in every table that can hold her."""
    client = cast.client
    owner = cast.owner
    now = timezone.now()
    identity_add(client=client, kind="loyalty", value="MV-0042-7781", source="boutique")
    client.preferred_name = "Camille"
    client.style_keywords = ["quiet luxury", f"{FIRST}'s capsule"]
    client.save(update_fields=["preferred_name", "style_keywords"])
    occasion = OccasionFactory(
        client=client, title=f"{FIRST}'s fortieth", notes=f"Party for {FIRST} {LAST}"
    )
    product = ProductFactory(name="Riviera trench")
    variant = VariantFactory(product=product, size="38")
    order = OrderFactory(client=client, total=Decimal("2450.00"), credited_stylist=owner)
    OrderLineFactory(order=order, product=product, variant=variant, unit_price=Decimal("2450.00"))
    InteractionFactory(client=client, product=product, context={"note": f"{LAST} viewed"})
    WishlistItemFactory(client=client, product=ProductFactory(), note=f"For {FIRST}")
    note_add(client=client, author=owner, body=f"{FIRST} {LAST} prefers {EMAIL} after 18:00.")
    Message.objects.create(
        client=client,
        stylist=owner,
        direction="out",
        channel="email",
        subject=f"For {FIRST}",
        body=f"Dear {FIRST}, call me on {PHONE}.",
        created_at=now,
        status_detail=f"Delivered to {EMAIL}",
    )
    StylingRequest.objects.create(
        client=client,
        stylist=owner,
        message=f"Something for {FIRST}'s gala",
        created_at=now,
        due_at=now + dt.timedelta(hours=4),
    )
    Appointment.objects.create(
        client=client,
        stylist=owner,
        boutique=cast.paris,
        kind="boutique",
        starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=1),
        purpose=f"Fitting for {FIRST} {LAST}",
        occasion=occasion,
    )
    FollowUp.objects.create(
        stylist=owner,
        client=client,
        kind="custom",
        due_on=timezone.localdate(),
        reason=f"Call {FIRST} about the trench",
        dedupe_key=f"custom:{client.pk}:1",
    )
    published = LookbookFactory(
        client=client,
        author=owner,
        origin="stylist",
        status="published",
        title=f"For {FIRST}",
        note=f"Dear {FIRST} {LAST}",
        published_at=now,
        published_channels=["email"],
    )
    LookbookItemFactory(
        lookbook=published, product=product, state="kept", explanation=f"{FIRST} loved the trench"
    )
    LookbookFactory(
        client=client,
        author=owner,
        status="draft",
        title=f"Draft for {LAST}",
        note=f"Secret idea for {FIRST}",
        data_basis={"kinds": ["purchases"]},
        alternates=[{"product": product.pk, "why": f"{FIRST} owns the trench"}],
    )
    consent_record(
        client=client,
        tier="personal",
        channels=["email", "sms"],
        source="boutique",
        proof_text="Personal, as shown in boutique.",
        recorded_by=owner.user,
        note=f"{FIRST} asked for SMS reminders",
    )
    access_log_record(
        actor=owner.user,
        client=client,
        action="viewed_story",
        reason=f"{FIRST} called the boutique",
    )
    # Technical traces that carry her name or login.
    user = client.user
    user.username = EMAIL  # clients sign in with their e-mail
    user.email = EMAIL
    user.last_name = LAST
    user.save(update_fields=["username", "email", "last_name"])
    Token.objects.create(user=user)
    totp_device(user)
    AccessAttempt.objects.create(
        username=user.get_username(),
        ip_address="203.0.113.7",
        user_agent="test",
        get_data="",
        post_data=f"username={user.get_username()}",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=1,
    )
    LogEntry.objects.create(
        user=cast.head_office.user,
        content_type=ContentType.objects.get_for_model(Client),
        object_id=str(client.pk),
        object_repr=f"{FIRST} {LAST}",
        action_flag=CHANGE,
        change_message=f'[{{"changed": {{"fields": ["{LAST}"]}}}}]',
    )
    assert Path(settings.PRIVATE_STORAGE_ROOT).name == "private"
    # An import that refused rows holding her e-mail, her phone and her name
    rejected_rows = (
        "first_name,last_name,email,phone,home_boutique\n"
        f"Jeanne,Martin,{EMAIL},,paris\n"
        f"Jeanne,Martin,,{PHONE},paris\n"
        f"{FIRST},{LAST},,,paris\n"
    )
    run = import_run_create(kind="clients", fmt="atelier", filename="crm-export.csv")
    import_run_execute(run=run, stream=io.BytesIO(rejected_rows.encode()))
    assert run.report["rows"]["rejected"] == 3
    return Story(client=client, order=order, order_total=order.total)
