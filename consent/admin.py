"""Admin for consent: policy versions are published here; the history is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from consent.models import (
    ConsentRecord,
    PolicyTranslation,
    PolicyVersion,
    PrivacyRequest,
    StaffAccessLog,
)
from consent.services import policy_translation_publish


class PolicyTranslationInline(admin.StackedInline[PolicyTranslation, PolicyVersion]):
    """The version's words in the clients' other languages: added here, never changed."""

    model = PolicyTranslation
    extra = 0
    fields = ["language", "summary", "full_text", "published_at"]
    readonly_fields = ["published_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a published translation is quoted by consents, like its version

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin[PolicyVersion]):
    list_display = ["version", "language", "published_at", "requires_reconfirmation"]
    search_fields = ["version", "summary"]
    inlines = [PolicyTranslationInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not PolicyTranslation:
            super().save_formset(request, form, formset, change)
            return
        # New translations only (none may change), each through the service
        for translation in formset.save(commit=False):
            policy_translation_publish(
                policy_version=form.instance,
                language=translation.language,
                summary=translation.summary,
                full_text=translation.full_text,
            )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A published version is evidence of what clients agreed to: never edit it.
        return (
            [
                "version",
                "published_at",
                "language",
                "summary",
                "full_text",
                "requires_reconfirmation",
            ]
            if obj
            else []
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ConsentRecord]):
    list_display = [
        "client",
        "tier",
        "email",
        "sms",
        "whatsapp",
        "phone",
        "source",
        "policy_version",
        "recorded_at",
        "recorded_by",
    ]
    list_filter = ["tier", "source", "policy_version"]
    search_fields = ["client__last_name", "client__first_name", "client__public_id"]
    list_select_related = ["client", "policy_version", "recorded_by"]
    date_hierarchy = "recorded_at"


class ConsentRecordInline(ReadOnlyAdminMixin, admin.TabularInline[ConsentRecord, Any]):
    """The client's consent history, newest first; nobody edits history."""

    model = ConsentRecord
    extra = 0
    fields = [
        "recorded_at",
        "tier",
        "email",
        "sms",
        "whatsapp",
        "phone",
        "source",
        "policy_version",
        "recorded_by",
        "proof_text",
    ]
    readonly_fields = fields  # type: ignore[assignment]
    ordering = ["-recorded_at", "-id"]
    verbose_name_plural = "Consent history (append-only)"


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[PrivacyRequest]):
    """Exports and erasures: evidence, never edited by hand (see consent.services)."""

    list_display = [
        "public_id",
        "kind",
        "status",
        "client",
        "requested_by",
        "requested_at",
        "completed_at",
        "expires_at",
        "downloaded_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["public_id", "client__public_id"]
    list_select_related = ["client", "requested_by"]
    date_hierarchy = "requested_at"
    exclude = ["file_path"]


@admin.register(StaffAccessLog)
class StaffAccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[StaffAccessLog]):
    """Who looked at which client, when and why. Head office also reviews it at /stylist/audit/."""

    list_display = ["at", "actor", "client", "action", "reason"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = [
        "client__last_name",
        "client__first_name",
        "client__public_id",
        "actor__username",
        "actor__last_name",
    ]
    list_select_related = ["actor", "client"]
    date_hierarchy = "at"
    show_full_result_count = False
