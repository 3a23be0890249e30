"""Access that ends when it should (issue 15, items 1-3).

1. Deactivating an advisor or demoting a manager (through the admin, which
   calls stylists.services.access.stylist_update_access) revokes what the old
   role granted in the same transaction; the API asks on every call whether the
   account is still an active advisor; sessions and tokens taken before end.
2. Moving a client to another advisor moves her open styling requests,
   follow-ups and requested appointments; a confirmed one stays, said so.
3. API tokens rotate on two-factor set-up and reset, expire, can be revoked,
   and head office gets one only with a code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clients.selectors import clients_visible_to
from recommendations.models import LookbookStatus
from stylists.models import (
    STYLING_REQUEST_SLA,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    BookReassignment,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Role,
    StaffAccessChange,
    StaffSession,
    StylingRequest,
    Stylist,
)
from stylists.services import book_reassign
from stylists.services.access import stylist_update_access
from tests.factories.recommendations import LookbookFactory
from tests.factories.security import totp_code, totp_device

pytestmark = pytest.mark.django_db

PASSWORD = "atelier-test-pass"
TOKEN_URL = "/api/v1/auth/token/"


def token_for(username: str, **extra: str) -> str:
    response = APIClient().post(TOKEN_URL, {"username": username, "password": PASSWORD, **extra})
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def with_token(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def signed_in(user: Any) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def admin_saves(stylist: Stylist, **changes: Any) -> Stylist:
    """What the admin's change form does with these changes (form, then save_model)."""
    root = get_user_model().objects.create_superuser("root", "root@example.com", "x" * 16)
    request = RequestFactory().post("/admin/")
    request.user = root
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    model_admin = admin.site._registry[Stylist]
    form_class = model_admin.get_form(request, stylist, change=True)
    initial = form_class(instance=stylist).initial
    data = {k: v for k, v in initial.items() if v is not None}
    data.update(
        {
            "languages": "[]",
            "specialities": "[]",
            **{k: (v.pk if hasattr(v, "pk") else v) for k, v in changes.items()},
        }
    )
    if data.get("boutique") is None:
        data.pop("boutique", None)
    if not data.get("active", True):
        data.pop("active")  # an unticked checkbox is absent from the POST
    form = form_class(data, instance=stylist)
    assert form.is_valid(), form.errors
    obj = form.save(commit=False)
    model_admin.save_model(request, obj, form, True)
    return Stylist.objects.get(pk=stylist.pk)


@pytest.fixture
def draft(cast: Any) -> Any:
    return LookbookFactory(client=cast.client, author=cast.owner, status=LookbookStatus.DRAFT)


# --- 1. Deactivation and demotion -------------------------------------------------------------


