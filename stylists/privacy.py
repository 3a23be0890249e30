"""What the stylist side holds about a client, for export and erasure (see consent.privacy).

Advisors appear in a client's archive by first name and role only: the
archive is the client's data, not the staff's.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, ClientUserObjectPermission
from consent.privacy import register_erasure_step, register_export_section
from stylists.models import (
    Appointment,
    BookAssignment,
    BookReassignment,
    ClientNote,
    FollowUp,
    Message,
    StylingRequest,
    Stylist,
)


def _advisor(stylist: Stylist | None) -> str | None:
    if stylist is None:
        return None
    return f"{stylist.user.first_name or 'Advisor'} ({stylist.get_role_display()})"


# --- Export ---------------------------------------------------------------------------


def export_advisors(client: Client) -> list[dict[str, Any]]:
    rows = BookAssignment.objects.filter(client=client).select_related("stylist__user")
    return [
        {"advisor": _advisor(row.stylist), "since": row.started_at, "until": row.ended_at}
        for row in rows.order_by("started_at", "pk")
    ]


def export_notes(client: Client) -> list[dict[str, Any]]:
    notes = ClientNote.objects.filter(client=client).select_related("author__user")
    return [
        {
            "written_by": _advisor(note.author),
            "category": note.category,
            "text": note.body,  # decrypted by the field
            "pinned": note.pinned,
            "written_at": note.created_at,
            "updated_at": note.updated_at,
        }
        for note in notes.order_by("created_at", "pk")
    ]


def export_messages(client: Client) -> list[dict[str, Any]]:
    messages = Message.objects.filter(client=client).select_related("stylist__user")
    return [
        {
            "direction": message.direction,
            "channel": message.channel,
            "kind": message.kind,
            "advisor": _advisor(message.stylist),
            "subject": message.subject,
            "text": message.body,
            "status": message.status,
            "created_at": message.created_at,
            "sent_at": message.sent_at,
            "read_at": message.read_at,
        }
        for message in messages.order_by("created_at", "pk")
    ]


def export_appointments(client: Client) -> list[dict[str, Any]]:
    appointments = Appointment.objects.filter(client=client).select_related(
        "stylist__user", "boutique"
    )
    return [
        {
            "kind": appointment.kind,
            "status": appointment.status,
            "starts_at": appointment.starts_at,
            "ends_at": appointment.ends_at,
            "boutique": appointment.boutique.name if appointment.boutique is not None else None,
            "advisor": _advisor(appointment.stylist),
            "purpose": appointment.purpose,
        }
        for appointment in appointments.order_by("starts_at", "pk")
    ]


def export_styling_requests(client: Client) -> list[dict[str, Any]]:
    requests = StylingRequest.objects.filter(client=client).select_related("stylist__user")
    return [
        {
            "message": request.message,
            "budget_max": request.budget_max,
            "status": request.status,
            "advisor": _advisor(request.stylist),
            "sent_at": request.created_at,
            "answered_at": request.answered_at,
        }
        for request in requests.order_by("created_at", "pk")
    ]


def export_follow_ups(client: Client) -> list[dict[str, Any]]:
    return [
        {"kind": kind, "due_on": due_on, "status": status, "reason": reason}
        for kind, due_on, status, reason in FollowUp.objects.filter(client=client)
        .order_by("due_on", "pk")
        .values_list("kind", "due_on", "status", "reason")
    ]


# --- Erasure --------------------------------------------------------------------------


def erase_notes(client: Client) -> int:
    deleted, _ = ClientNote.objects.filter(client=client).delete()
    return deleted


def erase_messages(client: Client) -> int:
    deleted, _ = Message.objects.filter(client=client).delete()
    return deleted


def erase_styling_requests(client: Client) -> int:
    """Keep the rows (the four-hour promise is measured on them), drop the words."""
    return StylingRequest.objects.filter(client=client).exclude(message="").update(message="")


def erase_appointments(client: Client) -> int:
    """Keep the rows (diaries and boutique figures), drop what was said about them."""
    return (
        Appointment.objects.filter(client=client)
        .exclude(purpose="", video_room="")
        .update(purpose="", video_room="")
    )


def erase_follow_ups(client: Client) -> int:
    deleted, _ = FollowUp.objects.filter(client=client).delete()
    return deleted


def erase_book(client: Client) -> int:
    """Take the client out of every book: close the assignment, drop the permissions."""
    closed = BookAssignment.objects.filter(client=client, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    ClientUserObjectPermission.objects.filter(content_object=client).delete()
    BookReassignment.objects.filter(client=client).exclude(reason="").update(reason="")
    return closed


def register() -> None:
    """Called from StylistsConfig.ready()."""
    register_export_section(
        "advisors", export_advisors, label=_("Your advisors"), count=None, order=15
    )
    register_export_section(
        "notes",
        export_notes,
        label=_("Your advisors' notes"),
        description=_("What your advisors wrote down to serve you well."),
        count=lambda c: ClientNote.objects.filter(client=c).count(),
        order=80,
    )
    register_export_section(
        "messages",
        export_messages,
        label=_("Messages"),
        count=lambda c: Message.objects.filter(client=c).count(),
        order=81,
    )
    register_export_section(
        "appointments",
        export_appointments,
        label=_("Appointments"),
        count=lambda c: Appointment.objects.filter(client=c).count(),
        order=82,
    )
    register_export_section(
        "styling_requests",
        export_styling_requests,
        label=_("Styling requests"),
        count=lambda c: StylingRequest.objects.filter(client=c).count(),
        order=83,
    )
    register_export_section(
        "follow_ups", export_follow_ups, label=_("Your advisors' reminders"), order=84
    )
    register_erasure_step("notes", erase_notes, order=20)
    register_erasure_step("messages", erase_messages, order=21)
    register_erasure_step("styling_requests", erase_styling_requests, order=22)
    register_erasure_step("appointments", erase_appointments, order=23)
    register_erasure_step("follow_ups", erase_follow_ups, order=24)
    register_erasure_step("book", erase_book, order=25)
