"""The one consent policy: may this data serve this purpose, may this channel carry this message.

Every app asks here; none reads consent records itself. The rules are a table
(TIER_RULES); a client's current consent is derived from their newest
ConsentRecord. Clients with no record at all are treated as Essential with
no channels: the house assumes nothing it was not told. A flow that asks
several questions decides once (consent_decision) and passes the
ConsentDecision down, so one action reads the client's consent once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.utils.translation import gettext_noop

from consent.models import TIER_RANK, ConsentRecord, ConsentTier, PolicyVersion

if TYPE_CHECKING:
    import datetime as dt

    from clients.models import Client


class DataKind(StrEnum):
    PURCHASES = "purchases"
    PREFERENCES = "preferences"  # stated tastes, and reactions to lookbooks
    SIZES = "sizes"
    OCCASIONS = "occasions"
    BROWSING = "browsing"  # views, bag additions, shares
    SAVED_ITEMS = "saved_items"
    CROSS_DEVICE = "cross_device"  # identity resolution across devices


class Purpose(StrEnum):
    SERVICE = "service"  # answering what the client asked for
    PERSONALISATION = "personalisation"  # pages and lookbooks shaped for them
    MODEL_TRAINING = "model_training"
    PROACTIVE_OUTREACH = "proactive_outreach"
    ANALYTICS = "analytics"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    PHONE = "phone"


class MessageKind(StrEnum):
    SERVICE = "service"  # replies, confirmations, what the client asked for
    PROACTIVE = "proactive"  # the house reaching out first


CHANNELS: tuple[Channel, ...] = tuple(Channel)
ALL_PURPOSES = frozenset(Purpose)
_PERSONAL_KINDS = (
    DataKind.PURCHASES,
    DataKind.PREFERENCES,
    DataKind.SIZES,
    DataKind.OCCASIONS,
)
_BESPOKE_KINDS = (DataKind.BROWSING, DataKind.SAVED_ITEMS, DataKind.CROSS_DEVICE)

# tier -> data kind -> purposes allowed. Anything absent is refused.
TIER_RULES: dict[str, dict[DataKind, frozenset[Purpose]]] = {
    # Only what serves the client's own requests: their orders, sizes and
    # stated wishes may be used to answer them, nothing more.
    ConsentTier.ESSENTIAL: {kind: frozenset({Purpose.SERVICE}) for kind in _PERSONAL_KINDS},
    ConsentTier.PERSONAL: {
        **{kind: ALL_PURPOSES for kind in _PERSONAL_KINDS},
        # A Personal client's own wishlist still serves them (they see it),
        # but it does not shape recommendations or models.
        DataKind.SAVED_ITEMS: frozenset({Purpose.SERVICE}),
    },
    ConsentTier.BESPOKE: {kind: ALL_PURPOSES for kind in (*_PERSONAL_KINDS, *_BESPOKE_KINDS)},
}

# Lowest tier at which the house may reach out first (on an allowed channel).
PROACTIVE_MIN_TIER = ConsentTier.PERSONAL

# Marked for translation (gettext_noop): the privacy centre shows them, and keeps
# them as proof, in the client's language; the dashboard reads them in English.
TIER_DESCRIPTIONS: dict[str, str] = {
    ConsentTier.ESSENTIAL: gettext_noop(
        "We use only what you share with us to serve your own requests: your orders, "
        "appointments and questions. Your advisor curates by hand; we never reach out first."
    ),
    ConsentTier.PERSONAL: gettext_noop(
        "We also use your purchases, sizes, stated preferences and occasions so your advisor "
        "can prepare lookbooks for you, drafted with our recommendation model and always "
        "reviewed by them, and reach out on the channels you choose."
    ),
    ConsentTier.BESPOKE: gettext_noop(
        "We also use what you browse and save across your devices, for the most personal "
        "Style Story and an advisor who sees what caught your eye."
    ),
}


@dataclass(frozen=True)
class ConsentState:
    """A client's consent now, as derived from their newest record."""

    client_id: int
    tier: str = ConsentTier.ESSENTIAL
    channels: frozenset[str] = frozenset()
    policy_version: str | None = None
    recorded_at: dt.datetime | None = None
    has_record: bool = False
    # A newer policy version asks for re-confirmation and this consent predates it:
    # consent keeps serving the client, but proactive outreach pauses (may_contact).
    reconfirmation_due: bool = False

    @property
    def tier_label(self) -> str:
        return str(ConsentTier(self.tier).label)

    @property
    def rank(self) -> int:
        return TIER_RANK[ConsentTier(self.tier)]