def test_a_deactivated_advisors_token_and_session_stop_answering(cast, draft):
    # Given the owner with an API token and a browser session, both working
    token = token_for("owner")
    browser = signed_in(cast.owner.user)
    assert with_token(token).get("/api/v1/clients/").json()["count"] == 2
    assert browser.get("/api/v1/lookbooks/?status=draft").json()["count"] == 1
    # When the admin deactivates her
    admin_saves(cast.owner, active=False)
    # Then the token is refused, the session is over (pages send her to sign in)
    assert with_token(token).get("/api/v1/clients/").status_code == 401
    assert with_token(token).get("/api/v1/lookbooks/?status=draft").status_code == 401
    assert browser.get("/api/v1/clients/").status_code in (401, 403)
    page = browser.get(f"/stylist/clients/{cast.client.public_id}/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    assert not Token.objects.filter(user=cast.owner.user).exists()
    assert not StaffSession.objects.filter(user=cast.owner.user).exists()


def test_the_api_asks_on_every_call_whether_the_advisor_is_still_active(cast, draft):
    # Given a deactivation that bypassed every service (a raw UPDATE), leaving grants behind
    Stylist.objects.filter(pk=cast.owner.pk).update(active=False)
    api = APIClient()
    api.force_authenticate(get_user_model().objects.get(pk=cast.owner.user_id))
    # Then the API refuses her anyway: the permission class checks the advisor, not the login
    assert api.get("/api/v1/clients/").status_code == 403
    assert api.get("/api/v1/lookbooks/?status=draft").status_code == 403
    assert api.get(f"/api/v1/clients/{cast.client.public_id}/").status_code == 403
    # And the selectors see nothing for her either
    assert not clients_visible_to(Stylist.objects.get(pk=cast.owner.pk).user).exists()


def test_deactivation_revokes_the_book_and_reactivation_gives_it_back(cast):
    admin_saves(cast.owner, active=False)
    owner = Stylist.objects.get(pk=cast.owner.pk)
    assert not owner.user.clientuserobjectpermission_set.exists()
    change = StaffAccessChange.objects.get(stylist=owner)
    assert (change.from_active, change.to_active) == (True, False)
    assert change.performed_by.username == "root"
    stylist_update_access(stylist_id=owner.pk, active=True, performed_by=None)
    owner = Stylist.objects.get(pk=owner.pk)
    assert set(clients_visible_to(owner.user)) == {cast.client, cast.other_client}


def test_a_demoted_manager_loses_the_boutique_at_once(cast):
    # Given the Paris manager reading Camille's story, with a token and a session
    token = token_for("manager")
    browser = signed_in(cast.manager.user)
    story = f"/stylist/clients/{cast.client.public_id}/"
    assert browser.get(story).status_code == 200
    assert with_token(token).get("/api/v1/clients/").json()["count"] == 2
    # When the admin makes her a client advisor
    admin_saves(cast.manager, role=Role.STYLIST)
    # Then the old session and token are over
    assert browser.get(story).status_code == 302
    assert with_token(token).get("/api/v1/clients/").status_code == 401
    # And signed in again she is the advisor she now is: an empty book, no boutique
    again = signed_in(Stylist.objects.get(pk=cast.manager.pk).user)
    assert again.get(story).status_code == 404
    assert again.get("/api/v1/clients/").json()["count"] == 0
    assert again.get(f"/api/v1/clients/{cast.client.public_id}/").status_code == 404
    change = StaffAccessChange.objects.get(stylist=cast.manager)
    assert (change.from_role, change.to_role) == (Role.MANAGER, Role.STYLIST)
    assert change.sessions_ended == 1
    assert change.tokens_revoked == 1


def test_head_office_demoted_leaves_the_head_office_group(cast):
    stylist_update_access(
        stylist_id=cast.head_office.pk, role=Role.STYLIST, boutique=cast.paris, performed_by=None
    )
    user = get_user_model().objects.get(pk=cast.head_office.user_id)
    assert not user.groups.exists()
    assert not clients_visible_to(user).exists()


def test_a_role_change_that_fails_validation_changes_nothing(cast):
    # A manager cannot become an advisor without a boutique: nothing is revoked either
    token = token_for("manager")
    with pytest.raises(ValidationError):
        stylist_update_access(
            stylist_id=cast.manager.pk, role=Role.STYLIST, boutique=None, performed_by=None
        )
    assert with_token(token).get("/api/v1/clients/").json()["count"] == 2
    assert not StaffAccessChange.objects.exists()


def test_saving_other_fields_in_the_admin_ends_nothing(cast):
    token = token_for("owner")
    admin_saves(cast.owner, title="Senior client advisor")
    assert with_token(token).get("/api/v1/clients/").status_code == 200
    assert not StaffAccessChange.objects.exists()
    assert Stylist.objects.get(pk=cast.owner.pk).title == "Senior client advisor"


def test_sessions_of_a_changed_role_are_deleted_from_the_store(cast):
    signed_in(cast.owner.user)
    signed_in(cast.owner.user)
    keys = list(StaffSession.objects.filter(user=cast.owner.user).values_list("session_key"))
    assert len(keys) == 2
    stylist_update_access(stylist_id=cast.owner.pk, active=False, performed_by=None)
    assert not Session.objects.filter(session_key__in=[k for (k,) in keys]).exists()


# --- 2. Reassignment carries the open work ----------------------------------------------------


def _open_work(cast: Any) -> dict[str, Any]:
    now = timezone.now()
    request = StylingRequest.objects.create(
        client=cast.client,
        stylist=cast.owner,
        message="A dress for the Venice gala",
        created_at=now,
        due_at=now + STYLING_REQUEST_SLA,
    )
    follow_up = FollowUp.objects.create(
        stylist=cast.owner,
        client=cast.client,
        kind=FollowUpKind.CUSTOM,
        due_on=now.date(),
        dedupe_key="custom:test:1",
    )
    done = FollowUp.objects.create(
        stylist=cast.owner,
        client=cast.client,
        kind=FollowUpKind.CUSTOM,
        due_on=now.date(),
        status=FollowUpStatus.DONE,
        dedupe_key="custom:test:2",
    )

    def appointment(status: str, days: int) -> Appointment:
        starts = now + dt.timedelta(days=days)
        return Appointment.objects.create(
            client=cast.client,
            stylist=cast.owner,
            kind=AppointmentKind.VIDEO,
            status=status,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=45),
        )

    return {
        "request": request,
        "follow_up": follow_up,
        "done": done,
        "requested": appointment(AppointmentStatus.REQUESTED, 2),
        "confirmed": appointment(AppointmentStatus.CONFIRMED, 3),
        "past": appointment(AppointmentStatus.COMPLETED, -3),
    }


def test_reassigning_moves_open_requests_follow_ups_and_requested_appointments(cast):
    work = _open_work(cast)
    # When the manager moves Camille to the colleague
    moved = book_reassign(
        clients=[cast.client], to_stylist=cast.colleague, performed_by=cast.manager.user
    )
    # Then her open work goes with her; what is done or past stays where it was
    for name in ("request", "follow_up", "requested"):
        work[name].refresh_from_db()
        assert work[name].stylist == cast.colleague, name
    for name in ("done", "past", "confirmed"):
        work[name].refresh_from_db()
        assert work[name].stylist == cast.owner, name
    # And the confirmed appointment is reported, and the audit row says what came along
    assert moved == 1
    assert (moved.styling_requests, moved.follow_ups, moved.appointments) == (1, 1, 1)
    assert moved.kept_appointments == [work["confirmed"]]
    audit = BookReassignment.objects.get(client=cast.client, to_stylist=cast.colleague)
    assert audit.carried == {
        "styling_requests": 1,
        "follow_ups": 1,
        "appointments": 1,
        "appointments_kept": [str(work["confirmed"].public_id)],
    }


