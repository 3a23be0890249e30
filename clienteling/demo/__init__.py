"""The demo house, Maison Verlaine: a deterministic, scalable seed for every app.

`build_demo_house` (in builder) is the entry point; `manage.py seed_demo` is its
thin command. Each module owns one phase and returns plain indexes for the next.
"""

from __future__ import annotations

from clienteling.demo.builder import DemoOptions, DemoSummary, build_demo_house
from clienteling.demo.reset import DatabaseNotEmpty, database_is_empty, wipe_demo_data

__all__ = [
    "DatabaseNotEmpty",
    "DemoOptions",
    "DemoSummary",
    "build_demo_house",
    "database_is_empty",
    "wipe_demo_data",
]
