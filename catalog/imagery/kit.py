"""Shapes, material finishes and the drawing kit every object is drawn with."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from catalog.imagery.palette import (
    ALIASES,
    FLOOR_Y,
    WIDTH,
    _dark,
    _f,
    _key,
    _light,
    _luminance,
    _metal_mid,
    _metal_stops,
    resolve_colour,
)

# --- Shapes ---------------------------------------------------------------------

# category -> ordered (shape, keywords); the first shape is the category default.
CATEGORY_SHAPES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "ready_to_wear": (
        ("coat", ("coat", "overcoat", "cape", "parka", "caban", "duffle")),
        ("trench", ("trench", "mac", "raincoat")),
        ("dress", ("dress", "gown", "robe", "kaftan")),
        ("jacket", ("blazer", "jacket", "tailoring", "suit", "veste", "bomber")),
        ("knit", ("knit", "sweater", "cardigan", "jumper", "pullover", "cashmere", "twinset")),
        ("shirt", ("shirt", "blouse", "top", "chemise", "tunic")),
        ("trousers", ("trouser", "pant", "jean", "chino", "culotte", "short")),
        ("skirt", ("skirt", "jupe")),
        ("scarf", ("scarf", "carre", "carré", "shawl", "stole", "foulard", "twilly")),
    ),
    "leather_goods": (
        ("shoulder_bag", ("shoulder", "crossbody", "handbag", "top_handle", "saddle", "bag")),
        ("tote", ("tote", "shopper", "cabas", "weekender", "travel")),
        ("clutch", ("clutch", "pouch", "minaudiere", "evening", "envelope")),
        ("wallet", ("wallet", "purse", "portefeuille")),
        ("belt", ("belt", "ceinture")),
        ("slg", ("card", "key", "small", "slg", "passport", "holder", "case")),
    ),
    "shoes": (
        ("pump", ("pump", "heel", "stiletto", "escarpin", "slingback", "court")),
        ("loafer", ("loafer", "moccasin", "derby", "oxford", "brogue", "mule", "slipper")),
        ("boot", ("boot", "bootie", "chelsea", "botte")),
        ("sneaker", ("sneaker", "trainer", "runner", "tennis")),
        ("sandal", ("sandal", "espadrille", "sabot")),
        ("ballerina", ("ballerina", "ballet", "flat", "babies")),
    ),
    "jewellery": (
        ("ring", ("ring", "bague", "band", "solitaire", "signet")),
        ("necklace", ("necklace", "pendant", "chain", "collier", "sautoir", "choker")),
        ("bracelet", ("bracelet", "bangle", "cuff", "manchette")),
        ("earrings", ("earring", "ear", "hoop", "stud", "boucle")),
        ("watch", ("watch", "montre", "timepiece")),
    ),
    "fragrance": (
        ("bottle", ("parfum", "perfume", "eau", "cologne", "extrait", "bottle", "flacon")),
        ("candle", ("candle", "bougie", "diffuser", "home")),
    ),
}


def resolve_shape(*, category: str, subcategory: str) -> str:
    """The drawing used for a category/subcategory pair (free-text tolerant)."""
    options = CATEGORY_SHAPES.get(_key(category))
    sub = _key(subcategory)
    if options is None:
        # Unknown category: let the subcategory alone decide, else a tote.
        for shapes in CATEGORY_SHAPES.values():
            for shape, words in shapes:
                if any(w in sub for w in words):
                    return shape
        return "tote"
    # Prefer the longest keyword that matches ("shoulder bag" over "bag").
    best: tuple[int, str] | None = None
    for shape, words in options:
        for w in words:
            if w in sub and (best is None or len(w) > best[0]):
                best = (len(w), shape)
    return best[1] if best else options[0][0]


# --- Materials ------------------------------------------------------------------


@dataclass(frozen=True)
class _Finish:
    sheen: float = 0.0  # 0 matte .. 0.5 patent
    texture: str = ""  # "", knit, tweed, canvas, grain, suede, twill, weave
    silk: bool = False
    metal: str = "gold"  # hardware / jewellery metal: gold, silver, rose_gold
    glass: bool = False
    pearl: bool = False
    stone: str = ""  # a gemstone colour for jewellery, "" for none


_STONES: tuple[tuple[str, str], ...] = (
    # (word in the materials, stone colour); pearls are drawn apart.
    ("diamond", "#f4f6f8"),
    ("sapphire", "#2a4d8f"),
    ("emerald", "#1c6a4f"),
    ("ruby", "#9b1b30"),
    ("tsavorite", "#2f8a4f"),
    ("onyx", "#1b1a1a"),
    ("enamel", "#1f2a44"),
    ("amethyst", "#6b4a8a"),
    ("topaz", "#c98a3c"),
    ("aquamarine", "#9dc4d6"),
    ("garnet", "#6e1a22"),
    ("citrine", "#d8a83a"),
)
_METAL_COLOURS = frozenset({"gold", "silver", "rose_gold"})


def _has(words: str, *needles: str) -> bool:
    return any(n in words for n in needles)


def _finish(materials: list[str], colours: list[str], rng: random.Random) -> _Finish:
    words = " ".join(_key(m) for m in materials)
    colour_words = " ".join(_key(c) for c in colours)
    both = words + " " + colour_words
    if _has(both, "rose_gold", "pink_gold", "rosegold"):
        metal = "rose_gold"
    elif _has(both, "silver", "platinum", "palladium", "white_gold", "steel", "titanium"):
        metal = "silver"
    elif _has(both, "gold", "brass", "gilded"):
        metal = "gold"
    else:
        metal = rng.choice(("gold", "gold", "silver"))
    texture = ""
    sheen = 0.0
    if _has(words, "wool", "flannel", "gabardine", "grain_de_poudre", "linen", "cotton", "poplin"):
        texture = "weave"
    if _has(words, "cashmere", "mohair", "alpaca", "merino", "knit", "camel_hair", "jersey"):
        texture = "knit"
    if _has(words, "tweed", "boucle"):
        texture = "tweed"
    if _has(words, "canvas", "jacquard", "toile", "raffia"):
        texture = "canvas"
    if _has(words, "denim", "twill") and not _has(words, "silk"):
        texture = "twill"
    leather = _has(words, "leather", "calf", "lambskin", "goatskin", "nappa", "croc", "lizard")
    if leather:
        sheen = 0.22
        if _has(words, "grain", "pebble", "togo", "caviar", "saffiano"):
            texture = "grain"
        if _has(words, "croc", "alligator"):
            texture, sheen = "croc", 0.3
        if _has(words, "lizard", "python"):
            texture, sheen = "scale", 0.26
    if _has(words, "suede", "nubuck", "velvet", "shearling"):
        texture, sheen = "suede", 0.0
    if _has(words, "patent", "lacquer", "varnish"):
        sheen = 0.5
    silk = _has(words, "silk", "satin", "charmeuse", "crepe_de_chine", "chiffon", "faille")
    glass = _has(words, "glass", "crystal")
    pearl = _has(both, "pearl")
    stone = ""
    for word, colour in _STONES:
        if word in words:
            stone = colour
            break
    else:
        for name in colours:
            key = _key(name)
            key = ALIASES.get(key, key)
            if key not in _METAL_COLOURS and key not in ("platinum", "white_gold"):
                stone = resolve_colour(name)
                break
    return _Finish(
        sheen=sheen, texture=texture, silk=silk, metal=metal, glass=glass, pearl=pearl, stone=stone
    )


# --- Drawing kit -------------------------------------------------------------------


@dataclass
class _Kit:
    """Collects <defs> and paints parts with consistent light and materials."""

    uid: str
    rng: random.Random
    base: str
    second: str
    finish: _Finish
    light_left: bool
    defs: list[str] = field(default_factory=list)
    _made: set[str] = field(default_factory=set)

    def ident(self, name: str) -> str:
        return f"{self.uid}-{name}"

    def url(self, name: str) -> str:
        return f"url(#{self.ident(name)})"

    def _once(self, name: str, markup: Callable[[], str]) -> str:
        if name not in self._made:
            self._made.add(name)
            self.defs.append(markup())
        return self.url(name)

    # Gradients --------------------------------------------------------------
    def _coords(self, x1: float, y1: float, x2: float, y2: float) -> str:
        if not self.light_left:
            x1, x2 = WIDTH - x1, WIDTH - x2
        return f'x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}"'

    def tone(self, colour: str, *, strength: float = 1.0) -> str:
        """A body gradient for a colour: lit from one side, falling into shade."""
        dark_lift = 0.1 if _luminance(colour) < 0.03 else 0.0
        hi = _light(colour, 0.16 * strength + dark_lift)
        lo = _dark(colour, 0.24 * strength)
        name = "tone-" + colour.lstrip("#") + f"-{int(strength * 10)}"
        return self._once(
            name,
            lambda: (
                f'<linearGradient id="{self.ident(name)}" gradientUnits="userSpaceOnUse" '
                f"{self._coords(140, 140, 470, 640)}>"
                f'<stop offset="0" stop-color="{hi}"/>'
                f'<stop offset="0.55" stop-color="{colour}"/>'
                f'<stop offset="1" stop-color="{lo}"/></linearGradient>'
            ),
        )

    def metal_fill(self, metal: str | None = None) -> str:
        metal = metal or self.finish.metal
        stops = _metal_stops(metal)
        name = f"metal-{metal}"

        def markup() -> str:
            offsets = (0, 0.3, 0.52, 0.7, 1)
            s = "".join(
                f'<stop offset="{o}" stop-color="{c}"/>'
                for o, c in zip(offsets, stops, strict=True)
            )
            return (
                f'<linearGradient id="{self.ident(name)}" x1="0" y1="0" x2="1" y2="1">{s}'
                "</linearGradient>"
            )

        return self._once(name, markup)

    def metal_line(self, metal: str | None = None) -> str:
        return _dark(_metal_mid(metal or self.finish.metal), 0.35)

    def _sheen(self) -> str:
        strength = self.finish.sheen

        def markup() -> str:
            a = _f(min(0.55, strength))
            return (
                f'<linearGradient id="{self.ident("sheen")}" gradientUnits="userSpaceOnUse" '
                f"{self._coords(150, 160, 430, 560)}>"
                '<stop offset="0" stop-color="#ffffff" stop-opacity="0"/>'
                f'<stop offset="0.28" stop-color="#ffffff" stop-opacity="{a}"/>'
                '<stop offset="0.42" stop-color="#ffffff" stop-opacity="0"/>'
                '<stop offset="0.8" stop-color="#ffffff" stop-opacity="0"/>'
                f'<stop offset="0.9" stop-color="#ffffff" stop-opacity="{_f(float(a) / 3)}"/>'
                '<stop offset="1" stop-color="#ffffff" stop-opacity="0"/></linearGradient>'
            )

        return self._once("sheen", markup)

    def _silk(self) -> str:
        def markup() -> str:
            bands = "".join(
                f'<stop offset="{o}" stop-color="#ffffff" stop-opacity="{a}"/>'
                for o, a in (
                    (0, 0),
                    (0.18, 0.22),
                    (0.3, 0.02),
                    (0.46, 0.16),
                    (0.6, 0),
                    (0.78, 0.12),
                    (1, 0),
                )
            )
            return (
                f'<linearGradient id="{self.ident("silk")}" gradientUnits="userSpaceOnUse" '
                f"{self._coords(160, 200, 440, 600)}>{bands}</linearGradient>"
            )

        return self._once("silk", markup)

    def _texture(self, colour: str) -> str | None:
        kind = self.finish.texture
        if not kind:
            return None
        ink = _dark(colour, 0.55) if _luminance(colour) > 0.05 else _light(colour, 0.35)
        glint = _light(colour, 0.45)
        name = f"tex-{kind}-{colour.lstrip('#')}"
        pid = self.ident(name)
        patterns = {
            "knit": (
                f'<pattern id="{pid}" width="7" height="6" patternUnits="userSpaceOnUse">'
                f'<path d="M0 0.5 L1.75 5 L3.5 0.5 L5.25 5 L7 0.5" fill="none" stroke="{ink}" '
                'stroke-width="0.7" stroke-opacity="0.28"/></pattern>'
            ),
            "tweed": (
                f'<pattern id="{pid}" width="9" height="9" patternUnits="userSpaceOnUse">'
                f'<path d="M0 9 L9 0" stroke="{ink}" stroke-width="1.3" stroke-opacity="0.3"/>'
                f'<path d="M0 0 L4 4" stroke="{glint}" stroke-width="1.2" stroke-opacity="0.45"/>'
                f'<circle cx="6.5" cy="6.5" r="0.9" fill="{glint}" fill-opacity="0.6"/>'
                f'<circle cx="2" cy="7" r="0.7" fill="{ink}" fill-opacity="0.4"/></pattern>'
            ),
            "canvas": (
                f'<pattern id="{pid}" width="4" height="4" patternUnits="userSpaceOnUse">'
                f'<path d="M0 0.5 H4 M0.5 0 V4" stroke="{ink}" stroke-width="0.6" '
                'stroke-opacity="0.16"/></pattern>'
            ),
            "weave": (
                f'<pattern id="{pid}" width="3" height="3" patternUnits="userSpaceOnUse">'
                f'<path d="M0 0.5 H3" stroke="{ink}" stroke-width="0.5" stroke-opacity="0.1"/>'
                "</pattern>"
            ),
            "twill": (
                f'<pattern id="{pid}" width="5" height="5" patternUnits="userSpaceOnUse">'
                f'<path d="M0 5 L5 0" stroke="{glint}" stroke-width="0.9" stroke-opacity="0.3"/>'
                "</pattern>"
            ),
            "grain": (
                f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
                f'<circle cx="1.5" cy="1.5" r="1.1" fill="{ink}" fill-opacity="0.12"/>'
                f'<circle cx="4.5" cy="4.2" r="1.2" fill="{ink}" fill-opacity="0.1"/>'
                f'<circle cx="4.4" cy="1" r="0.6" fill="{glint}" fill-opacity="0.2"/></pattern>'
            ),
            "croc": (
                f'<pattern id="{pid}" width="22" height="16" patternUnits="userSpaceOnUse">'
                f'<path d="M1 1 h9 v6 h-9 Z M12 1 h9 v6 h-9 Z M6 9 h10 v6 h-10 Z M-5 9 h9 v6 h-9 Z '
                f'M18 9 h9 v6 h-9 Z" fill="none" stroke="{ink}" stroke-width="0.9" '
                'stroke-opacity="0.35" stroke-linejoin="round"/></pattern>'
            ),
            "scale": (
                f'<pattern id="{pid}" width="6" height="5" patternUnits="userSpaceOnUse">'
                f'<path d="M0 5 Q3 0 6 5" fill="none" stroke="{ink}" stroke-width="0.6" '
                'stroke-opacity="0.3"/></pattern>'
            ),
            "suede": (
                f'<pattern id="{pid}" width="5" height="5" patternUnits="userSpaceOnUse">'
                f'<circle cx="1" cy="1" r="0.6" fill="{glint}" fill-opacity="0.18"/>'
                f'<circle cx="3.5" cy="3" r="0.6" fill="{ink}" fill-opacity="0.12"/></pattern>'
            ),
        }
        markup = patterns.get(kind)
        if markup is None:
            return None
        return self._once(name, lambda: markup)

    # Painting ---------------------------------------------------------------
    def body(self, d: str, colour: str | None = None, *, outline: bool = True) -> str:
        """A main part: tone, then texture, then sheen or silk, then a soft outline."""
        colour = colour or self.base
        out = [f'<path d="{d}" fill="{self.tone(colour)}"/>']
        tex = self._texture(colour)
        if tex:
            out.append(f'<path d="{d}" fill="{tex}"/>')
        if self.finish.silk:
            out.append(f'<path d="{d}" fill="{self._silk()}"/>')
        if self.finish.sheen:
            out.append(f'<path d="{d}" fill="{self._sheen()}"/>')
        if outline:
            out.append(
                f'<path d="{d}" fill="none" stroke="{_dark(colour, 0.4)}" '
                'stroke-width="1.2" stroke-opacity="0.55" stroke-linejoin="round"/>'
            )
        return "".join(out)

    def flat(self, d: str, colour: str, *, opacity: float = 1.0) -> str:
        op = "" if opacity >= 1 else f' fill-opacity="{_f(opacity)}"'
        return f'<path d="{d}" fill="{colour}"{op}/>'

    def metal(self, d: str, metal: str | None = None) -> str:
        return (
            f'<path d="{d}" fill="{self.metal_fill(metal)}" stroke="{self.metal_line(metal)}" '
            'stroke-width="0.9" stroke-opacity="0.7" stroke-linejoin="round"/>'
        )

    def metal_stroke(self, d: str, width: float, metal: str | None = None, extra: str = "") -> str:
        return (
            f'<path d="{d}" fill="none" stroke="{self.metal_line(metal)}" '
            f'stroke-width="{_f(width + 1.6)}" stroke-linecap="round" {extra}/>'
            f'<path d="{d}" fill="none" stroke="{self.metal_fill(metal)}" '
            f'stroke-width="{_f(width)}" stroke-linecap="round" {extra}/>'
        )

    def seam(
        self, d: str, colour: str | None = None, *, width: float = 1.2, op: float = 0.5
    ) -> str:
        colour = colour or self.base
        return (
            f'<path d="{d}" fill="none" stroke="{_dark(colour, 0.45)}" stroke-width="{_f(width)}" '
            f'stroke-opacity="{_f(op)}" stroke-linecap="round" stroke-linejoin="round"/>'
        )

    def fold(self, d: str, colour: str | None = None, *, width: float = 6) -> str:
        """A soft fold: a wide faint shadow with a fine highlight beside it."""
        colour = colour or self.base
        return (
            f'<path d="{d}" fill="none" stroke="{_dark(colour, 0.5)}" stroke-width="{_f(width)}" '
            'stroke-opacity="0.12" stroke-linecap="round"/>'
            f'<path d="{d}" fill="none" stroke="{_light(colour, 0.5)}" stroke-width="1" '
            'stroke-opacity="0.3" stroke-linecap="round" transform="translate(3 0)"/>'
        )

    def stitch(self, d: str, colour: str | None = None) -> str:
        colour = colour or self.base
        thread = _light(colour, 0.55) if _luminance(colour) < 0.25 else _dark(colour, 0.35)
        return (
            f'<path d="{d}" fill="none" stroke="{thread}" stroke-width="1.3" '
            'stroke-dasharray="4 3" stroke-linecap="round" stroke-opacity="0.85"/>'
        )

    def highlight(self, d: str, op: float = 0.35, width: float = 2) -> str:
        return (
            f'<path d="{d}" fill="none" stroke="#ffffff" stroke-width="{_f(width)}" '
            f'stroke-opacity="{_f(op)}" stroke-linecap="round"/>'
        )

    def cast(self, d: str) -> str:
        """The object's shadow on the wall: its silhouette, offset and blurred."""
        dx = 14 if self.light_left else -14
        return (
            f'<path d="{d}" fill="#3a2e22" fill-opacity="0.16" '
            f'transform="translate({dx} 16)" filter="{self.url("blur")}"/>'
        )

    def ground(self, cx: float, rx: float, *, ry: float = 16, y: float = FLOOR_Y) -> str:
        """A soft contact shadow on the floor, pushed away from the light."""
        dx = rx * 0.08 if self.light_left else -rx * 0.08
        return (
            f'<ellipse cx="{_f(cx + dx)}" cy="{_f(y)}" rx="{_f(rx)}" ry="{_f(ry)}" '
            f'fill="{self.url("shadow")}"/>'
            f'<ellipse cx="{_f(cx)}" cy="{_f(y - 1)}" rx="{_f(rx * 0.8)}" ry="{_f(ry * 0.28)}" '
            f'fill="#2a2118" fill-opacity="0.28" filter="{self.url("soft")}"/>'
        )


def _mirror(d_points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(WIDTH - x, y) for x, y in d_points]


def _hanger(kit: _Kit, *, clip: bool = False) -> str:
    hook = "M300 150 L300 134 C300 116 288 104 274 108 C262 112 262 126 270 128"
    bar = "M196 178 Q300 140 404 178" if not clip else "M210 150 L390 150"
    out = [kit.metal_stroke(hook, 3.2)]
    if clip:
        out.append(kit.metal_stroke(bar, 5))
        for x in (236, 364):
            out.append(kit.metal(f"M{x - 9} 146 h18 v24 h-18 Z"))
    else:
        wood = "#a77b52" if kit.rng.random() < 0.5 else "#2b2623"
        out.append(
            f'<path d="{bar}" fill="none" stroke="{_dark(wood, 0.3)}" stroke-width="9" '
            'stroke-linecap="round"/>'
            f'<path d="{bar}" fill="none" stroke="{wood}" stroke-width="7" stroke-linecap="round"/>'
        )
    return "".join(out)
