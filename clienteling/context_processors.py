"""Template context shared by every page: the audience, its navigation and the house name."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Literal, TypedDict

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

HOUSE_NAME = "Maison Verlaine"

Audience = Literal["stylist", "client"]


class NavEntry(TypedDict):
    label: str
    url: str
    active: bool
    # A count shown beside the label; a callable, so templates that never show
    # the navigation (htmx partials) never pay for its query.
    badge: Callable[[], int] | None


# Pages that belong to a section whose url is not their prefix.
_ALSO_ACTIVE: dict[str, tuple[str, ...]] = {
    "stylists:review_queue": ("/stylist/lookbooks/",),
}


# (label, url name, who may see it). "all" means every stylist; roles are the
# values of stylists.Stylist.role.
_STYLIST_NAV: tuple[tuple[str, str, str], ...] = (
    ("Today", "stylists:today", "all"),
    ("Client book", "stylists:client_list", "all"),
    ("Review queue", "stylists:review_queue", "all"),
    ("Messages", "stylists:messages", "all"),
    ("Appointments", "stylists:appointments", "all"),
    ("Team", "stylists:team", "managers"),
    ("Access log", "stylists:audit", "head_office"),
    ("Admin", "admin:index", "staff"),
)
_MANAGER_ROLES = frozenset({"manager", "head_office"})

# Labels are lazy: _entries reads them in the language of the request.
_CLIENT_NAV: tuple[tuple[Any, str], ...] = (
    (gettext_lazy("Your Style Story"), "concierge:home"),
    (gettext_lazy("Lookbooks"), "concierge:lookbooks"),
    (gettext_lazy("Wishlist"), "concierge:wishlist"),
    (gettext_lazy("Occasions"), "concierge:occasions"),
    (gettext_lazy("Styling requests"), "concierge:requests"),
    (gettext_lazy("Appointments"), "concierge:appointments"),
    (gettext_lazy("Messages"), "concierge:messages"),
    (gettext_lazy("Privacy"), "concierge:privacy"),
)


def _related(user: Any, name: str) -> Any | None:
    """The user's one-to-one profile `name`, or None when it does not exist."""
    try:
        return getattr(user, name, None)
    except ObjectDoesNotExist:
        return None


def _entries(
    request: HttpRequest,
    items: list[tuple[Any, str]],
    badges: dict[str, Callable[[], int]] | None = None,
) -> list[NavEntry]:
    """Resolve url names, skipping the ones not wired yet.

    Home-like urls ("/") would match every path, so an entry is active when the
    path starts with its url and no longer url also matches.
    """
    resolved: list[tuple[str, str, str]] = []
    for label, url_name in items:
        try:
            # str(): a lazy label is read in the language of this request.
            resolved.append((str(label), url_name, reverse(url_name)))
        except NoReverseMatch:
            continue
    path = request.path
    claimed = {
        url_name
        for _, url_name, _ in resolved
        if any(path.startswith(prefix) for prefix in _ALSO_ACTIVE.get(url_name, ()))
    }
    matches = [url for _, _, url in resolved if path.startswith(url)]
    best = max(matches, key=len, default=None)
    badges = badges or {}
    return [
        {
            "label": label,
            "url": url,
            "active": url_name in claimed if claimed else url == best,
            "badge": badges.get(url_name),
        }
        for label, url_name, url in resolved
    ]


def _stylist_badges(
    user: Any, stylist: Any, known: dict[str, int] | None = None
) -> dict[str, Callable[[], int]]:
    """Drafts waiting and unread messages, counted only if a page shows them.

    `known`: counts the view already made for this request (Today counts both), by url name.
    Otherwise both are counted in one round trip, the first time a badge is read.
    """
    from stylists.pages.conversations import badge_counts

    if known:
        return {url_name: functools.partial(int, count) for url_name, count in known.items()}
    counts = functools.cache(functools.partial(badge_counts, user, stylist))
    return {
        "stylists:review_queue": lambda: counts()[0],
        "stylists:messages": lambda: counts()[1],
    }


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Navigation for the signed-in audience: stylists, clients, or nobody.

    Costs at most the two one-to-one look-ups (`user.stylist`, `user.client`);
    Django caches them on the user, so templates reuse them for free.
    """
    context: dict[str, Any] = {"nav": [], "audience": None, "house_name": HOUSE_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context

    stylist = _related(user, "stylist")
    if stylist is not None:
        role = getattr(stylist, "role", "stylist")
        items = [
            (label, url_name)
            for label, url_name, audience in _STYLIST_NAV
            if audience == "all"
            or (audience == "managers" and role in _MANAGER_ROLES)
            or (audience == "head_office" and (role == "head_office" or user.is_superuser))
            or (audience == "staff" and user.is_staff)
        ]
        known = getattr(request, "nav_counts", None)
        context["nav"] = _entries(request, items, _stylist_badges(user, stylist, known))
        context["audience"] = "stylist"
        return context

    client = _related(user, "client")
    if client is not None:
        context["nav"] = _entries(request, list(_CLIENT_NAV))
        context["audience"] = "client"
        return context

    if user.is_staff:
        context["nav"] = _entries(request, [("Admin", "admin:index")])
    return context
