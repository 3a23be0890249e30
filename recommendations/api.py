"""REST API for lookbooks. Clients see only their own published lookbooks."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from core.api_errors import error_responses
from recommendations.models import ItemState, Lookbook, LookbookItem, LookbookStatus
from recommendations.selectors import lookbook_for_user, lookbook_items_for, lookbooks_visible_to


class LookbookItemSerializer(serializers.ModelSerializer[LookbookItem]):
    product = serializers.UUIDField(source="product.public_id", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    price = serializers.DecimalField(
        source="product.price", max_digits=12, decimal_places=2, read_only=True
    )
    currency = serializers.CharField(source="product.currency", read_only=True)

    class Meta:
        model = LookbookItem
        fields = ["position", "product", "product_name", "price", "currency", "source", "state"]
        read_only_fields = fields


class LookbookItemStaffSerializer(LookbookItemSerializer):
    class Meta(LookbookItemSerializer.Meta):
        fields = [*LookbookItemSerializer.Meta.fields, "explanation", "score"]
        read_only_fields = fields


class LookbookItemSchemaSerializer(LookbookItemSerializer):
    """The documented piece: advisors also get `explanation` and `score`, clients never.

    Schema only. The staff serializer marks both required, which a client's
    answer (rightly without them) contradicted.
    """

    explanation = serializers.CharField(
        required=False, help_text="Why the piece was chosen (advisors only)."
    )
    score = serializers.FloatField(
        required=False, allow_null=True, help_text="The model's score (advisors only)."
    )

    class Meta(LookbookItemSerializer.Meta):
        fields = [*LookbookItemSerializer.Meta.fields, "explanation", "score"]
        read_only_fields = LookbookItemSerializer.Meta.fields


class LookbookSerializer(serializers.ModelSerializer[Lookbook]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    client = serializers.UUIDField(source="client.public_id", read_only=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = Lookbook
        fields = [
            "id",
            "status",
            "client",
            "title",
            "note",
            "origin",
            "created_at",
            "published_at",
            "items",
        ]
        read_only_fields = fields

    @extend_schema_field(LookbookItemSchemaSerializer(many=True))
    def get_items(self, obj: Lookbook) -> Any:
        staff = _is_staff(self.context["request"].user)
        serializer = LookbookItemStaffSerializer if staff else LookbookItemSerializer
        # The list prefetches exactly what the caller may see; a single lookbook asks here.
        items = getattr(obj, "visible_items", None)
        if items is None or obj.pending_pieces:  # a bulk draft's rows are written on first read
            items = lookbook_items_for(obj, for_client=not staff)
        return serializer(items, many=True).data


def _is_staff(user: Any) -> bool:
    """Advisors and superusers see every piece; anyone else (a client) never a removed one."""
    return getattr(user, "stylist", None) is not None or bool(user.is_superuser)


@extend_schema_view(
    list=extend_schema(
        summary="Lookbooks the caller may see",
        parameters=[
            OpenApiParameter(
                "status", str, enum=[s.value for s in LookbookStatus], description="Filter"
            )
        ],
        responses={200: LookbookSerializer, **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One lookbook by public id; 404 outside the caller's reach",
        parameters=[
            OpenApiParameter(
                "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Its public id"
            )
        ],
        responses={200: LookbookSerializer, **error_responses(401, 403, 404)},
    ),
)
class LookbookViewSet(viewsets.ReadOnlyModelViewSet[Lookbook]):
    serializer_class = LookbookSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_queryset(self) -> QuerySet[Lookbook]:
        queryset = lookbooks_visible_to(self.request.user)
        status = self.request.query_params.get("status")
        if status:
            if status not in LookbookStatus.values:
                raise ValidationError(
                    {"status": f"Unknown status; use one of {', '.join(LookbookStatus.values)}."}
                )
            queryset = queryset.filter(status=status)
        items = LookbookItem.objects.select_related("product").order_by("position", "pk")
        if not _is_staff(self.request.user):
            items = items.exclude(state=ItemState.REMOVED)
        return (
            queryset.select_related("client")
            .prefetch_related(Prefetch("items", queryset=items, to_attr="visible_items"))
            .order_by("-created_at", "-pk")
        )

    def get_object(self) -> Lookbook:
        return lookbook_for_user(self.request.user, self.kwargs["id"])
