"""Is there anything to read? Text made only of invisible characters counts as empty.

`str.strip()` leaves format characters (Unicode category Cf: the bidi marks
and isolates U+200E, U+202E, U+2066..., zero-width spaces and joiners, the
BOM) and a few blank letters (U+3164 HANGUL FILLER, U+2800 BRAILLE BLANK), so
a message of nothing but those was accepted and showed the advisor an empty
bubble. Forms and services ask `has_visible_text` before they store.
"""

from __future__ import annotations

import unicodedata

# Letters that render as nothing although Unicode does not call them format characters.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def _invisible(char: str) -> bool:
    return char.isspace() or char in _BLANK_LETTERS or unicodedata.category(char) in ("Cf", "Cc")


def has_visible_text(value: str | None) -> bool:
    """True when the text holds at least one character a reader can see."""
    return any(not _invisible(char) for char in value or "")
