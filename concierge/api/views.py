"""The client API's endpoints: each finds the caller's own Client first, then calls one service.

Django's ValidationError from a service becomes a 400 with the same sentences
(a time someone else has just taken: 409). Lists are paginated like the rest
of the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.models import Client, Occasion
from clients.selectors import client_for_concierge, lookbook_reactions, occasion_of, occasions_of
from clients.services import lookbook_reaction_set, occasion_add
from concierge.api import serializers as s
from core.api_errors import VALIDATION_ERRORS, error_responses
from core.ratelimit import RateLimitThrottle
from recommendations.selectors import lookbook_for_user, lookbook_items_for
from stylists.models import Appointment, AppointmentKind, Message, StylingRequest
from stylists.selectors import (
    advisor_of,
    appointment_of_client,
    appointments_of_client,
    concierge_thread,
    styling_requests_of_client,
)
from stylists.selectors.advisors import bookable_advisor
from stylists.services import appointments as booking
from stylists.services.messaging import message_from_client
from stylists.services.rescheduling import appointment_reschedule
from stylists.services.styling_requests import styling_request_create

TAKEN = OpenApiResponse(VALIDATION_ERRORS, description="Someone has just taken this time.")
AVAILABILITY_DAYS = 7


class WritesLimitedLikeThePages:
    """Each write takes the named limit (RATE_LIMITS) its concierge page takes.

    The same scope and the same key as the page, so the mobile app is no way
    round a limit; reading is not limited.
    """

    write_scopes: dict[str, str] = {}

    def get_throttles(self) -> list[Any]:
        scope = self.write_scopes.get(getattr(self, "action", None) or "")
        if scope is None:
            return []
        self.throttle_scope = scope
        return [RateLimitThrottle()]


def _client(request: Request) -> Client:
    """The caller's Client; from here on the answer speaks her language, as the concierge does."""
    client = client_for_concierge(request.user)
    if client.preferred_language:
        translation.activate(client.preferred_language)
        request.LANGUAGE_CODE = client.preferred_language
    return client


def _refusal(error: DjangoValidationError) -> Response:
    """A service's refusal, in the API's shape; 409 when the time was just taken."""
    detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
    codes = {e.code for e in error.error_list} if hasattr(error, "error_list") else set()
    if hasattr(error, "error_dict"):
        codes = {e.code for errors in error.error_dict.values() for e in errors}
    taken = "just_taken" in codes
    return Response(detail, status=status.HTTP_409_CONFLICT if taken else 400)


def _parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"date": [_("Give the date as YYYY-MM-DD.")]}) from None


