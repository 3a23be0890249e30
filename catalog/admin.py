"""Admin for the catalogue and the boutiques."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils.html import format_html

from catalog.models import Boutique, Collection, HeritageStory, Product, StockLevel, Variant


class StockLevelInline(admin.TabularInline[StockLevel, Variant]):
    model = StockLevel
    extra = 0
    fields = ["boutique", "quantity", "updated_at"]
    readonly_fields = ["updated_at"]


class VariantInline(admin.TabularInline[Variant, Product]):
    model = Variant
    extra = 0
    fields = ["sku", "size", "colour"]
    show_change_link = True


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = [
        "thumbnail",
        "name",
        "style_code",
        "category",
        "price",
        "currency",
        "season",
        "active",
        "units_in_stock",
    ]
    list_display_links = ["thumbnail", "name"]
    list_filter = ["category", "active", "season", "collection"]
    search_fields = ["name", "style_code", "subcategory", "description"]
    readonly_fields = ["public_id", "created_at", "updated_at", "preview"]
    inlines = [VariantInline]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["name", "style_code", "public_id", "preview", "active"]}),
        (
            "Description",
            {"fields": ["category", "subcategory", "description", "collection", "season"]},
        ),
        ("Attributes", {"fields": ["colours", "materials", "occasion_tags"]}),
        ("Price", {"fields": ["price", "currency"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        return (
            super().get_queryset(request).annotate(_units=Sum("variants__stock_levels__quantity"))
        )

    @admin.display(description="Units in stock", ordering="_units")
    def units_in_stock(self, obj: Product) -> int:
        return getattr(obj, "_units", None) or 0

    @admin.display(description="")
    def thumbnail(self, obj: Product) -> str:
        return format_html('<img src="{}" alt="" width="40" height="50">', obj.image_url)

    @admin.display(description="Image")
    def preview(self, obj: Product) -> str:
        if not obj.pk:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="160" height="200">', obj.image_url, obj.name
        )


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin[Variant]):
    list_display = ["sku", "product", "size", "colour"]
    search_fields = ["sku", "product__name", "product__style_code"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
    inlines = [StockLevelInline]


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin[StockLevel]):
    list_display = ["variant", "location", "quantity", "updated_at"]
    list_filter = ["boutique"]
    search_fields = ["variant__sku", "variant__product__name"]
    list_select_related = ["variant__product", "boutique"]
    autocomplete_fields = ["variant"]

    @admin.display(description="Where")
    def location(self, obj: StockLevel) -> str:
        return obj.boutique.name if obj.boutique else "Online"


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin[Collection]):
    list_display = ["name", "season", "launched_on"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(HeritageStory)
class HeritageStoryAdmin(admin.ModelAdmin[HeritageStory]):
    list_display = ["title", "era", "motif", "published"]
    list_filter = ["published", "motif"]
    search_fields = ["title", "text"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["products"]
    readonly_fields = ["public_id"]


@admin.register(Boutique)
class BoutiqueAdmin(admin.ModelAdmin[Boutique]):
    list_display = ["name", "city", "country", "timezone", "active"]
    list_filter = ["country", "active"]
    search_fields = ["name", "city", "code"]
