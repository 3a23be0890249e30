"""Admin for clients: profile, identities, history, consent (read-only) and book moves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clients.admin_imports import ImportUploadMixin  # also registers ImportRun
from clients.identities import identity_lookup_hash, normalize_identity
from clients.models import (
    STYLE_FIELDS,
    Client,
    Identity,
    ImportKind,
    Interaction,
    Occasion,
    Order,
    OrderLine,
    WishlistItem,
)
from consent.admin import ConsentRecordInline
from stylists.models import BookAssignment, Stylist
from stylists.services import book_reassign


class IdentityForm(forms.ModelForm[Identity]):
    value = forms.CharField(max_length=254)

    class Meta:
        model = Identity
        fields = ["kind", "value", "is_primary", "verified_at", "source"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, value = data.get("kind"), data.get("value")
        if kind and value:
            try:
                data["value"] = normalize_identity(kind, value)
            except ValidationError as exc:
                self.add_error("value", exc)
                return data
            self.instance.lookup_hash = identity_lookup_hash(kind, data["value"])
            clash = Identity.objects.filter(kind=kind, lookup_hash=self.instance.lookup_hash)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("value", "This identity already belongs to another client.")
        return data


class IdentityInline(admin.TabularInline[Identity, Client]):
    model = Identity
    form = IdentityForm
    extra = 0


class OccasionInline(admin.TabularInline[Occasion, Client]):
    model = Occasion
    extra = 0
    fields = ["kind", "title", "date", "recurring_yearly", "next_date", "notes"]
    readonly_fields = ["next_date"]


class OrderInline(admin.TabularInline[Order, Client]):
    model = Order
    extra = 0
    readonly_fields = (
        "placed_at",
        "channel",
        "boutique",
        "credited_stylist",
        "total",
        "currency",
        "status",
    )
    fields = readonly_fields
    show_change_link = True
    can_delete = False
    ordering = ["-placed_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReassignForm(forms.Form):
    stylist = forms.ModelChoiceField(
        queryset=Stylist.objects.filter(active=True)
        .exclude(role="head_office")
        .select_related("user", "boutique"),
        label="Move to the book of",
    )
    reason = forms.CharField(max_length=280, required=False)


# Kept up to date by the order services; shown, never edited, in the admin.
CLIENT_FIGURES = (
    "lifetime_spend",
    "orders_count",
    "first_purchase_at",
    "last_purchase_at",
    "last_contact_at",
    "created_at",
    "updated_at",
)


@admin.register(Client)
class ClientAdmin(ImportUploadMixin, admin.ModelAdmin[Client]):
    import_kind = ImportKind.CLIENTS  # "Import CSV" on the changelist (head office)
    list_display = [
        "full_name",
        "home_boutique",
        "advisor",
        "is_vic",
        "lifetime_spend",
        "orders_count",
        "last_purchase_at",
        "status",
    ]
    list_filter = ["home_boutique", "is_vic", "status", "preferred_language"]
    search_fields = ["first_name", "last_name", "public_id"]
    list_select_related = ["home_boutique"]
    # Status changes only through services (erasure): a hand-set "erased" once let
    # a later erasure skip the scrub.
    readonly_fields = ("public_id", "status", *CLIENT_FIGURES)
    inlines = [IdentityInline, OccasionInline, ConsentRecordInline, OrderInline]
    actions = ["reassign_to_stylist"]
    list_per_page = 50
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "public_id",
                    "salutation",
                    "first_name",
                    "last_name",
                    "preferred_name",
                    "user",
                    "status",
                ]
            },
        ),
        ("House", {"fields": ["home_boutique", "preferred_language", "timezone", "is_vic"]}),
        ("Style", {"fields": STYLE_FIELDS}),
        (
            "Figures",
            {"fields": CLIENT_FIGURES},
        ),
    ]
    raw_id_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Client]:
        advisor = (
            BookAssignment.objects.filter(client=OuterRef("pk"), ended_at__isnull=True)
            .annotate(
                label=Concat("stylist__user__first_name", Value(" "), "stylist__user__last_name")
            )
            .values("label")[:1]
        )
        return super().get_queryset(request).annotate(_advisor=Subquery(advisor))

    @admin.display(description="Advisor", ordering="_advisor")
    def advisor(self, obj: Client) -> str:
        return getattr(obj, "_advisor", None) or "—"

    @admin.action(description="Move selected clients to another advisor's book")
    def reassign_to_stylist(
        self, request: HttpRequest, queryset: QuerySet[Client]
    ) -> HttpResponse | None:
        if "apply" in request.POST:
            form = ReassignForm(request.POST)
            if form.is_valid():
                try:
                    moved = book_reassign(
                        clients=list(queryset),
                        to_stylist=form.cleaned_data["stylist"],
                        performed_by=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"] or "Moved in the admin",
                    )
                except (ValidationError, PermissionDenied) as exc:
                    self.message_user(request, str(exc), level=messages.ERROR)
                    return None
                self.message_user(
                    request,
                    f"{moved} client(s) moved to {form.cleaned_data['stylist']}'s book.",
                    level=messages.SUCCESS,
                )
                return None
        else:
            form = ReassignForm()
        return render(
            request,
            "admin/clients/reassign.html",
            {
                **self.admin_site.each_context(request),
                "title": "Move clients to another advisor",
                "clients": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


class OrderLineInline(admin.TabularInline[OrderLine, Order]):
    model = OrderLine
    extra = 0
    fields = ["product", "variant", "quantity", "unit_price"]
    raw_id_fields = ["product", "variant"]


@admin.register(Order)
class OrderAdmin(ImportUploadMixin, admin.ModelAdmin[Order]):
    import_kind = ImportKind.ORDERS
    list_display = [
        "__str__",
        "client",
        "channel",
        "boutique",
        "credited_stylist",
        "placed_at",
        "total",
        "currency",
        "status",
    ]
    list_filter = ["channel", "status", "boutique"]
    search_fields = ["external_ref", "public_id", "client__last_name"]
    list_select_related = ["client", "boutique", "credited_stylist__user"]
    date_hierarchy = "placed_at"
    raw_id_fields = ["client", "credited_stylist"]
    readonly_fields = ["public_id"]
    inlines = [OrderLineInline]


@admin.register(Occasion)
class OccasionAdmin(admin.ModelAdmin[Occasion]):
    list_display = ["label", "client", "kind", "date", "recurring_yearly", "next_date"]
    list_filter = ["kind", "recurring_yearly"]
    search_fields = ["title", "client__last_name"]
    list_select_related = ["client"]
    raw_id_fields = ["client", "created_by"]
    readonly_fields = ["next_date"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin[Interaction]):
    list_display = ["occurred_at", "client", "kind", "product", "channel"]
    list_filter = ["kind", "channel"]
    search_fields = ["client__last_name", "product__name"]
    list_select_related = ["client", "product"]
    raw_id_fields = ["client", "product"]
    date_hierarchy = "occurred_at"


@admin.register(WishlistItem)
class WishlistItemAdmin(admin.ModelAdmin[WishlistItem]):
    list_display = ["client", "product", "added_at"]
    search_fields = ["client__last_name", "product__name"]
    list_select_related = ["client", "product"]
    raw_id_fields = ["client", "product"]


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin[Identity]):
    form = IdentityForm
    list_display = ["client", "kind", "masked_value", "is_primary", "verified_at", "source"]
    list_filter = ["kind", "is_primary", "source"]
    search_fields = ["client__last_name"]
    list_select_related = ["client"]
    raw_id_fields = ["client"]
