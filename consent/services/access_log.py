"""The staff access log: who looked at which client, written on every view."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from consent.models import (
    AccessAction,
    StaffAccessLog,
)

if TYPE_CHECKING:
    from clients.models import Client


def access_log_record(
    *, actor: Any, client: Client | int, action: str, reason: str = ""
) -> StaffAccessLog | None:
    """Note that a member of staff looked at a client's data: one INSERT, safe on every GET.

    Deliberately neither atomic nor full_clean(): it is a single statement
    (atomic by itself) and validating the foreign keys would cost two more
    queries on every page view. The action is checked here; nobody is logged
    for looking at their own record, and anonymous callers are ignored.
    """
    if action not in AccessAction.values:
        raise ValueError(f"Unknown access action {action!r}.")
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    client_id = client if isinstance(client, int) else client.pk
    own_user_id = None if isinstance(client, int) else client.user_id
    if own_user_id is not None and own_user_id == actor.pk:
        return None
    return StaffAccessLog.objects.create(
        actor_id=actor.pk, client_id=client_id, action=action, reason=reason.strip()[:280]
    )


def access_log_record_bulk(
    *, actor: Any, client_ids: Iterable[int], action: str, reason: str = ""
) -> int:
    """One row per client for a look at many at once (e.g. a client book export): one INSERT.

    Same rules as access_log_record: anonymous callers are ignored, and a client
    looking at their own record is not logged. Returns the rows written.
    """
    if action not in AccessAction.values:
        raise ValueError(f"Unknown access action {action!r}.")
    if actor is None or not getattr(actor, "is_authenticated", False):
        return 0
    from clients.models import Client  # consent refers to clients lazily

    ids = sorted(set(client_ids))
    if not ids:
        return 0
    own = set(Client.objects.filter(pk__in=ids, user_id=actor.pk).values_list("pk", flat=True))
    rows = [
        StaffAccessLog(actor_id=actor.pk, client_id=cid, action=action, reason=reason.strip()[:280])
        for cid in ids
        if cid not in own
    ]
    StaffAccessLog.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
