"""Messages: conversations unread first, a thread with its composer, refusals shown calmly."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentTier
from stylists.models import Message, OutreachTemplate
from tests.factories.catalog import ProductFactory
from tests.factories.clients import OccasionFactory, WishlistItemFactory
from tests.stylists.conftest import book_of_n, consent

pytestmark = pytest.mark.django_db

AFTERNOON = dt.datetime(2026, 11, 23, 15, 0, tzinfo=ZoneInfo("Europe/Paris"))


def inbound(client, body="Hello", minutes_ago=0, read=False):
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return Message.objects.create(
        client=client,
        direction="in",
        channel="concierge",
        body=body,
        status="received",
        created_at=at,
        read_at=at if read else None,
    )


def test_conversations_unread_first(cast):
    inbound(cast.client, "Old but read", minutes_ago=5, read=True)
    inbound(cast.other_client, "Unread", minutes_ago=60)
    response = cast.http("owner").get(reverse("stylists:messages"))
    rows = response.context["rows"]
    assert [r.full_name for r in rows] == ["Inès Moreau", "Camille Laurent"]
    assert rows[0].unread == 1
    assert rows[0].last_message.body == "Unread"


def test_opening_a_thread_marks_it_read_for_the_advisor_only(cast):
    message = inbound(cast.client)
    cast.http("manager").get(reverse("stylists:conversation", args=[cast.client.public_id]))
    message.refresh_from_db()
    assert message.read_at is None  # a manager looking in does not read it for her
    response = cast.http("owner").get(
        reverse("stylists:conversation", args=[cast.client.public_id])
    )
    message.refresh_from_db()
    assert message.read_at is not None
    assert "Write to Camille" in response.content.decode()


def test_her_words_in_arabic_keep_their_direction_in_the_advisor_s_pages(cast):
    """An Arabic message in the English pages: the list's preview is isolated (<bdi>) and the
    thread's text takes its direction from its own words (dir="auto")."""
    words = "مرحباً، هل يمكنني رؤية المعطف باللون الكحلي؟"
    inbound(cast.client, words)
    http = cast.http("owner")

    listing = http.get(reverse("stylists:messages")).content.decode()
    thread = http.get(reverse("stylists:conversation", args=[cast.client.public_id]))

    assert f"<bdi>{words}</bdi>" in listing
    assert f'<p class="timeline__text" dir="auto">{words}</p>' in thread.content.decode()


def test_the_composer_offers_only_allowed_channels_and_says_why_not(cast):
    response = cast.http("owner").get(
        reverse("stylists:conversation", args=[cast.client.public_id])
    )
    html = response.content.decode()
    offered = [o.channel for o in response.context["options"].allowed_channels]
    assert offered == ["concierge", "email"]
    assert "Camille has not allowed SMS." in html
    assert "Camille has not allowed WhatsApp." in html


