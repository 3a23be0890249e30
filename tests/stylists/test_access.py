"""Every dashboard view × every persona × its methods: who gets in, who gets 403, who 404.

Outsiders get 404 (never a hint that the client exists); managers and head
office read stories but get 403 on their forms; clients never reach
/stylist/; anonymous visitors are sent to sign in; a wrong method is 405.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from stylists.models import (
    Appointment,
    AppointmentStatus,
    FollowUp,
    FollowUpKind,
    OutreachTemplate,
)

pytestmark = pytest.mark.django_db

PERSONA_NAMES = (  # as in the root conftest.py
    "owner",
    "colleague",
    "stylist_elsewhere",
    "manager",
    "manager_elsewhere",
    "head_office",
    "client_user",
    "other_client_user",
    "anonymous",
)
STYLISTS = (
    "owner",
    "colleague",
    "stylist_elsewhere",
    "manager",
    "manager_elsewhere",
    "head_office",
)
CLIENTS = ("client_user", "other_client_user")


@dataclass
class Case:
    name: str
    url: Callable[[Any], str]
    method: str
    expected: dict[str, int]
    data: Callable[[Any], dict[str, Any]] = field(default=lambda cast: {})
    wrong_method: str = "put"


def everyone_in(code: int) -> dict[str, int]:
    return {**{p: code for p in STYLISTS}, **{p: 404 for p in CLIENTS}, "anonymous": 302}


def story_read() -> dict[str, int]:
    return {
        "owner": 200,
        "colleague": 404,
        "stylist_elsewhere": 404,
        "manager": 200,
        "manager_elsewhere": 404,
        "head_office": 200,
        "client_user": 404,
        "other_client_user": 404,
        "anonymous": 302,
    }


def story_write(success: int = 302) -> dict[str, int]:
    return {**story_read(), "owner": success, "manager": 403, "head_office": 403}


def owner_only(success: int = 302) -> dict[str, int]:
    return {**{p: 404 for p in PERSONA_NAMES}, "owner": success, "anonymous": 302}


def client_url(name: str, *extra: Any) -> Callable[[Any], str]:
    return lambda cast: reverse(name, args=[cast.client.public_id, *extra])


def _follow_up(cast: Any) -> FollowUp:
    return FollowUp.objects.get_or_create(
        dedupe_key="custom:access",
        defaults={
            "stylist": cast.owner,
            "client": cast.client,
            "kind": FollowUpKind.CUSTOM,
            "due_on": timezone.localdate(),
            "reason": "Call her",
        },
    )[0]


def _occasion(cast: Any) -> int:
    occasion = cast.client.occasions.first()
    if occasion is None:
        from tests.factories.clients import OccasionFactory

        occasion = OccasionFactory(client=cast.client)
    return occasion.pk


def _template_pk() -> int:
    # The cast's client reads English (root conftest); her starter template is the English one.
    return OutreachTemplate.objects.get(name="Thank you", language="en").pk


def _appointment(cast: Any) -> Appointment:
    start = timezone.now() + dt.timedelta(days=2)
    return Appointment.objects.get_or_create(
        client=cast.client,
        stylist=cast.owner,
        defaults={
            "kind": "boutique",
            "boutique": cast.paris,
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=1),
            "status": AppointmentStatus.REQUESTED,
        },
    )[0]


CASES = [
    Case("today", lambda c: reverse("stylists:today"), "get", everyone_in(200)),
    Case("client_list", lambda c: reverse("stylists:client_list"), "get", everyone_in(200)),
    Case("client_detail", client_url("stylists:client_detail"), "get", story_read()),
    Case(
        "note_add",
        client_url("stylists:note_add"),
        "post",
        story_write(),
        data=lambda c: {"body": "Loves navy.", "category": "style"},
        wrong_method="get",
    ),
    Case(
        "note_pin",
        lambda c: reverse(
            "stylists:note_pin",
            args=[c.client.public_id, c.client.notes.create(author=c.owner, body="Pinned?").pk],
        ),
        "post",
        story_write(),
        wrong_method="get",
    ),
    Case(
        "occasion_add",
        client_url("stylists:occasion_add"),
        "post",
        story_write(),
        data=lambda c: {"kind": "birthday", "date": "2027-03-02", "recurring_yearly": "on"},
        wrong_method="get",
    ),
    Case(
        "occasion_edit",
        lambda c: reverse("stylists:occasion_edit", args=[c.client.public_id, _occasion(c)]),
        "post",
        story_write(),
        data=lambda c: {"kind": "gala", "title": "Met Gala", "date": "2027-05-03"},
    ),
    Case(
        "occasion_delete",
        lambda c: reverse("stylists:occasion_delete", args=[c.client.public_id, _occasion(c)]),
        "post",
        story_write(),
        wrong_method="get",
    ),
    Case(
        "sizes_edit",
        client_url("stylists:sizes_edit"),
        "post",
        story_write(),
        data=lambda c: {"ready_to_wear": "40", "shoes": "39"},
    ),
    Case(
        "preferences_edit",
        client_url("stylists:preferences_edit"),
        "post",
        story_write(),
        data=lambda c: {"preferred_colours": "navy, ivory"},
    ),
    Case("messages", lambda c: reverse("stylists:messages"), "get", everyone_in(200)),
    Case("conversation", client_url("stylists:conversation"), "get", story_read()),
    Case(
        "message_send",
        client_url("stylists:message_send"),
        "post",
        story_write(),
        data=lambda c: {"channel": "concierge", "kind": "service", "body": "Bonjour."},
        wrong_method="get",
    ),
    Case(
        "compose_template",
        lambda c: (
            reverse("stylists:compose_template", args=[c.client.public_id])
            + f"?template={_template_pk()}"
        ),
        "get",
        story_write(200),
    ),
    Case("appointments", lambda c: reverse("stylists:appointments"), "get", everyone_in(200)),
    Case(
        "appointment_status",
        lambda c: reverse("stylists:appointment_status", args=[_appointment(c).public_id]),
        "post",
        owner_only(),
        data=lambda c: {"status": "confirmed"},
        wrong_method="get",
    ),
    Case(
        "follow_up_done",
        lambda c: reverse("stylists:follow_up_done", args=[_follow_up(c).pk]),
        "post",
        owner_only(),
        wrong_method="get",
    ),
    Case(
        "follow_up_snooze",
        lambda c: reverse("stylists:follow_up_snooze", args=[_follow_up(c).pk]),
        "post",
        owner_only(),
        data=lambda c: {"days": "3"},
        wrong_method="get",
    ),
    Case(
        "follow_up_dismiss",
        lambda c: reverse("stylists:follow_up_dismiss", args=[_follow_up(c).pk]),
        "post",
        owner_only(),
        wrong_method="get",
    ),
    Case(
        "team",
        lambda c: reverse("stylists:team"),
        "get",
        {
            **{p: 404 for p in PERSONA_NAMES},
            "manager": 200,
            "manager_elsewhere": 200,
            "head_office": 200,
            "anonymous": 302,
        },
    ),
    Case(
        "team_reassign",
        lambda c: reverse("stylists:team_reassign"),
        "post",
        {**{p: 404 for p in PERSONA_NAMES}, "manager": 302, "head_office": 302, "anonymous": 302},
        data=lambda c: {
            "boutique": "paris",
            "clients": [str(c.client.public_id)],
            "to_stylist": c.colleague.pk,
            "reason": "Élise on leave",
        },
        wrong_method="get",
    ),
]


@pytest.mark.parametrize("persona", PERSONA_NAMES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_who_may_use_each_view(cast, case, persona):
    # Given the persona signed in (or not)
    http = cast.http(persona)
    # When they call the view with its method
    response = getattr(http, case.method)(case.url(cast), case.data(cast))
    # Then they get exactly what their role allows
    assert response.status_code == case.expected[persona], response.content[:300]
    if response.status_code == 302 and persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_wrong_method_is_refused(cast, case):
    response = getattr(cast.http("owner"), case.wrong_method)(case.url(cast))
    assert response.status_code == 405
