"""The house's places and people: boutiques, the staff roster, the two client logins.

Staff addresses use the reserved .example top-level domain; boutique numbers
are shown, never dialled, by the demo.
"""

from __future__ import annotations

from dataclasses import dataclass

HOUSE_NAME = "Maison Verlaine"
FOUNDED = 1867
DEMO_PASSWORD = "atelier-demo"  # noqa: S105 - the documented demo password
STAFF_EMAIL_DOMAIN = "maison-verlaine.example"


@dataclass(frozen=True)
class BoutiqueSpec:
    code: str
    name: str
    city: str
    country: str
    timezone: str
    address: str
    phone: str
    email: str
    opening_hours: dict[str, list[list[str]]]
    client_share: float  # of the house's clients whose home boutique this is


def _week(
    weekdays: tuple[str, str], sat: tuple[str, str], sun: tuple[str, str] | None
) -> dict[str, list[list[str]]]:
    days = {day: [list(weekdays)] for day in ("mon", "tue", "wed", "thu", "fri")}
    days["sat"] = [list(sat)]
    days["sun"] = [list(sun)] if sun else []
    return days


BOUTIQUES: tuple[BoutiqueSpec, ...] = (
    BoutiqueSpec(
        code="paris",
        name="Maison Verlaine Faubourg Saint-Honoré",
        city="Paris",
        country="FR",
        timezone="Europe/Paris",
        address="57 rue du Faubourg Saint-Honoré\n75008 Paris\nFrance",
        phone="+33 1 42 65 18 67",
        email=f"paris@{STAFF_EMAIL_DOMAIN}",
        opening_hours=_week(("10:30", "19:00"), ("10:00", "19:30"), None),
        client_share=0.55,
    ),
    BoutiqueSpec(
        code="milan",
        name="Maison Verlaine Monte Napoleone",
        city="Milan",
        country="IT",
        timezone="Europe/Rome",
        address="Via Monte Napoleone 21\n20121 Milano MI\nItalia",
        phone="+39 02 7600 1867",
        email=f"milano@{STAFF_EMAIL_DOMAIN}",
        opening_hours=_week(("10:00", "19:30"), ("10:00", "19:30"), ("11:00", "19:00")),
        client_share=0.25,
    ),
    BoutiqueSpec(
        code="tokyo",
        name="Maison Verlaine Ginza",
        city="Tokyo",
        country="JP",
        timezone="Asia/Tokyo",
        address="5-7-9 Ginza, Chūō-ku\nTokyo 104-0061\nJapan",
        phone="+81 3 3572 1867",
        email=f"ginza@{STAFF_EMAIL_DOMAIN}",
        opening_hours=_week(("11:00", "20:00"), ("11:00", "20:00"), ("11:00", "19:00")),
        client_share=0.20,
    ),
)


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    boutique: str | None
    role: str  # stylists.models.Role values
    title: str
    languages: tuple[str, ...]
    specialities: tuple[str, ...]
    bio: str = ""


def _advisor(
    username: str,
    first: str,
    last: str,
    boutique: str,
    languages: str,
    specialities: str,
    title: str = "Client advisor",
    bio: str = "",
) -> StaffSpec:
    return StaffSpec(
        username,
        first,
        last,
        boutique,
        "stylist",
        title,
        tuple(languages.split()),
        tuple(s.strip() for s in specialities.split(";")),
        bio,
    )


