"""Colours, palettes and number formatting for the generated imagery."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH, HEIGHT = 600, 750
FLOOR_Y = 592

# --- Colour -------------------------------------------------------------------

PALETTE: dict[str, str] = {
    "black": "#1f1d1b",
    "ink": "#1c1f2a",
    "charcoal": "#3b3a38",
    "grey": "#8f8c87",
    "stone": "#b6ab99",
    "taupe": "#8b7a69",
    "ivory": "#efe7d5",
    "ecru": "#e6dcc4",
    "cream": "#f0e6d0",
    "white": "#f6f4ef",
    "sand": "#d6c4a3",
    "camel": "#b58555",
    "cognac": "#93552a",
    "rust": "#9f4f2a",
    "chocolate": "#4a3027",
    "bordeaux": "#5c1d2a",
    "red": "#a3262a",
    "plum": "#55294a",
    "blush": "#e3c1b6",
    "rose": "#c58a87",
    "nude": "#d4b197",
    "lavender": "#b6a9c9",
    "navy": "#1f2a44",
    "blue": "#36598a",
    "sky": "#9dbbd3",
    "teal": "#2c6064",
    "forest": "#2e4a3a",
    "emerald": "#1c6a4f",
    "olive": "#67663d",
    "khaki": "#a5976b",
    "mustard": "#c29839",
    "yellow": "#d8b64c",
    "orange": "#c6662c",
    "gold": "#c4a15f",
    "rose_gold": "#c8937a",
    "silver": "#b8bbc0",
    "champagne": "#dbc79d",
    "pearl": "#ebe5da",
    "amber": "#c98a3c",
    "tobacco": "#6e4a2c",
    "rouge": "#8f1d2c",
    "sage": "#97a089",
    "dove_grey": "#b8b3ab",
    "clear": "#e6ebea",
    "smoke": "#6d6864",
}

ALIASES: dict[str, str] = {
    "noir": "black",
    "jet": "black",
    "onyx": "black",
    "gray": "grey",
    "anthracite": "charcoal",
    "greige": "stone",
    "mushroom": "taupe",
    "off_white": "ivory",
    "offwhite": "ivory",
    "chalk": "white",
    "optic_white": "white",
    "beige": "sand",
    "natural": "ecru",
    "oat": "ecru",
    "tan": "camel",
    "caramel": "camel",
    "biscuit": "camel",
    "brown": "chocolate",
    "espresso": "chocolate",
    "burgundy": "bordeaux",
    "oxblood": "bordeaux",
    "wine": "bordeaux",
    "ruby": "red",
    "rouge_verlaine": "rouge",
    "dove_gray": "dove_grey",
    "crystal": "clear",
    "transparent": "clear",
    "scarlet": "red",
    "pink": "blush",
    "powder": "blush",
    "lilac": "lavender",
    "midnight": "navy",
    "cobalt": "blue",
    "denim": "blue",
    "light_blue": "sky",
    "aquamarine": "sky",
    "green": "forest",
    "bottle_green": "forest",
    "ochre": "mustard",
    "honey": "amber",
    "cognac_amber": "amber",
    "saffron": "yellow",
    "terracotta": "rust",
    "platinum": "silver",
    "palladium": "silver",
    "white_gold": "silver",
    "yellow_gold": "gold",
    "rosegold": "rose_gold",
    "pink_gold": "rose_gold",
    "sapphire": "blue",
    "diamond": "white",
}

# Unknown colour names fall back to one of these, picked by a hash of the name.
NEUTRALS = ("#b6ab99", "#8b7a69", "#cfc3ad", "#6d6a64", "#a39483")

BACKDROPS = (
    # wall top, wall bottom, floor
    ("#f5f0e8", "#ece4d8", "#e2d7c5"),
    ("#f3efe9", "#e8e1d7", "#ddd4c6"),
    ("#f4eee6", "#eae1d4", "#dfd2c0"),
    ("#f0ebe4", "#e5ded3", "#d9d0c2"),
    ("#f4ede6", "#ebe0d6", "#dfd1c3"),
)

GOLD_STOPS = ("#8a6a30", "#e8d29a", "#b38d49", "#f5e6b8", "#9a783a")
SILVER_STOPS = ("#7f838a", "#eef0f2", "#aeb2b8", "#fbfbfc", "#8f939a")
ROSE_GOLD_STOPS = ("#8f5b48", "#f1cdb9", "#b97d66", "#f8dfd1", "#9a6552")


def _metal_stops(metal: str) -> tuple[str, ...]:
    return {"silver": SILVER_STOPS, "rose_gold": ROSE_GOLD_STOPS}.get(metal, GOLD_STOPS)


def _metal_mid(metal: str) -> str:
    return _metal_stops(metal)[2]


def _key(name: str) -> str:
    """A folded key: "Crêpe de Chine" -> "crepe_de_chine"."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return folded.strip().lower().replace("-", "_").replace(" ", "_").replace(",", "")


def _digest(*parts: object) -> bytes:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()


def resolve_colour(name: str) -> str:
    """The palette hex for a colour name; unknown names get a hash-picked neutral."""
    key = _key(name)
    key = ALIASES.get(key, key)
    if key in PALETTE:
        return PALETTE[key]
    if key.startswith("#") and len(key) == 7:
        try:
            int(key[1:], 16)
        except ValueError:
            pass
        else:
            return key
    for word in key.split("_"):  # "deep navy", "light camel"
        word = ALIASES.get(word, word)
        if word in PALETTE:
            return PALETTE[word]
    return NEUTRALS[_digest("neutral", key)[0] % len(NEUTRALS)]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _hex(rgb: Iterable[float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def _mix(a: str, b: str, t: float) -> str:
    ra, rb = _rgb(a), _rgb(b)
    return _hex(x + (y - x) * t for x, y in zip(ra, rb, strict=True))


def _light(c: str, t: float) -> str:
    return _mix(c, "#ffffff", t)


def _dark(c: str, t: float) -> str:
    return _mix(c, "#120e0a", t)


def _luminance(c: str) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(c)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _f(x: float) -> str:
    """Compact, deterministic number formatting."""
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s
