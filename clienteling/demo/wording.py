"""The catalogue's vocabulary: seasons, collections, lines, colours, materials, craft sentences.

Descriptions feed the TF-IDF cold-start model, so they are composed from
sentences that name the form (see pieces), the material and the craft, and
close on the occasion: pieces that differ in those ways read differently.
Prose is written as blocks of "> " sentences so that it reads like copy.
"""

from __future__ import annotations

import datetime as dt
import textwrap
import unicodedata
from dataclasses import dataclass

RTW, LEATHER, SHOES, JEWELLERY, FRAGRANCE = (
    "ready_to_wear",
    "leather_goods",
    "shoes",
    "jewellery",
    "fragrance",
)
CATEGORY_SHARES = {RTW: 0.35, LEATHER: 0.25, SHOES: 0.15, JEWELLERY: 0.15, FRAGRANCE: 0.10}
STYLE_PREFIX = {RTW: "RTW", LEATHER: "LG", SHOES: "SH", JEWELLERY: "JW", FRAGRANCE: "FR"}


def words(text: str) -> tuple[str, ...]:
    """'a | b c | d' -> ('a', 'b c', 'd'): lists of names that may hold spaces."""
    return tuple(word.strip() for word in text.split("|") if word.strip())


def sentences(text: str) -> tuple[str, ...]:
    """Sentences written as '> ' blocks; an indented line continues the one above."""
    found: list[str] = []
    for line in textwrap.dedent(text).strip().splitlines():
        if line.startswith(">"):
            found.append(line[1:].strip())
        elif line.strip():
            found[-1] = f"{found[-1]} {line.strip()}"
    return tuple(found)


@dataclass(frozen=True)
class Season:
    code: str
    launched: dt.date
    share: float
    retired_share: float  # of its pieces no longer offered


SEASONS: tuple[Season, ...] = (
    Season("Permanent", dt.date(2019, 1, 15), 0.30, 0.0),
    Season("SS25", dt.date(2025, 1, 15), 0.12, 0.5),
    Season("AW25", dt.date(2025, 7, 1), 0.16, 0.15),
    Season("SS26", dt.date(2026, 1, 15), 0.18, 0.0),
    Season("AW26", dt.date(2026, 7, 1), 0.24, 0.0),
)

# name -> (season, launched, description)
COLLECTIONS: dict[str, tuple[str, dt.date, str]] = {
    "Les Intemporels": (
        "Permanent",
        dt.date(2019, 1, 15),
        "The pieces the house never stops making: the Sellier tote, the Riviera trench, "
        "the Étrier ring.",
    ),
    "Riviera Années Folles": (
        "SS25",
        dt.date(2025, 1, 15),
        "Summer on the Riviera in 1925: striped linen, raffia, and silk that catches the wind.",
    ),
    "Écuries d'Hiver": (
        "AW25",
        dt.date(2025, 7, 1),
        "Winter in the stables at Chantilly: tweed, box calf and the warmth of camel hair.",
    ),
    "Lettres du Faubourg": (
        "SS26",
        dt.date(2026, 1, 15),
        "Letters from the boutique's first clients, printed on silk and embossed on leather.",
    ),
    "Grand Manège": (
        "AW26",
        dt.date(2026, 7, 1),
        "The riding school as a ballroom: velvet, gold bits and the curve of a saddle flap.",
    ),
    "Jardin d'Hiver": (
        "AW26",
        dt.date(2026, 9, 1),
        "A perfume, and the pieces that keep it company: iris, mimosa and frosted glass.",
    ),
}

