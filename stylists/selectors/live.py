"""Who may be in a live room: a video consultation, or a client's conversation with the house.

Both rooms are narrower than the dashboard's read rule (clients_visible_to):
a colleague covering the book may read the story, but only the client, her
advisor and (for a call, when invited; for the conversation, always) the
advisor's boutique manager may be in the room. Everyone else is refused, and
the caller cannot tell "no such room" from "not yours".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.models import Client, ClientStatus
from stylists.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    BookAssignment,
    Message,
    MessageDirection,
    MessageStatus,
    Role,
    Stylist,
)
from stylists.selectors import concierge_thread

# Parties, as the pages and the sockets name them.
CLIENT = "client"
ADVISOR = "advisor"
MANAGER = "manager"

VIDEO_OPENS = dt.timedelta(minutes=10)
_ACTIVE = (AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED)


@dataclass(frozen=True)
class VideoSeat:
    """A user's place in one video consultation: who they are, and whether the door is open."""

    appointment: Appointment
    party: str  # CLIENT, ADVISOR or MANAGER
    identity: str  # stable, non-personal: "client-<uuid>", "stylist-<pk>"
    display_name: str
    state: str  # "open", "early", "ended" or "cancelled"

    @property
    def open(self) -> bool:
        return self.state == "open"

    @property
    def opens_at(self) -> dt.datetime:
        return self.appointment.starts_at - VIDEO_OPENS


def video_state(appointment: Appointment, *, now: dt.datetime | None = None) -> str:
    """'open' from ten minutes before the slot until its end; else why not."""
    now = now or timezone.now()
    if appointment.status not in _ACTIVE:
        return "cancelled" if appointment.status == AppointmentStatus.CANCELLED else "ended"
    if now < appointment.starts_at - VIDEO_OPENS:
        return "early"
    if now >= appointment.ends_at:
        return "ended"
    return "open"


def _active_stylist(user: Any) -> Stylist | None:
    stylist = getattr(user, "stylist", None) if user.is_authenticated else None
    return stylist if stylist is not None and stylist.active else None


def video_seat(user: Any, public_id: Any, *, now: dt.datetime | None = None) -> VideoSeat | None:
    """The user's seat in the video consultation `public_id`, or None (not theirs, not video).

    One or two queries: the appointment with its people, and the user's stylist row.
    """
    if user is None or not user.is_authenticated:
        return None
    try:
        appointment = (
            Appointment.objects.select_related("client", "stylist__user", "video_guest__user")
            .filter(kind=AppointmentKind.VIDEO)
            .get(public_id=public_id)
        )
    except (Appointment.DoesNotExist, ValueError, TypeError, ValidationError):
        return None
    state = video_state(appointment, now=now)
    client = appointment.client
    if client.user_id == user.pk and client.status == ClientStatus.ACTIVE:
        return VideoSeat(
            appointment, CLIENT, f"client-{client.public_id}", client.display_name, state
        )
    stylist = _active_stylist(user)
    if stylist is None:
        return None
    if stylist.pk == appointment.stylist_id:
        party = ADVISOR
    elif (
        stylist.pk == appointment.video_guest_id
        and stylist.role == Role.MANAGER
        and stylist.boutique_id == appointment.stylist.boutique_id
    ):
        party = MANAGER
    else:
        return None
    return VideoSeat(appointment, party, f"stylist-{stylist.pk}", stylist.name, state)


@dataclass(frozen=True)
class ThreadSeat:
    """A user's place in one client's conversation with the house."""

    client: Client
    party: str  # CLIENT, ADVISOR or MANAGER
    advisor: Stylist | None

    @property
    def may_write(self) -> bool:
        return self.party in (CLIENT, ADVISOR)


def _advisor_of(client: Client) -> Stylist | None:
    assignment = (
        BookAssignment.objects.filter(client=client, ended_at__isnull=True)
        .select_related("stylist__user")
        .first()
    )
    return assignment.stylist if assignment else None


def thread_seat(user: Any, client_public_id: Any = None) -> ThreadSeat | None:
    """The user's seat in a client's conversation, or None.

    A client's seat is in her own conversation (client_public_id None or hers);
    an advisor's in the conversation of a client in her book; a manager's in
    that of a client whose advisor works in her boutique.
    """
    if user is None or not user.is_authenticated:
        return None
    stylist = _active_stylist(user)
    if stylist is None:
        client = Client.objects.filter(user=user, status=ClientStatus.ACTIVE).first()
        if client is None or (
            client_public_id is not None and str(client.public_id) != str(client_public_id)
        ):
            return None
        return ThreadSeat(client, CLIENT, _advisor_of(client))
    if client_public_id is None:
        return None
    try:
        client = Client.objects.get(public_id=client_public_id, status=ClientStatus.ACTIVE)
    except (Client.DoesNotExist, ValueError, TypeError, ValidationError):
        return None
    advisor = _advisor_of(client)
    if advisor is None:
        return None
    if advisor.pk == stylist.pk:
        return ThreadSeat(client, ADVISOR, advisor)
    if stylist.role == Role.MANAGER and stylist.boutique_id == advisor.boutique_id:
        return ThreadSeat(client, MANAGER, advisor)
    return None


def managers_who_may_join(appointment: Appointment) -> list[Stylist]:
    """The advisor's boutique managers, whom she may invite into a video consultation."""
    boutique_id = appointment.stylist.boutique_id
    if boutique_id is None:
        return []
    return list(
        Stylist.objects.filter(boutique_id=boutique_id, role=Role.MANAGER, active=True)
        .exclude(pk=appointment.stylist_id)
        .select_related("user")
    )


def thread_message_for(seat: ThreadSeat, public_id: Any) -> Message | None:
    """One message of the seat's conversation, as that party may see it (one query)."""
    rows = (
        concierge_thread(seat.client)
        if seat.party == CLIENT
        else Message.objects.filter(client=seat.client).select_related("stylist__user")
    )
    try:
        return rows.filter(public_id=public_id).first()
    except (ValueError, ValidationError):
        return None


def thread_message_payload(seat: ThreadSeat, message: Message) -> dict[str, Any]:
    """What an open conversation page needs to show one message (text set as text, never HTML)."""
    mine = (message.direction == MessageDirection.INBOUND) == (seat.party == CLIENT)
    if message.direction == MessageDirection.INBOUND:
        author = seat.client.display_name if seat.party != CLIENT else ""
        read = message.read_at is not None
    else:
        author = message.stylist.name if message.stylist else ""
        read = message.status == MessageStatus.READ
    return {
        "type": "message",
        "id": str(message.public_id),
        "mine": mine,
        "direction": message.direction,
        "author": author,
        "subject": message.subject,
        "body": message.body,
        "channel": message.channel,
        "channel_label": message.get_channel_display(),
        "status": message.status,
        "at": message.created_at.isoformat(),
        "read": read,
    }