# The first Paris advisor is the `stylist` login (the 250-client book); the
# first Milan advisor is `stylist2`. Order matters: books are dealt in it.
STAFF: tuple[StaffSpec, ...] = (
    _advisor(
        "stylist",
        "Élise",
        "Marchand",
        "paris",
        "fr en it",
        "Fine jewellery; Leather goods; VIC hosting",
        "Senior client advisor",
        "Twelve years on the Faubourg; keeps a handwritten card for every client.",
    ),
    _advisor(
        "hugo.lefevre",
        "Hugo",
        "Lefèvre",
        "paris",
        "fr en",
        "Men's tailoring; Shoes",
        bio="Trained as a tailor before joining the house.",
    ),
    _advisor(
        "anouk.delacroix",
        "Anouk",
        "Delacroix",
        "paris",
        "fr en de",
        "Ready-to-wear; Silk",
        bio="Can date any carré print, back to the first of 1928.",
    ),
    _advisor(
        "raphael.morel", "Raphaël", "Morel", "paris", "fr en ru", "Leather goods; Travel and trunks"
    ),
    _advisor(
        "yasmine.benali",
        "Yasmine",
        "Benali",
        "paris",
        "fr en ar",
        "Fine jewellery; Bridal and ceremony",
    ),
    _advisor("mathilde.rousseau", "Mathilde", "Rousseau", "paris", "fr en", "Fragrance; Gifts"),
    _advisor(
        "thomas.nguyen",
        "Thomas",
        "Nguyen",
        "paris",
        "fr en zh-hans",
        "Ready-to-wear; Leather goods",
    ),
    _advisor("sofia.alvarez", "Sofía", "Álvarez", "paris", "fr en es pt", "Shoes; Ready-to-wear"),
    StaffSpec(
        "manager",
        "Hélène",
        "Vasseur",
        "paris",
        "manager",
        "Boutique director",
        ("fr", "en"),
        ("Clienteling", "VIC hosting"),
    ),
    _advisor(
        "stylist2",
        "Giulia",
        "Bernardi",
        "milan",
        "it en fr",
        "Ready-to-wear; Bridal and ceremony",
        "Senior client advisor",
        "Dressed three generations of one Brera family for La Scala's opening night.",
    ),
    _advisor(
        "lorenzo.conti", "Lorenzo", "Conti", "milan", "it en", "Men's tailoring; Leather goods"
    ),
    _advisor("chiara.galli", "Chiara", "Galli", "milan", "it en de", "Shoes; Silk"),
    _advisor(
        "alessandro.ferri", "Alessandro", "Ferri", "milan", "it en", "Fine jewellery; Watches"
    ),
    _advisor(
        "francesca.moretti", "Francesca", "Moretti", "milan", "it en fr", "Ready-to-wear; Fragrance"
    ),
    _advisor(
        "matteo.longo",
        "Matteo",
        "Longo",
        "milan",
        "it en zh-hans",
        "Leather goods; Travel and trunks",
    ),
    _advisor("beatrice.sala", "Beatrice", "Sala", "milan", "it en es", "Fragrance; Gifts"),
    _advisor(
        "davide.colombo", "Davide", "Colombo", "milan", "it en ar", "Fine jewellery; VIC hosting"
    ),
    StaffSpec(
        "manager-milan",
        "Valentina",
        "Greco",
        "milan",
        "manager",
        "Boutique director",
        ("it", "en", "fr"),
        ("Clienteling",),
    ),
    _advisor(
        "aiko.tanaka",
        "Aiko",
        "Tanaka",
        "tokyo",
        "ja en",
        "Fine jewellery; Bridal and ceremony",
        "Senior client advisor",
    ),
    _advisor("kenji.watanabe", "Kenji", "Watanabe", "tokyo", "ja en", "Men's tailoring; Shoes"),
    _advisor("yui.nakamura", "Yui", "Nakamura", "tokyo", "ja en fr", "Ready-to-wear; Silk"),
    _advisor(
        "ryo.kobayashi", "Ryō", "Kobayashi", "tokyo", "ja en", "Leather goods; Travel and trunks"
    ),
    _advisor("emi.yamamoto", "Emi", "Yamamoto", "tokyo", "ja en", "Fragrance; Gifts"),
    _advisor("sho.inoue", "Shō", "Inoue", "tokyo", "ja en ko", "Leather goods; Watches"),
    _advisor("mei.lin", "Mei", "Lin", "tokyo", "ja zh-hans en", "Fine jewellery; VIC hosting"),
    _advisor("naomi.mori", "Naomi", "Mori", "tokyo", "ja en", "Ready-to-wear; Shoes"),
    StaffSpec(
        "manager-tokyo",
        "Takeshi",
        "Fujimoto",
        "tokyo",
        "manager",
        "Boutique director",
        ("ja", "en"),
        ("Clienteling",),
    ),
    StaffSpec(
        "headoffice",
        "Claire",
        "Duval",
        None,
        "head_office",
        "Director of clienteling",
        ("fr", "en", "it"),
        ("Clienteling", "Client data quality"),
    ),
)


# The advisors whose clients' pages speak of them in the masculine ("votre conseiller");
# the others in the feminine, the catalogues' default (Stylist.grammatical_gender).
MASCULINE_ADVISORS = frozenset(
    {
        "hugo.lefevre",
        "raphael.morel",
        "thomas.nguyen",
        "lorenzo.conti",
        "alessandro.ferri",
        "matteo.longo",
        "davide.colombo",
        "kenji.watanabe",
        "ryo.kobayashi",
        "sho.inoue",
        "manager-tokyo",
    }
)


# The two client logins; everything else about them follows the normal rules.
CLIENT_PERSONAS: dict[str, dict[str, str]] = {
    "client": {
        "first_name": "Camille",
        "last_name": "Laurent",
        "salutation": "Mme",
        "email": "camille.laurent@example.fr",
        "phone": "+33 6 40 18 67 21",
        "tier": "personal",
    },
    "client-essential": {
        "first_name": "Bérénice",
        "last_name": "Aumont",
        "salutation": "Mme",
        "email": "berenice.aumont@example.fr",
        "phone": "",
        "tier": "essential",
    },
}
