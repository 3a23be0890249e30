"""Builds the demo house phase by phase, one transaction per phase, and says what it made.

Phases run in dependency order (places and staff, catalogue, clients and
consent, orders, occasions and browsing, the advisors' relationship work) and
pass each other small in-memory indexes (see state). The query count does not
grow with the number of rows: every table is written with bulk inserts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone

from catalog.models import Boutique, Collection, HeritageStory, Product, StockLevel, Variant
from clienteling.demo.appointments import build_appointments
from clienteling.demo.catalogue import build_catalogue
from clienteling.demo.consents import build_consent, publish_policy
from clienteling.demo.history import build_interactions, build_orders
from clienteling.demo.occasions import build_occasions
from clienteling.demo.people import build_clients
from clienteling.demo.relationship import build_relationship
from clienteling.demo.reset import (
    DatabaseNotEmpty,
    analyze_demo_tables,
    database_is_empty,
    wipe_demo_data,
)
from clienteling.demo.roster import DEMO_PASSWORD, HOUSE_NAME
from clienteling.demo.staff import (
    build_availability,
    build_boutiques,
    build_staff,
    demo_password_hash,
)
from clients.models import (
    Client,
    ClientUserObjectPermission,
    Identity,
    Interaction,
    Occasion,
    Order,
    OrderLine,
    WishlistItem,
)
from consent.models import ConsentRecord, PolicyVersion
from stylists.models import (
    Appointment,
    Availability,
    BookAssignment,
    ClientNote,
    FollowUp,
    Message,
    StylingRequest,
    StylingRequestStatus,
    Stylist,
)

DEFAULT_SEED = 1867
# (username, what the login shows), in the order the summary lists them.
DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("admin", "superuser, Django admin"),
    ("stylist", "Élise Marchand, client advisor in Paris: the 250-client book"),
    ("stylist2", "Giulia Bernardi, client advisor in Milan"),
    ("manager", "Hélène Vasseur, Paris boutique director"),
    ("manager-milan", "Valentina Greco, Milan boutique director"),
    ("manager-tokyo", "Takeshi Fujimoto, Ginza boutique director"),
    ("headoffice", "Claire Duval, head office (sees every client, edits none)"),
    ("client", "Camille Laurent, Paris client, Personal tier (in stylist's book)"),
    ("client-essential", "Bérénice Aumont, Paris client, Essential tier (in stylist's book)"),
)


@dataclass(frozen=True)
class DemoOptions:
    seed: int = DEFAULT_SEED
    clients: int = 600
    products: int = 320
    reset: bool = False


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # phase -> wall time

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def lines(self) -> list[str]:
        width = max(len(label) for label in self.counts)
        out = [f"{HOUSE_NAME}: the demo house is ready in {self.total_seconds:.1f} s."]
        out += [f"  {label:<{width}}  {n:>9,}" for label, n in self.counts.items()]
        out.append(f"Logins (password {DEMO_PASSWORD!r}):")
        out += [f"  {username:<17} {role}" for username, role in DEMO_LOGINS]
        return out


Progress = Callable[[str], None]


@contextmanager
def _phase(summary: DemoSummary, name: str, progress: Progress | None) -> Iterator[None]:
    started, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        yield
    summary.seconds[name] = time.perf_counter() - started
    if progress is not None:
        cpu_seconds = time.process_time() - cpu
        progress(f"{name}: {summary.seconds[name]:.1f} s ({cpu_seconds:.1f} s of it in Python)")


def build_demo_house(options: DemoOptions, *, progress: Progress | None = None) -> DemoSummary:
    """Seed the whole house; refuses a non-empty database unless options.reset."""
    summary = DemoSummary()
    if not database_is_empty():
        if not options.reset:
            raise DatabaseNotEmpty(
                "The database already holds users, clients or products. Run seed_demo with "
                "--reset to delete them (every user included) and seed the demo house."
            )
        with _phase(summary, "reset", progress):
            wipe_demo_data()
    seed, now = options.seed, timezone.now()
    today = timezone.localdate(now)
    with _phase(summary, "boutiques and staff", progress):
        password_hash = demo_password_hash()
        staff = build_staff(boutiques=build_boutiques(), password_hash=password_hash)
        build_availability(staff)
        policy = publish_policy(now)
    with _phase(summary, "catalogue", progress):
        catalogue = build_catalogue(seed=seed, count=options.products, boutiques=staff.boutiques)
    with _phase(summary, "clients, books and consent", progress):
        clients = build_clients(
            seed=seed, count=options.clients, staff=staff, now=now, password_hash=password_hash
        )
        build_consent(seed=seed, clients=clients, policy=policy, now=now)
    with _phase(summary, "orders", progress):
        build_orders(seed=seed, clients=clients, catalogue=catalogue, staff=staff, now=now)
    with _phase(summary, "occasions, browsing and wishlists", progress):
        _, soon = build_occasions(seed=seed, clients=clients, today=today)
        build_interactions(seed=seed, clients=clients, catalogue=catalogue, now=now)
    with _phase(summary, "notes, messages and appointments", progress):
        build_relationship(
            seed=seed, clients=clients, catalogue=catalogue, staff=staff, soon=soon, now=now
        )
        build_appointments(seed=seed, clients=clients, staff=staff, soon=soon, now=now)
    if connection.vendor == "postgresql":
        with _phase(summary, "planner statistics", progress):
            analyze_demo_tables()
    summary.counts = table_counts()
    return summary


def table_counts() -> dict[str, int]:
    """What the house holds, table by table (one COUNT each)."""
    tables: dict[str, models.QuerySet] = {
        "users": get_user_model().objects.all(),
        "boutiques": Boutique.objects.all(),
        "staff (advisors, managers, head office)": Stylist.objects.all(),
        "availability windows": Availability.objects.all(),
        "collections": Collection.objects.all(),
        "products": Product.objects.all(),
        "variants": Variant.objects.all(),
        "stock levels": StockLevel.objects.all(),
        "heritage stories": HeritageStory.objects.all(),
        "clients": Client.objects.all(),
        "VIC clients": Client.objects.filter(is_vic=True),
        "identities": Identity.objects.all(),
        "book assignments": BookAssignment.objects.all(),
        "book permissions": ClientUserObjectPermission.objects.all(),
        "policy versions": PolicyVersion.objects.all(),
        "consent records": ConsentRecord.objects.all(),
        "occasions": Occasion.objects.all(),
        "orders": Order.objects.all(),
        "order lines": OrderLine.objects.all(),
        "interactions": Interaction.objects.all(),
        "wishlist items": WishlistItem.objects.all(),
        "client notes": ClientNote.objects.all(),
        "appointments": Appointment.objects.all(),
        "styling requests": StylingRequest.objects.all(),
        "open styling requests": StylingRequest.objects.filter(status=StylingRequestStatus.OPEN),
        "messages": Message.objects.all(),
        "follow-ups": FollowUp.objects.all(),
    }
    return {label: queryset.count() for label, queryset in tables.items()}
