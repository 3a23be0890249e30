"""Drafting in sets, in named stages: candidates, rules, occasion boost, diversity, explanations.

For a batch of clients at once (``drafter.Drafter`` runs the stages in this order):

0. ``clients``: what drafting may use about each client: her consent (sizes, occasions,
   preferences), her vector folded into the active model from her *current* signals,
   her history (signal counts, purchases, strongest pieces) and, without history, the
   tastes she stated.
1. ``candidates``: the pieces on offer (active, in stock somewhere; pieces the model has
   never seen get factors predicted from their content, so a new piece can be drafted on
   its first night) and her pool of the ``pool`` best, with what she owns, returned,
   rejected or saw removed by a stylist left out: by the model with history, by content
   against her stated tastes and occasion without.
2. ``rules`` (with ``price_band``): each (client, candidate) pair must be in stock in her
   size at her home boutique or online (one-size pieces fit everyone), within her price
   band, and free of the materials, colours and styles she avoids. A client the rules
   leave short gets a second, deeper pool (``refill_pool``).
3. ``occasion``: pieces tagged for her upcoming occasion get ``occasion_boost`` (0.5) on
   top of their relevance (their rank in her pool, from 1 down to 0).
4. ``diversity``: greedy MMR with category/subcategory similarity picks the draft (the
   first ``size``) and the alternates offered to the stylist (the next ``alternates``),
   with no category above 5 of 12 draft pieces unless 80% of her purchases are in it (a
   client the cap leaves short is chosen again from the deeper pool).
5. ``explanation``: a reason per piece about that piece (the history pieces implicit's
   explain says drew it, the colour or material she returns to, its rank in its
   category), no two alike within a draft, worded by ``pipeline.explain``; ``basis``
   records the data kinds each draft was built from.

``plans`` holds the settings and what drafting hands to ``pipeline.write``. The names
other modules use are re-exported here.
"""

from __future__ import annotations

from recommendations.pipeline.draft.diversity import mmr_select
from recommendations.pipeline.draft.drafter import Drafter
from recommendations.pipeline.draft.plans import (
    DraftedItem,
    DraftSettings,
    DraftStats,
    PlannedDraft,
    lookbook_title,
)
from recommendations.pipeline.draft.rules import EXCLUDING_SIGNALS

__all__ = [
    "EXCLUDING_SIGNALS",
    "DraftSettings",
    "DraftStats",
    "DraftedItem",
    "Drafter",
    "PlannedDraft",
    "lookbook_title",
    "mmr_select",
]
