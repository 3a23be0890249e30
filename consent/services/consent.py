"""Consent changes: every change appends a record, in one transaction with its consequences."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from consent import policy
from consent.models import (
    TIER_RANK,
    ConsentRecord,
    ConsentSource,
    ConsentTier,
    PolicyTranslation,
    PolicyVersion,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from clients.models import Client


@dataclass(frozen=True)
class ConsentChange:
    client_id: int
    before: policy.ConsentState
    after: policy.ConsentState
    record_id: int

    @property
    def tier_lowered(self) -> bool:
        return self.after.rank < self.before.rank

    @property
    def revoked_channels(self) -> frozenset[str]:
        return self.before.channels - self.after.channels

    @property
    def narrowed(self) -> bool:
        return self.tier_lowered or bool(self.revoked_channels)


# Consent sits below the apps that use the data. When consent narrows, those
# apps must react inside the same transaction (e.g. recommendations withdraws
# drafts built on data the new tier forbids). They register here from their
# AppConfig.ready(); the list is explicit and tested, unlike a signal.
# A handler may return what it did (e.g. how many drafts it withdrew); the caller ignores it.
ConsentChangeHandler = Callable[[ConsentChange], object]
_change_handlers: list[ConsentChangeHandler] = []


def register_consent_change_handler(handler: ConsentChangeHandler) -> None:
    if handler not in _change_handlers:
        _change_handlers.append(handler)


def consent_change_handlers() -> tuple[ConsentChangeHandler, ...]:
    return tuple(_change_handlers)


class ConsentError(ValueError):
    pass


@transaction.atomic
def consent_record(
    *,
    client: Client,
    tier: str,
    channels: Iterable[str],
    source: str,
    proof_text: str,
    recorded_by: User | None = None,
    policy_version: PolicyVersion | None = None,
    note: str = "",
) -> ConsentChange:
    """Append the client's new consent and apply its consequences at once."""
    if tier not in ConsentTier.values:
        raise ConsentError(f"Unknown consent tier {tier!r}.")
    if source not in ConsentSource.values:
        raise ConsentError(f"Unknown consent source {source!r}.")
    channel_set = {str(c) for c in channels}
    unknown = channel_set - {c.value for c in policy.CHANNELS}
    if unknown:
        raise ConsentError(f"Unknown channel(s): {', '.join(sorted(unknown))}.")
    if not proof_text.strip():
        raise ConsentError("Record the words shown to the client (proof text).")
    version = policy_version or policy.current_policy_version()
    if version is None:
        raise ConsentError("No policy version is published yet.")

    before = policy.current_consent(client.pk)
    record = ConsentRecord(
        client=client,
        tier=tier,
        policy_version=version,
        source=source,
        recorded_by=recorded_by,
        recorded_at=timezone.now(),
        proof_text=proof_text,
        note=note,
        **{c.value: c.value in channel_set for c in policy.CHANNELS},
    )
    record.full_clean()
    record.save()
    after = policy.current_consent(client.pk)
    change = ConsentChange(client_id=client.pk, before=before, after=after, record_id=record.pk)
    if change.narrowed:
        for handler in consent_change_handlers():
            handler(change)
    return change


@transaction.atomic
def consent_apply_stricter(
    *,
    client: Client,
    tier: str,
    channels: Iterable[str],
    source: str,
    proof_text: str,
    note: str,
    recorded_by: User | None = None,
) -> ConsentChange | None:
    """Record the stricter of the client's stored consent and the one stated now.

    Stricter wins per data kind and per channel (policy.stricter_of): a file or a
    merged duplicate can narrow what the house may do, never widen it. A client
    with no record yet takes the stated consent as her first. Returns the change,
    or None when the stored consent already is the stricter one (nothing recorded).
    """
    current = policy.current_consent(client.pk)
    stated = policy.ConsentState(
        client_id=client.pk, tier=tier, channels=frozenset(channels), has_record=True
    )
    new_tier, new_channels = policy.stricter_of(current, stated)
    if current.has_record and (new_tier, new_channels) == (current.tier, current.channels):
        return None
    return consent_record(
        client=client,
        tier=new_tier,
        channels=new_channels,
        source=source,
        proof_text=proof_text,
        recorded_by=recorded_by,
        note=note[:280],
    )


