"""Factories for advisors (through the real services, so permissions are real)."""

from __future__ import annotations

import itertools
from typing import Any

from catalog.models import Boutique
from clients.models import Client
from stylists.models import Role, Stylist
from stylists.services import book_reassign, stylist_create

_seq = itertools.count(1)


def make_stylist(
    *,
    boutique: Boutique | None,
    role: str = Role.STYLIST,
    username: str | None = None,
    password: str = "atelier-test-pass",
    **extra: Any,
) -> Stylist:
    n = next(_seq)
    return stylist_create(
        username=username or f"advisor{n}",
        password=password,
        first_name=extra.pop("first_name", f"Advisor{n}"),
        last_name=extra.pop("last_name", "Test"),
        boutique=boutique,
        role=role,
        **extra,
    )


def put_in_book(stylist: Stylist, *clients: Client) -> None:
    book_reassign(
        clients=list(clients), to_stylist=stylist, performed_by=None, check_permission=False
    )
