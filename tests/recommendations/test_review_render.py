"""The review page's rendering shortcuts (issue 14) draw exactly what the slow way drew."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from recommendations import forms
from recommendations.models import ItemState
from tests.recommendations.test_review_services import Draft, make_draft

HTMX = {"HTTP_HX_REQUEST": "true"}
VERSION = re.compile(r'name="version" value="(\d+)"')
CSRF = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">')


@pytest.fixture
def draft(cast: Any) -> Draft:
    return make_draft(cast)


def _remove_form(form: Any, item_pk: int) -> str:
    item = type("Item", (), {"pk": item_pk})()
    return render_to_string(
        "recommendations/_remove_form.html",
        {
            "form": form,
            "item": item,
            "review_url": "/r/",
            "csrf_input": "",
            "version_input": "",
        },
    )


def test_the_blank_removal_form_draws_what_an_unbound_remove_form_draws():
    django_form = forms.RemoveForm(initial={"version": 3}, auto_id="id_remove12_%s")
    assert _remove_form(forms.blank_remove_form(12), 12) == _remove_form(django_form, 12)


def test_a_piece_card_carries_its_urls_the_version_and_the_csrf_field(cast, draft):
    url = reverse("stylists:lookbook_review", args=[draft.lookbook.public_id])
    body = cast.http("owner").get(url).content.decode()
    first = draft.items[0]
    for action in ("keep", "remove", "swap", "move"):
        expected = reverse(
            f"stylists:lookbook_item_{action}", args=[draft.lookbook.public_id, first.pk]
        )
        assert f'action="{expected}"' in body
    tokens = set(CSRF.findall(body))
    assert len(tokens) == 1  # one token, every form
    # Every form of every piece carries the page's version.
    version = VERSION.search(body)[1]
    assert body.count(f'name="version" value="{version}" data-lookbook-version') >= 4 * len(
        draft.items
    )


def test_the_htmx_answer_redraws_pieces_with_the_new_version_and_a_csrf_field(cast, draft):
    http = cast.http("owner")
    review = reverse("stylists:lookbook_review", args=[draft.lookbook.public_id])
    version = int(VERSION.search(http.get(review).content.decode())[1])
    first = draft.items[0]
    response = http.post(f"{review}items/{first.pk}/keep/", {"version": version}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'name="version" value="{version + 1}" data-lookbook-version>' in body
    assert f'name="version" value="{version}"' not in body
    assert CSRF.search(body)
    assert f'action="{review}items/{first.pk}/remove/"' in body
    first.refresh_from_db()
    assert first.state == ItemState.KEPT


def test_today_hands_its_counts_to_the_navigation_badges(cast, draft):
    http = cast.http("owner")
    body = http.get(reverse("stylists:today")).content.decode()
    # The draft waits in the queue: Today's count and the navigation's badge agree.
    assert 'app-nav__badge">1<span class="visually-hidden"> waiting' in body
    # Another page counts it itself, to the same number.
    queue = http.get(reverse("stylists:review_queue")).content.decode()
    assert 'app-nav__badge">1<span class="visually-hidden"> waiting' in queue


def test_each_piece_s_dialogs_are_the_blank_rendering_with_its_id_and_escaped_name(cast, draft):
    from django.test import RequestFactory

    from recommendations.selectors import lookbook_for_review
    from recommendations.views.responses import review_context

    item = draft.items[0]
    item.product.name = 'Carré "Brides" <soie> & lin'
    item.product.save(update_fields=["name"])
    request = RequestFactory().get("/")
    request.user = cast.owner.user
    lookbook = lookbook_for_review(cast.owner.user, draft.lookbook.public_id)
    context = review_context(request, lookbook, can_change=True)
    pieces = context["page"].pieces
    assert all(piece.dialogs for piece in pieces)
    for piece in pieces:
        slow = render_to_string("recommendations/_piece_dialogs.html", {**context, "item": piece})
        assert piece.dialogs == slow
    assert "Remove Carré &quot;Brides&quot; &lt;soie&gt; &amp; lin?" in pieces[0].dialogs
    # A dialog opened server-side (no JavaScript) or a form with errors is drawn the slow way.
    opened = review_context(request, lookbook, can_change=True, open_dialog=f"swap-{item.pk}")
    assert not hasattr(opened["page"].pieces[0], "dialogs")
