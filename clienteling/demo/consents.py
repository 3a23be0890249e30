"""The consent phase: one published policy and every client's append-only consent history.

The policy is published through consent.services.policy_version_publish; the
records are bulk-inserted (the model is append-only, inserts are what it
allows). Roughly a quarter of clients are Essential, half Personal, a quarter
Bespoke; a few have a history: upgraded over time, or lowered once.
"""

from __future__ import annotations

import datetime as dt
import random

from clienteling.demo.bulk import Row, insert_rows
from clienteling.demo.policy_translations import POLICY_SUMMARIES
from clienteling.demo.randomness import Weighted, chance, stream
from clienteling.demo.state import ClientFact, Clients
from consent.models import (
    ConsentRecord,
    ConsentSource,
    ConsentTier,
    PolicyTranslation,
    PolicyVersion,
)
from consent.policy import TIER_DESCRIPTIONS, channel_label
from consent.services import policy_translation_publish, policy_version_publish

CHUNK = 10000  # records held in memory before they are written
POLICY_VERSION = "2026.1"
# The demo pretends the policy was published this long ago, so consents have a history.
POLICY_AGE = dt.timedelta(days=150)
POLICY_SUMMARY = (
    "Maison Verlaine uses what you share with us only as you choose. Essential: we serve "
    "the requests you make, nothing more. Personal: your advisor may also use your "
    "purchases, sizes, tastes and occasions to prepare lookbooks for you, drafted with the "
    "help of our recommendation model and always reviewed by them. Bespoke: we may also "
    "consider what you browse and save. You choose separately how we may contact you, and "
    "you may change your mind at any time, in the concierge or with your advisor."
)
POLICY_TEXT = "\n\n".join([POLICY_SUMMARY, *TIER_DESCRIPTIONS.values()])
TIERS = Weighted([ConsentTier.ESSENTIAL, ConsentTier.PERSONAL, ConsentTier.BESPOKE], [25, 50, 25])
SOURCES = Weighted(
    [ConsentSource.BOUTIQUE, ConsentSource.CONCIERGE, ConsentSource.IMPORT], [50, 20, 30]
)
LOWER: dict[str, str] = {
    ConsentTier.PERSONAL: ConsentTier.ESSENTIAL,
    ConsentTier.BESPOKE: ConsentTier.PERSONAL,
}
HIGHER: dict[str, str] = {
    ConsentTier.ESSENTIAL: ConsentTier.PERSONAL,
    ConsentTier.PERSONAL: ConsentTier.BESPOKE,
}
CHANNEL_ORDER = ("email", "sms", "whatsapp", "phone")


def publish_policy(now: dt.datetime) -> PolicyVersion:
    version = policy_version_publish(
        version=POLICY_VERSION, summary=POLICY_SUMMARY, full_text=POLICY_TEXT
    )
    version.published_at = now - POLICY_AGE
    PolicyVersion.objects.filter(pk=version.pk).update(published_at=version.published_at)
    # Its summary in each of the concierge's other languages, published with it
    for language, summary in POLICY_SUMMARIES.items():
        policy_translation_publish(policy_version=version, language=language, summary=summary)
    PolicyTranslation.objects.filter(policy_version=version).update(
        published_at=version.published_at
    )
    return version


def proof_text(tier: str, channels: frozenset[str]) -> str:
    """The words shown when the choice was made: the tier in plain words, then the channels."""
    allowed = [channel_label(c) for c in CHANNEL_ORDER if c in channels]
    if allowed:
        contact = f"You may contact me by {', '.join(allowed[:-1])}"
        contact = (
            contact + f" and {allowed[-1]}."
            if len(allowed) > 1
            else f"You may contact me by {allowed[0]}."
        )
    else:
        contact = "Please contact me only in reply to my own requests."
    return f"{TIER_DESCRIPTIONS[tier]} {contact}"


def _channels(rng: random.Random, fact: ClientFact) -> frozenset[str]:
    chosen = set()
    if fact.has_email and chance(rng, 0.88):
        chosen.add("email")
    if fact.has_phone:
        for channel, share in (("sms", 0.4), ("whatsapp", 0.3), ("phone", 0.35)):
            if chance(rng, share):
                chosen.add(channel)
    return frozenset(chosen)


