"""Access that ends when it should: role changes, deactivation, sessions, API tokens, sockets.

A role is a set of grants (django-guardian object permissions, the head office
group, the book's object permissions). Saving a new role used to only *add*
grants, so a demoted manager kept the boutique and a deactivated advisor kept
their book through the API. `stylist_update_access` is the one way a role,
boutique or active flag changes (the admin calls it): in one transaction it
revokes what the old state granted, grants what the new one does, writes the
audit row, ends the person's sessions and API tokens, and (on commit) closes
their open WebSockets through their per-user channel-layer group.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user, remove_perm
from rest_framework.authtoken.models import Token

from catalog.models import Boutique
from clients.models import ClientUserObjectPermission
from core import live
from stylists.models import (
    BookAssignment,
    Role,
    StaffAccessChange,
    StaffSession,
    Stylist,
)
from stylists.services.books import (
    _book_permissions,
    _grant_book_bulk,
    head_office_group,
    stylist_grant_role_permissions,
)

# The event a user's sockets get when their access ends (handled by the consumers).
ACCESS_ENDED_EVENT = "access.ended"
_UNSET: Any = object()


def user_group(user_id: int) -> str:
    """The channel-layer group of every WebSocket one user holds open (any page, any device)."""
    return f"user-{user_id}"


# --- Sessions, tokens, sockets ---------------------------------------------------------------


def staff_session_record(*, user: Any, session_key: str | None) -> None:
    """Remember a staff account's new session, so that it can be ended later."""
    if not session_key or getattr(user, "pk", None) is None:
        return
    now = timezone.now()
    # Sessions past their age have expired in the store: their rows go as new ones come.
    StaffSession.objects.filter(
        user_id=user.pk, signed_in_at__lt=now - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    ).delete()
    StaffSession.objects.update_or_create(
        session_key=session_key, defaults={"user_id": user.pk, "signed_in_at": now}
    )


def staff_session_forget(*, session_key: str | None) -> None:
    if session_key:
        StaffSession.objects.filter(session_key=session_key).delete()


def live_sockets_close(*, user_id: int, session_key: str | None = None) -> None:
    """On commit, close the user's open WebSockets (only this session's, if one is named)."""

    # If the layer (Redis) is down, the consumers check access again on reconnect.
    event = {"type": ACCESS_ENDED_EVENT, "session_key": session_key or ""}
    transaction.on_commit(lambda: live.push(user_group(user_id), event))


def staff_sessions_end(*, user_id: int) -> int:
    """End every session the user holds (every device), and close their sockets. How many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(StaffSession.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    StaffSession.objects.filter(user_id=user_id).delete()
    live_sockets_close(user_id=user_id)
    return len(keys)


def api_tokens_revoke(*, user_id: int) -> int:
    """Delete the user's API tokens; the next call with one gets 401. How many."""
    deleted, _ = Token.objects.filter(user_id=user_id).delete()
    return deleted


@transaction.atomic
def api_token_issue(*, user: AbstractBaseUser) -> Token:
    """A fresh token for the user: any earlier one stops working (one token per person)."""
    Token.objects.filter(user_id=user.pk).delete()
    return Token.objects.create(user_id=user.pk)


def session_signed_out(*, user_id: int, session_key: str | None) -> None:
    """Someone signed out: forget the session and close the sockets it opened."""
    staff_session_forget(session_key=session_key)
    live_sockets_close(user_id=user_id, session_key=session_key or None)


def access_end(*, user_id: int) -> tuple[int, int]:
    """End the user's sessions, tokens and sockets; (sessions ended, tokens revoked)."""
    return staff_sessions_end(user_id=user_id), api_tokens_revoke(user_id=user_id)


# --- Roles ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessState:
    role: str
    boutique_id: int | None
    active: bool

    @classmethod
    def of(cls, stylist: Stylist) -> AccessState:
        return cls(role=stylist.role, boutique_id=stylist.boutique_id, active=stylist.active)


def _revoke_role_grants(stylist: Stylist) -> None:
    """Take away everything a role grants: a boutique to manage, head office's group."""
    user = stylist.user
    for boutique in get_objects_for_user(
        user,
        "catalog.manage_boutique",
        klass=Boutique,
        accept_global_perms=False,
        with_superuser=False,
    ):
        remove_perm("catalog.manage_boutique", user, boutique)
    user.groups.remove(head_office_group())


def _revoke_book_grants(stylist: Stylist) -> None:
    ClientUserObjectPermission.objects.filter(
        user_id=stylist.user_id, permission__in=_book_permissions()
    ).delete()


def _grant_book_from_assignments(stylist: Stylist) -> None:
    client_ids = BookAssignment.objects.filter(stylist=stylist, ended_at__isnull=True).values_list(
        "client_id", flat=True
    )
    _grant_book_bulk([(stylist.user_id, cid) for cid in client_ids])


@transaction.atomic
def stylist_update_access(
    *,
    stylist_id: int,
    role: str = _UNSET,
    boutique: Boutique | None = _UNSET,
    active: bool = _UNSET,
    performed_by: Any = None,
) -> Stylist:
    """Change an advisor's role, boutique or active flag; revoke and grant to match.

    Nothing to do when nothing changes. Otherwise, in this transaction: the old
    role's grants go, the new state's come (a deactivated advisor holds none,
    not even their book's: it is given back from their open assignments if they
    return), an audit row is written, and their sessions and API tokens end;
    their open sockets close once it commits.
    """
    stylist = Stylist.objects.select_for_update().select_related("user").get(pk=stylist_id)
    before = AccessState.of(stylist)
    if role is not _UNSET:
        if role not in Role.values:
            raise ValidationError({"role": f"Unknown role {role!r}."})
        stylist.role = role
    if boutique is not _UNSET:
        stylist.boutique = boutique
    if active is not _UNSET:
        stylist.active = bool(active)
    after = AccessState.of(stylist)
    if after == before:
        return stylist
    stylist.full_clean()
    stylist.save(update_fields=["role", "boutique", "active"])

    _revoke_role_grants(stylist)
    if not after.active:
        _revoke_book_grants(stylist)
    else:
        stylist_grant_role_permissions(stylist=stylist)
        if not before.active:
            _grant_book_from_assignments(stylist)
    sessions, tokens = access_end(user_id=stylist.user_id)
    audit = StaffAccessChange(
        stylist=stylist,
        from_role=before.role,
        to_role=after.role,
        from_boutique_id=before.boutique_id,
        to_boutique_id=after.boutique_id,
        from_active=before.active,
        to_active=after.active,
        performed_by=performed_by if getattr(performed_by, "is_authenticated", False) else None,
        performed_at=timezone.now(),
        sessions_ended=sessions,
        tokens_revoked=tokens,
    )
    audit.full_clean()
    audit.save()
    return stylist
