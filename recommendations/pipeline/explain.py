"""The sentence a stylist reads next to each drafted piece: specific, true, and short.

"She bought the Riviera trench and the silk carré; in stock in 38 in Paris; for her gala
on 12 December." Each part states a fact the draft was built on:

- why: the pieces of *her* history closest to this one in the model's item space, weighted
  by how strong her signal was (a purchase counts ten times a view, as in training), or
  the piece itself if she already saved, loved or looked at it; for a client without
  history, the stated tastes it matches; failing those, its popularity;
- where: the size and place where it is in stock for her (home boutique first);
- when: her occasion, if the piece is tagged for it; her budget, if she gave one.

Phrases are cached: a night's drafts repeat the same products, sizes and places.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from catalog.models import Category
from recommendations.pipeline.audience import OccasionInfo
from recommendations.pipeline.catalogue import SIZE_SYSTEM_LABELS, Catalogue, Stock, tokens
from recommendations.pipeline.extract import SIGNALS

# salutation -> (subject, possessive, object)
PRONOUNS: dict[str, tuple[str, str, str]] = {
    "Mme": ("she", "her", "her"),
    "M.": ("he", "his", "him"),
}
NEUTRAL = ("they", "their", "them")

# The piece of her history that explains a suggestion, by signal.
HISTORY_PHRASES: dict[str, str] = {
    "purchase": "bought {item}",
    "love": "loved {item} in a lookbook",
    "save": "saved {item}",
    "cart": "put {item} in {pos} bag",
    "share": "shared {item}",
    "view": "looked at {item}",
}
ADVISOR_PHRASE = "{Pos} advisor picked {item} for {obj}"
ADVISOR_SIGNALS = frozenset({"stylist_added", "stylist_kept"})
# The suggested piece itself is already in her history.
SELF_PHRASES: dict[str, str] = {
    "love": "{Sub} loved this piece in a lookbook",
    "save": "{Sub} saved this piece",
    "cart": "{Sub} put this piece in {pos} bag",
    "share": "{Sub} shared this piece",
    "view": "{Sub} looked at this piece online",
    "stylist_kept": "{Pos} advisor kept this piece in an earlier lookbook",
    "stylist_added": "{Pos} advisor chose this piece for {obj} before",
}


def _category_label(value: str) -> str:
    try:
        return str(Category(value).label).lower()
    except ValueError:
        return value.replace("_", " ")


def pronouns(salutation: str) -> tuple[str, str, str]:
    return PRONOUNS.get(salutation, NEUTRAL)


def _fill(template: str, salutation: str, **extra: str) -> str:
    sub, pos, obj = pronouns(salutation)
    return template.format(
        Sub=sub.capitalize(), sub=sub, Pos=pos.capitalize(), pos=pos, obj=obj, **extra
    )


def day_month(day: dt.date) -> str:
    return f"{day.day} {day:%B}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def money(amount: float) -> str:
    return f"€{amount:,.0f}"


def sentence(parts: list[str]) -> str:
    text = "; ".join(p for p in parts if p)
    return (text[:1].upper() + text[1:] + ".") if text else ""


class Explainer:
    """Builds explanation parts from catalogue indices and codes, with caches."""

    def __init__(self, catalogue: Catalogue, stock: Stock) -> None:
        self.catalogue = catalogue
        self.stock = stock
        self._item = lru_cache(maxsize=None)(self._item_uncached)
        self._stock = lru_cache(maxsize=None)(self._stock_uncached)
        self._history = lru_cache(maxsize=200_000)(self._history_uncached)
        self._self = lru_cache(maxsize=None)(self._because_self_uncached)
        self._words = lru_cache(maxsize=None)(self._product_words)
        self._taste = lru_cache(maxsize=10_000)(self._taste_uncached)
        # Category labels are translated (gettext costs ~60 µs a call); one explainer
        # serves one run in one language, so each label is looked up once.
        self._label = lru_cache(maxsize=None)(_category_label)
        self._ranked = lru_cache(maxsize=None)(self._ranked_uncached)
        self._popular = lru_cache(maxsize=None)(self._popular_uncached)

    def _item_uncached(self, index: int) -> str:
        name = self.catalogue.names[index].strip()
        return name if name.lower().startswith("the ") else f"the {name}"

    def _because_self_uncached(self, salutation: str, code: int) -> str:
        return _fill(SELF_PHRASES[SIGNALS[code].name], salutation)

    def because_self(self, salutation: str, code: int) -> str:
        """The piece itself is in her history: ``code`` is her strongest signal on it."""
        return self._self(salutation, code)

    def _history_uncached(self, salutation: str, picks: tuple[int, ...]) -> str:
        client_clauses: list[tuple[str, str]] = []
        advisor_items: list[str] = []
        for code, index in zip(picks[::2], picks[1::2], strict=True):
            if code < 0 or index < 0:
                continue
            signal, item = SIGNALS[code].name, self._item(index)
            if signal in ADVISOR_SIGNALS:
                advisor_items.append(item)
            elif signal in HISTORY_PHRASES:
                client_clauses.append((signal, item))
        parts: list[str] = []
        if client_clauses:
            signals = {s for s, _ in client_clauses}
            if len(client_clauses) > 1 and len(signals) == 1:
                items = " and ".join(i for _, i in client_clauses)
                verb = _fill(HISTORY_PHRASES[client_clauses[0][0]], salutation, item=items)
            else:
                verb = " and ".join(
                    _fill(HISTORY_PHRASES[s], salutation, item=i) for s, i in client_clauses
                )
            parts.append(_fill("{Sub} ", salutation) + verb)
        if advisor_items:
            parts.append(_fill(ADVISOR_PHRASE, salutation, item=" and ".join(advisor_items)))
        return " and ".join(parts)

    def because_history(self, salutation: str, picks: tuple[int, ...]) -> str:
        """``picks`` = (signal code, catalogue index) pairs, flattened; -1 pairs are skipped."""
        return self._history(salutation, picks)

    def _product_words(self, index: int) -> tuple[frozenset[str], tuple[str, str]]:
        raw = self.catalogue.raw[index]
        words = frozenset(tokens(raw.get("colours")) + tokens(raw.get("materials")))
        kinds = (str(raw.get("subcategory") or "").strip().lower(), str(raw.get("category")))
        return words, kinds

    def because_taste(
        self, salutation: str, stated: tuple[frozenset[str], frozenset[str]], index: int
    ) -> str:
        """The stated tastes (colours and materials, categories) this piece matches."""
        wanted, categories = stated
        have, (subcategory, category) = self._words(index)
        words = sorted(wanted & have)
        for value in (subcategory, category):
            if value and value in categories:
                words.append(self._label(value))
                break
        return self._taste(salutation, tuple(words)) if words else ""

    def _taste_uncached(self, salutation: str, words: tuple[str, ...]) -> str:
        listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        return _fill("matches {pos} stated taste for ", salutation) + listed

    def returns_to(self, salutation: str, word: str, count: int) -> str:
        """A colour or material of this piece that ``count`` (2+) pieces she bought share."""
        return _fill(f"in {word}, like {count} pieces {{sub}} bought", salutation)

    def popularity_rank(self, index: int, rank: int) -> str:
        """Its rank (1 = first) among the house's pieces on offer in its category, by clients."""
        return self._ranked(int(self.catalogue.category[index]), rank)

    def _ranked_uncached(self, code: int, rank: int) -> str:
        category = self._label(self.catalogue.categories[code])
        if rank == 1:
            return f"the house's most chosen piece in {category}"
        return f"the house's {ordinal(rank)} most chosen piece in {category}"

    def made_of(self, index: int) -> str:
        """Its own colour and material ("this one in black box calf"), or "" without them."""
        raw = self.catalogue.raw[index] if self.catalogue.raw else {}
        words = [str(v[0]).strip().lower() for v in (raw.get("colours"), raw.get("materials")) if v]
        words = [w for w in words if w]
        return f"this one in {' '.join(words)}" if words else ""

    def because_popular(self, index: int) -> str:
        return self._popular(int(self.catalogue.category[index]))

    def _popular_uncached(self, code: int) -> str:
        category = self.catalogue.categories[code]
        return f"among the house's most chosen pieces in {self._label(category)}"

    def _stock_uncached(
        self, salutation: str, index: int, size: int, place: int, size_unknown: bool
    ) -> str:
        where = "online" if place == 0 else f"in {self.stock.place_names[place]}"
        if size_unknown:
            system = self.catalogue.size_systems[self.catalogue.size_system[index]]
            label = SIZE_SYSTEM_LABELS.get(system, system.replace("_", " "))
            return _fill(f"in stock {where}; {{pos}} {label} size is not on file", salutation)
        if size > 0:
            return f"in stock in {self.stock.size_names[size]} {where}"
        return f"in stock {where}"

    def stock_phrase(
        self, salutation: str, index: int, size: int, place: int, size_unknown: bool
    ) -> str:
        return self._stock(salutation, index, size, place, size_unknown)

    def occasion(self, salutation: str, occasion: OccasionInfo) -> str:
        return _fill(f"for {{pos}} {occasion.label} on {day_month(occasion.date)}", salutation)

    def budget(self, salutation: str, amount: float) -> str:
        return _fill(f"within {{pos}} budget of {money(amount)}", salutation)
