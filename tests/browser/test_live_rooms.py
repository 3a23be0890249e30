"""In Chromium, against Daphne: the video consultation, the live conversation, live reactions.

Chromium runs with a synthetic camera and microphone (tests/browser/conftest.py).
Camille (a client) and Élise (her advisor) each open their own side in their
own browser context; Hugo, a colleague, is refused.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from consent.models import ConsentTier
from recommendations.links import lookbook_link_path
from stylists.models import Appointment, AppointmentKind, AppointmentStatus
from tests.browser.conftest import axe_violations, log_in
from tests.concierge.conftest import publish
from tests.factories.catalog import BoutiqueFactory
from tests.factories.clients import ClientFactory
from tests.factories.consent import ConsentRecordFactory, PolicyVersionFactory
from tests.factories.stylists import make_stylist, put_in_book

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "atelier-demo-pass"
PLAYING = """(selector) => {
  const v = document.querySelector(selector);
  return !!v && v.videoWidth > 0 && !v.paused && v.readyState >= 2;
}"""


@pytest.fixture
def world() -> dict[str, Any]:
    paris = BoutiqueFactory(code="paris", city="Paris")
    policy = PolicyVersionFactory()
    elise = make_stylist(boutique=paris, username="elise", first_name="Élise", password=PASSWORD)
    make_stylist(boutique=paris, username="hugo", first_name="Hugo", password=PASSWORD)
    user = get_user_model().objects.create_user(username="camille", password=PASSWORD)
    camille = ClientFactory(  # she reads English: the steps below quote the English page
        user=user,
        home_boutique=paris,
        first_name="Camille",
        last_name="Laurent",
        preferred_language="en",
    )
    ConsentRecordFactory(client=camille, tier=ConsentTier.PERSONAL, policy_version=policy)
    put_in_book(elise, camille)
    now = timezone.now()
    call = Appointment.objects.create(
        client=camille,
        stylist=elise,
        kind=AppointmentKind.VIDEO,
        status=AppointmentStatus.CONFIRMED,
        starts_at=now + dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(minutes=50),
        video_room="verlaine-browser-room",
    )
    lookbook, items = publish(camille, title="For the Opera gala", author=elise)
    return {"elise": elise, "camille": camille, "call": call, "lookbook": lookbook, "items": items}


@pytest.fixture
def two(browser: Any, asgi_url: str) -> Iterator[tuple[Any, Any]]:
    """Two browsers' worth of pages (separate cookies): Camille's and Élise's, console watched."""
    contexts = []
    pages = []
    for _ in range(2):
        context = browser.new_context(base_url=asgi_url, viewport={"width": 1360, "height": 900})
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda m, p=page: p.console_errors.append(m.text) if m.type == "error" else None,
        )
        contexts.append(context)
        pages.append(page)
    yield pages[0], pages[1]
    for context in contexts:
        context.close()


def test_client_and_advisor_see_each_other_and_a_colleague_is_refused(
    world, two, browser, asgi_url
):
    camille, elise = two
    call = world["call"]
    log_in(camille, "camille", PASSWORD)
    log_in(elise, "elise", PASSWORD)
    # Camille comes from her appointment page; Élise from her appointments.
    camille.goto(f"/concierge/appointments/{call.public_id}/")
    camille.get_by_role("link", name="Join now").click()
    elise.goto("/stylist/appointments/")
    elise.get_by_role("link", name="Video call with Camille Laurent").click()
    camille.get_by_role("button", name="Enter the room").click()
    camille.wait_for_selector("[data-video-room][data-video-peer]")
    camille.get_by_text("Waiting for Élise to join…").wait_for()
    elise.get_by_role("button", name="Enter the room").click()
    # Each sees the other's (synthetic) camera playing.
    camille.wait_for_function(PLAYING, arg="[data-video-remotes] video", timeout=15_000)
    elise.wait_for_function(PLAYING, arg="[data-video-remotes] video", timeout=15_000)
    assert camille.evaluate("document.querySelector('[data-video-local]').videoWidth") > 0
    camille.get_by_text("You are with Élise.").wait_for()
    # The controls: the camera goes off and on again.
    camille.get_by_role("button", name="Turn camera off").click()
    assert (
        camille.get_by_role("button", name="Turn camera on").get_attribute("aria-pressed") == "true"
    )
    camille.get_by_role("button", name="Turn camera on").click()
    camille.get_by_role("button", name="Mute microphone").click()
    camille.get_by_role("button", name="Unmute microphone").wait_for()
    # Camille leaves: Élise is told, and waits.
    camille.get_by_role("button", name="Leave the room").click()
    elise.get_by_text("Camille Laurent has left the room.", exact=False).wait_for()
    assert camille.console_errors == []
    assert elise.console_errors == []

    # A colleague of Élise's gets no page, and the socket does not let her in either.
    hugo_context = browser.new_context(base_url=asgi_url)
    try:
        hugo = hugo_context.new_page()
        log_in(hugo, "hugo", PASSWORD)
        response = hugo.goto(f"/stylist/appointments/{call.public_id}/video/")
        assert response.status == 404
        closed = hugo.evaluate(
            """(path) => new Promise(resolve => {
                const ws = new WebSocket("ws://" + location.host + path);
                ws.onopen = () => resolve("open");
                ws.onclose = (e) => resolve("closed " + e.code);
            })""",
            f"/ws/video/{call.public_id}/",
        )
        assert closed.startswith("closed")
    finally:
        hugo_context.close()


