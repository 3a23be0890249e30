"""Reads for the privacy centre and the head-office access review.

The policy's words come in the reader's language when the house has published a
translation of that version (policy_wording), else as written.

Query counts do not grow with rows: the access summary is one grouped query,
the held-data summary one count per registered section, the review page one
count and one page query.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import (
    get_language_info,
    get_supported_language_variant,
    gettext,
    gettext_lazy,
)

from consent import privacy
from consent.models import (
    AccessAction,
    PolicyVersion,
    PrivacyRequest,
    PrivacyRequestKind,
    StaffAccessLog,
)
from core.l10n import long_date

if TYPE_CHECKING:
    from clients.models import Client

# What each action means, said to the client.
ACTION_PHRASES: dict[str, Any] = {
    AccessAction.VIEWED_STORY: gettext_lazy("viewed your profile"),
    AccessAction.VIEWED_NOTES: gettext_lazy("read the notes kept for you"),
    AccessAction.VIEWED_CONTACT: gettext_lazy("looked at your contact details"),
    AccessAction.VIEWED_ORDERS: gettext_lazy("looked at your orders"),
    AccessAction.VIEWED_MESSAGES: gettext_lazy("read your conversation"),
    AccessAction.EXPORTED: gettext_lazy("prepared an export of your data"),
    AccessAction.ERASED: gettext_lazy("erased your data"),
}


@dataclass(frozen=True)
class AccessSummaryRow:
    who: str
    action: str
    action_label: str
    times: int
    last: dt.datetime

    @property
    def sentence(self) -> str:
        values = {"who": self.who, "action": self.action_label, "date": long_date(self.last)}
        if self.times > 1:
            return gettext("%(who)s %(action)s on %(date)s (%(times)s times).") % {
                **values,
                "times": self.times,
            }
        return gettext("%(who)s %(action)s on %(date)s.") % values


def _who(first_name: str | None, role: str | None, actor_id: int | None, advisor_id: Any) -> str:
    name = first_name or gettext("a colleague")
    if actor_id is None:
        return gettext("A former member of staff")
    if actor_id == advisor_id:
        return gettext("Your advisor %(name)s") % {"name": name}
    if role == "stylist":
        return gettext("Advisor %(name)s") % {"name": name}
    if role == "manager":
        return gettext("%(name)s, boutique manager") % {"name": name}
    if role == "head_office":
        return gettext("Head office (%(name)s)") % {"name": name}
    return gettext("An administrator of the house")


def access_summary_for_client(
    client: Client,
    *,
    advisor_user_id: int | None = None,
    days: int = 365,
    limit: int | None = 8,
) -> list[AccessSummaryRow]:
    """Who at the house looked at the client's data, newest first (one query)."""
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        StaffAccessLog.objects.filter(client_id=client.pk, at__gte=since)
        .values("actor_id", "actor__first_name", "actor__stylist__role", "action")
        .annotate(last=Max("at"), times=Count("pk"))
        .order_by("-last")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        AccessSummaryRow(
            who=_who(
                row["actor__first_name"],
                row["actor__stylist__role"],
                row["actor_id"],
                advisor_user_id,
            ),
            action=row["action"],
            action_label=str(ACTION_PHRASES.get(row["action"], gettext("looked at your data"))),
            times=row["times"],
            last=row["last"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class HeldData:
    name: str
    label: str
    description: str
    count: int | None


def held_data_summary(client: Client) -> list[HeldData]:
    """What the house holds, section by section: one count query per counted section."""
    return [
        HeldData(
            name=section.name,
            label=str(section.label),  # in the page's language
            description=str(section.description),
            count=section.count(client) if section.count is not None else None,
        )
        for section in privacy.export_sections()
    ]


def latest_export_request(client: Client) -> PrivacyRequest | None:
    return (
        PrivacyRequest.objects.filter(client_id=client.pk, kind=PrivacyRequestKind.EXPORT)
        .order_by("-requested_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class AccessLogFilters:
    actor_id: int | None = None
    client: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def access_log_entries(filters: AccessLogFilters) -> QuerySet[StaffAccessLog]:
    """The staff access log for head office, filtered, newest first."""
    entries = StaffAccessLog.objects.select_related(
        "actor", "actor__stylist", "client", "client__home_boutique"
    ).order_by("-at", "-pk")
    if filters.actor_id:
        entries = entries.filter(actor_id=filters.actor_id)
    if filters.client:
        query = filters.client.strip()
        condition = Q(client__last_name__icontains=query) | Q(client__first_name__icontains=query)
        with contextlib.suppress(ValueError):
            condition |= Q(client__public_id=uuid.UUID(query))
        entries = entries.filter(condition)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=tz)
        entries = entries.filter(at__gte=start)
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        entries = entries.filter(at__lt=end)
    return entries


def access_log_actors() -> QuerySet[Any]:
    """Everyone who appears in the log, for the filter (one query)."""
    return (
        get_user_model()
        .objects.filter(pk__in=StaffAccessLog.objects.values("actor_id"))
        .order_by("first_name", "last_name", "pk")
    )


@dataclass(frozen=True)
class PolicyWording:
    """A policy version's words as one reader is shown them (and her consent quotes them)."""

    version: PolicyVersion
    summary: str
    full_text: str
    language: str  # the language of these words
    in_reader_language: bool  # False: not yet translated for her, the original instead

    @property
    def language_name(self) -> str:
        """The name of the words' language, in the language being spoken ("Englisch")."""
        return str(get_language_info(self.language)["name_translated"])


def policy_wording(version: PolicyVersion, language: str) -> PolicyWording:
    """The version's words for a reader of `language`: its translation, or the original.

    The reader's language is the one Django serves her ("pt-br" reads "pt"; the two
    Chinese scripts never stand in for each other). One query when the version is
    written in another language, none otherwise.
    """
    try:
        code = get_supported_language_variant(language)
    except LookupError:
        code = language
    if code != version.language:
        translation = version.translations.filter(language=code).first()
        if translation is not None:
            return PolicyWording(version, translation.summary, translation.full_text, code, True)
    return PolicyWording(
        version, version.summary, version.full_text, version.language, code == version.language
    )
