"""Generated advisor portraits: a calm painted bust, deterministic from a seed.

The demo house has no photography of its advisors, as it has none of its
pieces: until a photo is uploaded (Stylist.photo), the concierge shows this.
Pure function, no scripts, no external references, no style attributes.
"""

from __future__ import annotations

import hashlib
import random
from html import escape

BACKGROUNDS = ("#efe6da", "#e4e9e6", "#ece3e6", "#e6e4ee", "#f0ebe0")
SKIN = ("#f1d3bd", "#e2b899", "#c99572", "#a8734f", "#7d5238", "#f5dccb")
HAIR = ("#2b211c", "#4a3326", "#7a5232", "#b08556", "#d9c2a0", "#8c8c8c", "#1d1d24")
COATS = ("#1f2a44", "#2f2f2f", "#6b4f3a", "#3d4a3a", "#5a2a33", "#c8b9a6")


def portrait_svg(*, seed: str, title: str, size: int = 240) -> str:
    """An SVG bust (square), the same for the same seed."""
    rng = random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))
    bg, skin, hair, coat = (
        rng.choice(BACKGROUNDS),
        rng.choice(SKIN),
        rng.choice(HAIR),
        rng.choice(COATS),
    )
    short = rng.random() < 0.45
    cx, head_y, r = 120, 100 + rng.randint(-4, 4), 38 + rng.randint(-3, 3)
    hair_back = (
        ""
        if short
        else f'<path d="M{cx - r - 8} {head_y} Q{cx - r - 14} {head_y + 80} {cx - r + 4} '
        f"{head_y + 92} L{cx + r - 4} {head_y + 92} Q{cx + r + 14} {head_y + 80} "
        f'{cx + r + 8} {head_y} Z" fill="{hair}"/>'
    )
    fringe = (
        f'<path d="M{cx - r - 2} {head_y - 2} Q{cx - 10} {head_y - r - 22} {cx + r + 2} '
        f'{head_y - 6} Q{cx + 6} {head_y - r + 10} {cx - r - 2} {head_y - 2} Z" fill="{hair}"/>'
    )
    collar = rng.choice(("#f4f1ea", coat, "#d8cbb8"))
    label = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 240" width="{size}" '
        f'height="{size}" role="img" aria-label="{label}"><title>{label}</title>'
        f'<rect width="240" height="240" fill="{bg}"/>'
        f"{hair_back}"
        f'<path d="M40 240 Q44 178 120 170 Q196 178 200 240 Z" fill="{coat}"/>'
        f'<path d="M104 168 L120 196 L136 168 Z" fill="{collar}"/>'
        f'<rect x="{cx - 12}" y="{head_y + r - 8}" width="24" height="26" fill="{skin}"/>'
        f'<ellipse cx="{cx}" cy="{head_y}" rx="{r - 4}" ry="{r}" fill="{skin}"/>'
        f"{fringe}"
        "</svg>"
    )
