"""Consent's own part of a client's export and erasure, registered in consent.privacy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from clients import privacy as client_records
from clients.models import Identity, Interaction, Occasion
from consent import policy, privacy
from consent.models import (
    ConsentRecord,
    ConsentSource,
    ConsentTier,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
    StaffAccessLog,
)
from consent.services.consent import consent_record
from consent.services.exports import _delete_export_file

if TYPE_CHECKING:
    from clients.models import Client


def export_consent_history(client: Client) -> list[dict[str, Any]]:
    records = ConsentRecord.objects.filter(client_id=client.pk).select_related("policy_version")
    return [
        {
            "recorded_at": record.recorded_at,
            "tier": record.tier,
            "channels": [c.value for c in policy.CHANNELS if getattr(record, c.value)],
            "source": record.get_source_display(),
            "policy_version": record.policy_version.version,
            "words_shown": record.proof_text,
        }
        for record in records.order_by("recorded_at", "pk")
    ]


def export_privacy_requests(client: Client) -> list[dict[str, Any]]:
    return [
        {"kind": kind, "status": status, "requested_at": requested, "completed_at": completed}
        for kind, status, requested, completed in PrivacyRequest.objects.filter(client_id=client.pk)
        .order_by("requested_at", "pk")
        .values_list("kind", "status", "requested_at", "completed_at")
    ]


def export_access_log(client: Client) -> list[dict[str, Any]]:
    from consent.selectors import access_summary_for_client

    return [
        {"who": row.who, "what": row.action_label, "times": row.times, "last": row.last}
        for row in access_summary_for_client(client, limit=None)
    ]


def erase_exports(client: Client) -> int:
    """Archives already built hold everything: delete them first."""
    requests = PrivacyRequest.objects.filter(
        client_id=client.pk, kind=PrivacyRequestKind.EXPORT
    ).order_by("pk")
    erased = 0
    for privacy_request in requests:
        if privacy_request.file_path:
            _delete_export_file(privacy_request)
            erased += 1
        if privacy_request.status in (
            PrivacyRequestStatus.REQUESTED,
            PrivacyRequestStatus.PROCESSING,
            PrivacyRequestStatus.READY,
        ):
            privacy_request.status = PrivacyRequestStatus.EXPIRED
            privacy_request.file_path = ""
            privacy_request.save(update_fields=["status", "file_path"])
    return erased


def erase_access_log_reasons(client: Client) -> int:
    """Keep who looked and when (the client's protection); drop free-text reasons."""
    return StaffAccessLog.objects.filter(client_id=client.pk).exclude(reason="").update(reason="")


def erase_consent(client: Client) -> int:
    """Record that nothing may be used or sent any more: Essential, no channels.

    The history itself stays (it proves what was consented to, and when), but
    staff notes on it are free text and may name the client: they are blanked.
    This is the one sanctioned change to consent records, hence the base
    manager, which bypasses the append-only queryset.
    """
    blanked = (
        ConsentRecord._base_manager.filter(client_id=client.pk).exclude(note="").update(note="")
    )
    state = policy.current_consent(client.pk)
    if state.has_record and state.tier == ConsentTier.ESSENTIAL and not state.channels:
        return blanked
    if policy.current_policy_version() is None:
        return blanked
    consent_record(
        client=client,
        tier=ConsentTier.ESSENTIAL,
        channels=[],
        source=ConsentSource.ERASURE,
        proof_text="The client's personal data was erased at their request.",
    )
    return blanked + 1


def register_privacy() -> None:
    """Called from ConsentConfig.ready(): consent's own records, then the clients app's."""
    register_client_records()
    privacy.register_export_section(
        "consent_history",
        export_consent_history,
        label=_("Your privacy choices"),
        description=_("Every tier and channel you chose, when, and the words you were shown."),
        count=lambda c: ConsentRecord.objects.filter(client_id=c.pk).count(),
        order=30,
    )
    privacy.register_export_section(
        "privacy_requests", export_privacy_requests, label=_("Your privacy requests"), order=95
    )
    privacy.register_export_section(
        "staff_access",
        export_access_log,
        label=_("Who at the house looked at your profile"),
        order=96,
    )
    privacy.register_erasure_step("exports", erase_exports, order=5)
    privacy.register_erasure_step("access_log_reasons", erase_access_log_reasons, order=85)
    privacy.register_erasure_step("consent", erase_consent, order=850)


def register_client_records() -> None:
    """What the clients app holds (clients.privacy), in the order exports and erasure use."""
    privacy.register_export_section(
        "profile", client_records.export_profile, label=_("Your profile"), order=10
    )
    privacy.register_export_section(
        "identities",
        client_records.export_identities,
        label=_("Contact details and identifiers"),
        description=_("E-mail addresses, phone numbers, loyalty and boutique till numbers."),
        count=lambda c: Identity.objects.filter(client=c).count(),
        order=20,
    )
    privacy.register_export_section(
        "occasions",
        client_records.export_occasions,
        label=_("Occasions"),
        description=_("Birthdays, anniversaries and events you shared with us."),
        count=lambda c: Occasion.objects.filter(client=c).count(),
        order=40,
    )
    privacy.register_export_section(
        "orders",
        client_records.export_orders,
        label=_("Orders"),
        description=_("Purchases in boutique, online and by phone, with each piece."),
        count=lambda c: c.orders.count(),
        order=50,
    )
    privacy.register_export_section(
        "interactions",
        client_records.export_interactions,
        label=_("Pieces you viewed, saved or reacted to"),
        count=lambda c: Interaction.objects.filter(client=c).count(),
        order=60,
    )
    privacy.register_export_section(
        "wishlist",
        client_records.export_wishlist,
        label=_("Wishlist"),
        count=lambda c: c.wishlist.count(),
        order=70,
    )
    # before identities go: her e-mail and phone are how her rejected rows are found
    privacy.register_erasure_step("import_reports", client_records.erase_import_reports, order=8)
    privacy.register_erasure_step("identities", client_records.erase_identities, order=10)
    privacy.register_erasure_step("occasions", client_records.erase_occasions, order=30)
    privacy.register_erasure_step("interactions", client_records.erase_interactions, order=40)
    privacy.register_erasure_step("wishlist", client_records.erase_wishlist, order=50)
    privacy.register_erasure_step("profile", client_records.erase_profile, order=900)
