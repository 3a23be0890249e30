"""Model versions, lookbooks and their review history: the human-in-the-loop lifecycle."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalog.models import Product, Variant
from clients.models import Client, Occasion
from core.choices import fast_choice_displays
from stylists.models import StylingRequest, Stylist


class ModelStatus(models.TextChoices):
    TRAINING = "training", "Training"
    READY = "ready", "Trained, not promoted"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"
    FAILED = "failed", "Failed"


class ModelVersion(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ModelStatus.choices, default=ModelStatus.TRAINING
    )
    is_active = models.BooleanField(default=False)
    algorithm = models.CharField(max_length=40, default="implicit.als")
    params = models.JSONField(default=dict, blank=True)
    data_counts = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    baseline_metrics = models.JSONField(default=dict, blank=True)
    training_seconds = models.FloatField(null=True, blank=True)
    artifact_path = models.CharField(max_length=300, blank=True)
    artifact_sha256 = models.CharField(max_length=64, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    promoted_at = models.DateTimeField(null=True, blank=True)
    # The promotion test against the model active when this one was judged: the paired
    # bootstrap's interval of the per-client nDCG difference, and whether it cleared zero.
    promotion_test = models.JSONField(default=dict, blank=True)
    notes = models.TextField(blank=True)
    # The training lock: "train" while a run works on this row, NULL otherwise. It is
    # unique, so a second run cannot claim it while the first holds it (see
    # recommendations.services.training); a run that died is released after a time-out.
    run_lock = models.CharField(max_length=16, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        permissions = [("train_model", "Can train a new recommendation model")]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_model"
            )
        ]

    def __str__(self) -> str:
        return f"Model #{self.pk} ({self.status})"


class LookbookStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DISCARDED = "discarded", "Discarded"


class LookbookOrigin(models.TextChoices):
    MODEL = "model", "Drafted by the model"
    STYLIST = "stylist", "Made by hand"


@fast_choice_displays
class Lookbook(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="lookbooks")
    author = models.ForeignKey(
        Stylist, null=True, blank=True, on_delete=models.SET_NULL, related_name="lookbooks"
    )
    origin = models.CharField(max_length=8, choices=LookbookOrigin.choices)
    status = models.CharField(
        max_length=10, choices=LookbookStatus.choices, default=LookbookStatus.DRAFT, db_index=True
    )
    model_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="lookbooks"
    )
    occasion = models.ForeignKey(
        Occasion, null=True, blank=True, on_delete=models.SET_NULL, related_name="lookbooks"
    )
    styling_request = models.ForeignKey(
        StylingRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="lookbooks"
    )
    title = models.CharField(max_length=160, blank=True)
    note = models.TextField(blank=True, help_text="The advisor's personal note to the client")
    # Optimistic concurrency: every edit bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)
    # What the draft was built from: {"tier": "personal", "kinds": ["purchases", ...], ...}
    data_basis = models.JSONField(default=dict, blank=True)
    # The next-best candidates the stylist may swap in: [{"product": id, "score", "why"}]
    alternates = models.JSONField(default=list, blank=True)
    # Pieces drafted in bulk and not yet written as LookbookItem rows, compactly:
    # [[product id, variant id or null, score, why], ...] in draft order. The nightly run
    # keeps a draft's pieces here; the rows are written the first time anything reads
    # ``lookbook.items`` (see LookbookItemManager), so every reader sees the same rows.
    pending_pieces = models.JSONField(default=list, blank=True, editable=False)
    # Idempotency for machine drafts: one draft per client, model and reason.
    draft_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_channels = models.JSONField(default=list, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=280, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "status"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.title or f"Lookbook for {self.client}"


class ItemSource(models.TextChoices):
    MODEL = "model", "Model"
    STYLIST = "stylist", "Stylist"


class ItemState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    KEPT = "kept", "Kept"
    REMOVED = "removed", "Removed"


class RemovalReason(models.TextChoices):
    NOT_HER_STYLE = "not_her_style", "Not the client's style"
    OWNS_SIMILAR = "owns_similar", "Owns something similar"
    PRICE = "price", "Price"
    OUT_OF_STOCK = "out_of_stock", "Out of stock"
    OTHER = "other", "Other"


class JSONArrayLength(models.Func):
    """How many entries a JSON array column holds (``pending_pieces``)."""

    function = "JSON_ARRAY_LENGTH"
    output_field = models.IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="JSONB_ARRAY_LENGTH", **extra)


class LookbookItemManager(models.Manager["LookbookItem"]):
    """Writes a draft's pending pieces as rows before ``lookbook.items`` reads them."""

    def get_queryset(self) -> models.QuerySet[LookbookItem]:
        instance = getattr(self, "instance", None)  # set on ``lookbook.items``
        if isinstance(instance, Lookbook) and instance.pending_pieces:
            from recommendations.services.pending import materialise_pieces

            materialise_pieces(instance)
        return super().get_queryset()


