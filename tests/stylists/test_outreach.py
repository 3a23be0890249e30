"""Outreach templates: merge fields, the client's language with English fallback, escaping."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from stylists.models import OutreachTemplate
from stylists.services import outreach_render, outreach_template_save, templates_for_client
from stylists.services.outreach import email_html, render_text, template_fields
from tests.factories.catalog import ProductFactory
from tests.factories.clients import OccasionFactory

pytestmark = pytest.mark.django_db


def test_merge_fields_are_filled_from_the_client_the_advisor_and_the_choices(cast):
    template = outreach_template_save(
        name="Test note",
        language="en",
        subject="For {occasion}",
        body="Dear {first_name} ({client_name}), {piece} is here. {stylist}",
    )
    piece = ProductFactory(name="Riviera trench")
    occasion = OccasionFactory(client=cast.client, title="Opera gala")
    rendered = outreach_render(
        template=template, client=cast.client, stylist=cast.owner, piece=piece, occasion=occasion
    )
    assert rendered.subject == "For Opera gala"
    assert rendered.body == "Dear Camille (Mme Laurent), Riviera trench is here. Élise Test"
    assert rendered.missing == []


@pytest.mark.parametrize(
    "text",
    [
        "Hello {firstname}",
        "Hello {first_name.__class__}",
        "Hello {first_name!r}",
        "Hello {first_name:>30}",
        "Hello {0}",
        "Hello {",
    ],
)
def test_unknown_or_clever_merge_fields_are_refused_with_a_clear_message(text):
    with pytest.raises(ValidationError) as refused:
        template_fields(text)
    message = " ".join(refused.value.messages)
    assert "merge field" in message or "brace" in message


def test_saving_a_template_with_an_unknown_field_names_the_field(cast):
    with pytest.raises(ValidationError) as refused:
        outreach_template_save(name="Bad", language="en", body="Hi {nickname}")
    assert refused.value.message_dict["body"] == [
        "Unknown merge field {nickname}. Use only {first_name}, {client_name}, {stylist}, "
        "{piece}, {occasion}."
    ]
    assert not OutreachTemplate.objects.filter(name="Bad").exists()


def test_literal_braces_survive():
    assert render_text("A {{ note }} for {first_name}", {"first_name": "Camille"}) == (
        "A { note } for Camille"
    )


def test_a_missing_value_is_an_error_when_sending_and_a_placeholder_in_the_preview(cast):
    template = outreach_template_save(name="Piece", language="en", body="{piece} is in.")
    with pytest.raises(ValidationError, match="mentions a piece"):
        outreach_render(template=template, client=cast.client, stylist=cast.owner)
    preview = outreach_render(
        template=template, client=cast.client, stylist=cast.owner, strict=False
    )
    assert preview.body == "[piece] is in."
    assert preview.missing == ["piece"]


def test_the_clients_language_is_chosen_with_english_as_the_fallback(cast):
    # Given Camille writes in French; "Thank you" exists in French, "Only English" does not
    cast.client.preferred_language = "fr"
    outreach_template_save(name="Only English", language="en", body="Hello {first_name}")
    chosen = {t.name: t.language for t in templates_for_client(cast.client)}
    assert cast.client.preferred_language == "fr"
    assert chosen["Thank you"] == "fr"  # a starter template, shipped in French too
    assert chosen["Only English"] == "en"
    # And a client writing in Korean gets English
    cast.client.preferred_language = "ko"
    assert {t.language for t in templates_for_client(cast.client)} == {"en"}


def test_values_are_escaped_in_the_html_email():
    html = email_html(subject="Hi", body='Dear <script>alert("x")</script>\n\nSee you')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_a_client_value_with_braces_is_not_interpreted(cast):
    cast.client.preferred_name = "{stylist}"
    template = outreach_template_save(name="Echo", language="en", body="Dear {first_name}")
    rendered = outreach_render(template=template, client=cast.client, stylist=cast.owner)
    assert rendered.body == "Dear {stylist}"