@dataclass(frozen=True)
class Decision:
    """A yes or no with the reason in plain words, for screens and logs."""

    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True)
class ConsentDecision:
    """A client's consent read once for one action, then handed down to every check it makes.

    A flow that asks several questions (publishing a lookbook: machine drafts,
    the data used, each channel, each notice) decides once with consent_decision()
    and passes this along; its answers cost no further query. Delivery, later and
    elsewhere, decides again: consent may have been withdrawn meanwhile.
    """

    state: ConsentState

    @property
    def client_id(self) -> int:
        return self.state.client_id

    @property
    def tier(self) -> str:
        return self.state.tier

    @property
    def tier_label(self) -> str:
        return self.state.tier_label

    @property
    def channels(self) -> frozenset[str]:
        """The channels the client allowed (whatever the message kind)."""
        return self.state.channels

    def may_contact(self, channel: Channel | str, message_kind: MessageKind | str) -> Decision:
        return may_contact(self.state, Channel(channel), MessageKind(message_kind))

    def may_use(self, kind: DataKind, purpose: Purpose) -> Decision:
        return may_use(self.state, kind, purpose)

    def may_draft_with_model(self) -> Decision:
        return may_draft_with_model(self.state)


def consent_decision(subject: Client | ConsentState | ConsentDecision | int) -> ConsentDecision:
    """Decide the client's consent for an action: read now (one query) unless already decided."""
    if isinstance(subject, ConsentDecision):
        return subject
    return ConsentDecision(_as_state(subject))


def stricter_of(*states: ConsentState) -> tuple[str, frozenset[str]]:
    """The stricter of several consents, per data kind and per channel.

    A data kind and purpose stay allowed only if every statement allows them, and
    a channel stays open only if every statement opens it. The tiers are nested
    (each allows all the lower one does; a test keeps that true), so per data kind
    this is the lowest tier, and per channel the intersection. A side with no
    record at all made no statement and does not count: "the house assumed
    nothing" is not an opt-out. With no statement anywhere, Essential and no channel.
    """
    stated = [state for state in states if state.has_record] or [
        ConsentState(client_id=states[0].client_id if states else 0)
    ]
    tier = min(stated, key=lambda state: state.rank).tier
    channels = frozenset.intersection(*(frozenset(state.channels) for state in stated))
    return str(tier), channels


def tiers_are_nested() -> bool:
    """True when each tier allows every (data kind, purpose) the tier below it allows."""
    ordered = sorted(ConsentTier, key=lambda tier: TIER_RANK[tier])
    return all(
        tier_allows(higher, kind, purpose)
        for lower, higher in itertools.pairwise(ordered)
        for kind in DataKind
        for purpose in Purpose
        if tier_allows(lower, kind, purpose)
    )


def tier_allows(tier: str, kind: DataKind, purpose: Purpose) -> bool:
    return purpose in TIER_RULES[ConsentTier(tier)].get(kind, frozenset())


def tiers_allowing(kind: DataKind, purpose: Purpose) -> list[str]:
    return [str(tier) for tier in ConsentTier if tier_allows(tier, kind, purpose)]


def kinds_allowed(tier: str, purpose: Purpose) -> list[DataKind]:
    return [kind for kind in DataKind if tier_allows(tier, kind, purpose)]


def _newer_policy_asks_reconfirmation(published_at: Any) -> Exists:
    """True when a policy version published after `published_at` asks clients to confirm."""
    return Exists(
        PolicyVersion.objects.filter(requires_reconfirmation=True, published_at__gt=published_at)
    )


# What a ConsentState is made of, read as plain values: the columns it needs and no
# more (not the policy's full text, nor the record's proof and note, on every page that
# asks what a client allows), and no model instances to build.
_STATE_COLUMNS = (
    "client_id",
    "tier",
    *(channel.value for channel in CHANNELS),
    "recorded_at",
    "policy_version__version",
    "reconfirmation_due_",
)


