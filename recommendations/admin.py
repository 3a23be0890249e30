"""Admin for models and lookbooks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import URLPattern, path, reverse

from recommendations.models import Lookbook, LookbookItem, ModelVersion, ReviewEvent
from recommendations.selectors.acceptance import acceptance_label, with_acceptance
from recommendations.services.pending import materialise_pieces

TRAIN_QUEUED = (
    "Training of a new model is queued. It appears in this list when it finishes and "
    "becomes active only if it beats the active model on the hold-out window."
)


def _enqueue_training(request: HttpRequest) -> None:
    from recommendations.tasks import train_recommender

    user_id = request.user.pk
    transaction.on_commit(lambda: train_recommender.delay(triggered_by_id=user_id))


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin[ModelVersion]):
    list_display = [
        "__str__",
        "status",
        "is_active",
        "created_at",
        "holdout_ndcg",
        "advisor_acceptance",
        "promotion_interval",
        "training_seconds",
        "promoted_at",
    ]
    list_filter = ["status", "is_active"]
    readonly_fields = [f.name for f in ModelVersion._meta.fields]
    actions = ["train_now"]
    # Adds a "Train a new model now" button, so the first model can be trained from an
    # empty list too (Django shows actions only when there are rows to select).
    change_list_template = "admin/recommendations/modelversion/change_list.html"

    @admin.display(description="hold-out nDCG")
    def holdout_ndcg(self, obj: ModelVersion) -> str:
        value = ((obj.metrics or {}).get("holdout") or {}).get("ndcg")
        return f"{value:.4f}" if value is not None else "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModelVersion]:
        return with_acceptance(super().get_queryset(request))

    @admin.display(description="kept by advisors")
    def advisor_acceptance(self, obj: ModelVersion) -> str:
        return acceptance_label(obj)

    @admin.display(description="vs active, 95% interval")
    def promotion_interval(self, obj: ModelVersion) -> str:
        test = obj.promotion_test or {}
        if "low" not in test:
            return "—"
        return f"{test['mean_difference']:+.4f} [{test['low']:+.4f}, {test['high']:+.4f}]"

    def has_train_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("recommendations.train_model"))

    @admin.action(description="Train a new model now", permissions=["train"])
    def train_now(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        """Queue a training run (the selection does not matter: it trains on all data)."""
        _enqueue_training(request)
        self.message_user(request, TRAIN_QUEUED, messages.SUCCESS)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "train/",
                self.admin_site.admin_view(self.train_view),
                name="recommendations_modelversion_train",
            ),
            *super().get_urls(),
        ]

    def train_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_train_permission(request):
            raise PermissionDenied
        _enqueue_training(request)
        self.message_user(request, TRAIN_QUEUED, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:recommendations_modelversion_changelist"))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {**(extra_context or {}), "can_train": self.has_train_permission(request)}
        return super().changelist_view(request, extra_context=extra)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LookbookItemInline(admin.TabularInline[LookbookItem, Lookbook]):
    model = LookbookItem
    extra = 0
    readonly_fields = (
        "position",
        "product",
        "source",
        "state",
        "removal_reason",
        "explanation",
    )
    fields = readonly_fields
    can_delete = False
    ordering = ["position"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReviewEventInline(admin.TabularInline[ReviewEvent, Lookbook]):
    model = ReviewEvent
    extra = 0
    readonly_fields = (
        "created_at",
        "actor",
        "action",
        "product",
        "reason",
        "reason_text",
    )
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Lookbook)
class LookbookAdmin(admin.ModelAdmin[Lookbook]):
    """Lookbooks are reviewed and published in the stylist dashboard; here they are read."""

    list_display = ["__str__", "client", "author", "status", "origin", "created_at", "published_at"]
    list_filter = ["status", "origin"]
    search_fields = ["title", "client__last_name", "public_id"]
    list_select_related = ["client", "author__user"]
    readonly_fields = [f.name for f in Lookbook._meta.fields]
    inlines = [LookbookItemInline, ReviewEventInline]

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        lookbook = super().get_object(request, object_id, from_field)
        if lookbook is not None and lookbook.pending_pieces:
            materialise_pieces(lookbook)  # a bulk draft's rows, for the inline
        return lookbook

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin[ReviewEvent]):
    list_display = ["created_at", "lookbook", "actor", "action", "product", "reason"]
    list_filter = ["action", "reason"]
    list_select_related = ["lookbook", "actor", "product"]
    readonly_fields = [f.name for f in ReviewEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
