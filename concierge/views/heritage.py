"""The house's heritage stories, as an editorial reading experience with their pieces."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from catalog.selectors import heritage_stories_published, heritage_story_by_slug
from concierge.access import ClientRequest, client_required
from concierge.views._common import page

PIECES_SHOWN = 8


@require_GET
@client_required
def heritage(request: ClientRequest) -> HttpResponse:
    stories = list(heritage_stories_published())
    return page(
        request,
        "clients/heritage.html",
        {"featured": stories[0] if stories else None, "stories": stories[1:]},
    )


@require_GET
@client_required
def heritage_detail(request: ClientRequest, slug: str) -> HttpResponse:
    story = heritage_story_by_slug(slug)
    if story is None:
        raise Http404("No such story")
    pieces = list(story.products.filter(active=True).order_by("name")[:PIECES_SHOWN])
    slugs = list(heritage_stories_published().values_list("slug", "title"))
    index = next((n for n, (s, _) in enumerate(slugs) if s == story.slug), 0)
    context: dict[str, Any] = {
        "story": story,
        "pieces": pieces,
        "previous": slugs[index - 1] if index > 0 else None,
        "following": slugs[index + 1] if index + 1 < len(slugs) else None,
    }
    return page(request, "clients/heritage_detail.html", context)
