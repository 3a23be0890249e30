"""The consent policy: tiers, channels, derivation from the newest record, append-only history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clients.models import Client
from consent import policy
from consent.models import AppendOnlyError, ConsentRecord, ConsentTier
from consent.policy import Channel, DataKind, MessageKind, Purpose
from consent.services import ConsentError, consent_record, consent_revoke_channel
from tests.factories.catalog import ProductFactory
from tests.factories.clients import ClientFactory
from tests.factories.consent import ConsentRecordFactory, PolicyVersionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("tier", "kind", "purpose", "allowed"),
    [
        ("essential", DataKind.PURCHASES, Purpose.SERVICE, True),
        ("essential", DataKind.PURCHASES, Purpose.MODEL_TRAINING, False),
        ("essential", DataKind.PURCHASES, Purpose.PERSONALISATION, False),
        ("essential", DataKind.BROWSING, Purpose.SERVICE, False),
        ("personal", DataKind.PURCHASES, Purpose.MODEL_TRAINING, True),
        ("personal", DataKind.OCCASIONS, Purpose.PROACTIVE_OUTREACH, True),
        ("personal", DataKind.BROWSING, Purpose.MODEL_TRAINING, False),
        ("personal", DataKind.SAVED_ITEMS, Purpose.SERVICE, True),
        ("personal", DataKind.SAVED_ITEMS, Purpose.MODEL_TRAINING, False),
        ("bespoke", DataKind.BROWSING, Purpose.MODEL_TRAINING, True),
        ("bespoke", DataKind.CROSS_DEVICE, Purpose.PERSONALISATION, True),
    ],
)
def test_tier_table(tier, kind, purpose, allowed):
    assert policy.tier_allows(tier, kind, purpose) is allowed


def test_no_record_means_essential_and_no_channels():
    client = ClientFactory()
    state = policy.current_consent(client)
    assert state.tier == ConsentTier.ESSENTIAL
    assert state.channels == frozenset()
    assert not state.has_record
    assert not policy.may_contact(client, Channel.EMAIL, MessageKind.SERVICE)


def test_current_consent_is_the_newest_record():
    client = ClientFactory()
    now = timezone.now()
    ConsentRecordFactory(
        client=client, tier="bespoke", sms=True, recorded_at=now - dt.timedelta(days=3)
    )
    ConsentRecordFactory(client=client, tier="essential", email=True, recorded_at=now)
    state = policy.current_consent(client)
    assert state.tier == "essential"
    assert state.channels == frozenset({"email"})
    assert policy.current_consents([client.pk])[client.pk] == state


def test_bulk_consents_take_one_query(django_assert_num_queries):
    clients = ClientFactory.create_batch(5)
    for c in clients:
        ConsentRecordFactory(client=c, tier="personal")
    with django_assert_num_queries(1):
        states = policy.current_consents([c.pk for c in clients])
    assert {s.tier for s in states.values()} == {"personal"}


def test_reading_consent_leaves_the_policy_text_and_the_proof_in_the_database():
    # Every page that asks what a client allows reads her consent: only the columns the
    # answer is made of travel, never the policy's full text, the proof or the note.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = ClientFactory()
    ConsentRecordFactory(client=client, tier="personal", email=True, proof_text="signed")
    with CaptureQueriesContext(connection) as queries:
        one = policy.current_consent(client)
        many = policy.current_consents([client.pk])
    assert one == many[client.pk]
    assert one.tier == "personal"
    assert one.channels == frozenset({Channel.EMAIL})
    assert one.policy_version
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    for column in ("full_text", "summary", "proof_text", '"note"'):
        assert column not in sql


def test_annotate_and_filter_clients_by_consent():
    essential, personal, bespoke = ClientFactory.create_batch(3)
    ConsentRecordFactory(client=essential, tier="essential")
    ConsentRecordFactory(client=personal, tier="personal", sms=True)
    ConsentRecordFactory(client=bespoke, tier="bespoke")
    training = policy.filter_clients_allowing(
        Client.objects.all(), DataKind.BROWSING, Purpose.MODEL_TRAINING
    )
    assert list(training) == [bespoke]
    purchases = set(
        Client.objects.filter(
            pk__in=policy.client_ids_allowing(DataKind.PURCHASES, Purpose.MODEL_TRAINING)
        )
    )
    assert purchases == {personal, bespoke}
    reachable = policy.filter_clients_reachable(
        Client.objects.all(), Channel.SMS, MessageKind.PROACTIVE
    )
    assert list(reachable) == [personal]


def test_the_per_row_condition_agrees_with_the_set_for_every_kind_and_purpose():
    """policy.allowing (each row's own newest record, for pages) and client_ids_allowing
    (every client's, for nightly jobs) pick the same clients, on clients and on rows
    that point at them; a newer record lowering the tier counts, no record is essential."""
    from clients.models import Interaction

    none, essential, personal, bespoke, lowered = ClientFactory.create_batch(5)
    ConsentRecordFactory(client=essential, tier="essential")
    ConsentRecordFactory(client=personal, tier="personal")
    ConsentRecordFactory(client=bespoke, tier="bespoke")
    ConsentRecordFactory(
        client=lowered, tier="bespoke", recorded_at=timezone.now() - dt.timedelta(days=3)
    )
    ConsentRecordFactory(client=lowered, tier="essential")
    everyone = [none, essential, personal, bespoke, lowered]
    product = ProductFactory()
    for client in everyone:
        Interaction.objects.create(
            client=client, product=product, kind="view", occurred_at=timezone.now()
        )
    for kind in DataKind:
        for purpose in Purpose:
            by_set = set(Client.objects.filter(pk__in=policy.client_ids_allowing(kind, purpose)))
            by_row = set(Client.objects.filter(policy.allowing(kind, purpose)))
            assert by_row == by_set, (kind, purpose)
            rows = Interaction.objects.filter(policy.allowing(kind, purpose, "client_id"))
            assert {row.client for row in rows} == by_set, (kind, purpose)
    assert set(Client.objects.filter(policy.allowing(DataKind.PURCHASES, Purpose.ANALYTICS))) == {
        personal,
        bespoke,
    }


def test_proactive_needs_personal_tier_even_on_an_allowed_channel():
    client = ClientFactory()
    ConsentRecordFactory(client=client, tier="essential", email=True)
    assert policy.may_contact(client, Channel.EMAIL, MessageKind.SERVICE)
    decision = policy.may_contact(client, Channel.EMAIL, MessageKind.PROACTIVE)
    assert not decision
    assert "service messages only" in decision.reason


def test_a_consent_decision_reads_once_and_answers_without_queries(
    django_assert_num_queries,
):
    client = ClientFactory()
    ConsentRecordFactory(client=client, tier="personal", email=True)
    with django_assert_num_queries(1):
        decided = policy.consent_decision(client)
    with django_assert_num_queries(0):
        assert decided.client_id == client.pk
        assert decided.tier == "personal"
        assert decided.channels == frozenset({"email"})
        assert decided.may_contact("email", "proactive")
        assert not decided.may_contact(Channel.SMS, MessageKind.SERVICE)
        assert decided.may_draft_with_model()
        assert decided.may_use(DataKind.SIZES, Purpose.PERSONALISATION)
        # Already decided: handed back as is, and accepted wherever a state is
        assert policy.consent_decision(decided) is decided
        assert policy.may_contact(decided, Channel.EMAIL, MessageKind.PROACTIVE)
    with pytest.raises(AttributeError):
        decided.state = policy.ConsentState(client_id=client.pk)


def test_records_are_append_only():
    record = ConsentRecordFactory()
    record.tier = "bespoke"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.filter(pk=record.pk).update(tier="bespoke")
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.all().delete()


def test_consent_record_service_appends_and_reports_narrowing():
    PolicyVersionFactory()
    client = ClientFactory()
    first = consent_record(
        client=client,
        tier="bespoke",
        channels=["email", "sms"],
        source="concierge",
        proof_text="Bespoke, as shown.",
    )
    assert not first.narrowed
    second = consent_revoke_channel(
        client=client, channel="sms", source="sms_stop", proof_text="STOP"
    )
    assert second.revoked_channels == {"sms"}
    assert not second.tier_lowered
    third = consent_record(
        client=client,
        tier="personal",
        channels=["email"],
        source="concierge",
        proof_text="Personal, as shown.",
    )
    assert third.tier_lowered
    assert ConsentRecord.objects.filter(client=client).count() == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tier": "platinum"}, "Unknown consent tier"),
        ({"channels": ["carrier-pigeon"]}, "Unknown channel"),
        ({"source": "rumour"}, "Unknown consent source"),
        ({"proof_text": "  "}, "proof text"),
    ],
)
def test_consent_record_refuses_bad_input_and_stores_nothing(kwargs, message):
    PolicyVersionFactory()
    client = ClientFactory()
    arguments = {
        "client": client,
        "tier": "personal",
        "channels": ["email"],
        "source": "boutique",
        "proof_text": "Shown.",
    } | kwargs
    with pytest.raises(ConsentError, match=message):
        consent_record(**arguments)
    assert not ConsentRecord.objects.filter(client=client).exists()


def test_lowering_the_tier_withdraws_drafts_in_the_same_transaction(cast):
    from recommendations.models import LookbookStatus, ReviewEvent
    from tests.factories.recommendations import LookbookFactory

    # Given a Bespoke client with a machine draft built on browsing, and a hand-made draft
    consent_record(
        client=cast.client,
        tier="bespoke",
        channels=["email"],
        source="concierge",
        proof_text="Bespoke.",
    )
    machine = LookbookFactory(client=cast.client, data_basis={"kinds": ["purchases", "browsing"]})
    by_hand = LookbookFactory(client=cast.client, origin="stylist", data_basis={"kinds": []})
    published = LookbookFactory(
        client=cast.client, status=LookbookStatus.PUBLISHED, data_basis={"kinds": ["browsing"]}
    )
    # When she steps down to Personal
    change = consent_record(
        client=cast.client,
        tier="personal",
        channels=["email"],
        source="concierge",
        proof_text="Personal.",
    )
    # Then the draft built on browsing is withdrawn with a reason; the others stay
    assert change.tier_lowered
    machine.refresh_from_db()
    by_hand.refresh_from_db()
    published.refresh_from_db()
    assert machine.status == LookbookStatus.WITHDRAWN
    assert "Consent lowered" in machine.closed_reason
    assert by_hand.status == LookbookStatus.DRAFT
    assert published.status == LookbookStatus.PUBLISHED
    assert ReviewEvent.objects.filter(lookbook=machine, action="withdraw").count() == 1


def test_essential_withdraws_every_machine_draft(cast):
    from recommendations.models import LookbookStatus
    from tests.factories.recommendations import LookbookFactory

    machine = LookbookFactory(client=cast.client, data_basis={"kinds": ["purchases"]})
    consent_record(
        client=cast.client,
        tier="essential",
        channels=[],
        source="concierge",
        proof_text="Essential.",
    )
    machine.refresh_from_db()
    assert machine.status == LookbookStatus.WITHDRAWN


def test_the_withdrawal_handler_is_registered():
    from consent.services import consent_change_handlers
    from recommendations.services import lookbooks_withdraw_on_consent_change

    assert lookbooks_withdraw_on_consent_change in consent_change_handlers()
