"""The concierge's home, "Your Style Story": the current chapter, the advisor, what is ahead."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from catalog.models import Category, HeritageStory
from catalog.selectors import heritage_stories_published
from clients.models import Client, OrderLine, OrderStatus
from clients.selectors import (
    heritage_moments_for,
    heritage_story_for_interests,
    interest_categories,
    upcoming_occasions,
    wishlist_of,
)
from concierge.access import ClientRequest, client_required
from concierge.views._common import client_zone, page
from consent.policy import (
    ConsentState,
    DataKind,
    Purpose,
    current_consent,
    may_use,
    needs_reconfirmation,
)
from recommendations.models import ItemState, LookbookItem, LookbookStatus
from recommendations.selectors import published_lookbooks_for_client
from stylists.models import AppointmentStatus, MessageDirection, StylingRequestStatus
from stylists.selectors import (
    appointments_of_client,
    concierge_thread,
    styling_requests_of_client,
)


def greeting(moment: dt.datetime) -> str:
    if moment.hour < 5 or moment.hour >= 18:
        return gettext("Good evening")
    if moment.hour < 12:
        return gettext("Good morning")
    return gettext("Good afternoon")


def _story_of_her_pieces(client: Client, *, owned: bool) -> tuple[HeritageStory | None, str]:
    """A story tied to a piece she owns (when her purchases may personalise) or was shown.

    Pieces she owns first, newest purchase first; then the pieces of her published
    lookbooks, newest first. Two queries at most.
    """
    rows: list[tuple[Any, str]] = []
    if owned:
        rows += [
            (line.product_id, "own")
            for line in OrderLine.objects.filter(
                order__client=client, order__status=OrderStatus.COMPLETED
            ).order_by("-order__placed_at", "-pk")[:40]
        ]
    rows += [
        (item.product_id, "shown")
        for item in LookbookItem.objects.filter(
            lookbook__client=client, lookbook__status=LookbookStatus.PUBLISHED
        )
        .exclude(state=ItemState.REMOVED)
        .order_by("-lookbook__published_at", "position")[:40]
    ]
    if not rows:
        return None, ""
    moments = heritage_moments_for([pk for pk, _ in rows])
    for product_id, how in rows:
        story = moments.get(product_id)
        if story is not None:
            piece = story.products.filter(pk=product_id).values_list("name", flat=True).first()
            if how == "own":
                return story, gettext("The story behind the %(piece)s you own") % {"piece": piece}
            return story, gettext("The story behind the %(piece)s you were shown") % {
                "piece": piece
            }
    return None, ""


def heritage_for(client: Client, consent: ConsentState) -> tuple[HeritageStory | None, str]:
    """A heritage story for the home, and why it is there.

    First a story tied to a piece she owns or was shown; then personalised
    (categories bought, loved, stated, and for Bespoke clients browsed) only
    where consent allows using that data for personalisation; otherwise, and
    when nothing matches, the house's editorial pick of the week.
    """
    purchases = may_use(consent, DataKind.PURCHASES, Purpose.PERSONALISATION).allowed
    story, reason = _story_of_her_pieces(client, owned=purchases)
    if story is not None:
        return story, reason
    preferences = may_use(consent, DataKind.PREFERENCES, Purpose.PERSONALISATION).allowed
    browsing = may_use(consent, DataKind.BROWSING, Purpose.PERSONALISATION).allowed
    if purchases or preferences or browsing:
        categories = interest_categories(
            client, purchases=purchases, preferences=preferences, browsing=browsing
        )
        story = heritage_story_for_interests(categories)
        if story is not None:
            return story, _because(categories[0])
    stories = heritage_stories_published()
    count = stories.count()
    if not count:
        return None, ""
    week = timezone.localdate().isocalendar().week
    return stories[week % count], gettext("The house’s story of the week")


def _because(category: str) -> str:
    if category not in Category.values:
        return gettext("Chosen for you")
    return gettext("Chosen for your love of %(category)s") % {
        "category": str(Category(category).label).lower()
    }


@require_GET
@client_required
def home(request: ClientRequest) -> HttpResponse:
    client: Client = request.client
    now = timezone.now()
    consent = current_consent(client)
    lookbooks = list(published_lookbooks_for_client(client)[:3])
    story, story_reason = heritage_for(client, consent)
    next_appointment = (
        appointments_of_client(client)
        .filter(
            status__in=[AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED], ends_at__gte=now
        )
        .first()
    )
    open_requests = list(
        styling_requests_of_client(client).filter(status=StylingRequestStatus.OPEN)[:2]
    )
    unread = (
        concierge_thread(client)
        .filter(direction=MessageDirection.OUTBOUND, read_at__isnull=True, channel="concierge")
        .count()
    )
    today = now.astimezone(client_zone(client)).date()
    occasions = list(upcoming_occasions(client, within_days=120)[:3])
    for occasion in occasions:
        days_away = (occasion.next_date - today).days if occasion.next_date else 0
        occasion.days_away = days_away  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "greeting": greeting(now.astimezone(client_zone(client))),
        "current": lookbooks[0] if lookbooks else None,
        "current_pieces": list(lookbooks[0].items.all()[:4]) if lookbooks else [],
        "earlier": lookbooks[1:],
        "occasions": occasions,
        "story": story,
        "story_reason": story_reason,
        "wishlist": list(wishlist_of(client)[:4]),
        "next_appointment": next_appointment,
        "open_requests": open_requests,
        "unread": unread,
        "consent": consent,
        # The banner's question (consent.context_processors asks it otherwise): the same
        # answer from the consent just read, not a second query for it.
        "privacy_reconfirmation_due": needs_reconfirmation(consent),
        "personalised": may_use(consent, DataKind.PURCHASES, Purpose.PERSONALISATION).allowed,
        "now": now,
        "today": today,
    }
    return page(request, "clients/home.html", context)