def _state_rows(queryset: QuerySet[ConsentRecord]) -> QuerySet[Any]:
    """The records as rows of _STATE_COLUMNS (see _state_from_row)."""
    return queryset.annotate(
        reconfirmation_due_=_newer_policy_asks_reconfirmation(
            OuterRef("policy_version__published_at")
        )
    ).values_list(*_STATE_COLUMNS)


def _state_from_row(row: tuple[Any, ...]) -> ConsentState:
    client_id, tier, *flags, recorded_at, version, reconfirmation_due = row
    return ConsentState(
        client_id=client_id,
        tier=tier,
        channels=frozenset(channel for channel, on in zip(CHANNELS, flags, strict=True) if on),
        policy_version=version,
        recorded_at=recorded_at,
        has_record=True,
        reconfirmation_due=bool(reconfirmation_due),
    )


def current_consent(client: Client | int) -> ConsentState:
    """The client's consent now (one query)."""
    client_id = client if isinstance(client, int) else client.pk
    row = (
        _state_rows(ConsentRecord.objects.filter(client_id=client_id))
        .order_by("-recorded_at", "-id")
        .first()
    )
    return ConsentState(client_id=client_id) if row is None else _state_from_row(row)


def newest_consent_record_id(client: Client | int) -> int | None:
    """The id of the record the client's consent now derives from (None: no record)."""
    client_id = client if isinstance(client, int) else client.pk
    return (
        ConsentRecord.objects.filter(client_id=client_id)
        .order_by("-recorded_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )


def current_consents(client_ids: Iterable[int]) -> dict[int, ConsentState]:
    """Consent now for many clients at once (one query, whatever their number)."""
    ids = list(client_ids)
    states = {client_id: ConsentState(client_id=client_id) for client_id in ids}
    if not ids:
        return states
    newest = (
        ConsentRecord.objects.filter(client_id=OuterRef("client_id"))
        .order_by("-recorded_at", "-id")
        .values("pk")[:1]
    )
    rows = _state_rows(ConsentRecord.objects.filter(client_id__in=ids, pk=Subquery(newest)))
    for row in rows:
        state = _state_from_row(row)
        states[state.client_id] = state
    return states


def _newest_record(field: str, client_ref: str = "pk") -> Subquery:
    return Subquery(
        ConsentRecord.objects.filter(client_id=OuterRef(client_ref))
        .order_by("-recorded_at", "-id")
        .values(field)[:1]
    )


def _tier_column(client_ref: str = "pk") -> Coalesce:
    return Coalesce(
        _newest_record("tier", client_ref),
        Value(ConsentTier.ESSENTIAL.value),
        output_field=CharField(),
    )


def annotate_consent(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Add consent_tier and consent_<channel> columns to a Client queryset.

    For lists and filters: one subquery per column, no query per row.
    """
    annotations: dict[str, Any] = {"consent_tier": _tier_column()}
    for channel in CHANNELS:
        annotations[f"consent_{channel}"] = Coalesce(
            _newest_record(channel.value), Value(False), output_field=BooleanField()
        )
    return queryset.annotate(**annotations)


def annotate_tier(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Add the consent_tier column alone (no channel columns) to a Client queryset."""
    return queryset.annotate(consent_tier=_tier_column())


def filter_clients_allowing(
    queryset: QuerySet[Any], kind: DataKind, purpose: Purpose
) -> QuerySet[Any]:
    """Narrow a Client queryset to those whose current tier allows kind for purpose."""
    tiers = tiers_allowing(kind, purpose)
    if ConsentTier.ESSENTIAL in tiers:
        return queryset
    # The tier only: the channel columns would be built (ORM time on every Today) and dropped.
    return queryset.annotate(consent_tier=_tier_column()).filter(consent_tier__in=tiers)


def filter_clients_reachable(
    queryset: QuerySet[Any], channel: Channel, message_kind: MessageKind
) -> QuerySet[Any]:
    """Narrow a Client queryset to those who may get this kind of message on this channel."""
    queryset = annotate_consent(queryset).filter(**{f"consent_{channel}": True})
    if message_kind == MessageKind.PROACTIVE:
        allowed = [t for t in ConsentTier if TIER_RANK[t] >= TIER_RANK[PROACTIVE_MIN_TIER]]
        queryset = (
            queryset.filter(consent_tier__in=allowed)
            .annotate(consent_policy_published_at=_newest_record("policy_version__published_at"))
            .exclude(_newer_policy_asks_reconfirmation(OuterRef("consent_policy_published_at")))
        )
    return queryset


def allowing(kind: DataKind, purpose: Purpose, client_ref: str = "pk") -> Q:
    """A condition on each row: the client at `client_ref` (her id's column) allows kind
    for purpose now, as `client_ids_allowing` decides it.

    For a page's read of a few rows: a look-up of the row's own newest record, where
    `client_ids_allowing` first reads the consent of every client in the house (a set,
    for the nightly jobs that read them all; on the client book it cost 1.6 ms of
    PostgreSQL per use, five uses a page, and grows with the house).
    """
    tiers = tiers_allowing(kind, purpose)
    if ConsentTier.ESSENTIAL in tiers:
        return Q(Value(True, output_field=BooleanField()))
    return Q(In(_tier_column(client_ref), tiers))


def client_ids_allowing(kind: DataKind, purpose: Purpose) -> QuerySet[Any]:
    """Ids of every client whose current tier allows kind for purpose (a lazy subquery)."""
    from clients.models import Client  # consent refers to clients lazily

    return filter_clients_allowing(Client.objects.all(), kind, purpose).values("pk")


def _as_state(subject: Client | ConsentState | ConsentDecision | int) -> ConsentState:
    """The consent to judge by: already decided, or read now (one query)."""
    if isinstance(subject, ConsentDecision):
        return subject.state
    if isinstance(subject, ConsentState):
        return subject
    return current_consent(subject)


def may_use(
    subject: Client | ConsentState | ConsentDecision | int, kind: DataKind, purpose: Purpose
) -> Decision:
    """May the house use this kind of the client's data for this purpose, now?"""
    state = _as_state(subject)
    if tier_allows(state.tier, kind, purpose):
        return Decision(True, f"{state.tier_label} consent covers {kind} for {purpose}.")
    return Decision(
        False,
        f"{state.tier_label} consent does not cover using {kind.replace('_', ' ')} "
        f"for {purpose.replace('_', ' ')}.",
    )


def may_contact(
    subject: Client | ConsentState | ConsentDecision | int,
    channel: Channel,
    message_kind: MessageKind,
) -> Decision:
    """May this channel carry this kind of message to the client, now?"""
    state = _as_state(subject)
    if channel not in state.channels:
        return Decision(False, f"The client has not allowed {channel_label(channel)}.")
    if message_kind == MessageKind.PROACTIVE and state.rank < TIER_RANK[PROACTIVE_MIN_TIER]:
        return Decision(
            False,
            f"{state.tier_label} consent allows service messages only; the house may not "
            "reach out first.",
        )
    if message_kind == MessageKind.PROACTIVE and state.reconfirmation_due:
        return Decision(
            False,
            "The client has not yet confirmed their choices under the new privacy policy; "
            "the house does not reach out first until they do.",
        )
    return Decision(True, f"{channel_label(channel)} is allowed for {message_kind} messages.")


def may_draft_with_model(subject: Client | ConsentState | ConsentDecision | int) -> Decision:
    """May the recommendation model draft lookbooks for this client?"""
    state = _as_state(subject)
    decision = may_use(state, DataKind.PURCHASES, Purpose.PERSONALISATION)
    if decision:
        return Decision(True, "Machine drafts are allowed; a stylist reviews each one.")
    return Decision(False, f"{decision.reason} Only hand-made lookbooks.")


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS[str(channel)]


# In English; the client side shows them through gettext (consent.forms.channel_title).
CHANNEL_LABELS = {
    "email": gettext_noop("e-mail"),
    "sms": gettext_noop("SMS"),
    "whatsapp": gettext_noop("WhatsApp"),
    "phone": gettext_noop("phone calls"),
}


def current_policy_version() -> PolicyVersion | None:
    return PolicyVersion.objects.order_by("-published_at", "-id").first()


def needs_reconfirmation(state: ConsentState, current: PolicyVersion | None = None) -> bool:
    """True when a newer policy asks clients who consented under an older one to confirm.

    Meanwhile their consent keeps serving them (their tier, their service messages)
    but proactive outreach pauses: may_contact and filter_clients_reachable refuse it.
    """
    if state.reconfirmation_due:
        return True
    if current is None or not current.requires_reconfirmation:
        return False
    return state.policy_version != current.version
