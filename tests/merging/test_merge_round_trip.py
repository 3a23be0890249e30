"""Merging two profiles of one client, and undoing it: nothing lost, nothing duplicated.

Given Camille (the cast's client, Élise's book, Personal on e-mail) and a second
profile of hers made by another boutique's till (Hugo's book, Bespoke on e-mail and
SMS), with something of every kind on both sides.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from clients.merging import MergeError, client_merge, client_relations, client_unmerge
from clients.merging.moves import STAYS
from clients.models import Client, ClientMerge, ClientStatus, Identity, OccasionKind
from consent import policy
from consent.models import ConsentRecord, ConsentTier
from stylists.models import Appointment, BookAssignment, ClientNote, Message
from tests.factories.catalog import ProductFactory
from tests.factories.clients import (
    ClientFactory,
    InteractionFactory,
    OccasionFactory,
    OrderFactory,
    OrderLineFactory,
    WishlistItemFactory,
)
from tests.factories.consent import ConsentRecordFactory
from tests.factories.recommendations import LookbookFactory
from tests.factories.stylists import put_in_book

pytestmark = pytest.mark.django_db


def give_everything(client: Client, stylist, shared_piece) -> None:
    order = OrderFactory(client=client, total=Decimal("1200"))
    OrderLineFactory(order=order)
    OrderLineFactory(order=order)
    InteractionFactory(client=client)
    OccasionFactory(client=client, kind=OccasionKind.BIRTHDAY, date=dt.date(1988, 5, 14))
    ClientNote.objects.create(client=client, author=stylist, body="Prefers silk")
    WishlistItemFactory(client=client, product=shared_piece)
    WishlistItemFactory(client=client)
    LookbookFactory(client=client)
    Message.objects.create(
        client=client,
        stylist=stylist,
        direction="out",
        channel="email",
        body="Bonjour",
        created_at=timezone.now(),
    )
    Appointment.objects.create(
        client=client,
        stylist=stylist,
        boutique=stylist.boutique,
        kind="boutique",
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=3, hours=1),
    )


def holdings(client: Client) -> dict[str, set[int]]:
    """Every row pointing at the client, by model and field (what a merge may move)."""
    held = {}
    for label, model, field in client_relations():
        held[f"{label}.{field}"] = set(
            model._default_manager.filter(**{f"{field}_id": client.pk}).values_list("pk", flat=True)
        )
    return held


def world(*clients: Client) -> dict[str, object]:
    """Everything a merge touches and an unmerge must restore."""
    return {
        "holdings": {  # the merge's own audit row and new consent records aside
            c.pk: {k: v for k, v in holdings(c).items() if k.rsplit(".", 1)[0] not in STAYS}
            for c in clients
        },
        "identities": sorted(Identity.objects.values_list("pk", "client_id", "is_primary")),
        "assignments": sorted(
            BookAssignment.objects.values_list("pk", "client_id", "stylist_id", "ended_at")
        ),
        "clients": sorted(
            Client.objects.filter(pk__in=[c.pk for c in clients]).values_list(
                "pk",
                "status",
                "merged_into",
                "user",
                "sizes",
                "preferred_name",
                "is_vic",
                "orders_count",
                "lifetime_spend",
            )
        ),
    }


@pytest.fixture
def duplicate(cast):
    shared_piece = ProductFactory()
    camille = cast.client
    camille.preferred_name = ""
    camille.save()
    twin = ClientFactory(
        first_name="Camile",
        last_name="Laurent",
        email="c.laurent@example.org",
        phone="+33698765432",
        home_boutique=cast.paris,
        sizes={"shoes": "39", "ring": "52"},
        preferred_name="Cami",
        is_vic=True,
    )
    put_in_book(cast.colleague, twin)
    ConsentRecordFactory(
        client=twin, tier=ConsentTier.BESPOKE, email=True, sms=True, policy_version=cast.policy
    )
    ConsentRecordFactory(client=camille, tier=ConsentTier.PERSONAL, email=True, sms=False)
    give_everything(camille, cast.owner, shared_piece)
    give_everything(twin, cast.colleague, shared_piece)
    from clients.services import client_stats_refresh

    client_stats_refresh()
    return twin


def test_a_merge_moves_every_row_to_the_survivor_once(cast, duplicate):
    camille, twin = cast.client, duplicate
    before = {c.pk: holdings(c) for c in (camille, twin)}

    merge = client_merge(survivor=camille, absorbed=twin, performed_by=cast.manager.user)

    after = {c.pk: holdings(Client.objects.get(pk=c.pk)) for c in (camille, twin)}
    for key in before[camille.pk]:
        label = key.rsplit(".", 1)[0]
        kept = set(merge.kept_apart.get(label, []))
        union = before[camille.pk][key] | before[twin.pk][key]
        if label in STAYS:  # evidence and history stay with the profile they describe
            if not label.startswith("clients.clientmerge"):
                assert after[twin.pk][key] == before[twin.pk][key], key
            continue
        # Everything is on one side or the other, never both, never gone
        assert after[camille.pk][key] | after[twin.pk][key] == union, key
        assert not after[camille.pk][key] & after[twin.pk][key], key
        assert after[twin.pk][key] == kept, key
    for key in (
        "clients.order.client",
        "clients.interaction.client",
        "clients.occasion.client",
        "stylists.clientnote.client",
        "recommendations.lookbook.client",
        "stylists.message.client",
        "stylists.appointment.client",
        "clients.identity.client",
        "clients.clientuserobjectpermission.content_object",
    ):
        assert merge.moved[key], key
    # the same piece on both wishlists stays apart: not duplicated, not lost
    assert len(merge.kept_apart["clients.wishlistitem"]) == 1


def test_the_survivor_gains_what_only_the_duplicate_knew_and_keeps_one_book(cast, duplicate):
    merge = client_merge(survivor=cast.client, absorbed=duplicate, performed_by=None)

    camille = Client.objects.get(pk=cast.client.pk)
    twin = Client.objects.get(pk=duplicate.pk)
    assert twin.status == ClientStatus.MERGED
    assert twin.merged_into == camille
    assert camille.preferred_name == "Cami"
    assert camille.sizes == {"ready_to_wear": "38", "shoes": "38.5", "ring": "52"}
    assert camille.is_vic
    assert camille.orders_count == 2
    assert camille.lifetime_spend == Decimal("2400")
    assert BookAssignment.objects.filter(client=camille, ended_at__isnull=True).count() == 1
    assert merge.closed_assignments
    # one primary identity per kind, the duplicate's become secondary
    primaries = Identity.objects.filter(client=camille, is_primary=True)
    assert sorted(primaries.values_list("kind", flat=True)) == ["email", "phone"]
    assert Identity.objects.filter(client=camille).count() == 4
    # the colleague whose book held the duplicate may now see Camille
    assert cast.colleague.user.has_perm("clients.view_client", camille)


def test_consent_after_a_merge_is_the_stricter_recorded_citing_the_merge(cast, duplicate):
    merge = client_merge(survivor=cast.client, absorbed=duplicate, performed_by=cast.manager.user)

    state = policy.current_consent(cast.client)
    assert state.tier == ConsentTier.PERSONAL  # Bespoke vs Personal: Personal
    assert state.channels == {"email"}  # SMS was only on the duplicate's side
    record = ConsentRecord.objects.get(pk=merge.consent_record_id)
    assert str(merge.public_id) in record.note
    assert str(merge.public_id) in record.proof_text
    assert record.client_id == cast.client.pk
    # the duplicate's own records stay hers (append-only evidence)
    assert ConsentRecord.objects.filter(client=duplicate).count() == 1


def test_a_narrower_duplicate_narrows_the_survivor_per_channel(cast, duplicate):
    ConsentRecordFactory(client=duplicate, tier=ConsentTier.ESSENTIAL, email=False, sms=True)

    client_merge(survivor=cast.client, absorbed=duplicate)

    state = policy.current_consent(cast.client)
    assert (state.tier, state.channels) == (ConsentTier.ESSENTIAL, frozenset())


def test_unmerge_restores_what_each_side_had(cast, duplicate):
    camille, twin = cast.client, duplicate
    before = world(camille, twin)
    consent_before = policy.current_consent(camille)

    merge = client_merge(survivor=camille, absorbed=twin, performed_by=cast.manager.user)
    assert world(camille, twin) != before
    client_unmerge(merge=merge, performed_by=cast.manager.user, reason="Two people after all")

    assert world(camille, twin) == before
    after = policy.current_consent(camille)
    assert (after.tier, after.channels) == (consent_before.tier, consent_before.channels)
    merge.refresh_from_db()
    assert merge.unmerged_at is not None
    assert merge.unmerge_reason == "Two people after all"


def test_a_consent_choice_made_after_the_merge_survives_the_unmerge(cast, duplicate):
    merge = client_merge(survivor=cast.client, absorbed=duplicate)
    ConsentRecordFactory(client=cast.client, tier=ConsentTier.ESSENTIAL, email=False)

    client_unmerge(merge=merge)

    assert policy.current_consent(cast.client).tier == ConsentTier.ESSENTIAL


def test_a_merge_is_one_transaction(cast, duplicate, monkeypatch):
    before = world(cast.client, duplicate)

    def boom(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("clients.merging.moves.client_stats_refresh", boom)
    with pytest.raises(RuntimeError):
        client_merge(survivor=cast.client, absorbed=duplicate)

    assert world(cast.client, duplicate) == before
    assert not ClientMerge.objects.exists()


@pytest.mark.parametrize("case", ["itself", "twice", "two_logins", "undo_twice"])
def test_merges_that_cannot_be_done_say_why(cast, duplicate, case):
    if case == "itself":
        with pytest.raises(MergeError, match="into itself"):
            client_merge(survivor=cast.client, absorbed=cast.client)
    elif case == "twice":
        client_merge(survivor=cast.client, absorbed=duplicate)
        with pytest.raises(MergeError, match="only active profiles"):
            client_merge(survivor=cast.client, absorbed=duplicate)
    elif case == "two_logins":
        with pytest.raises(MergeError, match="concierge login"):
            client_merge(survivor=cast.client, absorbed=cast.other_client)
    else:
        merge = client_merge(survivor=cast.client, absorbed=duplicate)
        client_unmerge(merge=merge)
        with pytest.raises(MergeError, match="already undone"):
            client_unmerge(merge=merge)


def test_every_relation_to_a_client_is_either_moved_or_named_as_staying():
    labels = {label for label, _, _ in client_relations()}
    # A new model pointing at Client moves with a merge unless named in STAYS: this list
    # is here so that the choice is made on purpose.
    assert labels - STAYS >= {
        "clients.identity",
        "clients.order",
        "clients.interaction",
        "clients.occasion",
        "clients.wishlistitem",
        "clients.clientuserobjectpermission",
        "stylists.clientnote",
        "stylists.bookassignment",
        "stylists.appointment",
        "stylists.message",
        "stylists.stylingrequest",
        "stylists.followup",
        "recommendations.lookbook",
    }
