"""manage.py import_clients FILE [--format atelier|online-retail] [--dry-run] [--limit N]
[--assign-to USERNAME] [--json]: clients from a CSV file, with a report of every rejected row."""

from __future__ import annotations

from clients.management.commands._import import ImportCommand
from clients.models import ImportKind


class Command(ImportCommand):
    help = "Import clients from a CSV file (docs/imports.md); prints what was done and refused."
    kind = ImportKind.CLIENTS
