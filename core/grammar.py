"""Sentences about a client's advisor, in the advisor's grammatical gender.

French, German, Italian, Spanish, Portuguese and Arabic mark the gender of
"your advisor" and of what the advisor does ("votre conseillère vous répondra",
"votre conseiller vous répondra"; Russian's catalogue writes the generic "Ваш
консультант ответил" for either). The catalogues hold each such
sentence twice: as written (the feminine, the house's default) and under the
message context ADVISOR_MASCULINE. Inside `advisor_wording("masculine")` every
translation the page asks for — {% translate %}, {% blocktranslate %}, Jinja2's
_() and gettext() in Python — looks for the masculine form first and falls back
to the sentence as written, so no template has to know.

Which sentences have a twin is decided by clienteling.catalogues (every msgid
that names an advisor); a language where the words do not change holds the same
text twice. docs/i18n.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils.translation import trans_real

ADVISOR_MASCULINE = "advisor: masculine"
MASCULINE = "masculine"
_SEPARATOR = trans_real.CONTEXT_SEPARATOR


class _MasculineAdvisor:
    """The active translation, asked for an advisor's masculine form first."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def gettext(self, message: str) -> str:
        found = self._inner.gettext(f"{ADVISOR_MASCULINE}{_SEPARATOR}{message}")
        return self._inner.gettext(message) if _SEPARATOR in found else found

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        prefix = f"{ADVISOR_MASCULINE}{_SEPARATOR}"
        found = self._inner.ngettext(prefix + singular, prefix + plural, number)
        return self._inner.ngettext(singular, plural, number) if _SEPARATOR in found else found

    def __getattr__(self, name: str) -> Any:  # to_language(), language(), plural, info() …
        return getattr(self._inner, name)


@contextmanager
def advisor_wording(gender: str | None) -> Iterator[None]:
    """Translations speak of the advisor in `gender` until the block ends.

    Only "masculine" changes anything (the catalogues' sentences are written in the
    feminine). translation.activate() or override() inside the block replaces the
    wording with the plain catalogue from there on (the concierge's views do neither
    around what the client reads); the state before the block is restored at its end.
    """
    if gender != MASCULINE:
        yield
        return
    active = trans_real._active  # type: ignore[attr-defined]  # Django keeps it private
    previous = getattr(active, "value", None)
    inner = previous if previous is not None else trans_real.translation(trans_real.get_language())
    active.value = _MasculineAdvisor(inner)
    try:
        yield
    finally:
        if previous is not None:
            active.value = previous
        else:
            del active.value
