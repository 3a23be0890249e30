"""What the client API reads and writes; names and errors in the client's words."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clients.models import Occasion, OccasionKind
from stylists.models import Appointment, AppointmentKind, Message, StylingRequest, Stylist


class AdvisorSerializer(serializers.ModelSerializer[Stylist]):
    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(read_only=True)
    boutique = serializers.CharField(source="boutique.code", read_only=True, allow_null=True)

    class Meta:
        model = Stylist
        fields = ["id", "name", "title", "boutique", "languages", "specialities"]
        read_only_fields = fields


class AvailabilitySerializer(serializers.Serializer[Any]):
    advisor = AdvisorSerializer(read_only=True)
    kind = serializers.CharField(read_only=True)
    duration_minutes = serializers.IntegerField(read_only=True)
    time_zone = serializers.CharField(read_only=True, help_text="The client's time zone")
    slots = serializers.ListField(child=serializers.DateTimeField(), read_only=True)


class AppointmentSerializer(serializers.ModelSerializer[Appointment]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    advisor = AdvisorSerializer(source="stylist", read_only=True)
    boutique = serializers.CharField(source="boutique.code", read_only=True, allow_null=True)
    occasion = serializers.IntegerField(source="occasion_id", read_only=True, allow_null=True)
    may_change = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "kind",
            "status",
            "starts_at",
            "ends_at",
            "advisor",
            "boutique",
            "purpose",
            "occasion",
            "may_change",
        ]
        read_only_fields = fields

    def get_may_change(self, obj: Appointment) -> bool:
        from stylists.services.appointments import client_may_cancel

        return client_may_cancel(obj)


class AppointmentBookSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=AppointmentKind.choices)
    starts_at = serializers.DateTimeField(help_text="One of the times /availability/ offers")
    advisor = serializers.IntegerField(
        required=False, help_text="Any bookable advisor; her own advisor when left out"
    )
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    occasion = serializers.IntegerField(required=False, allow_null=True, default=None)


class AppointmentRescheduleSerializer(serializers.Serializer[Any]):
    starts_at = serializers.DateTimeField(help_text="A free time of the same advisor")


class OccasionSerializer(serializers.ModelSerializer[Occasion]):
    kind = serializers.ChoiceField(choices=OccasionKind.choices)
    title = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")
    recurring_yearly = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")

    class Meta:
        model = Occasion
        fields = ["id", "kind", "title", "date", "recurring_yearly", "next_date", "notes"]
        read_only_fields = ["id", "next_date"]


class StylingRequestSerializer(serializers.ModelSerializer[StylingRequest]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    message = serializers.CharField(max_length=2000)
    budget_max = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=1
    )
    occasion = serializers.IntegerField(
        source="occasion_id", required=False, allow_null=True, default=None
    )
    answered_via = serializers.CharField(
        read_only=True, help_text='"lookbook", "message", "advisor", or "" while open'
    )

    class Meta:
        model = StylingRequest
        fields = [
            "id",
            "message",
            "budget_max",
            "occasion",
            "status",
            "created_at",
            "due_at",
            "answered_at",
            "answered_via",
        ]
        read_only_fields = ["id", "status", "created_at", "due_at", "answered_at", "answered_via"]


class MessageSerializer(serializers.ModelSerializer[Message]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    body = serializers.CharField(max_length=2000)
    advisor = serializers.CharField(source="stylist.first_name", read_only=True, allow_null=True)

    class Meta:
        model = Message
        fields = ["id", "direction", "channel", "body", "advisor", "created_at", "read_at"]
        read_only_fields = ["id", "direction", "channel", "advisor", "created_at", "read_at"]


class ReactionSerializer(serializers.Serializer[Any]):
    item = serializers.IntegerField(help_text="The piece's id in the lookbook")
    reaction = serializers.ChoiceField(
        choices=[("love", _("Love")), ("not_for_me", _("Not for me"))],
        allow_null=True,
        help_text="null takes the reaction back",
    )


class ReactionResultSerializer(serializers.Serializer[Any]):
    item = serializers.IntegerField()
    reaction = serializers.CharField(allow_null=True)
