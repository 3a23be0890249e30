"""The client's occasions: shared if she wishes, changed by her, errors that keep her words."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.utils import timezone, translation

from clients.models import Occasion, OccasionKind
from tests.concierge.conftest import Story
from tests.factories.clients import OccasionFactory

TODAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@time_machine.travel(TODAY, tick=False)
def test_she_shares_an_occasion(story: Story) -> None:
    # When Camille shares her anniversary, every year
    response = story.cast.http("client_user").post(
        "/concierge/occasions/",
        {
            "kind": "anniversary",
            "title": "Our anniversary in Venice",
            "date": "2019-06-14",
            "recurring_yearly": "on",
            "notes": "Dinner on the Giudecca",
        },
    )
    # Then it is kept as hers, with its next date
    assert response.status_code == 302
    occasion = Occasion.objects.get(title="Our anniversary in Venice")
    assert occasion.client == story.cast.client
    assert occasion.source == "client"
    assert occasion.created_by == story.cast.client.user
    assert occasion.next_date == dt.date(2027, 6, 14)
    assert occasion.notes == "Dinner on the Giudecca"


@time_machine.travel(TODAY, tick=False)
def test_a_past_one_off_date_is_refused_with_her_words_kept(story: Story) -> None:
    response = story.cast.http("client_user").post(
        "/concierge/occasions/",
        {
            "kind": "gala",
            "title": "Winter ball",
            "date": "2026-01-10",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This date has passed" in html
    assert 'value="Winter ball"' in html  # nothing she typed is lost
    assert not Occasion.objects.filter(title="Winter ball").exists()


def test_a_missing_date_is_a_clear_error(story: Story) -> None:
    response = story.cast.http("client_user").post("/concierge/occasions/", {"kind": "gala"})
    assert "This field is required" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_she_edits_her_occasion(story: Story) -> None:
    day = timezone.localdate() + dt.timedelta(days=40)
    response = story.cast.http("client_user").post(
        f"/concierge/occasions/{story.occasion.pk}/",
        {
            "kind": "gala",
            "title": "Opera gala, moved",
            "date": day.isoformat(),
        },
    )
    assert response.status_code == 302
    story.occasion.refresh_from_db()
    assert story.occasion.title == "Opera gala, moved"
    assert story.occasion.next_date == day


def test_an_advisors_notes_stay_with_the_advisor(story: Story) -> None:
    # Given an occasion Élise noted, with her own notes
    occasion = OccasionFactory(client=story.cast.client, source="stylist", notes="Prefers navy")
    http = story.cast.http("client_user")
    # Then Camille does not see the notes, and editing the facts leaves them untouched
    page = http.get(f"/concierge/occasions/{occasion.pk}/").content.decode()
    assert "Prefers navy" not in page
    listing = http.get("/concierge/occasions/").content.decode()
    assert "Prefers navy" not in listing
    assert "noted by your advisor" in listing
    http.post(
        f"/concierge/occasions/{occasion.pk}/",
        {
            "kind": "gala",
            "title": "Gala",
            "date": occasion.date.isoformat(),
            "notes": "hacked",
        },
    )
    occasion.refresh_from_db()
    assert occasion.notes == "Prefers navy"
    assert occasion.title == "Gala"


def test_she_removes_an_occasion(story: Story) -> None:
    response = story.cast.http("client_user").post(
        f"/concierge/occasions/{story.occasion.pk}/delete/"
    )
    assert response.status_code == 302
    assert not Occasion.objects.filter(pk=story.occasion.pk).exists()


def test_another_clients_occasion_cannot_be_touched(story: Story, cast: Any) -> None:
    theirs = OccasionFactory(client=cast.other_client, title="Inès's birthday")
    http = cast.http("client_user")
    assert http.get(f"/concierge/occasions/{theirs.pk}/").status_code == 404
    assert http.post(f"/concierge/occasions/{theirs.pk}/delete/").status_code == 404
    assert "Inès's birthday" not in http.get("/concierge/occasions/").content.decode()
    assert Occasion.objects.filter(pk=theirs.pk).exists()


def test_the_page_says_why_and_that_it_is_optional(story: Story) -> None:
    html = story.cast.http("client_user").get("/concierge/occasions/").content.decode()
    assert "Why share them?" in html
    assert "optional" in html
    assert "Opera gala" in html


def test_essential_clients_are_told_occasions_serve_only_their_requests(
    story: Story, essential: Any
) -> None:
    html = story.cast.http("client_user").get("/concierge/occasions/").content.decode()
    assert "only to serve your own requests" in html
    assert "never write to you about them first" in html


@pytest.mark.parametrize(
    ("title", "language", "label"),
    [
        ("Birthday", "fr", "Anniversaire"),  # only the kind, in English: the kind, in French
        ("birthday ", "ja", "お誕生日"),
        ("", "de", "Geburtstag"),
        ("Opera gala", "fr", "Opera gala"),  # a name of her own stays hers
        ("Birthday", "en", "Birthday"),
    ],
)
def test_an_occasion_named_only_by_its_kind_reads_in_her_language(
    cast: Any, title: str, language: str, label: str
) -> None:
    occasion = OccasionFactory(client=cast.client, kind=OccasionKind.BIRTHDAY, title=title)
    with translation.override(language):
        assert occasion.label == label


@time_machine.travel(TODAY, tick=False)
def test_an_occasion_without_a_name_of_its_own_says_its_kind_once(story: Story) -> None:
    # Given her birthday, noted with no name but its kind, and a gala with a name
    OccasionFactory(client=story.cast.client, kind=OccasionKind.BIRTHDAY, title="")
    html = story.cast.http("client_user").get("/concierge/occasions/").content.decode()
    items = re.findall(
        r'<span class="list__title"><bdi>([^<]+)</bdi></span>\s*'
        r'<span class="list__meta">([^<]*<time[^>]*>[^<]*</time>[^<]*)',
        html,
    )
    meta = dict(items)
    # Then "Birthday · Saturday … · Birthday" is just "Birthday · Saturday …"
    assert "Birthday" not in meta["Birthday"]
    # and a named one still says what kind of occasion it is
    assert "Gala or evening" in meta["Opera gala"]