@time_machine.travel(AFTERNOON, tick=False)
def test_sending_from_the_thread(cast):
    response = cast.http("owner").post(
        reverse("stylists:message_send", args=[cast.client.public_id]),
        {
            "channel": "email",
            "kind": "service",
            "subject": "Your gown",
            "body": "It is ready for a fitting.",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Sent to Camille Laurent." in response.content.decode()
    message = Message.objects.get()
    assert message.sent_by == cast.owner.user
    assert message.subject == "Your gown"


@time_machine.travel(AFTERNOON, tick=False)
def test_a_refused_send_is_explained_and_the_text_kept(cast):
    http = cast.http("owner")
    url = reverse("stylists:message_send", args=[cast.client.public_id])
    http.post(url, {"channel": "email", "kind": "proactive", "body": "The new season."})
    # A second proactive message the same day is held back by the guard
    response = http.post(url, {"channel": "email", "kind": "proactive", "body": "And another"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Not sent" in html
    assert "Camille had a message from the house earlier today" in html
    assert "And another" in html  # her words are not lost
    assert Message.objects.count() == 1


@time_machine.travel(AFTERNOON, tick=False)
def test_a_channel_not_offered_is_a_form_error(cast):
    response = cast.http("owner").post(
        reverse("stylists:message_send", args=[cast.client.public_id]),
        {"channel": "whatsapp", "kind": "service", "body": "Hello"},
    )
    assert response.status_code == 422
    assert not Message.objects.exists()


def test_a_template_fills_the_composer_in_the_clients_language(cast):
    cast.client.preferred_language = "fr"  # Camille writes in French
    cast.client.save(update_fields=["preferred_language"])
    piece = ProductFactory(name="Riviera trench")
    WishlistItemFactory(client=cast.client, product=piece)
    occasion = OccasionFactory(client=cast.client, title="Gala de l'Opéra")
    template = OutreachTemplate.objects.get(name="A piece for you", language="fr")
    response = cast.http("owner").get(
        reverse("stylists:compose_template", args=[cast.client.public_id]),
        {"template": template.pk, "piece": str(piece.public_id), "occasion": occasion.pk},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Bonjour Camille" in html
    assert "Riviera trench vient d&#x27;arriver en boutique" in html
    assert 'value="proactive" checked' in html  # the template's kind


def test_a_template_without_its_piece_previews_a_placeholder(cast):
    cast.client.preferred_language = "fr"  # Camille writes in French
    cast.client.save(update_fields=["preferred_language"])
    template = OutreachTemplate.objects.get(name="A piece for you", language="fr")
    response = cast.http("owner").get(
        reverse("stylists:compose_template", args=[cast.client.public_id]),
        {"template": template.pk},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "[piece] vient d&#x27;arriver" in html
    assert "This template mentions piece" in html


def test_a_template_in_another_language_than_offered_is_refused(cast):
    other = OutreachTemplate.objects.get(name="A piece for you", language="ja")
    response = cast.http("owner").get(
        reverse("stylists:compose_template", args=[cast.client.public_id]),
        {"template": other.pk},
    )
    assert response.status_code == 400


def test_the_messages_page_costs_the_same_with_more_conversations(cast, count_queries):
    def grow(n):
        for client in book_of_n(cast, cast.owner, n, with_history=False):
            inbound(client, "Hello")
            inbound(client, "Are you there?", read=True)

    http = cast.http("owner")
    grow(3)
    http.get(reverse("stylists:messages"))
    small = count_queries(lambda: http.get(reverse("stylists:messages")))
    grow(6)
    large = count_queries(lambda: http.get(reverse("stylists:messages")))
    assert small == large <= 11  # 10 for the page, 1 for the sidebar's two badges


def test_a_thread_costs_the_same_with_more_messages(cast, count_queries):
    consent(cast, cast.client, ConsentTier.PERSONAL, email=True, sms=True)
    http = cast.http("owner")
    url = reverse("stylists:conversation", args=[cast.client.public_id])
    for i in range(3):
        inbound(cast.client, f"Message {i}", minutes_ago=i)
    http.get(url)
    small = count_queries(lambda: http.get(url))
    for i in range(9):
        inbound(cast.client, f"More {i}", minutes_ago=i)
    large = count_queries(lambda: http.get(url))
    assert small == large <= 22


def test_a_thread_names_the_advisor_and_offers_her_pieces_at_no_query_per_row(cast, count_queries):
    """Her own messages carry her name, the composer lists the pieces she may name
    ({piece}: saved to the wishlist here), and neither costs a query per row."""
    consent(cast, cast.client, ConsentTier.PERSONAL, email=True, sms=True)
    http = cast.http("owner")
    url = reverse("stylists:conversation", args=[cast.client.public_id])

    def exchange(n: int, start: int) -> None:
        for i in range(start, start + n):
            inbound(cast.client, f"Question {i}", minutes_ago=2 * i + 1)
            Message.objects.create(
                client=cast.client,
                stylist=cast.owner,
                direction="out",
                channel="email",
                subject=f"Answer {i}",
                body=f"Answer {i}",
                status="sent",
                created_at=timezone.now() - dt.timedelta(minutes=2 * i),
            )
            WishlistItemFactory(client=cast.client, product=ProductFactory(name=f"Piece {i}"))

    exchange(2, 0)
    http.get(url)
    small = count_queries(lambda: http.get(url))
    exchange(4, 2)
    body = http.get(url).content.decode()
    large = count_queries(lambda: http.get(url))
    assert small == large
    advisor = cast.owner.user.first_name
    assert body.count(f"{advisor} — Answer") == 6
    for i in range(6):
        assert f">Piece {i}</option>" in body


@time_machine.travel(AFTERNOON, tick=False)
def test_a_preview_placeholder_never_reaches_the_client(cast):
    response = cast.http("owner").post(
        reverse("stylists:message_send", args=[cast.client.public_id]),
        {"channel": "email", "kind": "service", "body": "[piece] has just arrived."},
    )
    assert response.status_code == 422
    assert "Replace [piece] before sending" in response.content.decode()
    assert not Message.objects.exists()


def test_the_sidebar_badges_count_unread_messages_and_drafts_in_one_query(
    cast, django_assert_num_queries
):
    """Both badges in one SELECT; each shows its own count (not the other's)."""
    from stylists.pages.conversations import badge_counts

    for client in book_of_n(cast, cast.owner, 3, with_history=False):
        inbound(client, "Hello")
        inbound(client, "Seen already", read=True)
    with django_assert_num_queries(1):
        queue, unread = badge_counts(cast.owner.user, cast.owner)
    assert (queue, unread) == (0, 3)
    body = cast.http("owner").get(reverse("stylists:appointments")).content.decode()
    assert 'app-nav__badge">3<' in body
