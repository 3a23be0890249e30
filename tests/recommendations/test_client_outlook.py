"""The nightly client outlook: only clients whose consent allows analytics are read and scored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from consent.models import ConsentTier
from recommendations.models import ClientOutlook, LifecycleStage
from recommendations.pipeline.outlook import client_outlooks_refresh, reasons_of, stage_of
from recommendations.tasks import client_outlooks
from tests.factories.clients import ClientFactory, OrderFactory
from tests.factories.consent import ConsentRecordFactory

pytestmark = pytest.mark.django_db


def buy(client, *days_ago: int) -> None:
    for days in days_ago:
        OrderFactory(
            client=client,
            total=Decimal("800"),
            placed_at=timezone.now() - dt.timedelta(days=days),
        )


def test_only_clients_whose_consent_allows_analytics_are_scored(cast):
    # Camille and Inès are Personal (analytics allowed); Jeanne is Essential
    jeanne = ClientFactory(home_boutique=cast.paris)
    ConsentRecordFactory(client=jeanne, tier=ConsentTier.ESSENTIAL, policy_version=cast.policy)
    silent = ClientFactory(home_boutique=cast.paris)  # no consent record at all
    for client in (cast.client, jeanne, silent):
        buy(client, 20, 400)

    written = client_outlooks_refresh()

    scored = set(ClientOutlook.objects.values_list("client_id", flat=True))
    assert cast.client.pk in scored
    assert jeanne.pk not in scored
    assert silent.pk not in scored
    assert written == len(scored)


def test_a_client_who_withdraws_consent_loses_her_outlook(cast):
    buy(cast.client, 20)
    client_outlooks()
    assert ClientOutlook.objects.filter(client=cast.client).exists()

    ConsentRecordFactory(client=cast.client, tier=ConsentTier.ESSENTIAL, policy_version=cast.policy)
    client_outlooks()

    assert not ClientOutlook.objects.filter(client=cast.client).exists()


def test_with_enough_clients_churn_risk_and_value_are_scored(cast):
    for i in range(40):
        client = ClientFactory(home_boutique=cast.paris)
        ConsentRecordFactory(client=client, tier=ConsentTier.PERSONAL, policy_version=cast.policy)
        buy(client, *(range(10 + i, 400, 60 + i)))
    client_outlooks_refresh()
    client_outlooks_refresh()  # twice: the same rows, rewritten

    outlooks = ClientOutlook.objects.exclude(churn_risk=None)
    assert outlooks.count() == 40
    assert all(0 <= o.churn_risk <= 1 for o in outlooks)
    assert all(o.predicted_value > 0 for o in outlooks)


@pytest.mark.parametrize(
    ("days_ago", "stage"),
    [
        ((), LifecycleStage.PROSPECT),
        ((30,), LifecycleStage.NEW),
        ((30, 200), LifecycleStage.ACTIVE),
        ((250, 400), LifecycleStage.DORMANT),
        ((500,), LifecycleStage.LAPSED),
        ((30, 600), LifecycleStage.WON_BACK),
    ],
)
def test_lifecycle_stages(days_ago, stage):
    today = dt.date(2026, 11, 23)
    days = sorted(today - dt.timedelta(days=d) for d in days_ago)
    assert stage_of(days, today) == stage


def test_reasons_are_in_plain_words():
    today = dt.date(2026, 11, 23)
    days = [today - dt.timedelta(days=d) for d in (300, 260)]
    assert reasons_of(days, today) == ["quiet for 37 weeks, longer than ever between two purchases"]
    assert reasons_of([], today) == ["has not bought yet"]


def _house_of(cast, n):
    for i in range(n):
        client = ClientFactory(home_boutique=cast.paris)
        ConsentRecordFactory(client=client, tier=ConsentTier.PERSONAL, policy_version=cast.policy)
        buy(client, *(range(5 + (i * 7) % 90, 420, 45 + (i * 13) % 120)))


def _risks():
    return dict(ClientOutlook.objects.values_list("client_id", "churn_risk"))


def test_with_enough_buyers_churn_risk_comes_from_the_boosted_model(cast, monkeypatch):
    from recommendations.pipeline import outlook

    _house_of(cast, 70)
    monkeypatch.setattr(outlook, "MIN_CLIENTS_TO_BOOST", 10**9)
    client_outlooks_refresh()
    bgnbd = _risks()
    monkeypatch.setattr(outlook, "MIN_CLIENTS_TO_BOOST", 10)
    client_outlooks_refresh()
    boosted = _risks()

    assert boosted.keys() == bgnbd.keys()
    assert all(0 <= risk <= 1 for risk in boosted.values() if risk is not None)
    assert boosted != bgnbd  # the classifier's, not BG/NBD's

    # A history too short to learn from: BG/NBD's risk stands
    def too_short(*args, **kwargs):
        raise ValueError("The calibration period is too short to learn from.")

    monkeypatch.setattr(outlook, "fit_client_value_model", too_short)
    client_outlooks_refresh()
    assert _risks() == pytest.approx(bgnbd)


def test_the_score_clients_command_runs_the_nightly_outlook(cast):
    from io import StringIO

    from django.core.management import call_command

    buy(cast.client, 20, 400)
    out = StringIO()

    call_command("score_clients", stdout=out)

    assert ClientOutlook.objects.filter(client=cast.client).exists()
    assert f"Scored {ClientOutlook.objects.count()} clients." in out.getvalue()
