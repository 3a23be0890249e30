"""Reads behind messaging (C1): may a channel carry a message, where to, and is it too soon.

Read-only, so selectors of any app above stylists may ask (the lookbook review
page shows the same answers message_send will give). The writes that act on
these answers live in stylists.services.messaging.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats, timezone

from clients.models import Client, Identity, IdentityKind
from consent import policy
from stylists.models import Message, MessageChannel, MessageDirection, MessageStatus

SERVICE = "service"
PROACTIVE = "proactive"
KINDS = (SERVICE, PROACTIVE)
# A proactive message that failed or was held back does not count against the guard.
NOT_SENT = (MessageStatus.FAILED, MessageStatus.BLOCKED)


@dataclass(frozen=True)
class Hold:
    """Why a proactive message would be held back now: a code and a sentence for the screen."""

    code: str  # frequency | quiet_hours
    reason: str


def first_name(client: Client) -> str:
    return client.preferred_name or client.first_name or "The client"


def _city(tz_name: str) -> str:
    return tz_name.rsplit("/", 1)[-1].replace("_", " ")


def _day(value: dt.date) -> str:
    return formats.date_format(value, "j F")


# --- Consent and addresses ---------------------------------------------------------------


def channel_decision(
    client: Client,
    channel: str,
    kind: str,
    *,
    state: policy.ConsentState | policy.ConsentDecision | None = None,
) -> policy.Decision:
    """May this channel carry this kind of message to the client now? (consent only)

    `state` is the client's consent when the caller has decided it already;
    without it, it is read (one query).
    """
    consent = policy.consent_decision(state or client.pk)
    name = first_name(client)
    if channel == MessageChannel.CONCIERGE:
        return _concierge_decision(client, kind, consent, name)
    decision = consent.may_contact(channel, kind)
    return policy.Decision(decision.allowed, decision.reason.replace("The client", name, 1))


def _concierge_decision(
    client: Client, kind: str, consent: policy.ConsentDecision, name: str
) -> policy.Decision:
    if client.user_id is None:
        return policy.Decision(False, f"{name} has no Style Story account to read it in.")
    if kind == SERVICE:
        return policy.Decision(True, "Service messages may always go to Your Style Story.")
    if consent.state.rank < policy.TIER_RANK[policy.PROACTIVE_MIN_TIER]:
        return policy.Decision(
            False, f"{consent.tier_label} consent: the house does not reach out first."
        )
    if consent.state.reconfirmation_due:
        return policy.Decision(
            False,
            f"{name} has not confirmed the new privacy policy yet; the house does not "
            "reach out first until then.",
        )
    return policy.Decision(True, "Your Style Story may carry proactive messages.")


def contact_address(client: Client, channel: str) -> str | None:
    """The e-mail address or mobile number a channel reaches the client at (one query)."""
    if channel == MessageChannel.CONCIERGE:
        return ""
    kind = IdentityKind.EMAIL if channel == MessageChannel.EMAIL else IdentityKind.PHONE
    identity = (
        Identity.objects.filter(client=client, kind=kind).order_by("-is_primary", "id").first()
    )
    return identity.value if identity is not None else None


# --- The frequency guard -----------------------------------------------------------------


def quiet_hours_reason(client: Client, *, now: dt.datetime | None = None) -> str | None:
    """Why now is inside the client's quiet hours, or None."""
    hours = settings.QUIET_HOURS
    if not hours:
        return None
    start, end = hours
    tz_name = client.effective_timezone
    try:
        local = (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(tz_name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local = timezone.localtime(now or timezone.now())
        tz_name = str(local.tzinfo)
    hour = local.hour
    inside = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not inside:
        return None
    return f"It is {local:%H:%M} in {_city(tz_name)}; quiet hours until {end:02d}:00."


def frequency_reason(
    client: Client, *, now: dt.datetime | None = None, about_lookbook: str | None = None
) -> str | None:
    """Why another proactive message would be one too many, or None.

    Notices of the same lookbook on several channels are one contact: the guard
    counts the first and lets its siblings follow (`about_lookbook` = its public id).
    """
    days = settings.FREQUENCY_GUARD_DAYS
    if days <= 0:
        return None
    now = now or timezone.now()
    recent = Message.objects.filter(
        client=client,
        direction=MessageDirection.OUTBOUND,
        kind=PROACTIVE,
        created_at__gt=now - dt.timedelta(days=days),
    ).exclude(status__in=NOT_SENT)
    if about_lookbook:
        recent = recent.exclude(context__lookbook=about_lookbook)
    last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    if last is None:
        return None
    ago = (timezone.localdate(now) - timezone.localdate(last)).days
    when = {0: "earlier today", 1: "yesterday"}.get(ago, f"{ago} days ago")
    next_day = timezone.localdate(last + dt.timedelta(days=days))
    return (
        f"{first_name(client)} had a message from the house {when}; the next proactive "
        f"message is possible from {_day(next_day)}."
    )


def proactive_hold(
    client: Client, *, now: dt.datetime | None = None, about_lookbook: str | None = None
) -> Hold | None:
    """Why a proactive message would be held back now (frequency first, then quiet hours)."""
    reason = frequency_reason(client, now=now, about_lookbook=about_lookbook)
    if reason:
        return Hold("frequency", reason)
    reason = quiet_hours_reason(client, now=now)
    if reason:
        return Hold("quiet_hours", reason)
    return None
