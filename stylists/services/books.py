"""Staff accounts and roles, book assignments (guardian object permissions), notes.

Books are django-guardian object permissions: a client in a stylist's book
means the stylist's user holds view_client and change_client on that client.
Assigning and reassigning move those permissions and leave an audit row, in
one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from catalog.models import Boutique
from clients.models import Client, ClientUserObjectPermission
from core.text import has_visible_text
from stylists.models import (
    Appointment,
    AppointmentStatus,
    BookAssignment,
    BookReassignment,
    ClientNote,
    FollowUp,
    FollowUpStatus,
    GrammaticalGender,
    Role,
    StylingRequest,
    StylingRequestStatus,
    Stylist,
)

HEAD_OFFICE_GROUP = "Head office"
BOOK_PERMISSIONS = ("view_client", "change_client")
HEAD_OFFICE_PERMISSIONS = (
    ("clients", "view_client"),
    ("recommendations", "view_lookbook"),
    ("recommendations", "view_modelversion"),
)


def _book_permissions() -> list[Permission]:
    return list(
        Permission.objects.filter(content_type__app_label="clients", codename__in=BOOK_PERMISSIONS)
    )


def head_office_group() -> Group:
    group, _ = Group.objects.get_or_create(name=HEAD_OFFICE_GROUP)
    wanted = Permission.objects.none()
    for app_label, codename in HEAD_OFFICE_PERMISSIONS:
        wanted = wanted | Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        )
    group.permissions.add(*wanted)
    return group


@transaction.atomic
def stylist_create(
    *,
    username: str,
    password: str | None,
    first_name: str,
    last_name: str,
    email: str = "",
    boutique: Boutique | None,
    role: str = Role.STYLIST,
    title: str = "",
    languages: Sequence[str] = (),
    specialities: Sequence[str] = (),
    bio: str = "",
    grammatical_gender: str = GrammaticalGender.FEMININE,
) -> Stylist:
    """Create a staff account with its role's permissions."""
    user_model = get_user_model()
    user = user_model(username=username, first_name=first_name, last_name=last_name, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    stylist = Stylist(
        user=user,
        boutique=boutique,
        role=role,
        title=title or Role(role).label,
        languages=list(languages),
        specialities=list(specialities),
        bio=bio,
        grammatical_gender=grammatical_gender,
    )
    stylist.full_clean()
    stylist.save()
    stylist_grant_role_permissions(stylist=stylist)
    return stylist


def stylist_grant_role_permissions(*, stylist: Stylist) -> None:
    if stylist.role == Role.MANAGER and stylist.boutique is not None:
        assign_perm("catalog.manage_boutique", stylist.user, stylist.boutique)
    if stylist.role == Role.HEAD_OFFICE:
        stylist.user.groups.add(head_office_group())


def _revoke_book(user_id: int, client_ids: Sequence[int]) -> None:
    ClientUserObjectPermission.objects.filter(
        user_id=user_id, content_object_id__in=client_ids, permission__in=_book_permissions()
    ).delete()


def current_stylist_of(client: Client) -> Stylist | None:
    assignment = (
        BookAssignment.objects.filter(client=client, ended_at__isnull=True)
        .select_related("stylist__user")
        .first()
    )
    return assignment.stylist if assignment else None


def can_reassign(user: Any, *, clients: Sequence[Client], to_stylist: Stylist) -> bool:
    """Managers reassign within their boutique; head office and admins anywhere."""
    if user.is_superuser:
        return True
    stylist = getattr(user, "stylist", None)
    if stylist is None:
        return False
    if stylist.role == Role.HEAD_OFFICE:
        return True
    if stylist.role != Role.MANAGER or stylist.boutique_id is None:
        return False
    return to_stylist.boutique_id == stylist.boutique_id and all(
        c.home_boutique_id == stylist.boutique_id for c in clients
    )


class Reassignment(int):
    """How many clients moved (an int, as callers always counted), and what came with them.

    `kept_appointments`: upcoming appointments that stayed with the previous
    advisor (confirmed with them: the client was told whom she will meet), for
    the person moving the book to settle.
    """

    styling_requests: int
    follow_ups: int
    appointments: int
    kept_appointments: list[Appointment]

    def __new__(
        cls,
        moved: int,
        *,
        styling_requests: int = 0,
        follow_ups: int = 0,
        appointments: int = 0,
        kept_appointments: Sequence[Appointment] = (),
    ) -> Reassignment:
        result = super().__new__(cls, moved)
        result.styling_requests = styling_requests
        result.follow_ups = follow_ups
        result.appointments = appointments
        result.kept_appointments = list(kept_appointments)
        return result


def _carry_open_work(
    moving: Sequence[int], previous: dict[int, BookAssignment], to_stylist: Stylist, now: Any
) -> dict[int, dict[str, Any]]:
    """Move each moving client's open work from the previous advisor to to_stylist.

    Open styling requests (the four-hour promise goes with the client), open or
    snoozed follow-ups, and upcoming appointments still only requested move.
    Upcoming confirmed appointments stay with the advisor the client was told
    she would meet, unless that advisor is no longer active; they are reported.
    """
    carried: dict[int, dict[str, Any]] = {
        cid: {"styling_requests": 0, "follow_ups": 0, "appointments": 0, "appointments_kept": []}
        for cid in moving
    }
    by_old: dict[int, tuple[Stylist, list[int]]] = {}
    for cid in moving:
        if cid in previous:
            old = previous[cid].stylist
            by_old.setdefault(old.pk, (old, []))[1].append(cid)
    for old, ids in by_old.values():
        requests = StylingRequest.objects.filter(
            client_id__in=ids, stylist=old, status=StylingRequestStatus.OPEN
        ).order_by("pk")
        for cid in requests.values_list("client_id", flat=True):
            carried[cid]["styling_requests"] += 1
        requests.update(stylist=to_stylist)
        follow_ups = FollowUp.objects.filter(
            client_id__in=ids,
            stylist=old,
            status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED],
        )
        for cid in follow_ups.values_list("client_id", flat=True):
            carried[cid]["follow_ups"] += 1
        follow_ups.update(stylist=to_stylist)
        upcoming = Appointment.objects.filter(
            client_id__in=ids,
            stylist=old,
            status__in=[AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED],
            ends_at__gte=now,
        ).order_by("starts_at", "pk")
        movable_statuses = (
            [AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED]
            if not old.active
            else [AppointmentStatus.REQUESTED]
        )
        for appointment in upcoming:
            if appointment.status in movable_statuses:
                carried[appointment.client_id]["appointments"] += 1
            else:
                carried[appointment.client_id]["appointments_kept"].append(
                    str(appointment.public_id)
                )
        upcoming.filter(status__in=movable_statuses).update(stylist=to_stylist)
    return carried