def test_the_old_advisors_today_no_longer_shows_her_request(cast):
    _open_work(cast)
    book_reassign(clients=[cast.client], to_stylist=cast.colleague, performed_by=None)
    old = signed_in(cast.owner.user).get("/stylist/")
    new = signed_in(cast.colleague.user).get("/stylist/")
    assert "Venice gala" not in old.content.decode()
    assert "Venice gala" in new.content.decode()


def test_a_departed_advisors_confirmed_appointments_move_too(cast):
    work = _open_work(cast)
    Stylist.objects.filter(pk=cast.owner.pk).update(active=False)
    moved = book_reassign(clients=[cast.client], to_stylist=cast.colleague, performed_by=None)
    work["confirmed"].refresh_from_db()
    assert work["confirmed"].stylist == cast.colleague
    assert moved.appointments == 2
    assert moved.kept_appointments == []


def test_the_team_page_says_what_moved_and_what_stayed(cast):
    _open_work(cast)
    http = signed_in(cast.manager.user)
    response = http.post(
        "/stylist/team/reassign/",
        {
            "boutique": "paris",
            "clients": [str(cast.client.public_id)],
            "to_stylist": cast.colleague.pk,
            "reason": "Élise on leave",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "1 client moved" in text
    assert "1 open styling request" in text
    assert "keeps a confirmed appointment with" in text


# --- 3. Tokens follow two-factor ---------------------------------------------------------------


def test_setting_up_two_factor_ends_the_token_taken_with_the_password(cast):
    # Given an advisor's token from the password alone
    token = token_for("owner")
    # When she sets up an authenticator
    http = signed_in(cast.owner.user)
    http.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user=cast.owner.user, confirmed=False)
    response = http.post("/accounts/2fa/setup/", {"token": totp_code(device)})
    assert response.status_code == 302
    # Then the old token answers 401, and a new one needs the code, and is not the old one
    assert with_token(token).get("/api/v1/clients/").status_code == 401
    refused = APIClient().post(TOKEN_URL, {"username": "owner", "password": PASSWORD})
    assert refused.status_code == 400
    assert "otp_token" in refused.json()
    device.refresh_from_db()
    fresh = token_for("owner", otp_token=totp_code(device, offset_steps=1))
    assert fresh != token
    assert with_token(fresh).get("/api/v1/clients/").status_code == 200


def test_resetting_two_factor_ends_the_token(cast):
    device = totp_device(cast.owner.user)
    token = token_for("owner", otp_token=totp_code(device))
    device.delete()  # what the admin does for a lost phone
    assert with_token(token).get("/api/v1/clients/").status_code == 401


def test_each_exchange_issues_a_new_token_and_ends_the_previous_one(cast):
    first = token_for("owner")
    second = token_for("owner")
    assert first != second
    assert with_token(first).get("/api/v1/clients/").status_code == 401
    assert with_token(second).get("/api/v1/clients/").status_code == 200


def test_a_token_expires_after_its_lifetime(cast, settings):
    settings.API_TOKEN_LIFETIME_SECONDS = 3600
    token = token_for("owner")
    assert with_token(token).get("/api/v1/clients/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, seconds=5), tick=False):
        response = with_token(token).get("/api/v1/clients/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert not Token.objects.filter(key=token).exists()


def test_an_advisor_revokes_her_token(cast):
    token = token_for("owner")
    assert with_token(token).delete(TOKEN_URL).status_code == 204
    assert with_token(token).get("/api/v1/clients/").status_code == 401
    assert APIClient().delete(TOKEN_URL).status_code == 401


def test_head_office_and_admins_get_a_token_only_with_the_code(cast):
    for username in ("head_office",):
        refused = APIClient().post(TOKEN_URL, {"username": username, "password": PASSWORD})
        assert refused.status_code == 400
        assert "otp_token" in refused.json()
    get_user_model().objects.create_superuser("root2", "r@example.com", PASSWORD)
    refused = APIClient().post(TOKEN_URL, {"username": "root2", "password": PASSWORD})
    assert refused.status_code == 400
    assert not Token.objects.filter(user__username__in=["head_office", "root2"]).exists()
    device = totp_device(cast.head_office.user)
    assert token_for("head_office", otp_token=totp_code(device))


def test_a_client_still_uses_the_api_for_her_lookbooks(cast):
    http = signed_in(cast.client.user)
    assert http.get("/api/v1/lookbooks/").status_code == 200


def test_expired_session_rows_are_cleared_as_new_ones_come(cast, settings):
    settings.SESSION_COOKIE_AGE = 3600
    signed_in(cast.owner.user)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        signed_in(cast.owner.user)
    assert StaffSession.objects.filter(user=cast.owner.user).count() == 1
