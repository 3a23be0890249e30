"""Generated catalogue imagery: SVG still lifes for products, plates for heritage stories."""

from __future__ import annotations

import hashlib
import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import condition, require_GET

from catalog import imagery
from catalog.models import HeritageStory, Product

IMAGE_CACHE_SECONDS = 60 * 60 * 24


def _svg_response(svg: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={IMAGE_CACHE_SECONDS}"
    # The image is a pure function of the attributes; lock it down anyway.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _product(public_id: uuid.UUID) -> Product:
    product = (
        Product.objects.filter(public_id=public_id)
        .only("public_id", "name", "category", "subcategory", "colours", "materials", "updated_at")
        .first()
    )
    if product is None:
        raise Http404("No such product")
    return product


def _product_etag(request: HttpRequest, public_id: uuid.UUID) -> str:
    product = _product(public_id)
    key = f"{product.public_id}:{product.updated_at.isoformat()}:{imagery.__name__}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@require_GET
@condition(etag_func=_product_etag)
def product_image(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    product = _product(public_id)
    return _svg_response(
        imagery.product_svg(
            category=product.category,
            subcategory=product.subcategory,
            colours=list(product.colours),
            materials=list(product.materials),
            seed=str(product.public_id),
            title=product.name,
        )
    )


@require_GET
def heritage_image(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    story = HeritageStory.objects.filter(public_id=public_id, published=True).first()
    if story is None:
        raise Http404("No such story")
    return _svg_response(
        imagery.heritage_svg(
            era=story.era, motif=story.motif, seed=str(story.public_id), title=story.title
        )
    )
