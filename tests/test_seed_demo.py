"""seed_demo: a deterministic, complete demo house, seeded without a query per row.

A tiny house (40 clients, 40 products) is seeded once for the module, inside a
transaction rolled back at the end; each test runs in its own savepoint, so the
tests that reseed (with --reset) leave the shared house as they found it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Boutique, HeritageStory, Product, StockLevel, Variant
from clienteling.demo.pieces import SUBCATEGORIES
from clienteling.demo.roster import DEMO_PASSWORD
from clients.models import Client, Identity, IdentityKind, Occasion, Order, OrderLine
from clients.selectors import clients_visible_to, segment_of
from clients.services import identity_lookup_hash
from consent.models import ConsentRecord, ConsentTier
from consent.policy import Channel, current_consent, current_consents
from stylists.models import BookAssignment, Role, StylingRequest, Stylist

SMALL = {"clients": 40, "products": 40}
LOGINS = (
    "admin",
    "stylist",
    "stylist2",
    "manager",
    "manager-milan",
    "manager-tokyo",
    "headoffice",
    "client",
    "client-essential",
)
EXAMPLE_DOMAINS = ("example.com", "example.fr", "example.it", "example.jp")


def seed(**options: Any) -> str:
    """Run the command quietly; returns what it reported."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **{**SMALL, **options})
    return out.getvalue()


