"""The kinds of pieces the house makes: each subcategory's names, materials, prices, forms.

The subcategories are exactly those the image generator draws. Each is written
as a small block: a header (name | category | share of its category | sizing
| price range in EUR | likely occasions), its nouns, its materials, then the
opening sentences of its descriptions ({noun}, {colour} and {material} are
filled per piece; jewellery and fragrance take their materials elsewhere).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from clienteling.demo.wording import sentences, words


@dataclass(frozen=True)
class Subcategory:
    name: str
    category: str
    share: float  # within its category
    sizing: str  # rtw | shoes | ring | belt | one
    price: tuple[int, int]  # EUR
    occasions: tuple[str, ...]
    nouns: tuple[str, ...]
    materials: tuple[str, ...]
    openings: tuple[str, ...]


SPEC = """
coat | ready_to_wear | 0.12 | rtw | 3200-6800 | business everyday travel evening
  nouns: coat | cocoon coat | wrap coat | double-face coat | caban
  materials: double-face wool | cashmere | camel hair | alpaca | shearling
  > A {noun} in {colour} {material}, cut long and straight, with a hidden placket and horn
    buttons.
  > This {noun} is drawn from the riding coats of the 1920s: {colour} {material}, a deep back
    vent and a collar that stands against the wind.
  > Soft-shouldered and unlined, the {noun} in {colour} {material} wraps and ties like a
    dressing gown made for the street.
trench | ready_to_wear | 0.10 | rtw | 2800-5600 | travel business everyday
  nouns: trench | short trench | belted trench
  materials: cotton gabardine | wool gabardine | waxed cotton | silk faille
  > A {noun} in {colour} {material}, double-breasted, with a storm flap, raglan sleeves and a
    belt that ties rather than buckles.
  > The {noun} the house has cut since 1952, in {colour} {material}, with leather-bound
    buttonholes and a saddle-stitched collar.
  > Cut for travel, this {noun} in {colour} {material} shrugs off showers and folds into a
    weekend bag.
dress | ready_to_wear | 0.16 | rtw | 1600-5200 | gala evening wedding holiday resort
  nouns: dress | slip dress | shirt dress | column gown | wrap dress
  materials: silk crêpe de Chine | silk satin | silk twill | viscose jersey | Calais lace |
    wool crêpe
  > A bias-cut {noun} in {colour} {material} that falls to the ankle and moves as its wearer
    does.
  > This {noun} in {colour} {material} has a boat neck, a fitted waist and a skirt that opens
    in soft pleats.
  > A {noun} in {colour} {material}, its hem rolled and stitched by hand, as on the house's
    silk carrés.
blazer | ready_to_wear | 0.12 | rtw | 2200-4800 | business evening everyday
  nouns: blazer | riding jacket | spencer | tuxedo jacket
  materials: wool grain de poudre | Donegal tweed | linen | velvet | wool flannel
  > A single-breasted {noun} in {colour} {material}, with a nipped waist and a riding vent at
    the back.
  > The {noun} in {colour} {material}: sharp shoulders, and pockets set at a slant as on a
    hacking jacket.
  > A {noun} in {colour} {material}, half-canvassed so that it shapes itself to the wearer
    over the years.
knitwear | ready_to_wear | 0.16 | rtw | 850-3200 | everyday travel holiday business
  nouns: cardigan | crew-neck sweater | polo | twinset | turtleneck
  materials: cashmere | merino | mohair | baby alpaca | silk and cashmere
  > A {noun} knitted in {colour} {material}, with fully fashioned seams that lie flat against
    the skin.
  > This {noun} in {colour} {material} is knitted in the Scottish Borders and finished with a
    saddle-stitched leather tab.
  > A {noun} in {colour} {material} with a ribbed collar and buttons cut from mother-of-pearl.
shirt | ready_to_wear | 0.13 | rtw | 650-1500 | business everyday resort evening
  nouns: shirt | blouse | pussy-bow blouse | tunic
  materials: silk twill | cotton poplin | silk crêpe de Chine | linen voile
  > A {noun} in {colour} {material}, with a soft collar, French cuffs and a pleat at the back
    for ease.
  > This {noun} in {colour} {material} is printed with a detail from the house's first silk
    carré.
  > A fluid {noun} in {colour} {material}, with a bow that ties loosely at the neck.
trousers | ready_to_wear | 0.12 | rtw | 750-1650 | business everyday travel
  nouns: trousers | cigarette trousers | jodhpur trousers | wide-leg trousers
  materials: wool gabardine | wool flannel | linen | cotton twill | silk satin
  > High-waisted {noun} in {colour} {material}, with a pressed crease and side adjusters.
  > These {noun} in {colour} {material} borrow the line of riding breeches: full at the hip,
    narrow at the ankle.
  > The {noun} in {colour} {material} are cut straight, with a turn-up and a concealed hook.
