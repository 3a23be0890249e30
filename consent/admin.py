"""Admin for consent: policy versions are published here; the history is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from consent.models import ConsentRecord, PolicyVersion, PrivacyRequest, StaffAccessLog


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin[PolicyVersion]):
    list_display = ["version", "published_at", "requires_reconfirmation"]
    search_fields = ["version", "summary"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A published version is evidence of what clients agreed to: never edit it.
        return (
            ["version", "published_at", "summary", "full_text", "requires_reconfirmation"]
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