LINES: dict[str, tuple[str, ...]] = {
    RTW: words(
        "Riviera | Faubourg | Tuileries | Monceau | Opéra | Cavalière | Haras | Deauville | "
        "Bagatelle | Chantilly | Rivoli | Palais-Royal | Camargue | Saint-Cloud | Manège | "
        "Carrousel | Trianon | Longue Rêne"
    ),
    LEATHER: words(
        "Sellier | Étrier | Malle | Galop | Bride | Licol | Boucle | Faubourg | Cavalière | "
        "Riviera | Haras | Éperon | Voyage | Rue du Bac | Sanglon"
    ),
    SHOES: words(
        "Opéra | Étrier | Cavalière | Riviera | Galop | Manège | Tuileries | Deauville | Piaffe | "
        "Bagatelle | Volte"
    ),
    JEWELLERY: words(
        "Étrier | Mors | Boucle | Gourmette | Constellation | Lune | Carrousel | Éperon | "
        "Fer à Cheval | Nœud | Soleil d'Or | Perle de Rosée | Haras"
    ),
}
CARRE_LINES = words("Carré Soie Héritage | Carré Écuries | Carré Jardin | Carré Lettres")

# name -> raw materials: a fragrance's "materials" are its perfumer's raw materials.
FRAGRANCES: dict[str, tuple[str, str]] = {
    "Jardin d'Hiver": ("iris pallida", "mimosa"),
    "Cuir de Selle": ("leather accord", "birch tar"),
    "Iris Faubourg": ("iris pallida", "violet leaf"),
    "Rose Opéra": ("Damask rose", "pink pepper"),
    "Vétiver Haras": ("vetiver", "hay absolute"),
    "Nuit à Ginza": ("hinoki", "incense"),
    "Bergamote Riviera": ("bergamot", "neroli"),
    "Figue de Monceau": ("fig leaf", "cedar"),
    "Ambre de Malle": ("labdanum", "tonka bean"),
    "Tubéreuse Palais": ("tuberose", "jasmine sambac"),
    "Encens du Manège": ("incense", "oud"),
    "Santal Voyage": ("sandalwood", "cardamom"),
    "Osmanthus Bagatelle": ("osmanthus", "apricot"),
    "Thé de Ginza": ("green tea", "yuzu"),
}

COLOURS: dict[str, tuple[str, ...]] = {
    RTW: words(
        "ivory | chalk | écru | sand | camel | tobacco | chocolate | noir | navy | midnight blue | "
        "bordeaux | rouge Verlaine | blush | sage | olive | forest green | sky blue | dove grey | "
        "anthracite | champagne"
    ),
    LEATHER: words(
        "noir | cognac | tobacco | chocolate | taupe | bordeaux | rouge Verlaine | navy | "
        "forest green | chalk | natural | sand | sky blue | blush | emerald | oxblood"
    ),
    SHOES: words(
        "noir | nude | cognac | chocolate | bordeaux | navy | ivory | silver | champagne | "
        "rouge Verlaine | taupe"
    ),
    JEWELLERY: words("yellow gold | rose gold | white gold | silver"),
    FRAGRANCE: words("amber | clear | smoke | blush"),
}


def _colour_codes() -> dict[str, str]:
    """A short code per colour for SKUs, unique across palettes: 'rouge Verlaine' -> 'ROUVER'."""
    codes: dict[str, str] = {}
    for palette in COLOURS.values():
        for colour in palette:
            if colour in codes:
                continue
            folded = unicodedata.normalize("NFKD", colour).encode("ascii", "ignore").decode()
            base = "".join(word[:3] for word in folded.split()).upper()[:6]
            code, n = base, 2
            while code in codes.values():
                code, n = f"{base[:5]}{n}", n + 1
            codes[colour] = code
    return codes


COLOUR_CODES = _colour_codes()
METALS = {
    "yellow gold": "18k yellow gold",
    "rose gold": "18k rose gold",
    "white gold": "18k white gold",
    "silver": "sterling silver",
}
STONES = words(
    "diamonds | sapphires | emeralds | onyx | mother-of-pearl | enamel | cultured pearls | "
    "tsavorites"
)
HARDWARE = ("palladium-plated brass", "gilded brass")