skirt | ready_to_wear | 0.09 | rtw | 850-2400 | business everyday evening
  nouns: skirt | pleated skirt | pencil skirt | wrap skirt
  materials: silk twill | Donegal tweed | lambskin | wool crêpe | linen
  > A {noun} in {colour} {material} that sits at the waist and falls just below the knee.
  > This {noun} in {colour} {material} is pleated by hand, forty pleats set one by one with
    an iron.
  > A {noun} in {colour} {material}, its wrap fastened by a slim leather strap and a gilded
    buckle.
tote | leather_goods | 0.22 | one | 3600-9500 | travel business everyday
  nouns: tote | cabas | tote 35 | tote 40
  materials: grained calfskin | box calf | toile Verlaine canvas | smooth calfskin |
    suede goatskin
  > A {noun} in {colour} {material}, roomy enough for a laptop and a folded coat, with an open
    top and a key clochette.
  > This {noun} in {colour} {material} keeps the square base and reinforced corners of the
    house's first travel bags.
  > A supple {noun} in {colour} {material}, unlined, that softens and darkens over years of
    use.
shoulder bag | leather_goods | 0.24 | one | 3200-8400 | everyday evening business travel
  nouns: shoulder bag | saddle bag | besace | mini bag
  materials: box calf | smooth calfskin | lambskin | crocodile | grained calfskin
  > A {noun} in {colour} {material} with a flap cut like the saddle bags of the house's early
    years.
  > This {noun} in {colour} {material} hangs from an adjustable strap and closes with a
    stirrup-shaped clasp.
  > A structured {noun} in {colour} {material}, with gussets that open like an accordion.
clutch | leather_goods | 0.14 | one | 2400-5800 | gala evening wedding
  nouns: clutch | minaudière | pochette | envelope clutch
  materials: satin | lambskin | crocodile | patent leather | lizard
  > A {noun} in {colour} {material}, just large enough for an evening: a lipstick, a key, a
    folded note.
  > This {noun} in {colour} {material} closes with a gilded bit clasp and hides a detachable
    chain.
  > A slim {noun} in {colour} {material}, lined in silk twill printed from the house archive.
wallet | leather_goods | 0.14 | one | 1200-2400 | everyday birthday-gift holiday
  nouns: wallet | compact wallet | continental wallet | zipped wallet
  materials: grained calfskin | box calf | goatskin | smooth calfskin
  > A {noun} in {colour} {material} with twelve card slots, a zipped coin pocket and a note
    compartment.
  > This {noun} in {colour} {material} folds in three and closes with a stud engraved with the
    house initials.
  > A {noun} in {colour} {material}, lined in a contrasting leather for the pleasure of
    opening it.
belt | leather_goods | 0.12 | belt | 1200-1900 | everyday business birthday-gift
  nouns: belt 32 mm | reversible belt 38 mm | belt 24 mm
  materials: box calf | grained calfskin | smooth calfskin | suede
  > A {noun} in {colour} {material} with a stirrup buckle, reversible to a second colour.
  > This {noun} in {colour} {material} has a hand-painted edge, sanded and polished in seven
    coats.
  > A {noun} in {colour} {material}, its buckle cast from a bit in the saddlery's order book.
small leather goods | leather_goods | 0.14 | one | 1200-1900 | birthday-gift holiday travel
  nouns: card holder | key ring | passport cover | travel tray | notebook cover
  materials: grained calfskin | goatskin | box calf | lambskin
  > A {noun} in {colour} {material}, small enough for a pocket and made to last decades.
  > This {noun} in {colour} {material} is cut from the offcuts of our bags: nothing is wasted.
  > A {noun} in {colour} {material}, embossed by hand with initials on request.
pump | shoes | 0.20 | shoes | 850-1350 | gala evening wedding business
  nouns: pump 85 | pump 105 | slingback 70 | pump 55
  materials: patent leather | suede | satin | nappa lambskin
  > A pointed {noun} in {colour} {material}, with a heel shaped like the curve of a stirrup.
  > This {noun} in {colour} {material} is cut low at the side to lengthen the foot.
  > A {noun} in {colour} {material}, its heel wrapped in the same leather as the upper.
loafer | shoes | 0.20 | shoes | 850-1250 | everyday business travel
  nouns: loafer | stirrup loafer | penny loafer
  materials: calfskin | suede | patent leather | grained calfskin
  > A {noun} in {colour} {material} with a gilded stirrup across the vamp.
  > This {noun} in {colour} {material} is hand-sewn at the apron, moccasin-style.
  > A {noun} in {colour} {material} with a slim leather sole and a stacked heel.
boot | shoes | 0.16 | shoes | 1150-1600 | everyday travel business
  nouns: riding boot | ankle boot 60 | Chelsea boot
  materials: calfskin | suede | grained calfskin | shearling-lined calfskin
  > A {noun} in {colour} {material}, shaped on the lasts of the house's riding boots.
  > This {noun} in {colour} {material} pulls on with leather loops and has a padded collar.
  > A {noun} in {colour} {material}, its shaft stiffened so that it never slouches.
