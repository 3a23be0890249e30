"""The house's own names for its roles and crafts, in the reader's language.

An advisor's title and specialities are written in the admin in English ("Senior client
advisor", "Fine jewellery"); the concierge shows them to clients in twelve languages. The
names the house uses are strings of the catalogues; a title or speciality the house wrote
otherwise is shown as written.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

HOUSE_WORDS = {
    # Titles
    "Client advisor": _("Client advisor"),
    "Senior client advisor": _("Senior client advisor"),
    "Boutique director": _("Boutique director"),
    "Director of clienteling": _("Director of clienteling"),
    # Specialities
    "Bridal and ceremony": _("Bridal and ceremony"),
    "Clienteling": _("Clienteling"),
    "Fine jewellery": _("Fine jewellery"),
    "Fragrance": _("Fragrance"),
    "Gifts": _("Gifts"),
    "Leather goods": _("Leather goods"),
    "Men's tailoring": _("Men’s tailoring"),
    "Ready-to-wear": _("Ready-to-wear"),
    "Shoes": _("Shoes"),
    "Silk": _("Silk"),
    "Travel and trunks": _("Travel and trunks"),
    "VIC hosting": _("VIC hosting"),
    "Watches": _("Watches"),
}


def house_word(value: str) -> str:
    """The house's word in the active language, or the value as the house wrote it."""
    word = HOUSE_WORDS.get(value.strip()) if isinstance(value, str) else None
    return str(word) if word is not None else value
