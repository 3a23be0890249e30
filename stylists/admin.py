"""Admin for advisors, their books and their day-to-day records."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from stylists.models import (
    Appointment,
    Availability,
    BookAssignment,
    BookReassignment,
    ClientNote,
    FollowUp,
    Message,
    OutreachTemplate,
    StylingRequest,
    Stylist,
)
from stylists.services import stylist_grant_role_permissions
from stylists.services.access import stylist_update_access

# Fields whose change alters what the advisor may see: they go through the access service.
ACCESS_FIELDS = ("role", "boutique", "active")


class AvailabilityInline(admin.TabularInline[Availability, Stylist]):
    model = Availability
    extra = 0


@admin.register(Stylist)
class StylistAdmin(admin.ModelAdmin[Stylist]):
    list_display = ["name", "role", "boutique", "title", "active"]
    list_filter = ["role", "boutique", "active"]
    search_fields = ["user__first_name", "user__last_name", "user__username"]
    list_select_related = ["user", "boutique"]
    raw_id_fields = ["user"]
    inlines = [AvailabilityInline]

    def save_model(self, request: HttpRequest, obj: Stylist, form: Any, change: bool) -> None:
        """New advisors get their role's grants; a changed role, boutique or active flag goes
        through stylist_update_access, which also revokes what the old one granted."""
        obj.full_clean()
        if not change:
            super().save_model(request, obj, form, change)
            stylist_grant_role_permissions(stylist=obj)
            return
        wanted = {name: getattr(obj, name) for name in ACCESS_FIELDS}
        stored = Stylist.objects.only(*ACCESS_FIELDS).get(pk=obj.pk)
        for name in ACCESS_FIELDS:  # the other fields save here; these through the service
            setattr(obj, name, getattr(stored, name))
        super().save_model(request, obj, form, change)
        updated = stylist_update_access(stylist_id=obj.pk, performed_by=request.user, **wanted)
        for name in ACCESS_FIELDS:
            setattr(obj, name, getattr(updated, name))


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BookAssignment)
class BookAssignmentAdmin(ReadOnlyMixin, admin.ModelAdmin[BookAssignment]):
    """Books change only through 'Move to another advisor' on clients (audited)."""

    list_display = ["client", "stylist", "started_at", "ended_at"]
    list_filter = ["stylist__boutique", "stylist"]
    search_fields = ["client__last_name", "stylist__user__last_name"]
    list_select_related = ["client", "stylist__user"]


@admin.register(BookReassignment)
class BookReassignmentAdmin(ReadOnlyMixin, admin.ModelAdmin[BookReassignment]):
    list_display = [
        "performed_at",
        "client",
        "from_stylist",
        "to_stylist",
        "performed_by",
        "reason",
    ]
    list_filter = ["to_stylist__boutique"]
    search_fields = ["client__last_name", "reason"]
    list_select_related = ["client", "from_stylist__user", "to_stylist__user", "performed_by"]
    date_hierarchy = "performed_at"


@admin.register(ClientNote)
class ClientNoteAdmin(admin.ModelAdmin[ClientNote]):
    list_display = ["client", "author", "category", "pinned", "created_at"]
    list_filter = ["category", "pinned"]
    search_fields = ["client__last_name"]
    list_select_related = ["client", "author__user"]
    raw_id_fields = ["client", "author"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin[Appointment]):
    list_display = ["starts_at", "client", "stylist", "kind", "boutique", "status"]
    list_filter = ["kind", "status", "boutique"]
    search_fields = ["client__last_name", "purpose"]
    list_select_related = ["client", "stylist__user", "boutique"]
    raw_id_fields = ["client", "stylist", "occasion"]
    date_hierarchy = "starts_at"


@admin.register(StylingRequest)
class StylingRequestAdmin(admin.ModelAdmin[StylingRequest]):
    list_display = ["created_at", "client", "stylist", "status", "due_at", "answered_at"]
    list_filter = ["status"]
    search_fields = ["client__last_name"]
    list_select_related = ["client", "stylist__user"]
    raw_id_fields = ["client", "stylist", "occasion"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ["created_at", "client", "stylist", "direction", "channel", "kind", "status"]
    list_filter = ["direction", "channel", "kind", "status"]
    search_fields = ["client__last_name", "provider_sid"]
    list_select_related = ["client", "stylist__user"]
    raw_id_fields = ["client", "stylist"]
    date_hierarchy = "created_at"


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin[FollowUp]):
    list_display = ["due_on", "kind", "client", "stylist", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["client__last_name", "reason"]
    list_select_related = ["client", "stylist__user"]
    raw_id_fields = ["client", "stylist", "order", "occasion"]


@admin.register(OutreachTemplate)
class OutreachTemplateAdmin(admin.ModelAdmin[OutreachTemplate]):
    list_display = ["name", "language", "kind", "active"]
    list_filter = ["language", "kind", "active"]
    search_fields = ["name", "body"]