def test_a_refused_camera_is_explained(world, browser, asgi_url):
    context = browser.new_context(base_url=asgi_url)
    try:
        page = context.new_page()
        page.add_init_script(
            """navigator.mediaDevices.getUserMedia = () =>
                 Promise.reject(new DOMException("Permission denied", "NotAllowedError"));"""
        )
        log_in(page, "camille", PASSWORD)
        page.goto(f"/concierge/appointments/{world['call'].public_id}/video/")
        page.get_by_role("button", name="Enter the room").click()
        alert = page.get_by_text("Your browser did not allow the camera and microphone.")
        alert.wait_for()
        assert page.locator("[data-video-room]").get_attribute("data-video-error") == "denied"
        assert page.get_by_role("button", name="Enter the room").is_enabled()  # try again
    finally:
        context.close()


def test_a_love_shows_on_the_advisors_open_lookbook_without_a_reload(world, two):
    camille, elise = two
    lookbook, item = world["lookbook"], world["items"][0]
    log_in(elise, "elise", PASSWORD)
    elise.goto(f"/stylist/lookbooks/{lookbook.public_id}/")
    elise.wait_for_selector("[data-live-signals][data-live-connected]")
    spot = elise.locator(f'[data-reaction-for="{item.pk}"]')
    assert spot.inner_text() == "No reaction yet"
    log_in(camille, "camille", PASSWORD)
    camille.goto(f"/concierge/lookbooks/{lookbook.public_id}/")
    started = time.monotonic()
    camille.locator(f"#reactions-{item.pk}").get_by_role("button", name="Love").click()
    elise.locator(f'[data-reaction-for="{item.pk}"]').get_by_text("♥ Camille loves it").wait_for(
        timeout=1_000
    )
    assert time.monotonic() - started < 1.0
    assert elise.get_by_text(f"Camille Laurent loves the {item.product.name}").count() == 1
    assert elise.console_errors == []


def test_a_message_from_each_side_appears_on_the_others_open_page(world, two):
    camille, elise = two
    client = world["camille"]
    log_in(camille, "camille", PASSWORD)
    log_in(elise, "elise", PASSWORD)
    camille.goto("/concierge/messages/")
    elise.goto(f"/stylist/messages/{client.public_id}/")
    camille.wait_for_selector("[data-thread][data-thread-live]")
    elise.wait_for_selector("[data-thread][data-thread-live]")
    # Camille writes (over the socket): Élise's open thread shows it, no reload.
    camille.get_by_label("Your message").fill("Could I see the navy silk on Thursday?")
    camille.get_by_role("button", name="Send").click()
    elise.locator("[data-thread-list]").get_by_text(
        "Could I see the navy silk on Thursday?"
    ).wait_for(timeout=1_000)
    assert camille.get_by_label("Your message").input_value() == ""
    # Élise replies in the Concierge: Camille's open page shows it, and Élise sees "Read".
    elise.locator("#compose-channel").select_option("concierge")
    elise.get_by_label("Message", exact=True).fill("Of course. Thursday at three, salon two.")
    elise.get_by_role("button", name="Send").click()
    camille.locator("[data-thread-list]").get_by_text("Of course. Thursday at three").wait_for(
        timeout=2_000
    )
    elise.locator("[data-thread-list] [data-receipt]").last.get_by_text("Read").wait_for(
        timeout=2_000
    )
    # And Camille's own message now reads "Read" (Élise had it open).
    camille.locator("[data-thread-list] .thread__message--mine [data-receipt]").first.get_by_text(
        "Read"
    ).wait_for(timeout=2_000)
    assert camille.console_errors == []
    assert elise.console_errors == []


