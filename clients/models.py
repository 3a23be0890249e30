"""Clients: profile, identities, occasions, omnichannel orders, interactions, wishlist."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from catalog.models import Boutique, Product, Variant
from clients.addressing import form_of_address
from core.choices import fast_choice_displays
from core.fields import EncryptedTextField


class Salutation(models.TextChoices):
    NONE = "", "—"
    MADAME = "Mme", "Madame"
    MONSIEUR = "M.", "Monsieur"
    MX = "Mx", "Mx"
    DOCTOR = "Dr", "Dr"


class ClientStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ERASED = "erased", "Erased"
    MERGED = "merged", "Merged into another profile"


# What the house knows of a client's style: edited together (profile services, admin).
STYLE_FIELDS = (
    "sizes",
    "preferred_categories",
    "preferred_colours",
    "preferred_materials",
    "avoided",
    "style_keywords",
    "price_band_min",
    "price_band_max",
)


@fast_choice_displays
class Client(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client",
        help_text="The concierge login, when the client has one.",
    )
    salutation = models.CharField(max_length=4, choices=Salutation.choices, blank=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    preferred_name = models.CharField(max_length=80, blank=True)
    preferred_language = models.CharField(
        max_length=8, choices=settings.CLIENT_LANGUAGES, default="en"
    )
    home_boutique = models.ForeignKey(Boutique, on_delete=models.PROTECT, related_name="clients")
    timezone = models.CharField(
        max_length=64, blank=True, help_text="Blank: the home boutique's time zone."
    )
    # {"ready_to_wear": "38", "shoes": "38.5", "ring": "52", "belt": "80"}
    sizes = models.JSONField(default=dict, blank=True)
    preferred_categories = models.JSONField(default=list, blank=True)
    preferred_colours = models.JSONField(default=list, blank=True)
    preferred_materials = models.JSONField(default=list, blank=True)
    avoided = models.JSONField(
        default=list, blank=True, help_text="Materials, colours or styles to avoid"
    )
    style_keywords = models.JSONField(default=list, blank=True)
    price_band_min = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    price_band_max = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    is_vic = models.BooleanField("VIC", default=False, db_index=True)
    status = models.CharField(
        max_length=10, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed",
        help_text="Set while this profile is merged into another (clients.merging).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Figures kept by clients.services.client_stats_refresh, so that books of
    # hundreds of clients filter and sort on columns instead of aggregates.
    lifetime_spend = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    orders_count = models.PositiveIntegerField(default=0)
    first_purchase_at = models.DateTimeField(null=True, blank=True)
    last_purchase_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["home_boutique", "last_name"]),
            models.Index(fields=["lifetime_spend"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_band_min__isnull=True)
                | Q(price_band_max__isnull=True)
                | Q(price_band_min__lte=models.F("price_band_max")),
                name="client_price_band_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self) -> str:
        """How staff pages label her: 'Mme Laurent' or the preferred name (a greeting to
        her uses addressed_as, written out in her language)."""
        if self.preferred_name:
            return self.preferred_name
        if self.salutation:
            return f"{self.salutation} {self.last_name}"
        return self.full_name

    @property
    def addressed_as(self) -> str:
        """How the house addresses her in the active language: "Madame Laurent" in French,
        "Ms Laurent" in English, "Laurent様" in Japanese; her preferred name if she gave one.

        display_name ("Mme Laurent") labels her on the advisor's pages; a letter or a
        greeting to her writes the form of address out as her language does.
        """
        return form_of_address(
            salutation=self.salutation,
            last_name=self.last_name,
            preferred_name=self.preferred_name,
            full_name=self.full_name,
        )

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}{self.last_name[:1]}".upper()

    @property
    def effective_timezone(self) -> str:
        return self.timezone or self.home_boutique.timezone


class ClientUserObjectPermission(UserObjectPermissionBase):
    """Guardian object permissions on clients, with a real foreign key (fast joins)."""

    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)


class ClientGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)


class IdentityKind(models.TextChoices):
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"
    LOYALTY = "loyalty", "Loyalty number"
    POS = "pos", "Boutique till (POS) id"
    DEVICE = "device", "Device"


class Identity(models.Model):
    """A way to recognise a client. Values are encrypted; lookup_hash finds them."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=10, choices=IdentityKind.choices)
    value = EncryptedTextField()
    lookup_hash = models.CharField(max_length=64, editable=False)
    is_primary = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "identities"
        ordering = ["kind", "-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "lookup_hash"], name="identity_unique_value"),
            models.UniqueConstraint(
                fields=["client", "kind"],
                condition=Q(is_primary=True),
                name="identity_one_primary_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["lookup_hash"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.masked_value}"

    @property
    def masked_value(self) -> str:
        value = self.value or ""
        if self.kind == IdentityKind.EMAIL and "@" in value:
            local, domain = value.split("@", 1)
            return f"{local[:1]}•••@{domain}"
        if len(value) > 4:
            return "•••" + value[-4:]
        return "•••"


class OccasionKind(models.TextChoices):
    BIRTHDAY = "birthday", _("Birthday")
    ANNIVERSARY = "anniversary", _("Anniversary")
    WEDDING = "wedding", _("Wedding")
    GALA = "gala", _("Gala or evening")
    TRAVEL = "travel", _("Travel")
    MILESTONE = "milestone", _("Professional milestone")
    HOLIDAY = "holiday", _("Holiday season")
    OTHER = "other", _("Other")


@functools.cache
def _kind_in_english(kind: str) -> str:
    """An occasion kind's label as written in the code, whatever language is active."""
    with translation.override("en"):
        return str(OccasionKind(kind).label) if kind in OccasionKind.values else kind


@fast_choice_displays
class Occasion(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="occasions")
    kind = models.CharField(max_length=20, choices=OccasionKind.choices)
    title = models.CharField(max_length=120, blank=True)
    date = models.DateField()
    recurring_yearly = models.BooleanField(default=False)
    # The next date this occasion falls on (today or later); kept by the
    # occasion services and rolled forward nightly for yearly occasions.
    next_date = models.DateField(null=True, blank=True, db_index=True)
    notes = EncryptedTextField(blank=True)  # personal ("her daughter's wedding"): encrypted at rest
    source = models.CharField(max_length=20, default="stylist")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["next_date", "date"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Her name for it, or its kind in the reader's language when the name only repeats
        the kind in English ("Birthday" reads "Anniversaire" to a French client)."""
        return self.title if self.has_own_name else str(self.get_kind_display())

    @property
    def has_own_name(self) -> bool:
        """Whether it has a name beyond its kind ("Gala at the Palais Garnier"): where it has
        none, the label already says the kind, and a list need not say it twice."""
        title = self.title.strip()
        return bool(title) and title.casefold() != _kind_in_english(self.kind).casefold()

    def occurrence_on_or_after(self, day: dt.date) -> dt.date | None:
        """The date this occasion next falls on, from `day` on (None if it has passed)."""
        if not self.recurring_yearly:
            return self.date if self.date >= day else None
        for year in (day.year, day.year + 1):
            try:
                candidate = self.date.replace(year=year)
            except ValueError:  # 29 February in a common year
                candidate = dt.date(year, 2, 28)
            if candidate >= day:
                return candidate
        return None


class OrderChannel(models.TextChoices):
    BOUTIQUE = "boutique", "Boutique"
    ONLINE = "online", "Online"
    PHONE = "phone", "Phone"


class OrderStatus(models.TextChoices):
    COMPLETED = "completed", "Completed"
    RETURNED = "returned", "Returned"
    CANCELLED = "cancelled", "Cancelled"


@fast_choice_displays
class Order(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="orders")
    channel = models.CharField(max_length=10, choices=OrderChannel.choices)
    boutique = models.ForeignKey(
        Boutique, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    credited_stylist = models.ForeignKey(
        "stylists.Stylist",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credited_orders",
    )
    placed_at = models.DateTimeField(db_index=True)
    status = models.CharField(
        max_length=10, choices=OrderStatus.choices, default=OrderStatus.COMPLETED
    )
    currency = models.CharField(max_length=3, default="EUR")
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    external_ref = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-placed_at"]
        indexes = [models.Index(fields=["client", "-placed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="boutique") | Q(boutique__isnull=False),
                name="order_boutique_channel_has_boutique",
            )
        ]

    def __str__(self) -> str:
        return f"Order {self.external_ref or self.public_id}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    variant = models.ForeignKey(
        Variant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order_lines",
        db_index=False,  # indexed where set (Meta): most lines, every imported one, have none
    )
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["order_id", "id"]
        # No Meta index on product: the foreign key has its own (product_id), and a second,
        # identical one cost the lines' COPY about a quarter of its time (docs/imports.md).
        # The variant's index holds only lines with a variant: a lookup by variant (the
        # PROTECT check when one is deleted) implies one, and a full index of NULLs cost
        # the Online Retail import's lines COPY a sixth of its time.
        indexes = [
            models.Index(
                fields=["variant"],
                name="orderline_variant_set_idx",
                condition=models.Q(variant__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class InteractionKind(models.TextChoices):
    VIEW = "view", "Viewed"
    SAVE = "save", "Saved"
    CART = "cart", "Added to bag"
    SHARE = "share", "Shared"
    LOVE = "love", "Loved in a lookbook"
    NOT_FOR_ME = "not_for_me", "Not for me (lookbook)"


class Interaction(models.Model):
    """A client's signal about a product, from the concierge, app or boutique."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="interactions")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(max_length=12, choices=InteractionKind.choices)
    occurred_at = models.DateTimeField(db_index=True)
    channel = models.CharField(max_length=12, default="web")
    # Small, non-personal context, e.g. {"lookbook": "<uuid>", "item": 12}.
    context = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["client", "-occurred_at"]),
            models.Index(fields=["kind", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.kind} {self.product_id}"


class WishlistItem(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="wishlist")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="wishlisted_by")
    added_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=280, blank=True)

    class Meta:
        ordering = ["-added_at"]
        constraints = [
            models.UniqueConstraint(fields=["client", "product"], name="wishlist_unique_product")
        ]

    def __str__(self) -> str:
        return f"{self.client_id} ♡ {self.product_id}"


# --- Imports (clients.imports) ----------------------------------------------------------


class ImportKind(models.TextChoices):
    CLIENTS = "clients", "Clients"
    ORDERS = "orders", "Orders"


class ImportFormat(models.TextChoices):
    ATELIER = "atelier", "Atelier CSV (docs/imports.md)"
    ONLINE_RETAIL = "online-retail", "UCI Online Retail (raw)"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    """One CSV import, from upload (or command) to its report.

    `report` holds the counts per entity, the rejections by reason, timing and
    the first IMPORT_REJECTIONS_KEPT rejected rows ([line, code, reason, value],
    values truncated); the admin offers them as a CSV. Nothing here points at a
    client: rejected rows were, by definition, not stored.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    format = models.CharField(max_length=20, choices=ImportFormat.choices)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    filename = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    # While queued: the upload, relative to PRIVATE_STORAGE_ROOT (deleted once run).
    file_path = models.CharField(max_length=300, blank=True)
    dry_run = models.BooleanField(default=False)
    origin = models.CharField(max_length=10, default="admin", help_text="admin or command")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assign_to = models.ForeignKey(
        "stylists.Stylist",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="New clients go into this advisor's book.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_accepted = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, help_text="Why the whole file was refused or stopped")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.filename or self.public_id}"


# --- One profile per client (clients.merging) ---------------------------------------------


class ClientMerge(models.Model):
    """Audit row and history of one merge: what moved, so that unmerge restores each side.

    `moved` maps a model label to the primary keys moved from the absorbed profile
    to the survivor; `demoted_identities` were primary on the absorbed side;
    `closed_assignments` were the absorbed side's open book assignments;
    `survivor_before` holds the survivor's fields the merge filled in;
    `survivor_consent_before` her consent before the stricter one was recorded.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survivor = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="merges_kept")
    absorbed = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="merges_gone")
    suggestion = models.ForeignKey(
        "clients.MergeSuggestion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merges",
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    performed_at = models.DateTimeField()
    reason = models.CharField(max_length=280, blank=True)
    moved = models.JSONField(default=dict, blank=True)
    kept_apart = models.JSONField(
        default=dict, blank=True, help_text="Rows left on the absorbed profile"
    )
    demoted_identities = models.JSONField(default=list, blank=True)
    closed_assignments = models.JSONField(default=list, blank=True)
    user_moved = models.BooleanField(default=False)
    survivor_before = models.JSONField(default=dict, blank=True)
    survivor_consent_before = models.JSONField(default=dict, blank=True)
    # The consent record the merge wrote (consent sits above clients: a number, no key)
    consent_record_id = models.PositiveBigIntegerField(null=True, blank=True)
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unmerge_reason = models.CharField(max_length=280, blank=True)

    class Meta:
        ordering = ["-performed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["absorbed"],
                condition=Q(unmerged_at__isnull=True),
                name="merge_one_open_per_absorbed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.absorbed_id} → {self.survivor_id}"


class MergeStatus(models.TextChoices):
    PENDING = "pending", "To review"
    ACCEPTED = "accepted", "Merged"
    REJECTED = "rejected", "Not the same person"


class MergeSuggestion(models.Model):
    """Two profiles that may be one person, on weak evidence, for a manager to decide.

    `client_a` has the lower id. `evidence` lists each signal in plain words with
    its score; `score` (0..1) orders the queue.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_a = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    client_b = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    evidence = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=MergeStatus.choices, default=MergeStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["client_a", "client_b"], name="merge_pair_unique"),
            models.CheckConstraint(
                condition=Q(client_a__lt=models.F("client_b")), name="merge_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "-score"])]

    def __str__(self) -> str:
        return f"{self.client_a_id} ≟ {self.client_b_id} ({self.score:.2f})"

    @property
    def pair(self) -> tuple[Client, Client]:
        """The two profiles, in the order they are shown."""
        return (self.client_a, self.client_b)
