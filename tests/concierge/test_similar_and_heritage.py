"""A piece's page: similar pieces from the model's item factors, in stock in her size, and the
heritage stories of its lineage."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from catalog.models import StockLevel
from recommendations.selectors import similar
from tests.factories.catalog import (
    CollectionFactory,
    HeritageStoryFactory,
    ProductFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db


def _stock(product: Any, size: str, boutique: Any) -> None:
    variant = VariantFactory(product=product, size=size)
    StockLevel.objects.create(variant=variant, boutique=boutique, quantity=2)


@pytest.fixture
def pieces(cast: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A coat; three pieces near it in the model's space (one only in another size), one far."""
    coat = ProductFactory(name="Verlaine coat", category="ready_to_wear", subcategory="coat")
    near = ProductFactory(name="Near coat", category="ready_to_wear", subcategory="coat")
    nearer = ProductFactory(name="Nearer coat", category="ready_to_wear", subcategory="coat")
    wrong_size = ProductFactory(
        name="Coat in 44 only", category="ready_to_wear", subcategory="coat"
    )
    far = ProductFactory(name="Far coat", category="ready_to_wear", subcategory="coat")
    for product in (near, nearer, far):
        _stock(product, "38", cast.paris)
    _stock(wrong_size, "44", cast.paris)
    ids = np.array([coat.pk, near.pk, nearer.pk, wrong_size.pk, far.pk])
    factors = np.array([[1, 0], [0.8, 0.6], [0.95, 0.3], [1, 0.05], [-1, 0.1]], dtype=np.float32)
    normalised = factors / np.linalg.norm(factors, axis=1, keepdims=True)
    rows = {int(pid): row for row, pid in enumerate(ids)}
    monkeypatch.setattr(similar, "_factors", lambda: (rows, normalised, ids))
    cast.client.sizes = {"ready_to_wear": "38"}
    cast.client.save(update_fields=["sizes"])
    return {"coat": coat, "near": near, "nearer": nearer, "wrong_size": wrong_size, "far": far}


def test_neighbours_come_from_the_item_factors(pieces: dict[str, Any]) -> None:
    ids = similar.similar_product_ids(pieces["coat"].pk)
    assert ids == [pieces["wrong_size"].pk, pieces["nearer"].pk, pieces["near"].pk]
    assert similar.similar_product_ids(10**9) == []


def test_the_page_shows_similar_pieces_in_her_size(cast: Any, pieces: dict[str, Any]) -> None:
    response = cast.http("client_user").get(f"/concierge/pieces/{pieces['coat'].public_id}/")
    assert [p.name for p in response.context["similar"]] == ["Nearer coat", "Near coat"]
    assert "Similar pieces, in stock in your size" in response.content.decode()


def test_no_active_model_means_no_similar_pieces(cast: Any) -> None:
    coat = ProductFactory(name="Lonely coat")
    response = cast.http("client_user").get(f"/concierge/pieces/{coat.public_id}/")
    assert response.context["similar"] == []
    assert "Similar pieces" not in response.content.decode()


def test_heritage_connections_follow_the_pieces_lineage(cast: Any) -> None:
    collection = CollectionFactory(name="Archive 1934")
    coat = ProductFactory(name="Verlaine coat", collection=collection)
    sister = ProductFactory(name="Archive cape", collection=collection)
    own = HeritageStoryFactory(title="The tailor's workroom", published=True)
    own.products.add(coat)
    lineage = HeritageStoryFactory(title="The 1934 archive cape", published=True)
    lineage.products.add(sister)
    hidden = HeritageStoryFactory(title="A draft story", published=False)
    hidden.products.add(coat)
    unrelated = HeritageStoryFactory(title="Silk in Lyon", published=True)
    unrelated.products.add(ProductFactory())
    response = cast.http("client_user").get(f"/concierge/pieces/{coat.public_id}/")
    shown = [response.context["moment"], *response.context["connections"]]
    assert [story.title for story in shown] == ["The tailor's workroom", "The 1934 archive cape"]
    assert "Heritage connections" in response.content.decode()


def test_the_home_tells_the_story_of_a_piece_she_owns_or_was_shown(cast: Any) -> None:
    from tests.concierge.conftest import publish
    from tests.factories.clients import OrderFactory, OrderLineFactory

    owned = ProductFactory(name="Saddle bag")
    HeritageStoryFactory(title="The saddler of the rue du Bac", published=True).products.add(owned)
    HeritageStoryFactory(title="Another story", published=True).products.add(ProductFactory())
    http = cast.http("client_user")
    # Shown in a published chapter: its story, saying why
    _lookbook, items = publish(cast.client, title="For Rome", author=cast.owner, pieces=1)
    shown = items[0].product
    HeritageStoryFactory(title="The silk of Lyon", published=True).products.add(shown)
    home = http.get("/concierge/")
    assert home.context["story"].title == "The silk of Lyon"
    assert home.context["story_reason"] == f"The story behind the {shown.name} you were shown"
    # A piece she owns comes first (Personal consent lets purchases personalise)
    OrderLineFactory(order=OrderFactory(client=cast.client, status="completed"), product=owned)
    home = http.get("/concierge/")
    assert home.context["story"].title == "The saddler of the rue du Bac"
    assert home.context["story_reason"] == "The story behind the Saddle bag you own"


def test_the_houses_english_copy_is_marked_as_english_on_her_pages(cast: Any) -> None:
    # The stories and descriptions are written in the house's language: on a French or
    # Arabic page each passage says so (WCAG 3.1.2, a screen reader reads it as English)
    # and keeps its own direction (its full stop at its end on a right-to-left page)
    cast.client.preferred_language = "ar"
    cast.client.save(update_fields=["preferred_language"])
    coat = ProductFactory(name="Verlaine coat", description="A coat cut for travel.")
    story = HeritageStoryFactory(
        title="The tailor's workroom", summary="Where it began.", text="In 1867.", published=True
    )
    story.products.add(coat)
    http = cast.http("client_user")
    piece = http.get(f"/concierge/pieces/{coat.public_id}/").content.decode()
    assert '<p class="lede piece__description" lang="en" dir="auto">A coat cut' in piece
    assert 'class="heritage-moment__title" lang="en" dir="auto">The tailor&#x27;s' in piece
    page = http.get(f"/concierge/heritage/{story.slug}/").content.decode()
    assert '<div class="prose story__text" lang="en" dir="auto">' in page
    assert '<html lang="ar" dir="rtl">' in page
