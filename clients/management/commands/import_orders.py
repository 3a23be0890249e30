"""manage.py import_orders FILE [--source pos|ecommerce|phone|online-retail]
[--format atelier|online-retail] [--dry-run] [--limit N] [--json]: orders (and, for
online-retail, their clients and products) from a CSV file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from clients.management.commands._import import ImportCommand
from clients.models import ImportFormat, ImportKind, OrderChannel

# The system a file comes from: its format, and the channel of every line.
SOURCES = {
    "pos": (ImportFormat.ATELIER, OrderChannel.BOUTIQUE),
    "ecommerce": (ImportFormat.ATELIER, OrderChannel.ONLINE),
    "phone": (ImportFormat.ATELIER, OrderChannel.PHONE),
    "online-retail": (ImportFormat.ONLINE_RETAIL, ""),
}


class Command(ImportCommand):
    help = (
        "Import orders from a CSV file (docs/imports.md); online-retail also creates the "
        "clients and products it needs. Prints what was done and refused."
    )
    kind = ImportKind.ORDERS

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--source",
            choices=sorted(SOURCES),
            help="The system the file comes from: pos (boutique tills), ecommerce, phone "
            "(atelier format; the channel column may be left out) or online-retail.",
        )

    def source_options(self, options: dict[str, Any]) -> dict[str, Any]:
        source = options.get("source")
        if not source:
            return {}
        fmt, channel = SOURCES[source]
        if options["format"] not in (ImportFormat.ATELIER, fmt):
            raise CommandError(
                f"--source {source} reads the {fmt} format, not {options['format']}."
            )
        options["format"] = fmt
        return {"default_channel": str(channel)} if channel else {}