def fingerprint() -> str:
    """Names, UUIDs, codes and amounts of everything seeded (not the wall-clock times)."""
    digest = hashlib.sha256()
    for rows in (
        Client.objects.order_by("public_id").values_list(
            "public_id", "first_name", "last_name", "lifetime_spend", "is_vic"
        ),
        Product.objects.order_by("public_id").values_list(
            "public_id", "style_code", "name", "price", "description"
        ),
        Variant.objects.order_by("sku").values_list("sku", "size", "colour"),
        Order.objects.order_by("public_id").values_list("public_id", "total", "channel"),
        HeritageStory.objects.order_by("public_id").values_list("public_id", "slug"),
        Identity.objects.order_by("lookup_hash").values_list("kind", "lookup_hash"),
        ConsentRecord.objects.order_by("client__public_id", "recorded_at").values_list(
            "client__public_id", "tier", "email", "sms", "whatsapp", "phone"
        ),
    ):
        for row in rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def house(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        seed()
        yield
        transaction.set_rollback(True)


# The house is seeded once per module on the real clock; its tests read it on the same clock.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("house"), pytest.mark.real_clock]


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def test_the_same_seed_gives_the_same_house_and_another_seed_another() -> None:
    # given the shared house, seeded with the default seed
    first = fingerprint()
    # when it is seeded again, from scratch, with the same seed
    seed(reset=True)
    # then nothing differs: names, UUIDs, products, orders, identities, consent
    assert fingerprint() == first
    # and another seed makes another house
    seed(reset=True, seed=7)
    assert fingerprint() != first


def test_it_refuses_a_database_that_already_holds_data() -> None:
    with pytest.raises(CommandError, match="--reset"):
        seed()


def test_it_refuses_to_seed_where_messages_would_really_be_sent(settings: Any) -> None:
    settings.MESSAGING_BACKEND = "twilio"
    with pytest.raises(CommandError, match="console messaging backend only"):
        call_command("seed_demo", "--if-empty")


def test_the_summary_lists_counts_and_logins() -> None:
    report = seed(reset=True)
    assert "clients" in report
    assert re.search(r"clients\s+40\b", report)
    assert f"password {DEMO_PASSWORD!r}" in report
    for username in LOGINS:
        assert username in report


def test_demo_logins_have_their_roles_and_the_demo_password() -> None:
    for username in LOGINS:
        assert user(username).check_password(DEMO_PASSWORD), username
    admin = user("admin")
    assert admin.is_superuser
    assert admin.is_staff
    roles = {
        s.user.username: (s.role, s.boutique.code if s.boutique else None)
        for s in Stylist.objects.select_related("user", "boutique")
    }
    assert roles["stylist"] == (Role.STYLIST, "paris")
    assert roles["stylist2"] == (Role.STYLIST, "milan")
    assert roles["manager"] == (Role.MANAGER, "paris")
    assert roles["manager-milan"] == (Role.MANAGER, "milan")
    assert roles["manager-tokyo"] == (Role.MANAGER, "tokyo")
    assert roles["headoffice"] == (Role.HEAD_OFFICE, None)
    per_boutique = Counter(boutique for role, boutique in roles.values() if role == Role.STYLIST)
    assert per_boutique == {"paris": 8, "milan": 8, "tokyo": 8}
    assert user("manager").has_perm("catalog.manage_boutique", Boutique.objects.get(code="paris"))
    assert clients_visible_to(user("headoffice")).count() == SMALL["clients"]
    assert (
        clients_visible_to(user("manager")).count()
        == Client.objects.filter(home_boutique__code="paris").count()
    )


def test_stylist_holds_the_biggest_book_with_both_client_logins() -> None:
    books = Counter(
        BookAssignment.objects.filter(ended_at__isnull=True).values_list(
            "stylist__user__username", flat=True
        )
    )
    assert books.most_common(1)[0][0] == "stylist"
    camille = Client.objects.get(user__username="client")
    essential = Client.objects.get(user__username="client-essential")
    assert camille.full_name == "Camille Laurent"
    assert camille.home_boutique.code == "paris"
    for client in (camille, essential):
        assert client.book_assignments.get(ended_at__isnull=True).stylist.user.username == (
            "stylist"
        )
    consent = current_consent(camille)
    assert consent.tier == ConsentTier.PERSONAL
    assert {Channel.EMAIL, Channel.PHONE} <= consent.channels
    assert current_consent(essential).tier == ConsentTier.ESSENTIAL
    today = timezone.localdate()
    soon = camille.occasions.filter(next_date__gte=today, next_date__lte=today + dt.timedelta(60))
    assert soon.count() >= 2
    assert camille.orders_count > 0
    assert camille.wishlist.exists()
    assert camille.notes.filter(pinned=True).exists()


def test_every_client_has_one_open_book_and_its_advisor_sees_them() -> None:
    open_books = BookAssignment.objects.filter(ended_at__isnull=True)
    per_client = Counter(open_books.values_list("client_id", flat=True))
    assert set(per_client) == set(Client.objects.values_list("pk", flat=True))
    assert set(per_client.values()) == {1}
    for stylist in Stylist.objects.filter(assignments__isnull=False).distinct():
        book = set(open_books.filter(stylist=stylist).values_list("client_id", flat=True))
        visible = set(clients_visible_to(stylist.user).values_list("pk", flat=True))
        assert book <= visible, stylist.user.username


def test_identities_decrypt_are_unique_and_reach_nobody() -> None:
    identities = list(Identity.objects.all())
    assert identities
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM clients_identity")
        stored = [value for (value,) in cursor.fetchall()]
    assert all(value.startswith("fernet:") for value in stored)  # encrypted at rest
    assert len({(i.kind, i.value) for i in identities}) == len(identities)
    for identity in identities:
        assert not identity.value.startswith("fernet:")
        assert identity.lookup_hash == identity_lookup_hash(identity.kind, identity.value)
        if identity.kind == IdentityKind.EMAIL:
            assert identity.value.rsplit("@", 1)[1] in EXAMPLE_DOMAINS
        if identity.kind == IdentityKind.PHONE:
            assert re.fullmatch(
                r"\+(33|39|81|44|1|49|41|34|31|55|86|82|65|971)\d{6,12}", identity.value
            )


def test_the_catalogue_has_every_subcategory_stock_with_gaps_and_heritage() -> None:
    products = Product.objects.all()
    assert products.count() == SMALL["products"]
    kinds = set(products.values_list("category", "subcategory"))
    assert kinds == {(s.category, s.name) for s in SUBCATEGORIES}
    assert all(
        re.fullmatch(r"MV-(RTW|LG|SH|JW|FR)-\d{4}", code)
        for code in products.values_list("style_code", flat=True)
    )
    bands = {
        "fragrance": (180, 420),
        "shoes": (650, 1600),
        "leather_goods": (1200, 9500),
        "ready_to_wear": (650, 6800),
        "jewellery": (900, 38000),
    }
    for category, price in products.values_list("category", "price"):
        low, high = bands[category]
        assert low <= price <= high
    online = StockLevel.objects.filter(boutique__isnull=True)
    assert online.count() == Variant.objects.count()  # every variant has an online row
    assert StockLevel.objects.filter(quantity=0).exists()  # and some places are sold out
    stories = HeritageStory.objects.annotate(n=Count("products"))
    assert stories.count() >= 10
    assert all(story.n > 0 for story in stories)
    assert {s.motif for s in stories} <= {"atelier", "saddle", "silk", "trunk", "perfume", "jewel"}


def test_orders_add_up_and_the_clientele_is_skewed() -> None:
    for order in Order.objects.prefetch_related("lines"):
        assert order.total == sum(line.line_total for line in order.lines.all())
        if order.channel == "boutique":
            assert order.boutique_id is not None
    assert not OrderLine.objects.filter(order__isnull=True).exists()
    clients = list(Client.objects.all())
    segments = Counter(segment_of(c) for c in clients)
    assert segments["prospect"] > 0  # some never bought
    vics = [c for c in clients if c.is_vic]
    assert 1 <= len(vics) <= 0.15 * len(clients)
    assert min(c.lifetime_spend for c in vics) >= max(
        c.lifetime_spend for c in clients if not c.is_vic
    )


def test_consent_mixes_tiers_and_keeps_some_history() -> None:
    states = current_consents(Client.objects.values_list("pk", flat=True))
    assert all(state.has_record for state in states.values())
    assert {s.tier for s in states.values()} == set(ConsentTier.values)
    histories = ConsentRecord.objects.values("client").annotate(n=Count("pk")).filter(n__gt=1)
    assert histories.exists()


def test_there_is_work_waiting_for_the_advisors() -> None:
    today = timezone.localdate()
    assert Occasion.objects.filter(
        next_date__gte=today, next_date__lte=today + dt.timedelta(days=60)
    ).exists()
    assert not Occasion.objects.filter(next_date__lt=today).exists()
    waiting = StylingRequest.objects.filter(status="open")
    assert waiting.filter(due_at__lt=timezone.now()).count() == 1  # one overdue, 4-hour SLA
    assert waiting.filter(stylist__user__username="stylist").exists()
    stylist = Stylist.objects.get(user__username="stylist")
    assert stylist.appointments.filter(starts_at__gte=timezone.now()).exists()


def test_seeding_does_not_query_per_row() -> None:
    # given the same house seeded at two sizes (each run wipes the previous one first)
    with CaptureQueriesContext(connection) as small:
        seed(reset=True)
    with CaptureQueriesContext(connection) as double:
        seed(reset=True, clients=80, products=80)
    # then twice the rows cost only a few more statements (SQLite's batches), not one per row
    extra = len(double.captured_queries) - len(small.captured_queries)
    assert extra < 20, extra


def test_advisors_write_to_french_and_italian_clients_in_their_language() -> None:
    # "Bonjour Mme Laurent, with your birthday approaching…" mixed two languages in one
    # message; an advisor writes the whole message in the client's language
    from stylists.models import Message, MessageDirection

    camille = Client.objects.get(user__username="client")
    written = Message.objects.filter(client=camille, direction=MessageDirection.OUTBOUND)
    assert written.exists()
    for message in written:
        assert "Bonjour" in message.body or "Bien sûr" in message.body or "Oui" in message.body
        assert " your " not in message.body
    for client in Client.objects.filter(preferred_language__in=["fr", "it"])[:40]:
        for message in Message.objects.filter(client=client, direction=MessageDirection.OUTBOUND):
            assert " your " not in message.body, message.body
