"""The demo's tables: emptying them safely and fast before reseeding, and analysing them after.

The demo owns every row of the tables it seeds, and every row of any table that
points at them (a session's token, an admin log line, a trained model). Those
tables are emptied in one flush: TRUNCATE ... RESTART IDENTITY on PostgreSQL,
DELETE plus a sequence reset on SQLite, so primary keys start again at 1 and
a reseeded house is identical to the first one. This sidesteps PROTECT foreign
keys and the append-only consent queryset (which refuses .delete()) without
loading a single row. Reference data is kept: content types, permissions,
groups, and the outreach templates shipped by migrations.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from catalog.models import (
    Boutique,
    Collection,
    HeritageStory,
    Product,
    StockLevel,
    Variant,
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
    Stylist,
)

# What the demo writes; anything pointing at these rows goes with them.
SEEDED_MODELS: tuple[type[models.Model], ...] = (
    Boutique,
    Collection,
    Product,
    Variant,
    StockLevel,
    HeritageStory,
    Client,
    Identity,
    ClientUserObjectPermission,
    Occasion,
    Order,
    OrderLine,
    Interaction,
    WishlistItem,
    PolicyVersion,
    ConsentRecord,
    Stylist,
    BookAssignment,
    Availability,
    ClientNote,
    Appointment,
    StylingRequest,
    Message,
    FollowUp,
)


class DatabaseNotEmpty(Exception):
    """The database already holds data; seeding would mix the demo with it."""


def database_is_empty(using: str = DEFAULT_DB_ALIAS) -> bool:
    return not any(
        model._default_manager.using(using).exists()
        for model in (get_user_model(), Boutique, Client, Product)
    )


def _points_at(model: type[models.Model], targets: set[type[models.Model]]) -> bool:
    return any(
        field.is_relation and field.related_model in targets
        for field in model._meta.concrete_fields
    )


def demo_models() -> list[type[models.Model]]:
    """The seeded models and the user model, then every model that points at them."""
    candidates = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]
    wiped: set[type[models.Model]] = {*SEEDED_MODELS, get_user_model()}
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model not in wiped and _points_at(model, wiped):
                wiped.add(model)
                grew = True
    return sorted(wiped, key=lambda m: m._meta.label)


def wipe_demo_data(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Empty the demo's tables (one flush) and restart their ids; returns the table names."""
    connection = connections[using]
    tables = [m._meta.db_table for m in demo_models()]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            # Inside an outer transaction, pending deferred FK checks would make
            # TRUNCATE fail ("pending trigger events"): run them now.
            connection.check_constraints()
        statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
        connection.ops.execute_sql_flush(statements)
    return tables


def analyze_demo_tables(using: str = DEFAULT_DB_ALIAS) -> None:
    """PostgreSQL: refresh planner statistics now, so the new demo is fast from its first page."""
    connection = connections[using]
    with connection.cursor() as cursor:
        for model in demo_models():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