@fast_choice_displays
class LookbookItem(models.Model):
    # The nightly run writes ~12 rows per drafted client, so every index here is paid for
    # hundreds of thousands of times: the (lookbook, product) unique index serves look-ups
    # by lookbook, and `replaces` (nearly always NULL) is indexed only where it is set.
    lookbook = models.ForeignKey(
        Lookbook, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lookbook_items")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField()
    source = models.CharField(max_length=8, choices=ItemSource.choices)
    state = models.CharField(max_length=9, choices=ItemState.choices, default=ItemState.PROPOSED)
    explanation = models.TextField(blank=True)
    score = models.FloatField(null=True, blank=True)
    removal_reason = models.CharField(max_length=16, choices=RemovalReason.choices, blank=True)
    removal_note = models.CharField(max_length=280, blank=True)
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LookbookItemManager()

    class Meta:
        ordering = ["lookbook_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lookbook", "product"], name="lookbook_item_unique")
        ]
        indexes = [
            models.Index(
                fields=["replaces"],
                name="lookbook_item_replaces",
                condition=models.Q(replaces__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.product}"


class ReviewAction(models.TextChoices):
    OPEN = "open", "Opened for review"
    KEEP = "keep", "Kept"
    REMOVE = "remove", "Removed"
    RESTORE = "restore", "Restored"
    SWAP = "swap", "Swapped"
    ADD = "add", "Added"
    REORDER = "reorder", "Reordered"
    NOTE = "note", "Wrote the note"
    TITLE = "title", "Titled"
    PUBLISH = "publish", "Published"
    DISCARD = "discard", "Discarded"
    WITHDRAW = "withdraw", "Withdrawn"


@fast_choice_displays
class ReviewEvent(models.Model):
    """Every stylist decision on a lookbook: who, what, when, why. Training signal."""

    lookbook = models.ForeignKey(Lookbook, on_delete=models.CASCADE, related_name="events")
    item = models.ForeignKey(
        LookbookItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="review_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=ReviewAction.choices)
    reason = models.CharField(max_length=16, blank=True)
    reason_text = models.CharField(max_length=280, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["action", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action} on {self.lookbook_id}"


class LifecycleStage(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    NEW = "new", "New"
    ACTIVE = "active", "Active"
    DORMANT = "dormant", "Dormant"
    LAPSED = "lapsed", "Lapsed"
    WON_BACK = "won_back", "Won back"


class ClientSegment(models.Model):
    """A group of buyers alike in recency, frequency, spend and taste (KMeans, nightly).

    Named and described from its centroid (recommendations.ml.segments); kept by name from
    one night to the next so a link filtering the book by segment survives a rerun that
    finds the same group. A segment no outlook points to any more is deleted.
    """

    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(max_length=300)
    size = models.PositiveIntegerField(default=0)
    rank = models.PositiveSmallIntegerField(default=0, help_text="0 = the largest")
    silhouette = models.FloatField(help_text="Mean silhouette of the run that found it")
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class ClientOutlook(models.Model):
    """A client's stage, churn risk and expected value, scored nightly (client_outlooks_refresh).

    Only for clients whose consent allows purchases to serve analytics (consent.policy);
    a client who withdraws it loses her row on the next run.
    """

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="outlook")
    stage = models.CharField(max_length=10, choices=LifecycleStage.choices)
    churn_risk = models.FloatField(null=True, blank=True, help_text="P(no purchase in 180 days)")
    expected_purchases = models.FloatField(null=True, blank=True, help_text="Next 12 months")
    predicted_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    segment = models.ForeignKey(
        ClientSegment, null=True, blank=True, on_delete=models.SET_NULL, related_name="outlooks"
    )
    scored_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["-churn_risk"])]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.stage}"
