"""In Chromium: the client story's outlook card, buying profile included, and the book's filter.

Both pass axe (WCAG 2.1 A/AA) on a desktop and a phone. ATELIER_SCREENSHOTS=/dir keeps a
picture of the card and of the filtered book.
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from django.utils import timezone

from consent.models import ConsentTier
from recommendations.models import ClientOutlook, ClientSegment, LifecycleStage
from tests.browser.conftest import axe_violations, log_in
from tests.factories.catalog import BoutiqueFactory
from tests.factories.clients import ClientFactory
from tests.factories.consent import ConsentRecordFactory, PolicyVersionFactory
from tests.factories.stylists import make_stylist, put_in_book

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "atelier-demo-pass"
LEATHER = "Loyal high-spending collectors of leather goods"


@pytest.fixture
def camille():
    paris = BoutiqueFactory(code="paris", city="Paris")
    policy = PolicyVersionFactory()
    elise = make_stylist(boutique=paris, username="elise", first_name="Élise", password=PASSWORD)
    client = ClientFactory(home_boutique=paris, first_name="Camille", last_name="Laurent")
    other = ClientFactory(home_boutique=paris, first_name="Inès", last_name="Moreau")
    for person in (client, other):
        ConsentRecordFactory(client=person, tier=ConsentTier.PERSONAL, policy_version=policy)
    put_in_book(elise, client, other)
    segment = ClientSegment.objects.create(
        name=LEATHER,
        description="38 clients who typically bought 9 times, last about 3 weeks ago, "
        "spending around €2,400 a visit; 91% of their spend goes to leather goods.",
        size=38,
        silhouette=0.44,
        computed_at=timezone.now(),
    )
    ClientOutlook.objects.create(
        client=client,
        stage=LifecycleStage.ACTIVE,
        churn_risk=0.62,
        expected_purchases=2.4,
        predicted_value=Decimal("5800"),
        reasons=["quiet for 19 weeks, longer than ever between two purchases"],
        segment=segment,
        scored_at=timezone.now(),
    )
    return client, segment


@pytest.mark.parametrize(("device", "viewport"), [("desktop", (1360, 900)), ("phone", (390, 844))])
def test_the_outlook_card_and_the_profile_filter_pass_axe(
    browser, live_server, camille, device, viewport
):
    client, segment = camille
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": viewport[0], "height": viewport[1]}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        log_in(page, "elise", PASSWORD)
        page.goto(f"/stylist/clients/{client.public_id}/")
        card = page.locator("#outlook")
        assert LEATHER in card.inner_text()
        assert "91% of their spend goes to leather goods" in card.inner_text()
        assert axe_violations(page) == []
        shots = os.environ.get("ATELIER_SCREENSHOTS")
        if shots:
            card.screenshot(path=f"{shots}/outlook-card-{device}.png")
        page.goto(f"/stylist/clients/?profile={segment.pk}")
        names = page.locator("#client-table tbody th a.table__primary").all_inner_texts()
        assert names == ["Camille Laurent"]
        assert axe_violations(page) == []
        if shots:
            page.screenshot(path=f"{shots}/book-profile-{device}.png", full_page=True)
        assert errors == []
    finally:
        context.close()
