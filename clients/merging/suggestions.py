"""Profiles that may be one person on weak evidence, scored for a manager's merge queue.

Strong identifiers (e-mail, phone, loyalty and till ids) already match at the
door (imports, identity_add). What is left is weak evidence: names spelled a
little differently (rapidfuzz), the same city, the same birthday. Each signal
is kept with its words, so the manager sees why two profiles were paired.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from rapidfuzz import fuzz, process

from clients.models import (
    Client,
    ClientStatus,
    MergeStatus,
    MergeSuggestion,
    Occasion,
    OccasionKind,
)

NAME_FLOOR = 85.0  # token-sort similarity (0..100) below which names are different people
SUGGEST_FROM = 0.70
WEIGHTS = {"name": 0.60, "city": 0.15, "birthday": 0.25}
BIRTHDAY_CLASH = -0.40  # both birthdays known and different: most likely two people


def folded(text: str) -> str:
    """Lower case, no accents, single spaces: 'Bérénice  Dupré' -> 'berenice dupre'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("-", " ").split())


@dataclass(frozen=True)
class Candidate:
    pk: int
    name: str
    city: str
    birthday: tuple[int, int] | None


@dataclass(frozen=True)
class Pair:
    a: int
    b: int
    score: float
    evidence: list[dict[str, Any]]


def score_pair(one: Candidate, two: Candidate, name_similarity: float) -> Pair | None:
    """The weak evidence that two profiles are one person, or None when too weak."""
    if name_similarity < NAME_FLOOR:
        return None
    evidence: list[dict[str, Any]] = [
        {
            "signal": "name",
            "score": round(name_similarity / 100, 3),
            "words": f"Names {name_similarity:.0f}% alike",
        }
    ]
    score = WEIGHTS["name"] * name_similarity / 100
    if one.city and one.city == two.city:
        score += WEIGHTS["city"]
        evidence.append({"signal": "city", "score": 1.0, "words": "Same city"})
    if one.birthday and two.birthday:
        if one.birthday == two.birthday:
            score += WEIGHTS["birthday"]
            evidence.append({"signal": "birthday", "score": 1.0, "words": "Same birthday"})
        else:
            score += BIRTHDAY_CLASH
            evidence.append({"signal": "birthday", "score": 0.0, "words": "Different birthdays"})
    score = max(0.0, min(1.0, score))
    if score < SUGGEST_FROM:
        return None
    a, b = sorted((one.pk, two.pk))
    return Pair(a=a, b=b, score=round(score, 3), evidence=evidence)


def candidates(queryset: Any = None) -> list[Candidate]:
    """Active profiles with what weak matching reads (three queries, whatever their number)."""
    clients = (queryset if queryset is not None else Client.objects.all()).filter(
        status=ClientStatus.ACTIVE
    )
    rows = list(clients.values_list("pk", "first_name", "last_name", "home_boutique__city"))
    birthdays: dict[int, tuple[int, int]] = {}
    for client_id, date in Occasion.objects.filter(
        client_id__in=[row[0] for row in rows], kind=OccasionKind.BIRTHDAY
    ).values_list("client_id", "date"):
        birthdays[client_id] = (date.month, date.day)
    return [
        Candidate(
            pk=pk,
            name=folded(f"{first} {last}"),
            city=folded(city or ""),
            birthday=birthdays.get(pk),
        )
        for pk, first, last, city in rows
    ]


def find_pairs(people: Iterable[Candidate]) -> list[Pair]:
    """Score every pair sharing a block (first letter of a name word): rapidfuzz cdist."""
    blocks: dict[str, list[Candidate]] = defaultdict(list)
    for person in people:
        for initial in {word[0] for word in person.name.split() if word}:
            blocks[initial].append(person)
    found: dict[tuple[int, int], Pair] = {}
    for block in blocks.values():
        if len(block) < 2:
            continue
        names = [person.name for person in block]
        matrix = process.cdist(names, names, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_FLOOR)
        for i, j in zip(*matrix.nonzero(), strict=True):
            if i >= j:
                continue
            pair = score_pair(block[i], block[j], float(matrix[i, j]))
            if pair is not None:
                found[(pair.a, pair.b)] = pair
    return sorted(found.values(), key=lambda pair: (-pair.score, pair.a, pair.b))


@transaction.atomic
def merge_suggestions_refresh(*, queryset: Any = None) -> int:
    """Store new pairs, rescore pending ones; a pair a manager rejected is never suggested again."""
    pairs = find_pairs(candidates(queryset))
    existing = {
        (s.client_a_id, s.client_b_id): s
        for s in MergeSuggestion.objects.filter(
            client_a_id__in={p.a for p in pairs}, client_b_id__in={p.b for p in pairs}
        )
    }
    new, changed = [], []
    for pair in pairs:
        known = existing.get((pair.a, pair.b))
        if known is None:
            new.append(
                MergeSuggestion(
                    client_a_id=pair.a, client_b_id=pair.b, score=pair.score, evidence=pair.evidence
                )
            )
        elif known.status == MergeStatus.PENDING:
            known.score, known.evidence = pair.score, pair.evidence
            changed.append(known)
    MergeSuggestion.objects.bulk_create(new, batch_size=500)
    MergeSuggestion.objects.bulk_update(changed, ["score", "evidence"], batch_size=500)
    return len(new)


@transaction.atomic
def merge_suggestion_reject(*, suggestion: MergeSuggestion, decided_by: Any) -> MergeSuggestion:
    """Not the same person: the pair leaves the queue and never comes back."""
    suggestion = MergeSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    suggestion.status = MergeStatus.REJECTED
    suggestion.decided_by = decided_by
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    return suggestion