def _record(
    fact: ClientFact,
    tier: str,
    channels: frozenset[str],
    source: str,
    at: dt.datetime,
    policy: PolicyVersion,
    note: str = "",
) -> Row:
    """One ConsentRecord, as a row (the model is append-only: inserting is what it allows)."""
    return {
        "client_id": fact.pk,
        "tier": tier,
        "policy_version_id": policy.pk,
        "source": source,
        "recorded_by_id": fact.advisor.user_id if source == ConsentSource.BOUTIQUE else None,
        "recorded_at": at,
        "proof_text": proof_text(tier, channels),
        "note": note,
        **{c: c in channels for c in CHANNEL_ORDER},
    }


def _history(
    rng: random.Random, fact: ClientFact, policy: PolicyVersion, now: dt.datetime
) -> list[Row]:
    """The client's records, oldest first; the newest holds fact.tier and fact.channels."""
    start = max(policy.published_at, now - dt.timedelta(days=fact.since_days))
    span = max(60.0, (now - start).total_seconds())
    final_at = start + dt.timedelta(seconds=rng.uniform(0.05, 0.98) * span)
    story = rng.random()
    if fact.persona == "client":
        story = 0.0  # an upgrade, recorded by her advisor: good to show in the demo
    if fact.persona == "client-essential":
        story = 1.0
    records: list[Row] = []
    if story < 0.03 and fact.tier in LOWER:  # upgraded over time
        earlier_tier = LOWER[fact.tier]
        if chance(rng, 0.4) and earlier_tier in LOWER:
            records.append(
                _record(
                    fact,
                    LOWER[earlier_tier],
                    frozenset({"email"}) & fact.channels,
                    ConsentSource.IMPORT,
                    start,
                    policy,
                    "Imported from the boutique's client cards.",
                )
            )
        records.append(
            _record(
                fact,
                earlier_tier,
                fact.channels - {"whatsapp"},
                ConsentSource.IMPORT if not records else ConsentSource.CONCIERGE,
                start + (final_at - start) / 3,
                policy,
            )
        )
        records.append(
            _record(
                fact,
                fact.tier,
                fact.channels,
                ConsentSource.BOUTIQUE,
                final_at,
                policy,
                "Upgraded with the advisor, in boutique.",
            )
        )
    elif story < 0.04 and fact.tier in HIGHER:  # lowered once, e.g. less personalisation
        higher = HIGHER[fact.tier]
        before = (fact.channels | {"email"}) if fact.has_email else fact.channels
        records.append(
            _record(
                fact, higher, before, ConsentSource.BOUTIQUE, start + (final_at - start) / 2, policy
            )
        )
        records.append(
            _record(
                fact,
                fact.tier,
                fact.channels,
                ConsentSource.CONCIERGE,
                final_at,
                policy,
                "Chose a more private setting in the concierge.",
            )
        )
    else:
        source = SOURCES.pick(rng)
        at = start if source == ConsentSource.IMPORT else final_at
        records.append(_record(fact, fact.tier, fact.channels, source, at, policy))
    return records


def build_consent(*, seed: int, clients: Clients, policy: PolicyVersion, now: dt.datetime) -> int:
    rng = stream(seed, "consent")
    rows: list[Row] = []
    written = 0
    lowered = False
    for fact in clients.facts:
        tier = TIERS.pick(rng)
        channels = _channels(rng, fact)
        if fact.persona == "client":
            tier, channels = ConsentTier.PERSONAL, frozenset({"email", "sms", "phone"})
        elif fact.persona == "client-essential":
            tier, channels = ConsentTier.ESSENTIAL, frozenset({"email"})
        fact.tier, fact.channels = str(tier), channels
        history = _history(rng, fact, policy, now)
        if not lowered and not fact.persona and fact.tier == ConsentTier.PERSONAL:
            # at least one client lowered their tier, whatever the seed and size
            first_at = max(policy.published_at, now - dt.timedelta(days=fact.since_days))
            history = [
                _record(
                    fact,
                    ConsentTier.BESPOKE,
                    channels,
                    ConsentSource.BOUTIQUE,
                    first_at + (history[-1]["recorded_at"] - first_at) / 2,
                    policy,
                ),
                _record(
                    fact,
                    fact.tier,
                    channels,
                    ConsentSource.CONCIERGE,
                    history[-1]["recorded_at"],
                    policy,
                    "Asked the house to stop using browsing history.",
                ),
            ]
            lowered = True
        rows.extend(history)
        if len(rows) >= CHUNK:
            insert_rows(ConsentRecord, rows)
            written += len(rows)
            rows = []
    insert_rows(ConsentRecord, rows)
    written += len(rows)
    return written
