"""Withdrawing drafts when a client's consent narrows (registered with consent.services)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from consent import policy
from consent.services import ConsentChange
from recommendations.models import Lookbook, LookbookStatus, ReviewAction, ReviewEvent
from recommendations.services.pending import materialise_pieces

REVIEWABLE = (LookbookStatus.DRAFT, LookbookStatus.IN_REVIEW)


def data_basis_allowed(data_basis: dict[str, object], state: policy.ConsentState) -> bool:
    """Is every data kind a draft was built from still allowed for personalisation?"""
    kinds = data_basis.get("kinds") or []
    if not isinstance(kinds, list):
        return False
    return all(
        policy.may_use(state, policy.DataKind(kind), policy.Purpose.PERSONALISATION)
        for kind in kinds
        if kind in policy.DataKind.__members__.values()
    )


@transaction.atomic
def lookbooks_withdraw_on_consent_change(change: ConsentChange) -> int:
    """Withdraw unpublished drafts that the client's narrower consent no longer allows."""
    if not change.tier_lowered:
        return 0
    drafts = list(
        Lookbook.objects.select_for_update()
        .filter(client_id=change.client_id, status__in=REVIEWABLE)
        .order_by("pk")
    )
    now = timezone.now()
    withdrawn = 0
    for lookbook in drafts:
        machine_ok = lookbook.origin != "model" or policy.may_draft_with_model(change.after)
        if machine_ok and data_basis_allowed(lookbook.data_basis, change.after):
            continue
        if lookbook.pending_pieces:  # a bulk draft: its rows, as every withdrawn one has
            materialise_pieces(lookbook)
        lookbook.status = LookbookStatus.WITHDRAWN
        lookbook.closed_at = now
        lookbook.closed_reason = (
            f"Consent lowered to {change.after.tier_label}: the draft used data it no longer "
            "allows."
        )
        lookbook.version += 1
        lookbook.save(
            update_fields=["status", "closed_at", "closed_reason", "version", "updated_at"]
        )
        ReviewEvent.objects.create(
            lookbook=lookbook,
            action=ReviewAction.WITHDRAW,
            reason="consent",
            reason_text=lookbook.closed_reason,
            payload={"before": change.before.tier, "after": change.after.tier},
        )
        withdrawn += 1
    return withdrawn
