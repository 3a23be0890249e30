"""The review page's prose: why a draft looks the way it does, metrics and price bands in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from clients.models import Client
from consent import policy
from consent.models import ConsentTier
from recommendations.models import Lookbook, LookbookOrigin, ModelVersion

_KIND_WORDS = {
    "purchases": "purchases",
    "preferences": "stated preferences and reactions to lookbooks",
    "sizes": "sizes",
    "occasions": "occasions",
    "browsing": "browsing",
    "saved_items": "saved pieces",
    "cross_device": "activity across devices",
}
_METRIC_WORDS = {
    "precision": "precision",
    "recall": "recall",
    "ndcg": "NDCG",
    "map": "MAP",
    "coverage": "catalogue coverage",
    "hit_rate": "hit rate",
}
# The pipeline's signals (recommendations.pipeline.extract.SIGNALS), in words: (one, many).
_SIGNAL_WORDS = {
    "purchase": ("purchase", "purchases"),
    "returned": ("return", "returns"),
    "love": ("piece loved", "pieces loved"),
    "not_for_me": ("“not for me”", "“not for me”s"),
    "stylist_added": ("piece added by an advisor", "pieces added by advisors"),
    "stylist_kept": ("piece kept by an advisor", "pieces kept by advisors"),
    "stylist_removed": ("piece removed by an advisor", "pieces removed by advisors"),
    "save": ("saved piece", "saved pieces"),
    "cart": ("bag addition", "bag additions"),
    "share": ("share", "shares"),
    "view": ("view", "views"),
}
# Why the pipeline drafted now (recommendations.pipeline.audience.Reason).
_REASON_WORDS = {
    "styling_request": "the client asked for styling.",
    "occasion": "an occasion is coming.",
    "stale": "no new lookbook for a while.",
    "manual": "an advisor asked for a draft.",
    "refresh": "the client just bought, loved or asked for something, so her draft was redone.",
}


@dataclass(frozen=True)
class DataBasisView:
    """Why the draft looks the way it does, in plain words."""

    lines: tuple[str, ...]
    kinds_used: tuple[str, ...]
    kinds_not_used: tuple[str, ...]
    model: ModelVersion | None
    metrics: tuple[tuple[str, str], ...]
    baseline: tuple[tuple[str, str], ...]


def _format_metric(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value else "0"
    return str(value)


def _metric_label(name: str) -> str:
    base, _, k = name.partition("@")
    words = _METRIC_WORDS.get(base.lower(), base.replace("_", " "))
    return f"{words} at {k}" if k else words


def _metrics(values: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(values, dict):
        return ()
    return tuple(
        (_metric_label(str(name)), _format_metric(value))
        for name, value in values.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    )


def _signal_words(signals: dict[str, Any]) -> list[str]:
    words = []
    for name, count in signals.items():
        if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
            continue
        one, many = _SIGNAL_WORDS.get(name, (name.replace("_", " "), name.replace("_", " ")))
        words.append(f"{count} {one if count == 1 else many}")
    return words


def _drafting_lines(lookbook: Lookbook, basis: dict[str, Any], kinds: list[str]) -> list[str]:
    """Who or what made the draft, from which data kinds and signals."""
    if lookbook.origin == LookbookOrigin.STYLIST:
        author = lookbook.author.name if lookbook.author else "an advisor"
        return [f"Made by hand by {author}: no model, only the advisor's own eye."]
    raw_counts, raw_signals = basis.get("counts"), basis.get("signals")
    counts: dict[str, Any] = raw_counts if isinstance(raw_counts, dict) else {}
    signals: dict[str, Any] = raw_signals if isinstance(raw_signals, dict) else {}
    lines: list[str] = []
    used = []
    for kind in kinds:
        words = _KIND_WORDS.get(kind, kind.replace("_", " "))
        count = counts.get(kind)
        used.append(f"{words} ({count})" if isinstance(count, int) else words)
    drafted = timezone.localtime(lookbook.created_at).strftime("%-d %B %Y")
    if used:
        lines.append(f"Drafted by the model on {drafted} from {_join(used)}.")
    else:
        lines.append(f"Drafted by the model on {drafted}; it did not record its data.")
    heard = _signal_words(signals)
    if heard:
        lines.append(f"What it learned from: {_join(heard)}.")
    if basis.get("cold_start"):
        lines.append(
            "Few signals of the client's own: it leaned on stated preferences and on "
            "what clients with similar tastes chose."
        )
    return lines


def _consent_lines(tier_then: str, state: policy.ConsentState) -> list[str]:
    """The consent the draft was made under, against the consent now."""
    if not tier_then:
        return []
    label_then = _tier_label(tier_then)
    if tier_then != state.tier:
        return [f"Consent was {label_then} when it was drafted; it is {state.tier_label} now."]
    return [f"Consent: {label_then}, then and now."]


def _short_draft_lines(basis: dict[str, Any]) -> list[str]:
    """Why a draft holds fewer pieces than usual (the pipeline kept it balanced)."""
    short = basis.get("short")
    if not isinstance(short, dict) or not short.get("pieces") or not short.get("of"):
        return []
    pieces, of = int(short["pieces"]), int(short["of"])
    cap = max(1, round(of * 5 / 12))
    return [
        f"Shorter than usual: {pieces} of {of} pieces. Her best candidates are mostly in too "
        f"few categories to keep any one to {cap} of {of} pieces, so the draft stops here; "
        "the pieces left out for balance come first among the alternates."
    ]


def describe_data_basis(lookbook: Lookbook, state: policy.ConsentState) -> DataBasisView:
    """The draft's data basis in plain words: tier then, data kinds and signals, the model.

    Reads what recommendations.pipeline writes: {"tier", "kinds", "signals": {name: n},
    "model_version", "cold_start", "reason"} (per-kind "counts" are read too).
    """
    basis = lookbook.data_basis if isinstance(lookbook.data_basis, dict) else {}
    kinds = [str(k) for k in basis.get("kinds") or [] if isinstance(k, str)]
    tier_then = str(basis.get("tier") or "")
    lines = [*_drafting_lines(lookbook, basis, kinds), *_consent_lines(tier_then, state)]
    reason = basis.get("reason") or basis.get("trigger")
    if isinstance(reason, str) and reason:
        lines.append(f"Why now: {_REASON_WORDS.get(reason, reason)}")
    lines.extend(_short_draft_lines(basis))
    not_used = [
        _KIND_WORDS.get(kind.value, kind.value)
        for kind in policy.DataKind
        if kind.value not in kinds
        and not policy.tier_allows(tier_then or state.tier, kind, policy.Purpose.PERSONALISATION)
    ]
    if lookbook.origin == LookbookOrigin.MODEL and not_used:
        lines.append(f"Never used, as consent does not cover it: {_join(not_used)}.")
    model = lookbook.model_version
    return DataBasisView(
        lines=tuple(lines),
        kinds_used=tuple(kinds),
        kinds_not_used=tuple(not_used),
        model=model,
        metrics=_metrics(model.metrics) if model else (),
        baseline=_metrics(model.baseline_metrics) if model else (),
    )


def _tier_label(tier: str) -> str:
    try:
        return str(ConsentTier(tier).label)
    except ValueError:
        return tier


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def price_band_words(client: Client) -> str:
    """The client's price band: "€800 – €2,500", "up to …", "from …", or ""."""
    low, high = client.price_band_min, client.price_band_max
    if low is None and high is None:
        return ""
    if low is None:
        return f"up to €{high:,.0f}"
    if high is None:
        return f"from €{low:,.0f}"
    return f"€{low:,.0f} – €{high:,.0f}"
