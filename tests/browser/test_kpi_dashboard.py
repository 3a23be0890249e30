"""In Chromium: a manager reads the KPI charts (SVG with title, desc and a table) without errors."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.utils import timezone

from consent.models import ConsentTier
from stylists.models import Role
from tests.browser.conftest import log_in
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
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() == 3
    assert charts.first.locator("title[id$='-t']").text_content().startswith("Buyers per month")
    assert page.locator("svg.chart rect.chart__bar").count() > 0
    assert page.get_by_role("table", name="The charts' figures, month by month").is_visible()
    page.get_by_label("Period").select_option("6")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    assert "months=6" in page.url
    assert page.locator("#months-table tbody tr").count() == 6
    if os.environ.get("ATELIER_SCREENSHOTS"):
        page.screenshot(path=os.environ["ATELIER_SCREENSHOTS"] + "/kpis.png", full_page=True)
    assert page.console_errors == []
