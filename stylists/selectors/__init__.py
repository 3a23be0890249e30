"""Reads for the stylist dashboard."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from clients.models import Client
from stylists.models import (
    Appointment,
    BookAssignment,
    Message,
    MessageChannel,
    MessageDirection,
    MessageStatus,
    StylingRequest,
    Stylist,
)


def book_of(stylist: Stylist) -> QuerySet[Client]:
    """The clients currently in the stylist's own book."""
    return Client.objects.filter(
        book_assignments__stylist=stylist, book_assignments__ended_at__isnull=True
    )


def stylists_of_boutique(boutique_id: int | None) -> QuerySet[Stylist]:
    if boutique_id is None:  # head office belongs to no boutique, and has no team here
        return Stylist.objects.none()
    return (
        Stylist.objects.filter(boutique_id=boutique_id, active=True)
        .exclude(role="head_office")
        .select_related("user", "boutique")
    )


def current_assignments(client_ids: list[int]) -> dict[int, Stylist]:
    rows = BookAssignment.objects.filter(
        client_id__in=client_ids, ended_at__isnull=True
    ).select_related("stylist__user")
    return {row.client_id: row.stylist for row in rows}


# --- The concierge's reads: a client's own appointments, requests and messages ----------


def advisor_grammar() -> Subquery:
    """For a Client queryset's annotate(): her advisor's grammatical gender now, or None."""
    return Subquery(
        BookAssignment.objects.filter(client=OuterRef("pk"), ended_at__isnull=True)
        .order_by("pk")
        .values("stylist__grammatical_gender")[:1]
    )


def advisor_of(client: Client) -> Stylist | None:
    """The client's advisor now, with their user and boutique (one query), or None."""
    assignment = (
        BookAssignment.objects.filter(client=client, ended_at__isnull=True)
        .select_related("stylist__user", "stylist__boutique")
        .first()
    )
    return assignment.stylist if assignment else None


def appointments_of_client(client: Client) -> QuerySet[Appointment]:
    """The client's appointments, soonest first, with advisor, boutique and occasion."""
    return (
        Appointment.objects.filter(client=client)
        .select_related("stylist__user", "boutique", "occasion")
        .order_by("starts_at", "pk")
    )


def appointment_of_client(client: Client, public_id: Any) -> Appointment:
    """One of the client's own appointments; 404 for anyone else's or a malformed id."""
    try:
        # Her advisor's boutique too: the page shows the time there (one query, not two).
        return (
            appointments_of_client(client)
            .select_related("stylist__boutique")
            .get(public_id=public_id)
        )
    except (Appointment.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("No such appointment") from None


def styling_requests_of_client(client: Client) -> QuerySet[StylingRequest]:
    """The client's styling requests, newest first, with advisor and occasion."""
    return (
        StylingRequest.objects.filter(client=client)
        .select_related("stylist__user", "occasion")
        .order_by("-created_at", "-pk")
    )


def styling_request_of_client(client: Client, public_id: Any) -> StylingRequest:
    """One of the client's own styling requests; 404 for anyone else's or a malformed id."""
    try:
        return styling_requests_of_client(client).get(public_id=public_id)
    except (StylingRequest.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("No such request") from None


# Messages the client sees: everything they wrote, the in-app thread, and what the house
# sent on other channels once it left (never a blocked or failed attempt).
_SHOWN_ELSEWHERE = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ)


def concierge_thread(client: Client) -> QuerySet[Message]:
    """The client's conversation with the house, oldest first, with the advisor who wrote."""
    return (
        Message.objects.filter(
            Q(direction=MessageDirection.INBOUND)
            | Q(channel=MessageChannel.CONCIERGE)
            & ~Q(status__in=[MessageStatus.BLOCKED, MessageStatus.FAILED])
            | Q(direction=MessageDirection.OUTBOUND, status__in=_SHOWN_ELSEWHERE),
            client=client,
        )
        .select_related("stylist__user")
        .order_by("created_at", "pk")
    )
