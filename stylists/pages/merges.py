"""The merge queue's reads: suggested pairs and recent merges a manager may act on.

A manager sees pairs whose two profiles are both in boutiques they manage; head
office sees every pair. Everything else is 404 (merges_for_user, merge_for_user).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from clients.models import ClientMerge, ClientStatus, MergeStatus, MergeSuggestion
from clients.selectors import clients_visible_to
from stylists.models import Stylist
from stylists.pages.team import may_see_team

RECENT_MERGES = 20


def _visible_ids(user: Any) -> QuerySet[Any]:
    return clients_visible_to(user).values("pk")


def suggestions_for_user(user: Any, stylist: Stylist) -> QuerySet[MergeSuggestion]:
    """Pending pairs of active profiles the manager may see, best evidence first."""
    if not may_see_team(user, stylist):
        raise Http404("Not found")
    visible = _visible_ids(user)
    return (
        MergeSuggestion.objects.filter(
            status=MergeStatus.PENDING,
            client_a__in=visible,
            client_b__in=visible,
            client_a__status=ClientStatus.ACTIVE,
            client_b__status=ClientStatus.ACTIVE,
        )
        .select_related("client_a__home_boutique", "client_b__home_boutique")
        .order_by("-score", "id")
    )


def suggestion_for_user(user: Any, stylist: Stylist, public_id: Any) -> MergeSuggestion:
    try:
        return suggestions_for_user(user, stylist).get(public_id=public_id)
    except MergeSuggestion.DoesNotExist:
        raise Http404("No such suggestion") from None


def merges_for_user(user: Any, stylist: Stylist) -> QuerySet[ClientMerge]:
    """Recent merges of profiles the manager may see (the survivor), newest first."""
    if not may_see_team(user, stylist):
        raise Http404("Not found")
    return (
        ClientMerge.objects.filter(survivor__in=_visible_ids(user))
        .select_related("survivor", "absorbed", "performed_by")
        .order_by("-performed_at", "-id")
    )


def merge_for_user(user: Any, stylist: Stylist, public_id: Any) -> ClientMerge:
    try:
        return merges_for_user(user, stylist).get(public_id=public_id, unmerged_at__isnull=True)
    except ClientMerge.DoesNotExist:
        raise Http404("No such merge") from None
