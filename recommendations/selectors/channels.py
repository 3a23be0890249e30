"""How a published lookbook may reach the client: the channels, and what consent says of each.

The in-app concierge always carries the lookbook; the others need
consent.policy's answer for the message kind and an address. The answers come
from a ConsentDecision the caller passes (lookbook_publish decides once) or one
read here; C1's rules come from stylists.selectors.messaging, never a service.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clients.models import Identity, IdentityKind
from consent import policy
from recommendations.models import Lookbook
from stylists.models import Message
from stylists.selectors.messaging import channel_decision, proactive_hold

CONCIERGE = "concierge"
PUBLISH_CHANNELS: tuple[str, ...] = (
    CONCIERGE,
    policy.Channel.EMAIL.value,
    policy.Channel.SMS.value,
    policy.Channel.WHATSAPP.value,
)


@dataclass(frozen=True)
class ChannelOption:
    value: str
    label: str
    allowed: bool
    reason: str


def message_kind_for(lookbook: Lookbook) -> str:
    """Answering the client's own styling request is service; anything else is proactive."""
    if lookbook.styling_request_id:
        return policy.MessageKind.SERVICE.value
    return policy.MessageKind.PROACTIVE.value


def channel_label(channel: str) -> str:
    return "Style Story (concierge)" if channel == CONCIERGE else policy.channel_label(channel)


def channel_decisions(
    lookbook: Lookbook,
    consent: policy.ConsentDecision | policy.ConsentState | None = None,
    *,
    only: Iterable[str] | None = None,
) -> dict[str, policy.Decision]:
    """For each publish channel (or those in `only`): may it carry this lookbook's notice
    now, and why (not).

    The concierge is always allowed (the lookbook lives in her Style Story); the
    others need consent.policy.may_contact for the message kind and an address
    to send to (one query for the addresses unless only the concierge is asked about,
    plus one for consent unless given).
    """
    client = lookbook.client
    decided = policy.consent_decision(consent or client.pk)
    kind = policy.MessageKind(message_kind_for(lookbook))
    notice = channel_decision(client, CONCIERGE, kind.value, state=decided)
    concierge = "Always: the lookbook appears in the client's Style Story."
    if not notice:
        concierge = f"{concierge} No separate notice: {notice.reason}"
    decisions = {CONCIERGE: policy.Decision(True, concierge)}
    wanted = set(PUBLISH_CHANNELS if only is None else only)
    asked = [channel for channel in PUBLISH_CHANNELS[1:] if channel in wanted]
    if not asked:
        return decisions
    kinds = set(
        Identity.objects.filter(
            client_id=client.pk, kind__in=[IdentityKind.EMAIL, IdentityKind.PHONE]
        ).values_list("kind", flat=True)
    )
    for channel in asked:
        decision = decided.may_contact(channel, kind)
        needs = IdentityKind.EMAIL if channel == policy.Channel.EMAIL else IdentityKind.PHONE
        if decision and needs not in kinds:
            what = "e-mail address" if needs == IdentityKind.EMAIL else "mobile number"
            decision = policy.Decision(False, f"We have no {what} for the client.")
        decisions[channel] = decision
    return decisions


def channel_options(decisions: dict[str, policy.Decision]) -> list[ChannelOption]:
    """The publish form's choices, in PUBLISH_CHANNELS order, with why each is (not) allowed."""
    return [
        ChannelOption(
            value=channel,
            label=channel_label(channel),
            allowed=decision.allowed,
            reason=decision.reason,
        )
        for channel, decision in decisions.items()
    ]


def notice_held_reason(lookbook: Lookbook) -> str:
    """Why a proactive notice of this lookbook would be held back now (C1's guard), or ""."""
    if message_kind_for(lookbook) != policy.MessageKind.PROACTIVE:
        return ""
    hold = proactive_hold(lookbook.client)
    return hold.reason if hold is not None else ""


def lookbook_notices_sent(lookbook: Lookbook) -> list[str]:
    """The channels a published lookbook's notice actually went out on (one query)."""
    return sorted(
        set(
            Message.objects.filter(
                client_id=lookbook.client_id, context__lookbook=str(lookbook.public_id)
            ).values_list("channel", flat=True)
        )
    )