def _reassignment(moved: int, carried: dict[int, dict[str, Any]]) -> Reassignment:
    kept_ids = [pid for c in carried.values() for pid in c["appointments_kept"]]
    kept = (
        Appointment.objects.filter(public_id__in=kept_ids)
        .select_related("client", "stylist__user", "stylist__boutique")
        .order_by("starts_at")
    )
    return Reassignment(
        moved,
        styling_requests=sum(c["styling_requests"] for c in carried.values()),
        follow_ups=sum(c["follow_ups"] for c in carried.values()),
        appointments=sum(c["appointments"] for c in carried.values()),
        kept_appointments=list(kept) if kept_ids else [],
    )


@transaction.atomic
def book_reassign(
    *,
    clients: Sequence[Client],
    to_stylist: Stylist,
    performed_by: AbstractBaseUser | None,
    reason: str = "",
    check_permission: bool = True,
) -> Reassignment:
    """Move clients into to_stylist's book: end old assignments, move permissions, audit.

    Their open work moves too (open styling requests, open follow-ups, upcoming
    requested appointments; see _carry_open_work for what stays), counted in
    the audit row. Locks the clients' open assignments in primary-key order so
    two managers moving the same clients cannot interleave. Returns how many
    clients moved, with what came along.
    """
    if not to_stylist.active:
        raise ValidationError(f"{to_stylist} is no longer active.")
    if to_stylist.role == Role.HEAD_OFFICE:
        raise ValidationError("Books belong to client advisors and managers, not head office.")
    if (
        check_permission
        and performed_by is not None
        and not can_reassign(performed_by, clients=clients, to_stylist=to_stylist)
    ):
        raise PermissionDenied("You may not move these clients to that advisor.")
    now = timezone.now()
    client_ids = sorted({c.pk for c in clients})
    open_assignments = list(
        BookAssignment.objects.select_for_update(of=("self",))
        .filter(client_id__in=client_ids, ended_at__isnull=True)
        .select_related("stylist")
        .order_by("client_id")
    )
    previous = {a.client_id: a for a in open_assignments}
    moving = [
        cid
        for cid in client_ids
        if previous.get(cid) is None or previous[cid].stylist_id != to_stylist.pk
    ]
    if not moving:
        return Reassignment(0)
    BookAssignment.objects.filter(
        pk__in=[previous[cid].pk for cid in moving if cid in previous]
    ).update(ended_at=now)
    by_old_user: dict[int, list[int]] = {}
    for cid in moving:
        if cid in previous:
            by_old_user.setdefault(previous[cid].stylist.user_id, []).append(cid)
    for user_id, ids in by_old_user.items():
        _revoke_book(user_id, ids)
    BookAssignment.objects.bulk_create(
        [BookAssignment(client_id=cid, stylist=to_stylist, started_at=now) for cid in moving]
    )
    _grant_book_bulk([(to_stylist.user_id, cid) for cid in moving])
    carried = _carry_open_work(moving, previous, to_stylist, now)
    BookReassignment.objects.bulk_create(
        [
            BookReassignment(
                client_id=cid,
                from_stylist=previous[cid].stylist if cid in previous else None,
                to_stylist=to_stylist,
                performed_by=performed_by,  # type: ignore[misc]  # the project's User
                performed_at=now,
                reason=reason,
                carried=carried[cid],
            )
            for cid in moving
        ]
    )
    return _reassignment(len(moving), carried)


