"""In Chromium: a manager reads the KPI charts (Chart.js canvases over the SVG, and a table).

With script, each chart is a canvas drawn by the vendored Chart.js, named (role="img",
aria-label) and the SVG under it hidden; the page passes axe (WCAG 2.1 A/AA) on a desktop
and a phone, with CSP on and no console error.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.utils import timezone

from consent.models import ConsentTier
from stylists.models import Role
from tests.browser.conftest import axe_violations, log_in
from tests.factories.catalog import BoutiqueFactory
from tests.factories.clients import ClientFactory, OrderFactory
from tests.factories.consent import ConsentRecordFactory, PolicyVersionFactory
from tests.factories.stylists import make_stylist, put_in_book

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "atelier-demo-pass"


@pytest.fixture
def boutique():
    paris = BoutiqueFactory(code="paris", city="Paris")
    policy = PolicyVersionFactory()
    make_stylist(boutique=paris, role=Role.MANAGER, username="margaux", password=PASSWORD)
    elise = make_stylist(boutique=paris, username="elise", first_name="Élise", password=PASSWORD)
    now = timezone.now()
    for i in range(24):
        client = ClientFactory(
            home_boutique=paris, last_name=f"Kpi{i}", lifetime_spend=Decimal(5000)
        )
        ConsentRecordFactory(client=client, tier=ConsentTier.PERSONAL, policy_version=policy)
        put_in_book(elise, client)
        for k in range(1 + i % 3):
            OrderFactory(client=client, placed_at=now - dt.timedelta(days=20 + 37 * ((i + k) % 11)))
    return paris


def test_the_manager_reads_the_charts(page, boutique):
    log_in(page, "margaux", PASSWORD)
    page.goto("/stylist/team/kpis/")
    canvases = page.locator("figure[data-kpi-chart] canvas[role=img]")
    canvases.first.wait_for()
    assert canvases.count() == 3
    assert canvases.first.get_attribute("aria-label").startswith("Buyers per month")
    assert canvases.first.bounding_box()["height"] > 100
    assert page.evaluate("Object.keys(Chart.instances).length") == 3
    svgs = page.locator("svg.chart[role=img]")  # the picture without script, still there
    assert svgs.count() == 3
    assert svgs.first.locator("title[id$='-t']").text_content().startswith("Buyers per month")
    assert not svgs.first.is_visible()
    # No styling request in the fixture: the empty chart says so in words
    assert page.get_by_text("No styling request in this period.").is_visible()
    assert page.get_by_role("table", name="The charts' figures, month by month").is_visible()
    page.get_by_label("Period").select_option("6")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    assert "months=6" in page.url
    assert page.locator("#months-table tbody tr").count() == 6
    if os.environ.get("ATELIER_SCREENSHOTS"):
        page.screenshot(path=os.environ["ATELIER_SCREENSHOTS"] + "/kpis.png", full_page=True)
    assert page.console_errors == []


@pytest.mark.parametrize(("device", "viewport"), [("desktop", (1360, 900)), ("phone", (390, 844))])
def test_the_kpi_page_passes_axe(browser, live_server, boutique, device, viewport):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": viewport[0], "height": viewport[1]},
        is_mobile=device == "phone",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        log_in(page, "margaux", PASSWORD)
        page.goto("/stylist/team/kpis/")
        page.locator("figure[data-kpi-chart] canvas").first.wait_for()
        found = axe_violations(page)
        assert found == []
        if os.environ.get("ATELIER_SCREENSHOTS"):
            page.screenshot(
                path=os.environ["ATELIER_SCREENSHOTS"] + f"/kpis-{device}.png", full_page=True
            )
        assert errors == []
    finally:
        context.close()
