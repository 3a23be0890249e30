"""In Chromium: a client books a slot, receives the confirmation with its .ics, moves it to
another time, and cannot take a slot another client has just taken.

Screenshots land in $ATELIER_SCREENSHOTS when it is set (the closing note looks at them).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from icalendar import Calendar

from stylists.models import Appointment, AppointmentStatus, Availability
from stylists.services import appointment_book
from tests.browser.conftest import log_in
from tests.factories.catalog import BoutiqueFactory
from tests.factories.clients import ClientFactory
from tests.factories.consent import ConsentRecordFactory
from tests.factories.stylists import make_stylist, put_in_book

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "atelier-demo-pass"


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("ATELIER_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _world() -> dict[str, Any]:
    paris = BoutiqueFactory(code="paris", city="Paris", timezone="Europe/Paris")
    elise = make_stylist(boutique=paris, username="elise", first_name="Élise", password=PASSWORD)
    for weekday in range(7):
        Availability.objects.create(
            stylist=elise, weekday=weekday, starts=dt.time(9, 0), ends=dt.time(19, 0)
        )
    clients = {}
    for username, first, last in (("camille", "Camille", "Laurent"), ("ines", "Inès", "Moreau")):
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        client = ClientFactory(
            user=user,
            home_boutique=paris,
            first_name=first,
            last_name=last,
            email=f"{username}@example.com",
            preferred_language="en",
        )
        ConsentRecordFactory(client=client)  # e-mail allowed, no SMS
        put_in_book(elise, client)
        clients[username] = client
    return {"elise": elise, "paris": paris, **clients}


def test_book_confirm_reschedule_and_lose_a_race(page: Any) -> None:
    world = _world()
    mail.outbox = []
    log_in(page, "camille", PASSWORD)

    # She books the first free hour at the boutique next week (beyond the one-day cut-off)
    page.goto("/concierge/appointments/book/?kind=boutique&week=1")
    _shot(page, "1-times")
    page.locator("a.slots__time").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Confirm the appointment").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Your visit to the boutique"
    assert page.get_by_text("a confirmation is on its way").is_visible()
    _shot(page, "2-confirmed")
    appointment = Appointment.objects.get(client=world["camille"])

    # The confirmation reached her by e-mail, with the appointment for her calendar
    assert [m.to for m in mail.outbox] == [["camille@example.com"]]
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert mimetype.startswith("text/calendar")
    assert name.endswith(".ics")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == appointment.starts_at

    # She moves it to another time
    page.get_by_role("link", name="Choose another time").click()
    page.wait_for_load_state("networkidle")
    _shot(page, "3-reschedule")
    page.locator("button.slots__time:not([disabled])").nth(2).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Your appointment has a new time").is_visible()
    moved = Appointment.objects.get(pk=appointment.pk)
    assert moved.starts_at != appointment.starts_at
    assert Appointment.objects.count() == 1
    assert [m.subject for m in mail.outbox][-1] == "Your appointment has a new time"

    # She reaches for another hour; Inès takes it while Camille is on the last step
    page.goto("/concierge/appointments/book/?kind=boutique&week=1")
    page.locator("a.slots__time").nth(4).click()
    page.wait_for_load_state("networkidle")
    wanted = dt.datetime.fromisoformat(page.locator('input[name="at"]').input_value())
    appointment_book(
        client=world["ines"],
        stylist=world["elise"],
        kind="boutique",
        starts_at=wanted,
        boutique=world["paris"],
    )
    page.get_by_role("button", name="Confirm the appointment").click()
    page.wait_for_load_state("networkidle")
    _shot(page, "4-just-taken")
    assert page.get_by_text("This time has just been taken").is_visible()
    mine = Appointment.objects.filter(client=world["camille"], status=AppointmentStatus.CONFIRMED)
    assert list(mine.values_list("starts_at", flat=True)) == [moved.starts_at]
    assert Appointment.objects.get(starts_at=wanted).client == world["ines"]
    assert page.console_errors == []
