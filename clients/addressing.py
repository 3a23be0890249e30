"""How the house addresses a client, written out as her language does.

"Madame Laurent" in French (the abbreviation "Mme" is for envelopes, not for her),
"Frau Laurent", "Signor Laurent", "Laurent様", "Laurent女士", "Ms Laurent" in English.
Each salutation with the surname is one string of the catalogues (pgettext, context
"form of address"), so each language puts the honorific where it belongs.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

# Keyed by Client.salutation's stored values (clients.models.Salutation).
FORMS_OF_ADDRESS = {
    "Mme": pgettext_lazy("form of address", "Ms %(last_name)s"),
    "M.": pgettext_lazy("form of address", "Mr %(last_name)s"),
    "Mx": pgettext_lazy("form of address", "Mx %(last_name)s"),
    "Dr": pgettext_lazy("form of address", "Dr %(last_name)s"),
}
# The name she asked to be called by: as it is, or with the honorific her language
# always adds ("Camille様").
CHOSEN_NAME = pgettext_lazy("form of address, a name she chose", "%(name)s")


def form_of_address(*, salutation: str, last_name: str, preferred_name: str, full_name: str) -> str:
    """Her preferred name, else her salutation and surname in the active language, else
    her full name (no salutation given)."""
    if preferred_name:
        return str(CHOSEN_NAME) % {"name": preferred_name}
    form = FORMS_OF_ADDRESS.get(salutation)
    if form is None:
        return full_name
    return str(form) % {"last_name": last_name}
