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


def test_each_piece_s_stamped_markup_is_what_its_own_rendering_draws(cast, draft):
    from django.test import RequestFactory

    from recommendations.selectors import lookbook_for_review
    from recommendations.services import lookbook_item_keep
    from recommendations.views.responses import review_context

    item = draft.items[0]
    item.product.name = 'Carré "Brides" <soie> & lin'
    item.product.save(update_fields=["name"])
    lookbook_item_keep(item=draft.items[1], by=cast.owner.user, expected_version=1)
    request = RequestFactory().get("/")
    request.user = cast.owner.user
    lookbook = lookbook_for_review(cast.owner.user, draft.lookbook.public_id)
    context = review_context(request, lookbook, can_change=True)
    pieces = context["page"].pieces
    assert {piece.state for piece in pieces} == {ItemState.PROPOSED, ItemState.KEPT}
    for n, piece in enumerate(pieces):
        own = {**context, "item": piece, "forloop": {"first": n == 0, "last": n == len(pieces) - 1}}
        for name, attr in [("move", "move_forms"), ("decide", "decide"), ("dialogs", "dialogs")]:
            slow = render_to_string(f"recommendations/_piece_{name}.html", own)
            assert getattr(piece, attr) == slow, (n, name)
    assert "Remove Carré &quot;Brides&quot; &lt;soie&gt; &amp; lin?" in pieces[0].dialogs
    assert " disabled>" in pieces[0].move_forms
    assert 'id="keep-' not in pieces[1].decide
    # A dialog opened server-side (no JavaScript) or a form with errors is drawn the slow way.
    opened = review_context(request, lookbook, can_change=True, open_dialog=f"swap-{item.pk}")
    assert not hasattr(opened["page"].pieces[0], "dialogs")
    # A reader's page draws no controls at all.
    read = review_context(request, lookbook, can_change=False)
    assert not hasattr(read["page"].pieces[0], "decide")
