"""The client's sign-in account and the house's technical traces of it (see consent.privacy).

These live in infrastructure (auth, API tokens, two-factor devices, sign-in
lock-out records, admin history), which only the project package knows.
"""

from __future__ import annotations

import secrets
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from rest_framework.authtoken.models import Token

from clients.models import Client
from consent.privacy import register_erasure_step, register_export_section

ERASED_REPR = "Erased client"


def export_account(client: Client) -> dict[str, Any] | None:
    user = client.user
    if user is None:
        return None
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "joined_at": user.date_joined,
        "last_sign_in": user.last_login,
        "active": user.is_active,
    }


def _related_objects(client: Client) -> list[tuple[type[models.Model], list[Any]]]:
    """Every row pointing at the client through a foreign key, by model."""
    found: list[tuple[type[models.Model], list[Any]]] = [(Client, [client.pk])]
    for relation in Client._meta.related_objects:
        if not relation.one_to_many:
            continue
        model = relation.related_model
        assert isinstance(model, type)
        pks = list(
            model._base_manager.filter(**{relation.field.name: client}).values_list("pk", flat=True)
        )
        if pks:
            found.append((model, pks))
    return found


def erase_admin_history(client: Client) -> int:
    """Admin history names objects by their str(): replace those names, keep the facts."""
    changed = 0
    for model, pks in _related_objects(client):
        content_type = ContentType.objects.get_for_model(model)
        changed += (
            LogEntry.objects.filter(content_type=content_type, object_id__in=[str(p) for p in pks])
            .exclude(object_repr=ERASED_REPR, change_message="")
            .update(object_repr=ERASED_REPR, change_message="")
        )
    if client.user_id is not None:
        user_type = ContentType.objects.get_for_model(get_user_model())
        changed += (
            LogEntry.objects.filter(content_type=user_type, object_id=str(client.user_id))
            .exclude(object_repr=ERASED_REPR, change_message="")
            .update(object_repr=ERASED_REPR, change_message="")
        )
    return changed


def erase_account(client: Client) -> int:
    """Close the concierge login for good: no password, no tokens, no name left on it."""
    user = client.user
    if user is None:
        return 0
    old_username = user.get_username()
    Token.objects.filter(user=user).delete()
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    for log_model in (AccessAttempt, AccessLog, AccessFailureLog):
        log_model.objects.filter(username=old_username).delete()
    user.username = f"erased-{secrets.token_hex(8)}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.set_unusable_password()  # also ends every session (the session hash changes)
    user.save()
    return 1


def register() -> None:
    """Called from ClientelingConfig.ready()."""
    register_export_section("account", export_account, label=_("Your sign-in account"), order=12)
    register_erasure_step("admin_history", erase_admin_history, order=1)
    register_erasure_step("account", erase_account, order=800)
