"""Review actions on the lookbook as a whole: open, make by hand, words, discard, withdraw."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clients.models import Client, Occasion
from consent import policy
from recommendations.models import (
    Lookbook,
    LookbookOrigin,
    LookbookStatus,
    ReviewAction,
    ReviewEvent,
)
from recommendations.services.review.base import DiscardReason, lock, record_event, save
from stylists.models import StylingRequest, Stylist


@transaction.atomic
def lookbook_open_for_review(*, lookbook: Lookbook, by: Any) -> Lookbook:
    """A stylist opens a draft: it moves to 'in review' (once; later opens change nothing)."""
    locked = lock(lookbook, expected_version=None)
    if locked.status != LookbookStatus.DRAFT:
        return locked
    locked.status = LookbookStatus.IN_REVIEW
    save(locked, "status")
    record_event(locked, by=by, action=ReviewAction.OPEN)
    return locked


@transaction.atomic
def lookbook_create_by_hand(
    *,
    client: Client,
    author: Stylist,
    title: str = "",
    occasion: Occasion | None = None,
    styling_request: StylingRequest | None = None,
) -> Lookbook:
    """An empty lookbook the stylist fills by hand; the only kind an Essential client gets."""
    if occasion is not None and occasion.client_id != client.pk:
        raise ValidationError("That occasion belongs to another client.", code="occasion")
    if styling_request is not None and styling_request.client_id != client.pk:
        raise ValidationError("That styling request is another client's.", code="request")
    state = policy.current_consent(client)
    lookbook = Lookbook(
        client=client,
        author=author,
        origin=LookbookOrigin.STYLIST,
        status=LookbookStatus.IN_REVIEW,
        title=title.strip(),
        occasion=occasion,
        styling_request=styling_request,
        # Made by hand: no model, no data kinds beyond the stylist's own knowledge.
        data_basis={"tier": state.tier, "kinds": [], "by_hand": True},
    )
    lookbook.full_clean()
    lookbook.save()
    record_event(
        lookbook,
        by=author.user,
        action=ReviewAction.OPEN,
        payload={
            "by_hand": True,
            "styling_request": styling_request.pk if styling_request else None,
        },
    )
    return lookbook


@transaction.atomic
def lookbook_set_note(*, lookbook: Lookbook, note: str, by: Any, expected_version: int) -> Lookbook:
    """The advisor's personal note to the client, shown with the published lookbook."""
    locked = lock(lookbook, expected_version=expected_version)
    apply_note(locked, note, by=by)
    return locked


def apply_note(
    locked: Lookbook, note: str, *, by: Any, deferred: list[ReviewEvent] | None = None
) -> bool:
    """Set the note of a lookbook already locked (and checked); False when it was the same.

    `deferred`: the row is not written and the event is appended there, both for the
    caller to write with its own change, in the same transaction."""
    note = (note or "").strip()
    if note == locked.note:
        return False
    before = locked.note
    locked.note = note
    save(locked, "note", write=deferred is None)
    event = record_event(
        locked,
        by=by,
        action=ReviewAction.NOTE,
        payload={"length": len(note), "had": bool(before)},
        write=deferred is None,
    )
    if deferred is not None:
        deferred.append(event)
    return True


@transaction.atomic
def lookbook_set_title(
    *, lookbook: Lookbook, title: str, by: Any, expected_version: int
) -> Lookbook:
    """The lookbook's title, as the client will read it."""
    locked = lock(lookbook, expected_version=expected_version)
    apply_title(locked, title, by=by)
    return locked


def apply_title(
    locked: Lookbook, title: str, *, by: Any, deferred: list[ReviewEvent] | None = None
) -> bool:
    """Set the title of a lookbook already locked (and checked); False when it was the same.

    `deferred`: as for apply_note."""
    title = " ".join((title or "").split())
    max_length = Lookbook._meta.get_field("title").max_length or 160
    if len(title) > max_length:
        raise ValidationError(f"Keep the title under {max_length} characters.", code="title")
    if title == locked.title:
        return False
    before = locked.title
    locked.title = title
    save(locked, "title", write=deferred is None)
    event = record_event(
        locked,
        by=by,
        action=ReviewAction.TITLE,
        payload={"before": before, "after": title},
        write=deferred is None,
    )
    if deferred is not None:
        deferred.append(event)
    return True


@transaction.atomic
def lookbook_discard(
    *, lookbook: Lookbook, by: Any, reason: str, note: str = "", expected_version: int
) -> Lookbook:
    """Set a draft aside for good, saying why ('other' needs a few words)."""
    note = (note or "").strip()
    if reason not in DiscardReason.values:
        raise ValidationError("Choose why this draft is set aside.", code="reason")
    if reason == DiscardReason.OTHER and not note:
        raise ValidationError("Say in a few words why, when the reason is 'other'.", code="note")
    locked = lock(lookbook, expected_version=expected_version)
    locked.status = LookbookStatus.DISCARDED
    locked.closed_at = timezone.now()
    label = DiscardReason(reason).label
    locked.closed_reason = (note if reason == DiscardReason.OTHER else label)[:280]
    save(locked, "status", "closed_at", "closed_reason")
    record_event(locked, by=by, action=ReviewAction.DISCARD, reason=reason, reason_text=note)
    return locked


@transaction.atomic
def lookbook_withdraw(
    *, lookbook: Lookbook, by: Any, reason: str, expected_version: int
) -> Lookbook:
    """Take a published lookbook back (a mistake, a piece gone): the client no longer sees it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say in a few words why it is withdrawn.", code="reason")
    locked = lock(lookbook, expected_version=expected_version, allowed=(LookbookStatus.PUBLISHED,))
    locked.status = LookbookStatus.WITHDRAWN
    locked.closed_at = timezone.now()
    locked.closed_reason = reason[:280]
    save(locked, "status", "closed_at", "closed_reason")
    record_event(locked, by=by, action=ReviewAction.WITHDRAW, reason="stylist", reason_text=reason)
    return locked