@dataclass(frozen=True)
class ConsentGrant:
    """One client's first consent, for consent_record_bulk."""

    client_id: int
    tier: str
    channels: frozenset[str]
    proof_text: str


@transaction.atomic
def consent_record_bulk(
    *,
    grants: Sequence[ConsentGrant],
    source: str,
    recorded_by: User | None = None,
    policy_version: PolicyVersion | None = None,
    note: str = "",
) -> int:
    """Append the *first* consent of many clients at once (imports): one INSERT, no handlers.

    Only for clients without any consent record: with nothing before, nothing
    narrows, so no change handler has anything to do. A client who already has a
    record changes consent through consent_record, one at a time (ConsentError).
    """
    if not grants:
        return 0
    if source not in ConsentSource.values:
        raise ConsentError(f"Unknown consent source {source!r}.")
    known_channels = {c.value for c in policy.CHANNELS}
    for grant in grants:
        if grant.tier not in ConsentTier.values:
            raise ConsentError(f"Unknown consent tier {grant.tier!r}.")
        unknown = set(grant.channels) - known_channels
        if unknown:
            raise ConsentError(f"Unknown channel(s): {', '.join(sorted(unknown))}.")
        if not grant.proof_text.strip():
            raise ConsentError("Record the words shown to the client (proof text).")
    version = policy_version or policy.current_policy_version()
    if version is None:
        raise ConsentError("No policy version is published yet.")
    client_ids = [grant.client_id for grant in grants]
    if (
        len(set(client_ids)) != len(client_ids)
        or ConsentRecord.objects.filter(client_id__in=client_ids).exists()
    ):
        raise ConsentError("consent_record_bulk records first consents only; use consent_record.")
    now = timezone.now()
    records = [
        ConsentRecord(
            client_id=grant.client_id,
            tier=grant.tier,
            policy_version=version,
            source=source,
            recorded_by=recorded_by,
            recorded_at=now,
            proof_text=grant.proof_text,
            note=note[:280],
            **{c.value: c.value in grant.channels for c in policy.CHANNELS},
        )
        for grant in grants
    ]
    for record in records:
        record.clean_fields(exclude=["client", "policy_version", "recorded_by"])
    ConsentRecord.objects.bulk_create(records, batch_size=1000)
    return len(records)


@transaction.atomic
def consent_revoke_channel(
    *,
    client: Client,
    channel: str,
    source: str,
    proof_text: str,
    recorded_by: User | None = None,
) -> ConsentChange:
    """Withdraw one channel, keeping the tier (e.g. an SMS STOP reply)."""
    state = policy.current_consent(client.pk)
    return consent_record(
        client=client,
        tier=state.tier,
        channels=state.channels - {channel},
        source=source,
        proof_text=proof_text,
        recorded_by=recorded_by,
    )


def tier_is_lower(a: str, b: str) -> bool:
    return TIER_RANK[ConsentTier(a)] < TIER_RANK[ConsentTier(b)]


@transaction.atomic
def policy_version_publish(
    *,
    version: str,
    summary: str,
    full_text: str = "",
    requires_reconfirmation: bool = False,
    language: str = "en",
) -> PolicyVersion:
    policy_version = PolicyVersion(
        version=version,
        summary=summary,
        full_text=full_text,
        language=language,
        requires_reconfirmation=requires_reconfirmation,
        published_at=timezone.now(),
    )
    policy_version.full_clean()
    policy_version.save()
    return policy_version


@transaction.atomic
def policy_translation_publish(
    *, policy_version: PolicyVersion, language: str, summary: str, full_text: str = ""
) -> PolicyTranslation:
    """The version's words in another language; clients reading it are shown them from now.

    Once published a translation is evidence (consents quote it) and never changes.
    """
    translation = PolicyTranslation(
        policy_version=policy_version,
        language=language,
        summary=summary,
        full_text=full_text,
        published_at=timezone.now(),
    )
    translation.full_clean()
    translation.save()
    return translation
