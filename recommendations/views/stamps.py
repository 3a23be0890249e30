"""Per-piece markup drawn once per page: the review page's dozen pieces repeat the same forms.

A piece's move forms, its Keep / Remove… / Swap… controls and its two closed dialogs depend
on the page (URL, version, CSRF field) and on the piece only through its id, its name and a
flag or two (first, last, still proposed). Each variant is rendered once, with stand-ins for
the id and name, and each piece gets that markup with its own id and escaped name put in:
exactly what its own rendering would draw (tests/recommendations/test_review_render.py), for
a few string replacements instead of ~100 template variables a piece.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from recommendations import forms
from recommendations.models import ItemState, LookbookItem

# Stand-ins for a piece's id and name (private-use characters: no name or markup holds them).
_PK, _NAME = "\ue000pk\ue000", "\ue000name\ue000"


class _Product:
    name = _NAME


class _Blank:
    """A piece as the stamped templates read it, with stand-ins for its id and name."""

    pk = _PK
    product = _Product
    dialog_open = swap_error = ""
    remove_form = forms.blank_remove_form(_PK)

    def __init__(self, state: str = "") -> None:
        self.state = state


class Stamps:
    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context
        self.blanks: dict[tuple[Any, ...], str] = {}

    def stamp(
        self, item: LookbookItem, template: str, *key: Any, state: str = "", **extra: Any
    ) -> SafeString:
        """`template` as `item` would draw it; `key` names the variant (`state`, `extra`)."""
        blank = self.blanks.get((template, *key))
        if blank is None:
            context = {**self.context, **extra, "item": _Blank(state)}
            blank = render_to_string(f"recommendations/{template}", context)
            self.blanks[(template, *key)] = blank
        name = conditional_escape(item.product.name)
        # The blank rendering is escaped, and so is the name.
        return mark_safe(blank.replace(_PK, str(item.pk)).replace(_NAME, name))


def stamp_pieces(context: dict[str, Any], bound: dict[str, Any]) -> None:
    """Give each piece of an editable page its stamped controls (.move_forms, .decide) and,
    unless a dialog of it is open or its form came back with errors, its dialogs (.dialogs)."""
    stamps = Stamps(context)
    pieces: list[LookbookItem] = context["page"].pieces
    for n, item in enumerate(pieces):
        first, last = n == 0, n == len(pieces) - 1
        item.move_forms = stamps.stamp(  # type: ignore[attr-defined]
            item, "_piece_move.html", first, last, forloop={"first": first, "last": last}
        )
        proposed = item.state == ItemState.PROPOSED
        item.decide = stamps.stamp(  # type: ignore[attr-defined]
            item, "_piece_decide.html", proposed, state=item.state if proposed else ""
        )
        if not item.dialog_open and not item.swap_error and f"remove-{item.pk}" not in bound:  # type: ignore[attr-defined]
            item.dialogs = stamps.stamp(item, "_piece_dialogs.html")  # type: ignore[attr-defined]
