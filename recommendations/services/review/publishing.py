"""Publishing a reviewed lookbook, and telling the client on the channels they allow.

One publish reads the client's consent once: lookbook_publish decides it
(consent.policy.consent_decision) and hands the decision to the channel choice
(recommendations.selectors.channel_decisions). The notices go out after commit
from a Celery task taking ids (recommendations.tasks.notify_lookbook_published),
which reads consent once more for all of them (stylists.services.message_send(consent=...)).
Flows go down: this module calls selectors and the C1/C3 services below it, and
nothing calls back up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from clients.models import Client
from consent import policy
from core.tasks import enqueue_on_commit_or_run
from recommendations.links import lookbook_link_path
from recommendations.models import (
    ItemState,
    Lookbook,
    LookbookItem,
    LookbookOrigin,
    LookbookStatus,
    ReviewAction,
    ReviewEvent,
)
from recommendations.selectors import (
    CONCIERGE,
    PUBLISH_CHANNELS,
    channel_decisions,
    lookbook_notices_sent,
    message_kind_for,
)
from recommendations.services.consent import data_basis_allowed
from recommendations.services.review.base import (
    EDITABLE,
    active_items,
    lock,
    record_event,
    renumber,
    save,
)
from recommendations.services.review.lookbooks import apply_note, apply_title
from stylists.models import StylingRequest, Stylist
from stylists.services import MessageBlocked, message_send, styling_request_mark_answered

logger = logging.getLogger(__name__)


def _normalise_channels(channels: Iterable[str]) -> list[str]:
    chosen = {str(c).strip() for c in channels if str(c).strip()}
    unknown = chosen - set(PUBLISH_CHANNELS)
    if unknown:
        raise ValidationError(
            f"Unknown channel: {', '.join(sorted(unknown))}.", code="unknown_channel"
        )
    return [c for c in PUBLISH_CHANNELS if c in chosen]


@transaction.atomic
def lookbook_publish(
    *,
    lookbook: Lookbook,
    by: Any,
    channels: Iterable[str],
    expected_version: int,
    title: str | None = None,
    note: str | None = None,
) -> Lookbook:
    """Send the lookbook to the client on the channels chosen (and allowed), once.

    - `title`, `note` (the publish form's words), when given, are saved first under the
      same lock, as lookbook_set_title and lookbook_set_note save them (a ReviewEvent and
      a version each when they changed; the lookbook must still be in review);
    - at least one piece must remain; pieces still 'proposed' become 'kept';
    - a machine draft needs consent that still allows machine drafts and the data it used;
    - every channel must be allowed by consent.policy now (kind 'service' when the
      lookbook answers a styling request, else 'proactive'; the concierge always);
    - idempotent: publishing an already-published lookbook at its current version
      with the same channels changes nothing; a stale version (a second tab) is refused;
    - a linked styling request is marked answered; on commit a task notifies the
      client through stylists.services.message_send, once per channel.

    The client's consent is read once (a policy.ConsentDecision) and handed to
    every check above; the notices' task and each delivery ask again later.
    """
    with_words = title is not None or note is not None
    locked = lock(
        lookbook,
        expected_version=expected_version,
        allowed=EDITABLE if with_words else (*EDITABLE, LookbookStatus.PUBLISHED),
    )
    words, deferred = _apply_words(locked, title=title, note=note, by=by)
    from_version = locked.version  # after the words, as a separate publish would expect it
    chosen = _normalise_channels(channels)
    if locked.status == LookbookStatus.PUBLISHED:
        if sorted(chosen) == sorted(locked.published_channels or []):
            return locked
        raise ValidationError(
            "This lookbook is already published; it cannot be sent again on other channels.",
            code="already_published",
        )
    if not chosen:
        raise ValidationError("Choose at least one way to tell the client.", code="no_channel")
    consent = policy.consent_decision(locked.client)
    _check_consent(locked, chosen, consent)
    active, unreviewed = _keep_unreviewed(locked)
    locked.status = LookbookStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = by if getattr(by, "is_authenticated", False) else None
    locked.published_channels = chosen
    save(locked, *words, "status", "published_at", "published_by", "published_channels")
    published = record_event(
        locked,
        by=by,
        action=ReviewAction.PUBLISH,
        payload={
            "channels": chosen,
            "kind": message_kind_for(locked),
            "from_version": from_version,
            "pieces": [i.product_id for i in active],
            "kept_unreviewed": len(unreviewed),
        },
        write=False,
    )
    ReviewEvent.objects.bulk_create([*deferred, published])
    if locked.styling_request_id:
        _mark_request_answered(locked)
    # The notices go out from a worker after commit (ids only; the task reads consent
    # again, as every delivery does), not in the advisor's request; in the request
    # only when the broker cannot take the job.
    enqueue_on_commit_or_run(
        "recommendations.tasks.notify_lookbook_published",
        notify_client_of_lookbook,
        locked.pk,
        chosen,
        getattr(by, "pk", None),
    )
    return locked


def _apply_words(
    locked: Lookbook, *, title: str | None, note: str | None, by: Any
) -> tuple[list[str], list[ReviewEvent]]:
    """The title and note set (each checked, versioned and with its event, as the separate
    services do) but not written: (the fields changed, their events), written with the
    publish's own UPDATE and INSERT."""
    deferred: list[ReviewEvent] = []
    words: list[str] = []
    if title is not None and apply_title(locked, title, by=by, deferred=deferred):
        words.append("title")
    if note is not None and apply_note(locked, note, by=by, deferred=deferred):
        words.append("note")
    return words, deferred


def _check_consent(
    lookbook: Lookbook, chosen: Sequence[str], consent: policy.ConsentDecision
) -> None:
    """Refuse (ValidationError) what her consent does not allow now (consent is not read again)."""
    if lookbook.origin == LookbookOrigin.MODEL:
        machine = consent.may_draft_with_model()
        if not machine:
            raise ValidationError(machine.reason, code="consent")
        if not data_basis_allowed(lookbook.data_basis or {}, consent.state):
            raise ValidationError(
                "The client's consent no longer covers the data this draft was built from.",
                code="consent",
            )
    # Only the channels chosen: the concierge alone needs no addresses (no query).
    decisions = channel_decisions(lookbook, consent, only=chosen)
    refused = [c for c in chosen if not decisions[c]]
    if refused:
        raise ValidationError(
            " ".join(f"Not on {policy.channel_label(c)}: {decisions[c].reason}" for c in refused),
            code="channel_refused",
        )


def _keep_unreviewed(lookbook: Lookbook) -> tuple[list[LookbookItem], list[int]]:
    """(the pieces to publish, ids of those still 'proposed', now 'kept'); positions 1..n."""
    items = list(lookbook.items.order_by("position", "pk"))
    active = active_items(items)
    if not active:
        raise ValidationError("Keep at least one piece before publishing.", code="empty")
    unreviewed = [i.pk for i in active if i.state == ItemState.PROPOSED]
    if unreviewed:
        LookbookItem.objects.filter(pk__in=unreviewed).update(state=ItemState.KEPT)
        for item in active:
            item.state = ItemState.KEPT
    renumber(lookbook, items=items)  # the rows just read: no second read
    return active, unreviewed


def _mark_request_answered(lookbook: Lookbook) -> None:
    assert lookbook.styling_request_id is not None
    request = StylingRequest.objects.get(pk=lookbook.styling_request_id)
    styling_request_mark_answered(styling_request=request, lookbook=lookbook)


def lookbook_link(lookbook: Lookbook) -> str:
    """Where the client reads the lookbook: a signed link that expires (recommendations.links).

    It opens the lookbook after sign-in; the concierge home when the concierge is not mounted.
    """
    try:
        path = lookbook_link_path(lookbook_public_id=lookbook.public_id)
    except NoReverseMatch:
        path = reverse("concierge:home")
    return f"{settings.SITE_URL}{path}"


_NOTICE = {
    "en": (
        "A new chapter of your Style Story",
        "{greeting}, I have prepared a selection for you{title}. "
        "You will find it in your Style Story: {link}{signature}",
    ),
    "fr": (
        "Un nouveau chapitre de votre Style Story",
        "{greeting}, j'ai préparé une sélection pour vous{title}. "
        "Elle vous attend dans votre Style Story : {link}{signature}",
    ),
}
_FRENCH_GREETINGS = {"Mme": "Chère Madame", "M.": "Cher Monsieur"}


def _greeting(client: Client, language: str) -> str:
    if language == "fr":
        formal = _FRENCH_GREETINGS.get(client.salutation)
        if formal and not client.preferred_name:
            return f"{formal} {client.last_name}"
    with translation.override(language):
        name = client.addressed_as  # "Docteur Laurent", "Ms Laurent"
    return f"Bonjour {name}" if language == "fr" else f"Dear {name}"


def lookbook_notice(lookbook: Lookbook, stylist: Stylist | None) -> tuple[str, str]:
    """(subject, body): a short, warm notice with the link, never the pieces themselves."""
    client = lookbook.client
    language = client.preferred_language if client.preferred_language in _NOTICE else "en"
    subject, body = _NOTICE[language]
    if not lookbook.title:
        title = ""
    elif language == "fr":
        title = f", « {lookbook.title} »"
    else:
        title = f", “{lookbook.title}”"
    text = body.format(
        greeting=_greeting(client, language),
        title=title,
        link=lookbook_link(lookbook),
        signature=f" — {stylist.first_name}" if stylist else "",
    )
    return subject, text


def notify_client_of_lookbook(
    lookbook_id: int,
    channels: Sequence[str],
    user_id: int | None,
    *,
    consent: policy.ConsentDecision | None = None,
) -> None:
    """After commit: one message per channel through C1; a refusal is logged, not raised.

    Idempotent (the task may run twice: acks late, retried): a channel the lookbook's
    notice already went out on is not sent again.
    `consent`: a decision already made; without it, it is read here, once.
    """
    lookbook = Lookbook.objects.select_related("client", "author__user").get(pk=lookbook_id)
    if lookbook.status != LookbookStatus.PUBLISHED:
        return
    sent = set(lookbook_notices_sent(lookbook))
    channels = [channel for channel in channels if channel not in sent]
    if not channels:
        return
    sender = (
        Stylist.objects.select_related("user").filter(user_id=user_id).first()
        if user_id is not None
        else None
    )
    stylist = sender or lookbook.author
    subject, body = lookbook_notice(lookbook, stylist)
    kind = message_kind_for(lookbook)
    consent = policy.consent_decision(consent or lookbook.client)
    # The house sends one proactive message a week (C1's frequency guard); the
    # notices of one lookbook count as one contact, whatever the channels. The
    # message that reaches the client outside the app goes first.
    ordered = sorted(channels, key=lambda channel: channel == CONCIERGE)
    for channel in ordered:
        try:
            message_send(
                client=lookbook.client,
                stylist=stylist,
                channel=channel,
                kind=kind,
                body=body,
                subject=subject,
                sent_by=stylist.user if stylist else None,
                context={"lookbook": str(lookbook.public_id)},
                consent=consent,
            )
        except MessageBlocked as blocked:
            logger.warning(
                "Lookbook %s: no %s notice to client %s: %s",
                lookbook.pk,
                channel,
                lookbook.client_id,
                blocked.reason,
            )
