"""REST API for clients: a stylist's book (read-only here)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from clients.models import Client
from clients.selectors import client_for_user, clients_visible_to, segment_of
from consent import policy
from core.api_errors import error_responses


class ClientSerializer(serializers.ModelSerializer[Client]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    home_boutique = serializers.CharField(source="home_boutique.code", read_only=True)
    consent_tier = serializers.SerializerMethodField()
    segment = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = [
            "id",
            "salutation",
            "first_name",
            "last_name",
            "preferred_name",
            "preferred_language",
            "home_boutique",
            "is_vic",
            "sizes",
            "preferred_categories",
            "preferred_colours",
            "preferred_materials",
            "lifetime_spend",
            "orders_count",
            "last_purchase_at",
            "consent_tier",
            "segment",
        ]
        read_only_fields = fields

    def get_consent_tier(self, obj: Client) -> str:
        tier = getattr(obj, "consent_tier", None)
        return str(tier) if tier else policy.current_consent(obj).tier

    def get_segment(self, obj: Client) -> str:
        return segment_of(obj)


CLIENT_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The client's public id"
)


@extend_schema_view(
    list=extend_schema(
        summary="Clients the caller may see (their book; a manager's boutique; head office all)",
        parameters=[OpenApiParameter("q", str, description="Search by first or last name")],
        responses={200: ClientSerializer, **error_responses(401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One client, by public id; 404 outside the caller's reach",
        parameters=[CLIENT_ID],
        responses={200: ClientSerializer, **error_responses(401, 403, 404)},
    ),
)
class ClientViewSet(viewsets.ReadOnlyModelViewSet[Client]):
    serializer_class = ClientSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_queryset(self) -> QuerySet[Client]:
        queryset = policy.annotate_consent(
            clients_visible_to(self.request.user).select_related("home_boutique")
        ).order_by("last_name", "first_name", "pk")
        query = self.request.query_params.get("q", "").strip()
        if query:
            from django.db.models import Q

            for word in query.split()[:4]:
                queryset = queryset.filter(
                    Q(first_name__icontains=word) | Q(last_name__icontains=word)
                )
        return queryset

    def get_object(self) -> Client:
        client = client_for_user(self.request.user, self.kwargs["id"])
        return (
            policy.annotate_consent(type(client).objects.filter(pk=client.pk))
            .select_related("home_boutique")
            .get()
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return super().get_serializer_context()
