"""Consent: policy versions and the append-only history of each client's choices.

A client's current consent is derived from its newest record; consent records
are never updated or deleted. Privacy requests (export, erasure) and the staff
access log live here too. Other apps ask consent.policy and consent.services,
never these models.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentTier(models.TextChoices):
    ESSENTIAL = "essential", _("Essential")
    PERSONAL = "personal", _("Personal")
    BESPOKE = "bespoke", _("Bespoke")


TIER_RANK = {ConsentTier.ESSENTIAL: 0, ConsentTier.PERSONAL: 1, ConsentTier.BESPOKE: 2}


class ConsentSource(models.TextChoices):
    CONCIERGE = "concierge", "Client, in the concierge"
    BOUTIQUE = "boutique", "Client advisor, in boutique"
    ADMIN = "admin", "Head office administrator"
    SMS_STOP = "sms_stop", "SMS STOP reply"
    IMPORT = "import", "Import"
    ERASURE = "erasure", "Erasure request"


class PolicyVersion(models.Model):
    version = models.CharField(max_length=20, unique=True)
    published_at = models.DateTimeField(default=timezone.now)
    summary = models.TextField(help_text="Plain words shown when asking for consent")
    full_text = models.TextField(blank=True)
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text="The language the summary and full text are written in",
    )
    requires_reconfirmation = models.BooleanField(
        default=False, help_text="Clients who consented under an earlier version are asked again"
    )

    class Meta:
        ordering = ["-published_at"]
        get_latest_by = "published_at"

    def __str__(self) -> str:
        return self.version


class PolicyTranslation(models.Model):
    """A policy version's words in another language, for clients who read that language.

    Evidence like the version itself: a consent's proof text quotes it, so once
    published it is never edited or deleted (a correction is a new policy version).
    """

    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="translations"
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    summary = models.TextField(help_text="The summary, in this language")
    full_text = models.TextField(blank=True)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["policy_version", "language"], name="policy_translation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy_version} ({self.language})"

    def clean(self) -> None:
        version = self.policy_version if self.policy_version_id else None
        if version is not None and self.language == version.language:
            raise ValidationError({"language": "The policy itself is written in this language."})


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an append-only record."""


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Consent records are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Consent records are append-only")


class ConsentRecord(models.Model):
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="consent_records"
    )
    tier = models.CharField(max_length=10, choices=ConsentTier.choices)
    email = models.BooleanField("E-mail", default=False)
    sms = models.BooleanField("SMS", default=False)
    whatsapp = models.BooleanField("WhatsApp", default=False)
    phone = models.BooleanField("Phone calls", default=False)
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="records"
    )
    source = models.CharField(max_length=12, choices=ConsentSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    proof_text = models.TextField(help_text="The words shown when this choice was made")
    note = models.CharField(max_length=280, blank=True)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        get_latest_by = ["recorded_at", "id"]
        indexes = [models.Index(fields=["client", "-recorded_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.tier} ({self.recorded_at:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Consent records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Consent records are append-only")


# --- Privacy requests and the staff access log --------------------------------------


class PrivacyRequestKind(models.TextChoices):
    EXPORT = "export", "Export of my data"
    ERASURE = "erasure", "Erasure of my data"


class PrivacyRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    PROCESSING = "processing", "Being prepared"
    READY = "ready", "Ready to download"
    DOWNLOADED = "downloaded", "Downloaded"
    EXPIRED = "expired", "Expired"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class PrivacyRequest(models.Model):
    """A client's export or erasure, from request to completion.

    Append-mostly: the status moves forward through consent.services only.
    Erasure rows are the proof that erasure happened: they count what each
    step removed, never what it was.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="privacy_requests"
    )
    kind = models.CharField(max_length=10, choices=PrivacyRequestKind.choices)
    status = models.CharField(
        max_length=12,
        choices=PrivacyRequestStatus.choices,
        default=PrivacyRequestStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=280, blank=True)
    # Exports: a path relative to settings.PRIVATE_STORAGE_ROOT (never MEDIA or STATIC).
    file_path = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    # Erasure: {"identities": 2, "notes": 5, ...}; exports: {"sections": {...counts}}.
    counts = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=280, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["client", "kind", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for client {self.client_id} ({self.status})"


class AccessAction(models.TextChoices):
    VIEWED_STORY = "viewed_story", "Viewed the client's story"
    VIEWED_NOTES = "viewed_notes", "Read the client's notes"
    VIEWED_CONTACT = "viewed_contact", "Viewed contact details"
    VIEWED_ORDERS = "viewed_orders", "Viewed orders"
    VIEWED_MESSAGES = "viewed_messages", "Read the conversation"
    EXPORTED = "exported", "Exported the client's data"
    ERASED = "erased", "Erased the client's data"


class StaffAccessLogQuerySet(models.QuerySet["StaffAccessLog"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The staff access log is append-only")


class StaffAccessLog(models.Model):
    """One row each time a member of staff looks at a client's data."""

    # No index of their own: the (actor, -at) and (client, -at) indexes below serve every
    # look-up by either (deletion's SET NULL and CASCADE too), and each index is one more
    # write on the INSERT that every story, review and export view makes.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="staff_access_log",
        db_index=False,
    )
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    reason = models.CharField(max_length=280, blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = StaffAccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "staff access log entry"
        verbose_name_plural = "staff access log"
        indexes = [
            models.Index(fields=["client", "-at"], name="consent_access_client_at"),
            models.Index(fields=["actor", "-at"], name="consent_access_actor_at"),
            models.Index(fields=["-at"], name="consent_access_at"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.client_id} at {self.at:%Y-%m-%d %H:%M}"