# Category (or subcategory, where it differs) -> how the piece is made.
CRAFT: dict[str, tuple[str, ...]] = {
    RTW: sentences("""
        > It is made in our Paris workrooms, where one tailor follows each piece from the cut
          to the last hand-sewn button.
        > The {material} is woven for us by a mill the house has worked with for three
          generations.
        > Its seams are finished by hand inside, so that it looks as careful on the hanger as
          it does worn.
        > The buttonholes are cut and sewn by hand, twenty minutes each.
        > The pattern was drafted from an archive piece of 1934 and recut for today.
        > Lined in silk twill printed with an archive carré, it is as lovely inside as out.
    """),
    LEATHER: sentences("""
        > It is saddle-stitched by hand with waxed linen thread, two needles crossing in every
          hole.
        > Its edges are sanded, dyed and burnished by hand until they shine like glass.
        > One artisan of our rue du Bac atelier makes it from start to finish, in some eighteen
          hours.
        > The {material} is chosen hide by hide from a tannery in the Loire valley.
        > Its hardware is cast for the house and polished by hand; the signature is hot-stamped
          in gold leaf.
        > It is signed by the artisan who made it, and our workshop will repair it for life.
    """),
    SHOES: sentences("""
        > It is made on the Brenta riviera by a family workshop that has worked with the house
          since 1962.
        > The leather sole is Blake-stitched and the heel built up layer by layer by hand.
        > Each pair rests on its last for two weeks, so that it keeps its shape.
        > The insole is padded with latex and lined in lambskin, for a long day on one's feet.
        > Our workshop will resole it as often as it needs, for as long as it is worn.
    """),
    JEWELLERY: sentences("""
        > It is cast, filed and polished by hand in our workshop on the place Vendôme.
        > Every stone is set by hand under the loupe, claw by claw.
        > The gold is recycled and traceable, assayed and hallmarked in Paris.
        > The house's horse's-head hallmark is struck inside, beside the workshop's mark.
        > Its motif comes from the saddlery's order books, kept in the archive since 1867.
    """),
    FRAGRANCE: sentences("""
        > It was composed by the house perfumer in Grasse and macerates for six weeks before
          bottling.
        > The flacon is blown glass, its stopper turned by hand and tied with a saddle-stitched
          leather cord.
        > Most of the formula is natural, from growers the house has known for decades.
    """),
    "candle": sentences("""
        > The wax is vegetable and the wick braided cotton; any boutique will refill the vessel.
        > Its scent was composed by the house perfumer in Grasse, like the eaux de parfum.
        > The vessel is Limoges porcelain, glazed by hand and signed underneath.
    """),
}

CLOSINGS: dict[str, tuple[str, ...]] = {
    "gala": sentences("""
        > A piece for the season's galas, made to be noticed across a room.
        > For gala evenings, when the house's archive meets the ballroom.
    """),
    "wedding": sentences("""
        > Chosen often for weddings, by guests and by the couple themselves.
        > A quiet choice for a wedding, and for every anniversary after.
    """),
    "travel": sentences("""
        > It travels well: light, uncreasing and ready for the next departure.
        > Made for long journeys and first nights in new cities.
    """),
    "business": sentences("""
        > Precise enough for the boardroom, relaxed enough for the dinner after.
        > For working days that begin early and end at the theatre.
    """),
    "everyday": sentences("""
        > A piece to wear every day, which only improves with use.
        > Made for everyday life, and to be handed down.
    """),
    "holiday": sentences("""
        > A gift for the winter holidays, wrapped in ivory paper and saddle-brown grosgrain.
    """),
    "birthday-gift": sentences("""
        > A birthday present the house will engrave with initials on request.
        > A gift that arrives with a handwritten card from your advisor.
    """),
    "evening": sentences("""
        > For evenings that begin at the opera and end much later.
        > Made for candlelight and late dinners.
    """),
    "resort": sentences("""
        > For long summers on the Riviera, from the terrace to the boat.
        > Light enough for a suitcase bound for the sea.
    """),
}

STYLE_KEYWORDS = words(
    "quiet luxury | equestrian | minimal | romantic | architectural | tailored | heritage | "
    "bold colour | bohemian | sporty | classic | avant-garde"
)
AVOIDED = words(
    "fur | patent leather | exotic skins | feathers | shearling | animal print | visible logos | "
    "strong florals | nickel | high heels | wool (sensitive skin) | yellow gold"
)