@extend_schema(
    summary="Free times of an advisor (her own when none is named), in the client's time zone",
    parameters=[
        OpenApiParameter("advisor", int, description="A bookable advisor's id"),
        OpenApiParameter("date", OpenApiTypes.DATE, description="First day (default: today)"),
        OpenApiParameter("kind", str, enum=AppointmentKind.values, description="Default boutique"),
    ],
    responses={200: s.AvailabilitySerializer, **error_responses(400, 401, 403, 404)},
)
class AvailabilityView(APIView):
    def get(self, request: Request) -> Response:
        client = _client(request)
        advisor_id = request.query_params.get("advisor")
        advisor = bookable_advisor(advisor_id) if advisor_id else advisor_of(client)
        kind = request.query_params.get("kind") or AppointmentKind.BOUTIQUE
        if kind not in AppointmentKind.values:
            raise ValidationError({"kind": [_("Choose boutique or video.")]})
        today = timezone.localdate()
        first = (
            _parse_day(request.query_params["date"]) if "date" in request.query_params else today
        )
        slots: list[dt.datetime] = []
        # Beyond the booking horizon (or in the past) there is nothing to offer; never a
        # date computation near the ends of the calendar.
        horizon = today + dt.timedelta(days=booking.BOOKING_HORIZON_DAYS)
        if advisor is not None and today - dt.timedelta(days=1) <= first <= horizon:
            by_day = booking.appointment_slots_between(
                stylist=advisor, first_day=first, days=AVAILABILITY_DAYS, kind=kind
            )
            slots = [moment for day in by_day.values() for moment in day]
        zone = client.effective_timezone
        data = {
            "advisor": advisor,
            "kind": kind,
            "duration_minutes": int(booking.DURATIONS[AppointmentKind(kind)].total_seconds() // 60),
            "time_zone": zone,
            "slots": slots,
        }
        with timezone.override(zone):
            return Response(s.AvailabilitySerializer(data).data)


@extend_schema_view(
    list=extend_schema(
        summary="The client's appointments",
        responses={200: s.AppointmentSerializer, **error_responses(401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One of her appointments",
        parameters=[OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: s.AppointmentSerializer, **error_responses(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Book a free time (with her advisor, or any bookable advisor)",
        request=s.AppointmentBookSerializer,
        responses={
            201: s.AppointmentSerializer,
            409: TAKEN,
            **error_responses(400, 401, 403, 404, 429),
        },
    ),
)
class AppointmentViewSet(
    WritesLimitedLikeThePages,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Appointment],
):
    serializer_class = s.AppointmentSerializer
    lookup_url_kwarg = "id"
    write_scopes = {
        "create": "appointment_book",
        "reschedule": "appointment_reschedule",
        "cancel": "appointment_cancel",
    }

    def get_queryset(self) -> QuerySet[Appointment]:
        return appointments_of_client(_client(self.request)).select_related("stylist__boutique")

    def get_object(self) -> Appointment:
        return appointment_of_client(_client(self.request), self.kwargs["id"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        client = _client(request)
        form = s.AppointmentBookSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        advisor = bookable_advisor(data["advisor"]) if data.get("advisor") else advisor_of(client)
        if advisor is None:
            raise ValidationError({"advisor": [_("Choose an advisor to book with.")]})
        occasion = occasion_of(client, data["occasion"]) if data.get("occasion") else None
        try:
            appointment = booking.appointment_book(
                client=client,
                stylist=advisor,
                kind=data["kind"],
                starts_at=data["starts_at"],
                boutique=advisor.boutique if data["kind"] == AppointmentKind.BOUTIQUE else None,
                purpose=data.get("purpose", ""),
                occasion=occasion,
            )
        except DjangoValidationError as error:
            return _refusal(error)
        return Response(s.AppointmentSerializer(appointment).data, status=201)

    @extend_schema(
        summary="Move her appointment to another free time (until a day before)",
        request=s.AppointmentRescheduleSerializer,
        parameters=[OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={
            200: s.AppointmentSerializer,
            409: TAKEN,
            **error_responses(400, 401, 403, 404, 429),
        },
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        appointment = self.get_object()
        form = s.AppointmentRescheduleSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            appointment_reschedule(
                appointment=appointment,
                starts_at=form.validated_data["starts_at"],
                by_client=True,
            )
        except DjangoValidationError as error:
            return _refusal(error)
        return Response(s.AppointmentSerializer(appointment).data)

    @extend_schema(
        summary="Cancel her appointment (until a day before)",
        request=None,
        parameters=[OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: s.AppointmentSerializer, **error_responses(400, 401, 403, 404, 429)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        appointment = self.get_object()
        try:
            booking.appointment_cancel(appointment=appointment, by_client=True)
        except DjangoValidationError as error:
            return _refusal(error)
        appointment.refresh_from_db()
        return Response(s.AppointmentSerializer(appointment).data)


@extend_schema_view(
    list=extend_schema(
        summary="Her occasions: the coming ones by date, then those that passed",
        responses={200: s.OccasionSerializer, **error_responses(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Share an occasion",
        responses={201: s.OccasionSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
class OccasionViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Occasion]
):
    serializer_class = s.OccasionSerializer

    def get_queryset(self) -> QuerySet[Occasion]:
        return occasions_of(_client(self.request))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        client = _client(request)
        form = s.OccasionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            occasion = occasion_add(
                client=client,
                kind=data["kind"],
                date=data["date"],
                title=data.get("title", ""),
                recurring_yearly=data.get("recurring_yearly", False),
                notes=data.get("notes", ""),
                source="client",
                created_by=request.user,
            )
        except DjangoValidationError as error:
            return _refusal(error)
        return Response(s.OccasionSerializer(occasion).data, status=201)


@extend_schema_view(
    list=extend_schema(
        summary="Her styling requests, newest first, with the four-hour promise",
        responses={200: s.StylingRequestSerializer, **error_responses(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Ask her advisor for styling (answered within four opening hours)",
        responses={201: s.StylingRequestSerializer, **error_responses(400, 401, 403, 404, 429)},
    ),
)
class StylingRequestViewSet(
    WritesLimitedLikeThePages,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[StylingRequest],
):
    serializer_class = s.StylingRequestSerializer
    write_scopes = {"create": "styling_request"}

    def get_queryset(self) -> QuerySet[StylingRequest]:
        return styling_requests_of_client(_client(self.request))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        client = _client(request)
        form = s.StylingRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        occasion_id = data.get("occasion_id")
        occasion = occasion_of(client, occasion_id) if occasion_id else None
        try:
            styling_request = styling_request_create(
                client=client,
                message=data["message"],
                occasion=occasion,
                budget_max=data.get("budget_max"),
            )
        except DjangoValidationError as error:
            return _refusal(error)
        return Response(s.StylingRequestSerializer(styling_request).data, status=201)


@extend_schema_view(
    list=extend_schema(
        summary="Her conversation with the house, newest first",
        responses={200: s.MessageSerializer, **error_responses(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Write to her advisor",
        responses={201: s.MessageSerializer, **error_responses(400, 401, 403, 404, 429)},
    ),
)
class MessageViewSet(
    WritesLimitedLikeThePages,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Message],
):
    serializer_class = s.MessageSerializer
    write_scopes = {"create": "client_message"}

    def get_queryset(self) -> QuerySet[Message]:
        return concierge_thread(_client(self.request)).order_by("-created_at", "-pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        client = _client(request)
        form = s.MessageSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            message = message_from_client(client=client, body=form.validated_data["body"])
        except DjangoValidationError as error:
            return _refusal(error)
        return Response(s.MessageSerializer(message).data, status=201)


@extend_schema(
    summary="React to a piece of one of her published lookbooks (null takes it back)",
    request=s.ReactionSerializer,
    parameters=[OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
    responses={200: s.ReactionResultSerializer, **error_responses(400, 401, 403, 404)},
)
class LookbookReactionView(APIView):
    def post(self, request: Request, id: str, *args: Any, **kwargs: Any) -> Response:
        client = _client(request)
        lookbook = lookbook_for_user(request.user, id)
        form = s.ReactionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        item = (
            lookbook_items_for(lookbook, for_client=True)
            .filter(pk=form.validated_data["item"])
            .select_related("product")
            .first()
        )
        if item is None:
            raise ValidationError({"item": [_("This piece is not in the lookbook.")]})
        reaction = form.validated_data["reaction"]
        lookbook_reaction_set(
            client=client,
            product=item.product,
            lookbook_public_id=lookbook.public_id,
            item_id=item.pk,
            reaction=reaction,
        )
        current = lookbook_reactions(client, lookbook.public_id).get(item.pk)
        return Response({"item": item.pk, "reaction": current})