sneaker | shoes | 0.16 | shoes | 690-990 | everyday travel resort
  nouns: sneaker | court sneaker | slip-on sneaker
  materials: calfskin | suede | canvas | nappa lambskin
  > A {noun} in {colour} {material} on a light rubber sole, with the house's horse's head
    stitched at the heel.
  > This {noun} in {colour} {material} is lined in lambskin and cushioned for long days in the
    city.
  > A low {noun} in {colour} {material}, with waxed cotton laces and perforations along the
    side.
sandal | shoes | 0.14 | shoes | 750-1250 | resort holiday evening wedding
  nouns: sandal | mule 50 | flat sandal | espadrille
  materials: raffia | nappa lambskin | calfskin | satin
  > A {noun} in {colour} {material} with crossed straps that recall a saddle girth.
  > This {noun} in {colour} {material} sits on a leather footbed moulded to the arch.
  > A {noun} in {colour} {material}, braided by hand in strips as fine as ribbon.
ballerina | shoes | 0.14 | shoes | 650-950 | everyday travel business
  nouns: ballerina | flat | Mary Jane
  materials: lambskin | patent leather | satin | suede
  > A {noun} in {colour} {material}, soft enough to fold, with a grosgrain bow.
  > This {noun} in {colour} {material} is stitched and turned, like a dancer's slipper.
  > A {noun} in {colour} {material} with a slim strap and a small stirrup buckle.
ring | jewellery | 0.28 | ring | 1100-24000 | wedding birthday-gift gala everyday
  nouns: ring | signet ring | band | cocktail ring
  > A {noun} in {material}, modelled on a stirrup drawn in the saddlery's order book of 1871.
  > This {noun} in {material} is shaped like a bit, its two rings free to turn.
  > A {noun} in {material} with a polished face, made to be engraved.
necklace | jewellery | 0.20 | one | 1600-38000 | gala wedding evening birthday-gift
  nouns: necklace | pendant | sautoir | collar
  > A {noun} in {material}, its links forged like a curb chain on a bridle.
  > This {noun} in {material} falls long and ends in a small horseshoe.
  > A {noun} in {material}, finished with a single stone that catches candlelight.
bracelet | jewellery | 0.22 | one | 1400-28000 | everyday birthday-gift gala wedding
  nouns: bracelet | cuff | bangle | chain bracelet
  > A {noun} in {material}, hinged and closed by a clasp shaped like a buckle.
  > This {noun} in {material} is woven link by link, supple as a leather strap.
  > A {noun} in {material}, engraved inside with the date of the house's foundation.
earrings | jewellery | 0.18 | one | 900-12000 | gala evening wedding everyday
  nouns: earrings | hoops | studs | drop earrings
  > A pair of {noun} in {material}, light enough to forget.
  > These {noun} in {material} echo the curve of a stirrup.
  > {noun} in {material}, each one finished and polished by hand.
watch | jewellery | 0.12 | one | 4800-32000 | business everyday birthday-gift
  nouns: watch 28 | watch 33 | watch 38
  > A {noun} in {material} with a lacquered dial and a strap in box calf.
  > This {noun} in {material} keeps a Swiss movement behind a sapphire case back.
  > A {noun} in {material}, its lugs shaped like a stirrup.
eau de parfum | fragrance | 0.72 | one | 220-420 | birthday-gift holiday everyday evening
  nouns: eau de parfum | eau de parfum 50 ml | extrait de parfum | eau de parfum 15 ml
  > {noun}, with {material} at its heart.
  > {noun} opens on {material} and settles close to the skin.
  > {noun} pairs {material}, for a trail that lingers after you leave a room.
candle | fragrance | 0.28 | one | 180-260 | holiday birthday-gift everyday
  nouns: candle | scented candle 190 g | porcelain candle
  > {noun} fills a room with {material}.
  > {noun} burns for sixty hours and smells of {material}.
  > {noun}, scented with {material}, comes in a vessel that outlives it.
"""


def _parse(spec: str) -> tuple[Subcategory, ...]:
    blocks: list[list[str]] = []
    for line in textwrap.dedent(spec).strip().splitlines():
        if line and not line[0].isspace():
            blocks.append([line])
        elif line.strip().startswith(("nouns:", "materials:", ">")):
            blocks[-1].append(line.strip())
        elif line.strip():
            blocks[-1][-1] = f"{blocks[-1][-1]} {line.strip()}"
    parsed = []
    for header, *body in blocks:
        name, category, share, sizing, price, occasions = (p.strip() for p in header.split("|"))
        fields = {k: v for k, _, v in (b.partition(":") for b in body if not b.startswith(">"))}
        low, high = price.split("-")
        parsed.append(
            Subcategory(
                name=name,
                category=category,
                share=float(share),
                sizing=sizing,
                price=(int(low), int(high)),
                occasions=tuple(occasions.split()),
                nouns=words(fields["nouns"]),
                materials=words(fields.get("materials", "")),
                openings=sentences("\n".join(b for b in body if b.startswith(">"))),
            )
        )
    return tuple(parsed)


SUBCATEGORIES = _parse(SPEC)