def test_the_new_pages_pass_axe(world, two):
    camille, elise = two
    call, lookbook, client = world["call"], world["lookbook"], world["camille"]
    log_in(camille, "camille", PASSWORD)
    log_in(elise, "elise", PASSWORD)
    with time_machine.travel(timezone.now() - dt.timedelta(days=15)):
        expired = lookbook_link_path(lookbook_public_id=lookbook.public_id)
    pages = [
        (camille, f"/concierge/appointments/{call.public_id}/video/"),
        (camille, "/concierge/messages/"),
        (camille, expired),
        (elise, f"/stylist/appointments/{call.public_id}/video/"),
        (elise, f"/stylist/messages/{client.public_id}/"),
        (elise, f"/stylist/lookbooks/{lookbook.public_id}/"),
        (elise, f"/stylist/clients/{client.public_id}/"),
    ]
    found = {}
    for page, url in pages:
        page.goto(url)
        violations = axe_violations(page)
        if violations:
            found[url] = violations
    assert found == {}


@pytest.mark.skipif(
    not os.environ.get("ATELIER_SCREENSHOT_DIR"), reason="screenshots on demand only"
)
def test_screenshots_of_the_live_pages(world, browser, asgi_url):
    """ATELIER_SCREENSHOT_DIR=/tmp/shots pytest -k screenshots: desktop and phone, mid-call."""
    out = Path(os.environ["ATELIER_SCREENSHOT_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    call, lookbook, client = world["call"], world["lookbook"], world["camille"]
    with time_machine.travel(timezone.now() - dt.timedelta(days=15)):
        expired = lookbook_link_path(lookbook_public_id=lookbook.public_id)
    for device, viewport in (("desktop", (1440, 900)), ("phone", (390, 844))):
        contexts = []
        pages = []
        for who in ("camille", "elise"):
            context = browser.new_context(
                base_url=asgi_url,
                viewport={"width": viewport[0], "height": viewport[1]},
                device_scale_factor=1,
            )
            contexts.append(context)
            page = context.new_page()
            log_in(page, who, PASSWORD)
            pages.append(page)
        camille, elise = pages
        try:
            camille.goto(f"/concierge/appointments/{call.public_id}/video/")
            camille.screenshot(path=str(out / f"video-before-{device}.png"), full_page=True)
            camille.get_by_role("button", name="Enter the room").click()
            elise.goto(f"/stylist/appointments/{call.public_id}/video/")
            elise.get_by_role("button", name="Enter the room").click()
            camille.wait_for_function(PLAYING, arg="[data-video-remotes] video", timeout=15_000)
            elise.wait_for_function(PLAYING, arg="[data-video-remotes] video", timeout=15_000)
            camille.wait_for_timeout(500)
            camille.screenshot(path=str(out / f"video-client-{device}.png"), full_page=True)
            elise.screenshot(path=str(out / f"video-advisor-{device}.png"), full_page=True)
            camille.get_by_role("button", name="Leave the room").click()
            camille.goto("/concierge/messages/")
            elise.goto(f"/stylist/messages/{client.public_id}/")
            camille.wait_for_selector("[data-thread][data-thread-live]")
            elise.wait_for_selector("[data-thread][data-thread-live]")
            camille.get_by_label("Your message").fill("Could I see the navy silk on Thursday?")
            camille.get_by_role("button", name="Send").click()
            elise.locator("[data-thread-list]").get_by_text("navy silk").last.wait_for()
            elise.locator("#compose-channel").select_option("concierge")
            elise.get_by_label("Message", exact=True).fill("Of course. Thursday at three.")
            elise.get_by_role("button", name="Send").click()
            camille.locator("[data-thread-list]").get_by_text("Thursday at three").last.wait_for()
            camille.wait_for_timeout(1800)
            camille.screenshot(path=str(out / f"messages-client-{device}.png"), full_page=True)
            elise.screenshot(path=str(out / f"messages-advisor-{device}.png"), full_page=True)
            elise.goto(f"/stylist/lookbooks/{lookbook.public_id}/")
            elise.wait_for_selector("[data-live-signals][data-live-connected]")
            camille.goto(f"/concierge/lookbooks/{lookbook.public_id}/")
            item = world["items"][0 if device == "desktop" else 1]
            camille.locator(f"#reactions-{item.pk}").get_by_role("button", name="Love").click()
            elise.get_by_text("♥ Camille loves it").first.wait_for()
            elise.screenshot(path=str(out / f"lookbook-advisor-{device}.png"), full_page=True)
            elise.goto(f"/stylist/clients/{client.public_id}/")
            elise.screenshot(path=str(out / f"story-advisor-{device}.png"), full_page=True)
            camille.goto(expired)
            camille.screenshot(path=str(out / f"link-expired-{device}.png"), full_page=True)
        finally:
            for context in contexts:
                context.close()
