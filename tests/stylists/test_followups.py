"""Follow-ups: nightly generation (idempotent), consent rules, and the one-click actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from consent.models import ConsentTier
from stylists.models import FollowUp, FollowUpKind, FollowUpStatus
from stylists.services import (
    follow_up_complete,
    follow_up_dismiss,
    follow_up_snooze,
    follow_ups_generate,
)
from stylists.tasks import generate_follow_ups
from tests.factories.clients import ClientFactory, OccasionFactory, OrderFactory
from tests.factories.stylists import put_in_book
from tests.stylists.conftest import consent

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 11, 23)
MORNING = dt.datetime(2026, 11, 23, 1, 30, tzinfo=PARIS)  # the beat runs at 00:30 UTC


def at(day: dt.date, hour: int = 15) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


@pytest.fixture
def world(cast):
    """Purchases, occasions and quiet VICs around the owner's and the colleague's books."""
    # Camille bought three days ago, with the colleague credited (she helped in the boutique)
    thanked = OrderFactory(
        client=cast.client,
        placed_at=at(TODAY - dt.timedelta(days=3)),
        credited_stylist=cast.colleague,
        total=Decimal("2400"),
    )
    # Inès bought yesterday: too early for a thank-you
    OrderFactory(client=cast.other_client, placed_at=at(TODAY - dt.timedelta(days=1)))
    # Camille's birthday in 21 days, and a gala in 25 days (reminded 30 days before)
    birthday = OccasionFactory(
        client=cast.client, kind="birthday", title="", date=TODAY + dt.timedelta(days=21)
    )
    gala = OccasionFactory(client=cast.client, kind="gala", date=TODAY + dt.timedelta(days=25))
    # A birthday in 40 days: not yet
    OccasionFactory(client=cast.client, kind="birthday", date=TODAY + dt.timedelta(days=40))
    # Inès is Essential: her birthday serves only her own requests
    consent(cast, cast.other_client, ConsentTier.ESSENTIAL, email=True)
    OccasionFactory(client=cast.other_client, kind="birthday", date=TODAY + dt.timedelta(days=10))
    # A quiet VIC in the owner's book (bought 120 days ago, no contact since), reachable by SMS
    vic = ClientFactory(
        home_boutique=cast.paris,
        first_name="Victoire",
        is_vic=True,
        last_purchase_at=at(TODAY - dt.timedelta(days=120)),
        lifetime_spend=Decimal("5000"),
    )
    consent(cast, vic, ConsentTier.PERSONAL, sms=True)
    # A quiet big spender who allows no channel: no call to make
    unreachable = ClientFactory(
        home_boutique=cast.paris,
        first_name="Ombeline",
        last_purchase_at=at(TODAY - dt.timedelta(days=200)),
        lifetime_spend=Decimal("90000"),
    )
    consent(cast, unreachable, ConsentTier.PERSONAL)
    # A big spender contacted last month: not lapsing
    recent = ClientFactory(
        home_boutique=cast.paris,
        first_name="Roxane",
        last_purchase_at=at(TODAY - dt.timedelta(days=150)),
        last_contact_at=at(TODAY - dt.timedelta(days=30)),
        lifetime_spend=Decimal("90000"),
    )
    consent(cast, recent, ConsentTier.PERSONAL, email=True)
    put_in_book(cast.owner, vic, unreachable, recent)
    return {"thanked": thanked, "birthday": birthday, "gala": gala, "vic": vic}


@time_machine.travel(MORNING, tick=False)
def test_generation_makes_the_days_follow_ups(cast, world):
    counts = follow_ups_generate(today=TODAY)
    assert counts == {"thank_you": 1, "occasion": 2, "lapsing": 1, "woken": 0}
    rows = {
        (f.kind, f.client.first_name, f.stylist.user.username, f.due_on)
        for f in FollowUp.objects.select_related("client", "stylist__user")
    }
    assert rows == {
        # the thank-you goes to the advisor credited with the sale
        ("thank_you", "Camille", "colleague", TODAY),
        ("occasion", "Camille", "owner", TODAY),  # birthday 21 days ahead
        ("occasion", "Camille", "owner", TODAY),  # gala: due 30 days before, i.e. now
        ("lapsing", "Victoire", "owner", TODAY),
    }
    gala = FollowUp.objects.get(occasion=world["gala"])
    assert gala.reason.startswith("Opera gala on ")


@time_machine.travel(MORNING, tick=False)
def test_generation_is_idempotent(cast, world):
    follow_ups_generate(today=TODAY)
    before = list(FollowUp.objects.order_by("pk").values_list("dedupe_key", "status"))
    again = follow_ups_generate(today=TODAY)
    assert again == {"thank_you": 0, "occasion": 0, "lapsing": 0, "woken": 0}
    assert list(FollowUp.objects.order_by("pk").values_list("dedupe_key", "status")) == before


@time_machine.travel(MORNING, tick=False)
def test_a_dismissed_follow_up_does_not_come_back_the_next_night(cast, world):
    follow_ups_generate(today=TODAY)
    lapsing = FollowUp.objects.get(kind=FollowUpKind.LAPSING)
    follow_up_dismiss(follow_up=lapsing)
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        follow_ups_generate(today=TODAY + dt.timedelta(days=1))
    assert FollowUp.objects.filter(kind=FollowUpKind.LAPSING).count() == 1


@time_machine.travel(MORNING, tick=False)
def test_the_beat_task_runs_the_same_generation(cast, world):
    assert generate_follow_ups.delay(TODAY.isoformat()).get()["occasion"] == 2


@time_machine.travel(MORNING, tick=False)
@override_settings(FOLLOW_UP_OCCASION_LEAD_DAYS={"birthday": 7, "*": 7})
def test_the_lead_days_are_configurable(cast, world):
    follow_ups_generate(today=TODAY)
    assert not FollowUp.objects.filter(kind=FollowUpKind.OCCASION).exists()


@time_machine.travel(MORNING, tick=False)
def test_one_thank_you_per_client_while_one_is_open(cast, world):
    follow_ups_generate(today=TODAY)
    OrderFactory(client=cast.client, placed_at=at(TODAY - dt.timedelta(days=2)))
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        counts = follow_ups_generate(today=TODAY + dt.timedelta(days=1))
    assert counts["thank_you"] == 0


# --- One click each -------------------------------------------------------------------------------


@pytest.fixture
def follow_up(cast):
    return FollowUp.objects.create(
        stylist=cast.owner,
        client=cast.client,
        kind=FollowUpKind.CUSTOM,
        due_on=TODAY,
        reason="Call about the alteration",
        dedupe_key="custom:test",
    )


@time_machine.travel(MORNING, tick=False)
def test_done_is_idempotent(follow_up):
    follow_up_complete(follow_up=follow_up)
    first = follow_up.completed_at
    follow_up_complete(follow_up=follow_up)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE
    assert follow_up.completed_at == first


@time_machine.travel(MORNING, tick=False)
def test_snooze_brings_it_back_on_the_day(cast, follow_up):
    follow_up_snooze(follow_up=follow_up, days=3, today=TODAY)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.SNOOZED
    assert follow_up.snoozed_until == TODAY + dt.timedelta(days=3)
    with time_machine.travel(MORNING + dt.timedelta(days=3), tick=False):
        counts = follow_ups_generate(today=TODAY + dt.timedelta(days=3))
    assert counts["woken"] == 1
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN


@time_machine.travel(MORNING, tick=False)
def test_snooze_refuses_odd_lengths_and_closed_follow_ups(follow_up):
    with pytest.raises(ValidationError):
        follow_up_snooze(follow_up=follow_up, days=2)
    follow_up_dismiss(follow_up=follow_up)
    with pytest.raises(ValidationError):
        follow_up_snooze(follow_up=follow_up, days=1)
