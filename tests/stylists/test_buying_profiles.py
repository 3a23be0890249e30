"""The buying profile (the nightly segment) where advisors work: story, book filter, CSV export.

Shown only where the client's consent lets her purchases serve analytics, read now.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentTier
from recommendations.models import ClientOutlook, ClientSegment, LifecycleStage
from tests.factories.clients import ClientFactory
from tests.factories.stylists import put_in_book
from tests.stylists.conftest import consent

pytestmark = pytest.mark.django_db

BOOK_URL = "/stylist/clients/"
EXPORT_URL = "/stylist/clients/export.csv"
LEATHER = "Loyal collectors of leather goods"


def segment(name: str, rank: int = 0) -> ClientSegment:
    return ClientSegment.objects.create(
        name=name,
        description=f"12 clients who typically bought 6 times; {name.lower()}.",
        size=12,
        rank=rank,
        silhouette=0.41,
        computed_at=timezone.now(),
    )


def score(client, group: ClientSegment | None, risk: float = 0.3) -> ClientOutlook:
    return ClientOutlook.objects.update_or_create(
        client=client,
        defaults={
            "stage": LifecycleStage.ACTIVE,
            "churn_risk": risk,
            "expected_purchases": 2.25,
            "predicted_value": Decimal("5400"),
            "reasons": [],
            "segment": group,
            "scored_at": timezone.now(),
        },
    )[0]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 200),
        ("colleague", 404),
        ("stylist_elsewhere", 404),
        ("manager", 200),
        ("client_user", 404),
        ("anonymous", 302),
    ],
)
def test_who_sees_the_buying_profile_on_the_story(cast, persona, status):
    score(cast.client, segment(LEATHER))
    url = reverse("stylists:client_detail", args=[cast.client.public_id])
    response = cast.http(persona).get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert (LEATHER in html) == (status == 200)
    if status == 200:
        assert "Buying profile" in html
        assert "12 clients who typically bought 6 times" in html


def test_a_withdrawal_hides_the_buying_profile_at_once(cast):
    score(cast.client, segment(LEATHER))
    consent(cast, cast.client, ConsentTier.ESSENTIAL)
    url = reverse("stylists:client_detail", args=[cast.client.public_id])
    assert LEATHER not in cast.http("owner").get(url).content.decode()


def test_the_book_filters_by_buying_profile(cast):
    leather, scent = segment(LEATHER), segment("Lapsing occasional buyers of fragrance", 1)
    score(cast.client, leather)
    score(cast.other_client, scent)
    http = cast.http("owner")

    def names(params):
        return [c.full_name for c in http.get(BOOK_URL, params).context["rows"]]

    assert names({"profile": str(leather.pk)}) == ["Camille Laurent"]
    assert names({"profile": str(scent.pk)}) == ["Inès Moreau"]
    assert len(names({"profile": "nonsense"})) == 2  # ignored, not an error
    html = http.get(BOOK_URL).content.decode()
    assert f'<option value="{leather.pk}">{LEATHER}</option>' in html
    assert LEATHER in html  # under the segment column

    consent(cast, cast.client, ConsentTier.ESSENTIAL)  # withdrawn: out of the filter at once
    assert names({"profile": str(leather.pk)}) == []


def test_the_book_filtered_by_profile_costs_the_same(
    cast, count_queries, django_assert_max_num_queries
):
    leather = segment(LEATHER)

    def add(n, start):
        for i in range(start, start + n):
            client = ClientFactory(home_boutique=cast.paris, last_name=f"Profile{i:03d}")
            consent(cast, client, ConsentTier.PERSONAL, email=True)
            put_in_book(cast.owner, client)
            score(client, leather)

    add(3, 0)
    http = cast.http("owner")
    params = {"profile": str(leather.pk), "sort": "value"}
    http.get(BOOK_URL, params)
    small = count_queries(lambda: http.get(BOOK_URL, params))
    add(9, 3)
    with django_assert_max_num_queries(small):
        assert len(http.get(BOOK_URL, params).context["rows"]) == 12


def test_the_export_carries_the_outlook_columns(cast):
    score(cast.client, segment(LEATHER), risk=0.625)
    body = b"".join(cast.http("owner").get(EXPORT_URL).streaming_content).decode()
    rows = {r["first_name"]: r for r in csv.DictReader(io.StringIO(body[1:]))}

    camille, ines = rows["Camille"], rows["Inès"]
    assert camille["outlook_stage"] == "active"
    assert camille["churn_risk"] == "0.62"
    assert camille["expected_purchases_12m"] == "2.25"
    assert camille["predicted_value_12m"] == "5400.00"
    assert camille["buying_profile"] == LEATHER
    assert all(ines[c] == "" for c in ("outlook_stage", "churn_risk", "buying_profile"))


def test_the_export_leaves_out_a_withdrawn_outlook(cast):
    score(cast.client, segment(LEATHER))
    consent(cast, cast.client, ConsentTier.ESSENTIAL)
    body = b"".join(cast.http("owner").get(EXPORT_URL).streaming_content).decode()
    assert LEATHER not in body
    assert "5400" not in body


def test_the_book_filter_reads_the_segments_once_per_form(django_assert_num_queries) -> None:
    # Drawn, a select asks for its choices twice (its first option decides `required`),
    # and a chosen profile is checked against them once more: one query serves all three.
    from stylists.forms import BookFilterForm

    leather = segment(LEATHER)
    form = BookFilterForm({"profile": str(leather.pk)})
    with django_assert_num_queries(1):
        assert form.is_valid(), form.errors
        drawn = str(form["profile"])
    assert f'<option value="{leather.pk}" selected>{LEATHER}</option>' in drawn
    other = BookFilterForm({})  # another form (another request) reads them afresh
    segment("Evening wear devotees", rank=1)
    with django_assert_num_queries(1):
        assert "Evening wear devotees" in str(other["profile"])
