"""Reads of the nightly client outlook (stage, churn risk, 12-month value, segment).

Every read asks consent.policy whether her purchases may serve analytics *now*:
a client who withdrew it since last night shows no outlook, even before the
next run deletes her row.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet

from clients.models import Client
from consent import policy
from recommendations.models import ClientOutlook, ClientSegment, LifecycleStage

# A client is "about to lapse" when she is still a buyer (not yet lapsed) and the
# model gives her at least this chance of no purchase in the next 180 days.
LAPSE_RISK = 0.5
STILL_BUYING = (
    LifecycleStage.NEW,
    LifecycleStage.ACTIVE,
    LifecycleStage.WON_BACK,
    LifecycleStage.DORMANT,
)
ABOUT_TO_LAPSE_SHOWN = 8


@dataclass(frozen=True)
class OutlookView:
    stage: str
    stage_label: str
    churn_risk: float | None
    expected_purchases: float | None
    predicted_value: Decimal | None
    reasons: list[str]
    scored_at: Any
    segment: str = ""
    segment_description: str = ""

    @property
    def risk_percent(self) -> int | None:
        return None if self.churn_risk is None else round(self.churn_risk * 100)

    @property
    def about_to_lapse(self) -> bool:
        return (
            self.churn_risk is not None
            and self.churn_risk >= LAPSE_RISK
            and self.stage in STILL_BUYING
        )


def _view(row: ClientOutlook) -> OutlookView:
    return OutlookView(
        stage=row.stage,
        stage_label=LifecycleStage(row.stage).label,
        churn_risk=row.churn_risk,
        expected_purchases=row.expected_purchases,
        predicted_value=row.predicted_value,
        reasons=[str(reason) for reason in row.reasons or []],
        scored_at=row.scored_at,
        segment=row.segment.name if row.segment else "",
        segment_description=row.segment.description if row.segment else "",
    )


def analytics_allowed(state: policy.ConsentState) -> bool:
    return bool(policy.may_use(state, policy.DataKind.PURCHASES, policy.Purpose.ANALYTICS))


def outlook_for(client: Client, state: policy.ConsentState | None = None) -> OutlookView | None:
    """Her outlook, or None (not scored yet, or her consent does not allow it): ≤ 2 queries."""
    state = state or policy.current_consent(client.pk)
    if not analytics_allowed(state):
        return None
    row = ClientOutlook.objects.filter(client_id=client.pk).select_related("segment").first()
    return _view(row) if row else None


def segment_choices() -> list[tuple[str, str]]:
    """(id, name) of tonight's segments, largest first (1 query): the book's filter."""
    return [(str(pk), name) for pk, name in ClientSegment.objects.values_list("pk", "name")]


def about_to_lapse(clients: QuerySet[Client], *, limit: int = ABOUT_TO_LAPSE_SHOWN) -> list[Any]:
    """Clients of `clients` about to lapse, the most valuable first (1 query).

    Each row is the ClientOutlook with .client loaded and .view (an OutlookView).
    """
    rows = list(
        ClientOutlook.objects.filter(
            policy.allowing(policy.DataKind.PURCHASES, policy.Purpose.ANALYTICS, "client_id"),
            client__in=clients.values("pk"),
            churn_risk__gte=LAPSE_RISK,
            stage__in=STILL_BUYING,
        )
        .select_related("client", "segment")
        .order_by(F("predicted_value").desc(nulls_last=True), "-churn_risk", "pk")[:limit]
    )
    for row in rows:
        row.view = _view(row)  # type: ignore[attr-defined]
    return rows
