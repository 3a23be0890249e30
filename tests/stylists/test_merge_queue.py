"""The merge queue: managers review suggested duplicates, merge one into the other, or keep them
apart; a merge can be undone. Everyone else: 404 (anonymous: the sign-in page)."""

from __future__ import annotations

import pytest

from clients.merging import client_merge, merge_suggestions_refresh
from clients.models import Client, ClientStatus, MergeStatus, MergeSuggestion
from tests.factories.clients import ClientFactory

pytestmark = pytest.mark.django_db

URL = "/stylist/team/merges/"


@pytest.fixture
def twin(cast):
    twin = ClientFactory(first_name="Camile", last_name="Laurent", home_boutique=cast.paris)
    merge_suggestions_refresh()
    return twin


def suggestion() -> MergeSuggestion:
    return MergeSuggestion.objects.get()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("manager", 200),
        ("head_office", 200),
        ("manager_elsewhere", 200),  # their own (empty) queue
        ("owner", 404),
        ("colleague", 404),
        ("stylist_elsewhere", 404),
        ("client_user", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_open_the_queue(cast, twin, persona, status):
    response = cast.http(persona).get(URL)

    assert response.status_code == status
    if persona == "anonymous":
        assert "/login" in response["Location"] or "login" in response["Location"]


def test_the_manager_sees_the_pair_with_its_evidence(cast, twin):
    response = cast.http("manager").get(URL)

    assert response.context["suggestions"] == [suggestion()]
    page = response.content.decode()
    assert "Camile Laurent" in page
    assert "Names 97% alike" in page
    assert "Same city" in page


def test_a_manager_of_another_boutique_sees_nothing_and_cannot_act(cast, twin):
    http = cast.http("manager_elsewhere")

    assert http.get(URL).context["suggestions"] == []
    keep = cast.client.public_id
    assert http.post(f"{URL}{suggestion().public_id}/merge/", {"keep": keep}).status_code == 404
    assert http.post(f"{URL}{suggestion().public_id}/reject/").status_code == 404
    assert suggestion().status == MergeStatus.PENDING


@pytest.mark.parametrize("persona", ["owner", "colleague", "stylist_elsewhere", "client_user"])
def test_advisors_and_clients_cannot_merge(cast, twin, persona):
    response = cast.http(persona).post(
        f"{URL}{suggestion().public_id}/merge/", {"keep": cast.client.public_id}
    )

    assert response.status_code == 404
    assert Client.objects.get(pk=twin.pk).status == ClientStatus.ACTIVE


def test_the_manager_merges_keeping_the_profile_she_chose(cast, twin):
    response = cast.http("manager").post(
        f"{URL}{suggestion().public_id}/merge/", {"keep": cast.client.public_id}
    )

    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.status == ClientStatus.MERGED
    assert twin.merged_into == cast.client
    assert suggestion().status == MergeStatus.ACCEPTED
    assert suggestion().decided_by == cast.manager.user


def test_merging_without_choosing_says_so(cast, twin):
    response = cast.http("manager").post(f"{URL}{suggestion().public_id}/merge/", follow=True)

    assert "Choose the profile to keep." in response.content.decode()
    assert Client.objects.get(pk=twin.pk).status == ClientStatus.ACTIVE


def test_not_the_same_person(cast, twin):
    cast.http("manager").post(f"{URL}{suggestion().public_id}/reject/")

    assert suggestion().status == MergeStatus.REJECTED
    assert cast.http("manager").get(URL).context["suggestions"] == []


def test_the_manager_undoes_a_merge(cast, twin):
    merge = client_merge(survivor=cast.client, absorbed=twin)

    response = cast.http("manager").post(f"{URL}done/{merge.public_id}/undo/")

    assert response.status_code == 302
    assert Client.objects.get(pk=twin.pk).status == ClientStatus.ACTIVE
    assert (
        cast.http("manager_elsewhere").post(f"{URL}done/{merge.public_id}/undo/").status_code == 404
    )


def test_actions_are_post_only(cast, twin):
    http = cast.http("manager")

    assert http.get(f"{URL}{suggestion().public_id}/merge/").status_code == 405
    assert http.post(URL).status_code == 405


def test_the_queue_costs_the_same_with_more_pairs(cast, count_queries):
    http = cast.http("manager")

    def pairs(n, start):
        for i in range(start, start + n):
            ClientFactory(first_name=f"Anne{i}", last_name="Martin", home_boutique=cast.paris)
            ClientFactory(first_name=f"Ane{i}", last_name="Martin", home_boutique=cast.paris)
        merge_suggestions_refresh()

    pairs(2, 0)
    small_pairs = MergeSuggestion.objects.count()
    small = count_queries(lambda: http.get(URL))
    pairs(6, 10)
    assert MergeSuggestion.objects.count() > small_pairs
    large = count_queries(lambda: http.get(URL))
    assert small == large
