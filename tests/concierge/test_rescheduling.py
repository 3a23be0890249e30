"""Booking with any advisor of the house, moving an appointment, and the .ics she downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from stylists.models import Appointment
from stylists.services import appointment_book
from tests.concierge.conftest import weekly

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MONDAY = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
THURSDAY = dt.date(2026, 11, 26)


def paris(hour: int, day: dt.date = THURSDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), PARIS)


@pytest.fixture
def hours(cast: Any) -> None:
    weekly(cast.owner, weekdays=[3], starts=dt.time(10, 0), ends=dt.time(13, 0))
    weekly(cast.colleague, weekdays=[3], starts=dt.time(14, 0), ends=dt.time(16, 0))
    cast.colleague.languages = ["fr", "ja"]
    cast.colleague.specialities = ["Fine jewellery"]
    cast.colleague.save(update_fields=["languages", "specialities"])
    cast.owner.languages = ["fr", "en"]
    cast.owner.save(update_fields=["languages"])


@time_machine.travel(MONDAY, tick=False)
def test_she_finds_an_advisor_by_language_and_speciality(cast: Any, hours: None) -> None:
    http = cast.http("client_user")
    everyone = http.get("/concierge/appointments/advisors/")
    assert {a.name for a in everyone.context["advisors"]} == {cast.owner.name, cast.colleague.name}
    japanese = http.get("/concierge/appointments/advisors/", {"language": "ja"})
    assert [a.name for a in japanese.context["advisors"]] == [cast.colleague.name]
    jewellery = http.get(
        "/concierge/appointments/advisors/", {"speciality": "Fine jewellery", "boutique": "milan"}
    )
    assert jewellery.context["advisors"] == []
    assert "No advisor matches" in jewellery.content.decode()


@time_machine.travel(MONDAY, tick=False)
def test_she_books_with_another_advisor_of_the_boutique(cast: Any, hours: None) -> None:
    http = cast.http("client_user")
    url = f"/concierge/appointments/book/?kind=boutique&advisor={cast.colleague.pk}"
    times = http.get(url)
    offered = [m for _, day in times.context["days"] for m in day]
    assert [m.astimezone(PARIS).hour for m in offered] == [14, 15]
    assert f"advisor={cast.colleague.pk}" in times.content.decode()
    response = http.post(
        "/concierge/appointments/book/",
        {
            "kind": "boutique",
            "at": paris(14).isoformat(),
            "advisor": str(cast.colleague.pk),
            "purpose": "",
        },
    )
    assert response.status_code == 302
    booked = Appointment.objects.get()
    assert (booked.stylist, booked.starts_at) == (cast.colleague, paris(14))
    # An advisor who is not bookable (head office, an unknown id) is a 404
    assert (
        http.get(f"/concierge/appointments/book/?advisor={cast.head_office.pk}").status_code == 404
    )
    assert http.get("/concierge/appointments/book/?advisor=nope").status_code == 404


@time_machine.travel(MONDAY, tick=False)
def test_she_moves_her_appointment_and_the_old_time_is_free(
    cast: Any, hours: None, django_capture_on_commit_callbacks: Any
) -> None:
    appointment = appointment_book(
        client=cast.client,
        stylist=cast.owner,
        kind="boutique",
        starts_at=paris(10),
        boutique=cast.paris,
    )
    http = cast.http("client_user")
    url = f"/concierge/appointments/{appointment.public_id}/reschedule/"
    offered = [m for _, day in http.get(url).context["days"] for m in day]
    assert paris(10) in offered  # her own time is not "taken" from her
    response = http.post(url, {"at": paris(12).isoformat()})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == paris(12)
    # Another client cannot take 12:00, but 10:00 is free again
    other = cast.http("other_client_user")
    taken = other.post(
        "/concierge/appointments/book/",
        {"kind": "boutique", "at": paris(12).isoformat(), "purpose": ""},
    )
    assert "just been taken" in taken.content.decode()
    freed = other.post(
        "/concierge/appointments/book/",
        {"kind": "boutique", "at": paris(10).isoformat(), "purpose": ""},
    )
    assert freed.status_code == 302
    # A time that is not offered is refused clearly, nothing moves
    refused = http.post(url, {"at": quote(paris(10).isoformat())})
    assert "Please choose one of the times offered" in refused.content.decode()
    refused = http.post(url, {"at": paris(10).isoformat()})
    assert "just been taken" in refused.content.decode()
    appointment.refresh_from_db()
    assert appointment.starts_at == paris(12)


@time_machine.travel(MONDAY, tick=False)
def test_the_calendar_file_is_rfc_5545(cast: Any, hours: None) -> None:
    appointment = appointment_book(
        client=cast.client,
        stylist=cast.owner,
        kind="boutique",
        starts_at=paris(10),
        boutique=cast.paris,
        purpose="To try the coat, the scarf; and, perhaps, the bag " + "x" * 80,
    )
    response = cast.http("client_user").get(
        f"/concierge/appointments/{appointment.public_id}/calendar.ics"
    )
    assert response["Content-Type"].startswith("text/calendar")
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["description"]).startswith("To try the coat, the scarf; and, perhaps,")
    assert event.decoded("dtstart") == paris(10)


def test_the_advisors_portrait_is_her_photo_or_a_generated_bust(
    cast: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    http = cast.http("client_user")
    generated = http.get(f"/concierge/appointments/advisors/{cast.owner.pk}/portrait/")
    assert generated["Content-Type"].startswith("image/svg+xml")
    assert b"<script" not in generated.content
    assert http.get(f"/concierge/appointments/advisors/{cast.owner.pk}/portrait/").content == (
        generated.content
    )  # deterministic
    cast.owner.photo.save("elise.svg", ContentFile(b"<svg xmlns='http://www.w3.org/2000/svg'/>"))
    photo = http.get(f"/concierge/appointments/advisors/{cast.owner.pk}/portrait/")
    assert photo.content == b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    # Head office is nobody's advisor to book
    assert (
        http.get(f"/concierge/appointments/advisors/{cast.head_office.pk}/portrait/").status_code
        == 404
    )
    # Her advisor card shows the portrait and how to reach Élise
    home = http.get("/concierge/appointments/").content.decode()
    assert f"/concierge/appointments/advisors/{cast.owner.pk}/portrait/" in home


@time_machine.travel(MONDAY, tick=False)
def test_the_advisors_and_the_new_times_speak_her_language(cast: Any, hours: None) -> None:
    # Given Camille reads Japanese and has an appointment on Thursday at 10:00
    cast.client.preferred_language = "ja"
    cast.client.save(update_fields=["preferred_language"])
    appointment = appointment_book(
        client=cast.client,
        stylist=cast.owner,
        kind="boutique",
        starts_at=paris(10),
        boutique=cast.paris,
    )
    http = cast.http("client_user")
    # The advisors are presented in Japanese, each language in its own name
    advisors = http.get("/concierge/appointments/advisors/").content.decode()
    assert "対応言語：français, 日本語" in advisors
    assert "Speaks" not in advisors
    # The days to move to are written as Japanese writes them, and refused times too
    url = f"/concierge/appointments/{appointment.public_id}/reschedule/"
    page = http.get(url).content.decode()
    assert "11月26日木曜日" in page
    assert "Thursday" not in page
    assert "別の時間を選ぶ" in page
    refused = http.post(url, {"at": paris(10).isoformat()}).content.decode()
    assert "すでにこのお時間でご予約いただいております。" in refused


@time_machine.travel(MONDAY, tick=False)
def test_advisors_titles_and_crafts_read_in_her_language(cast: Any, hours: None) -> None:
    # The house's own titles and specialities are strings of the catalogues; a speciality
    # the house wrote otherwise is shown as written
    cast.client.preferred_language = "fr"
    cast.client.save(update_fields=["preferred_language"])
    cast.colleague.title = "Senior client advisor"
    cast.colleague.specialities = ["Fine jewellery", "Bridal and ceremony", "Archive pieces"]
    cast.colleague.save(update_fields=["title", "specialities"])
    html = cast.http("client_user").get("/concierge/appointments/advisors/").content.decode()
    assert "Conseil clientèle senior" in html
    assert "Haute joaillerie · Mariage et cérémonie · Archive pieces" in html
    assert '<option value="Fine jewellery">Haute joaillerie</option>' in html
    assert "Senior client advisor" not in html
