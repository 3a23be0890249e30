"""manage.py import_orders FILE [--format atelier|online-retail] [--dry-run] [--limit N] [--json]:
orders (and, for online-retail, their clients and products) from a CSV file."""

from __future__ import annotations

from clients.management.commands._import import ImportCommand
from clients.models import ImportKind


class Command(ImportCommand):
    help = (
        "Import orders from a CSV file (docs/imports.md); online-retail also creates the "
        "clients and products it needs. Prints what was done and refused."
    )
    kind = ImportKind.ORDERS
