"""The house's heritage stories: editorial texts tied to the pieces they explain.

Each story names the motif its illustration draws (atelier, saddle, silk, trunk,
perfume, jewel) and the kinds of pieces it is linked to, by subcategory or by
material, so that the catalogue of any size finds its related products.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    era: str
    motif: str
    summary: str
    paragraphs: tuple[str, ...]
    subcategories: tuple[str, ...] = ()  # linked pieces: any of these subcategories...
    words: tuple[str, ...] = ()  # ...or whose name or materials contain one of these words

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


STORIES: tuple[Story, ...] = (
    Story(
        "the-saddler-of-the-rue-du-bac",
        "The saddler of the rue du Bac",
        "1867",
        "saddle",
        "Auguste Verlaine opens a saddlery on the Left Bank, and a house begins with a stitch.",
        (
            "In the spring of 1867, while Paris filled with visitors to the Exposition "
            "universelle, Auguste Verlaine hung a painted sign above a narrow workshop on "
            "the rue du Bac. He was twenty-six, the son of a harness-maker from the Perche, "
            "and he owned two awls, a stitching horse and a debt he would take nine years "
            "to repay.",
            "His clients were coachmen and cavalry officers, and they were not patient "
            "people. A saddle had to fit the horse and the rider at once, and it had to "
            "last: a broken girth on the road to Longchamp was a matter of honour. Auguste "
            "answered with the only argument he trusted, the saddle stitch, two needles "
            "crossing in every hole so that a thread could wear through without the seam "
            "coming undone.",
            "The order books of those years survive in the archive, bound in the same "
            "leather they describe. They list the horses by name before the owners, and "
            "note, in Auguste's square hand, the width of a withers or the habit of a mare "
            "that bit. The house still keeps its records this way: the piece, and the "
            "person it must serve, before anything else.",
            "The workshop on the rue du Bac is our atelier today. The stitching horses "
            "have been replaced twice; the stitch has not.",
        ),
        ("shoulder bag", "belt"),
        ("Sellier", "Sanglon", "saddle"),
    ),
    Story(
        "a-stitch-that-cannot-come-undone",
        "A stitch that cannot come undone",
        "The 1880s",
        "atelier",
        "Why every bag of the house is still sewn by one pair of hands, two needles at a time.",
        (
            "A machine sews with one thread caught by another; if it breaks, the seam "
            "unravels like a stocking. The saddle stitch uses a single waxed linen thread "
            "with a needle at each end, passed through the same hole from both sides and "
            "pulled tight by hand. It is slower by a factor of ten. It is also the reason "
            "a Verlaine bag from 1890 can still be carried.",
            "By the 1880s Auguste employed eleven saddlers, and the carriage trade was "
            "beginning to ask for other things: cases for field glasses, dispatch boxes, a "
            "bag for a lady's riding gloves. He made them exactly as he made saddles, and "
            "wrote in the margin of an order book that the house would make nothing it "
            "could not repair.",
            "That rule outlived him. Every bag that leaves the atelier is made from start "
            "to finish by one artisan, who signs it inside with a small stamp and the "
            "year. When it comes back to us, sometimes after thirty years, it is often "
            "the same hands that mend it.",
        ),
        ("tote", "wallet", "small leather goods"),
        ("calfskin", "box calf"),
    ),
    Story(
        "trunks-for-the-night-train",
        "Trunks for the night train",
        "1890s",
        "trunk",
        "When the house's clients began to travel further than their horses could take them.",
        (
            "The railway did not ruin the saddlers of Paris overnight, but it changed "
            "what their clients needed. By 1890 the Verlaine books record as many trunks "
            "as saddles: flat ones for the sleeping cars of the Orient line, tall wardrobe "
            "trunks for the liners at Le Havre, and a hatbox lined in quilted silk for a "
            "client who took eleven hats to Biarritz.",
            "The trunks were built like saddles, on frames of poplar, covered in "
            "vegetable-tanned leather and stitched by hand at the corners, where a porter's "
            "carelessness would test them first. Each had a brass plate engraved with its "
            "owner's initials, and a number that let the atelier find its drawings again.",
            "Some of those numbers still come back to us. A trunk of 1896 returned in "
            "2019 from a house in Lausanne, its leather dark as tobacco and its lock "
            "still working; our artisans re-covered one corner and sent it on its way.",
            "The house no longer makes trunks to order every week, but their square bases, "
            "reinforced corners and brass clochettes live on in the travel pieces, and in "
            "the way we pack a client's purchases for a long journey.",
        ),
        ("tote", "small leather goods"),
        ("Malle", "Voyage", "travel", "canvas"),
    ),
    Story(
        "the-boutique-on-the-faubourg",
        "The boutique on the Faubourg",
        "1925",
        "atelier",
        "The house crosses the Seine and opens its doors on the rue du Faubourg Saint-Honoré.",
        (
            "In 1925 Auguste's granddaughter, Madeleine Verlaine, did what her family "
            "thought unwise: she rented a shop on the rue du Faubourg Saint-Honoré, far "
            "from the workshop, and filled its windows with bags instead of saddles.",
            "She kept the workshop where it was, on the rue du Bac, and had every piece "
            "carried across the river by hand. Clients who wanted to see how their bag "
            "was made were walked over the Pont Royal to watch; many of them became "
            "friends of the artisans, and some of their grandchildren are clients today.",
            "Madeleine wrote each client's measurements, colours and dislikes on a card, "
            "and kept the cards in a walnut cabinet behind the counter. The cabinet is "
            "still in the boutique. Our advisors no longer use it, but they have never "
            "stopped keeping the cards.",
        ),
        ("blazer", "coat"),
        ("Faubourg",),
    ),
    Story(
        "the-first-carre",
        "The first carré",
        "1928",
        "silk",
        "A square of silk printed with the saddlery's tools, and a new chapter for the house.",
        (
            "The first Verlaine carré was a gift. In 1928 Madeleine commissioned a square "
            "of silk twill, ninety centimetres a side, printed with the tools of her "
            "grandfather's workshop: awls, half-moon knives, a stitching horse and, in "
            "the corner, a spool of waxed thread. She gave it to the house's fifty best "
            "clients at Christmas.",
            "The clients asked for more. By 1931 the house published two designs a year, "
            "each drawn by an artist and engraved on as many as thirty screens, one for "
            "every colour. Carré Soie Héritage, the descendant of that first square, is "
            "still printed from a redrawing of the original.",
            "The edges of every carré are rolled and sewn by hand, towards the front, so "
            "that the hem is plump and soft. It takes an experienced seamstress forty "
            "minutes. The same rolled hem finishes the house's silk dresses and shirts.",
        ),
        ("shirt", "dress"),
        ("Carré", "silk twill"),
    ),
    Story(
        "the-weavers-of-the-croix-rousse",
        "The weavers of the Croix-Rousse",
        "The 1930s",
        "silk",
        "In Lyon, a family of silk weavers and a friendship that has lasted ninety years.",
        (
            "Silk came to the house from Lyon, from a family workshop on the slopes of "
            "the Croix-Rousse where the ceilings are high enough for Jacquard looms. The "
            "Bellon family wove their first twill for Verlaine in 1930; the fourth "
            "generation weaves it still.",
            "The twill is heavier than most, so that a carré holds its knot and a shirt "
            "its collar. It is woven slowly, dyed in small batches and printed by hand "
            "with screens, one colour at a time, left to dry for a day between each.",
            "When the house began to make ready-to-wear, it asked the Bellons for crêpe "
            "de Chine and satin as well. Every silk dress in the collection can be traced "
            "back to a loom on the Croix-Rousse, and to a weaver who has known the house "
            "for longer than most of its advisors.",
        ),
        ("dress", "shirt", "skirt"),
        ("silk",),
    ),
    Story(
        "riviera-the-coat-that-travelled",
        "Riviera, the coat that travelled",
        "1952",
        "trunk",
        "A trench for the Blue Train, designed to arrive in Menton without a crease.",
        (
            "In 1952 the house made its first coat. It was a trench in cotton gabardine, "
            "lighter than the ones officers wore, cut to be folded into a trunk in Paris "
            "and worn on the platform in Menton without a crease. The house called it "
            "Riviera, after the train.",
            "Its details came from the saddlery: buttonholes bound in leather, a collar "
            "saddle-stitched so that it stood up against the mistral, and a belt that "
            "ties rather than buckles because, as the first pattern notes, a buckle "
            "scratches the leather seats of a motor car.",
            "The Riviera trench has been in the collection ever since. Its proportions "
            "have changed with each decade; its gabardine is still woven for us by the "
            "same mill in Normandy.",
        ),
        ("trench",),
        ("Riviera",),
    ),
    Story(
        "etrier-a-stirrup-in-gold",
        "Étrier, a stirrup in gold",
        "1956",
        "jewel",
        "How the shape of a stirrup became the house's first jewel.",
        (
            "The Étrier ring began as a joke. In 1956 a saddler in the atelier cast a "
            "tiny brass stirrup as a christening present for a colleague's daughter. "
            "Madeleine saw it on a workbench, asked for it in gold, and wore it for the "
            "rest of her life.",
            "The jeweller the house chose, a workshop near the place Vendôme, refined the "
            "stirrup into a ring whose tread sits flat on the finger and whose arch "
            "catches the light. It has been made by hand, in the same way, for seventy "
            "years.",
            "From the Étrier came the rest: the Mors bracelet, shaped like a bit; the "
            "Boucle earrings, after a harness buckle; the Fer à Cheval pendant. The house "
            "makes jewellery the way it makes saddles, from a working object that has "
            "earned its shape.",
            "Many clients receive their first Étrier as a gift, at a birth, a wedding or "
            "an anniversary, and come back years later for its matching piece.",
        ),
        ("ring", "bracelet", "earrings", "necklace"),
        ("Étrier", "Mors", "Boucle"),
    ),
    Story(
        "jardin-d-hiver",
        "Jardin d'Hiver, a perfume for a winter garden",
        "1961",
        "perfume",
        "The house's first fragrance, composed in Grasse around an iris and a glasshouse.",
        (
            "Behind the Faubourg boutique there was, until 1970, a small winter garden "
            "under glass, where Madeleine grew irises and mimosa that flowered while Paris "
            "was grey. In 1961 she asked a young perfumer from Grasse to put it in a "
            "bottle.",
            "Jardin d'Hiver took two years. It opens on mimosa, cold and powdery, and "
            "settles on orris butter, the costliest raw material in perfumery: iris roots "
            "dried for three years before they are distilled.",
            "Its flacon is blown glass, its stopper turned by hand and tied with a thin "
            "saddle-stitched leather cord. The house has composed a new fragrance every "
            "few years since, always around a place: a stable, a racecourse, a street in "
            "Ginza.",
        ),
        ("eau de parfum", "candle"),
        ("iris", "mimosa", "Jardin"),
    ),
    Story(
        "opera-dressing-for-the-evening",
        "Opéra: dressing for the evening",
        "The 1970s",
        "atelier",
        "An evening pump, a clutch and a dress made for the staircase of the Palais Garnier.",
        (
            "In 1974 the house dressed a soprano for a gala at the Palais Garnier, and "
            "realised it had nothing for her feet. The Opéra pump was made in a fortnight "
            "on the lasts of a riding boot: a pointed toe, a heel curved like a stirrup, "
            "and a side cut low to lengthen the foot.",
            "A satin clutch followed, closed by a gilded bit clasp, and a bias-cut dress "
            "in silk crêpe from the Croix-Rousse looms. Together they became the house's "
            "first evening line.",
            "Our advisors still dress clients for galas, premières and weddings. They "
            "begin, as the atelier did in 1974, with the shoes.",
        ),
        ("pump", "clutch"),
        ("Opéra", "satin"),
    ),
    Story(
        "via-monte-napoleone",
        "Via Monte Napoleone",
        "1989",
        "atelier",
        "The house's first boutique outside France opens in Milan.",
        (
            "Milan came to the house before the house went to Milan. For decades, "
            "Milanese clients took the train to Paris twice a year, and the Faubourg kept "
            "a drawer of cards written in Italian.",
            "In 1989 the house opened on via Monte Napoleone, in the ground floor of a "
            "palazzo whose courtyard still holds an old carriage entrance. The saddlers "
            "sent from Paris to install the workshop stayed for a year; two of them "
            "married and never left.",
            "The Milan boutique keeps its own traditions: fittings for the opening night "
            "of La Scala on the seventh of December, and a shoe workshop supplied by a "
            "family on the Brenta riviera that has worked with the house since 1962.",
        ),
        ("loafer", "boot", "sneaker"),
        ("Brenta",),
    ),
    Story(
        "a-lantern-of-leather-in-ginza",
        "A lantern of leather in Ginza",
        "2004",
        "trunk",
        "The house builds a boutique in Tokyo, and its clients teach it a new kind of care.",
        (
            "The Ginza boutique was designed like a lantern: a facade of glass bricks "
            "that glows at dusk, and inside, walls lined in saddle leather the colour of "
            "honey. It opened in the autumn of 2004.",
            "The house's Japanese clients brought their own exacting courtesy. They "
            "asked how each piece should be cared for, how long a bag should rest between "
            "uses, which cream suits box calf and which suits grained leather. The "
            "advisors in Ginza began to give each client a small care book, and the other "
            "boutiques soon followed.",
            "Ginza also gave the house a fragrance, Nuit à Ginza, composed around hinoki "
            "wood and incense, and a habit of wrapping every purchase as if it were a "
            "present, because it usually is.",
        ),
        ("small leather goods",),
        ("Ginza", "hinoki"),
    ),
    Story(
        "the-hands-that-remain",
        "The hands that remain",
        "Today",
        "atelier",
        "Apprentices, masters, and the slow transmission of a craft.",
        (
            "It takes three years to make a Verlaine artisan. Apprentices begin with belts "
            "and card holders, learning to cut, pare and stitch; only in their second year "
            "do they make a bag from start to finish, under the eye of a master who signs "
            "it with them.",
            "The atelier on the rue du Bac trains twelve apprentices a year. Some come "
            "from saddlery schools, others from nowhere near leather: a former pastry chef, "
            "a violin maker, a nurse. What they share is patience, and a willingness to "
            "unpick a seam and begin again.",
            "Every piece the house sells can be brought back to the atelier for care or "
            "repair, for as long as it lives. That promise only holds if there are hands "
            "to keep it; the apprentices are how the house keeps its word.",
        ),
        ("tote", "belt", "wallet"),
        ("grained calfskin",),
    ),
)
