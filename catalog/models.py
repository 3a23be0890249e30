"""The house's catalogue and places: products, variants, collections, heritage, boutiques, stock.

Catalog is the bottom layer: it knows nothing of clients.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.validators import validate_heritage_image
from core.choices import fast_choice_displays


class Category(models.TextChoices):
    READY_TO_WEAR = "ready_to_wear", _("Ready-to-wear")
    LEATHER_GOODS = "leather_goods", _("Leather goods")
    SHOES = "shoes", _("Shoes")
    JEWELLERY = "jewellery", _("Jewellery")
    FRAGRANCE = "fragrance", _("Fragrance")


class Boutique(models.Model):
    """A physical boutique. Online stock is a StockLevel without a boutique."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    city = models.CharField(max_length=80)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    timezone = models.CharField(max_length=64, default="Europe/Paris")
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    # {"mon": [["10:00", "19:00"]], "sun": []}: a list of intervals per weekday.
    opening_hours = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("manage_boutique", "Can see the boutique's clients and reassign its books"),
        ]

    def __str__(self) -> str:
        return self.name


class Collection(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    season = models.CharField(max_length=12, blank=True, help_text="e.g. SS26, AW25")
    description = models.TextField(blank=True)
    launched_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-launched_on", "name"]

    def __str__(self) -> str:
        return self.name


@fast_choice_displays
class Product(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    style_code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=Category.choices, db_index=True)
    subcategory = models.CharField(max_length=40, blank=True)
    colours = models.JSONField(default=list, blank=True)
    materials = models.JSONField(default=list, blank=True)
    occasion_tags = models.JSONField(default=list, blank=True)
    price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(max_length=3, default="EUR")
    season = models.CharField(max_length=12, blank=True, help_text="e.g. SS26, AW25, Permanent")
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    active = models.BooleanField(default=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["category", "active"])]

    def __str__(self) -> str:
        return self.name

    @property
    def image_url(self) -> str:
        return reverse("catalog:product_image", kwargs={"public_id": self.public_id})


class Variant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=40, unique=True)
    size = models.CharField(max_length=16, blank=True, help_text="Blank for one-size pieces")
    colour = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["product_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "size", "colour"], name="variant_unique_size_colour"
            )
        ]

    def __str__(self) -> str:
        bits = [self.product.name, self.size, self.colour]
        return " · ".join(b for b in bits if b)


class StockLevel(models.Model):
    """Units of a variant in a boutique, or online when boutique is empty."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="stock_levels")
    boutique = models.ForeignKey(
        Boutique, null=True, blank=True, on_delete=models.CASCADE, related_name="stock_levels"
    )
    quantity = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "boutique"],
                condition=Q(boutique__isnull=False),
                name="stock_one_row_per_variant_boutique",
            ),
            models.UniqueConstraint(
                fields=["variant"],
                condition=Q(boutique__isnull=True),
                name="stock_one_online_row_per_variant",
            ),
        ]
        indexes = [models.Index(fields=["boutique", "variant"])]

    def __str__(self) -> str:
        where = self.boutique.name if self.boutique is not None else "Online"
        return f"{self.variant.sku} @ {where}: {self.quantity}"

    @property
    def location_label(self) -> str:
        return self.boutique.city if self.boutique is not None else "online"


def heritage_upload_to(instance: HeritageStory, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"heritage/{uuid.uuid4().hex}.{ext}"


class HeritageStory(models.Model):
    """An editorial piece tying products to the house's history and crafts."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=160, unique=True)
    title = models.CharField(max_length=160)
    era = models.CharField(max_length=40, help_text="e.g. 1867, The 1920s")
    motif = models.CharField(
        max_length=20, default="atelier", help_text="Illustration motif when no image is set"
    )
    summary = models.CharField(max_length=280, blank=True)
    text = models.TextField()
    image = models.ImageField(
        upload_to=heritage_upload_to, blank=True, validators=[validate_heritage_image]
    )
    products = models.ManyToManyField(Product, blank=True, related_name="heritage_stories")
    published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["era", "title"]
        verbose_name_plural = "heritage stories"

    def __str__(self) -> str:
        return self.title

    @property
    def image_url(self) -> str:
        if self.image:
            return f"{settings.MEDIA_URL}{self.image.name}"
        return reverse("catalog:heritage_image", kwargs={"public_id": self.public_id})