def book_assign_bulk(*, pairs: Sequence[tuple[int, Stylist]], started_at: Any = None) -> None:
    """First assignment of many new clients (imports and the demo house): no audit of moves.

    Clients must not have an open assignment yet.
    """
    started_at = started_at or timezone.now()
    BookAssignment.objects.bulk_create(
        [BookAssignment(client_id=cid, stylist=s, started_at=started_at) for cid, s in pairs],
        batch_size=5000,
    )
    _grant_book_bulk([(s.user_id, cid) for cid, s in pairs])


def _grant_book_bulk(pairs: Sequence[tuple[int, int]]) -> None:
    permissions = _book_permissions()
    rows = [
        ClientUserObjectPermission(user_id=uid, content_object_id=cid, permission=perm)
        for uid, cid in pairs
        for perm in permissions
    ]
    ClientUserObjectPermission.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)


@transaction.atomic
def note_add(
    *,
    client: Client,
    author: Stylist | None,
    body: str,
    category: str = "style",
    pinned: bool = False,
) -> ClientNote:
    body = body.strip()
    if not has_visible_text(body):
        raise ValidationError({"body": "Write something before saving the note."})
    note = ClientNote(client=client, author=author, body=body, category=category, pinned=pinned)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def note_set_pinned(*, note: ClientNote, pinned: bool) -> ClientNote:
    note.pinned = pinned
    note.save(update_fields=["pinned", "updated_at"])
    return note


def stylist_for_user(user: Any) -> Stylist:
    """The signed-in advisor, or PermissionDenied (views turn it into 404)."""
    stylist = getattr(user, "stylist", None) if user.is_authenticated else None
    if stylist is None or not stylist.active:
        raise PermissionDenied("Not a client advisor")
    return stylist
