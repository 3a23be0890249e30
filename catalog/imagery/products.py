"""Composing a product still life: backdrop, object, shadow, and the SVG document."""

from __future__ import annotations

import random
from collections.abc import Callable
from html import escape

from catalog.imagery.accessories import (
    _ballerina,
    _boot,
    _bottle,
    _bracelet,
    _candle,
    _earrings,
    _loafer,
    _necklace,
    _pump,
    _ring,
    _sandal,
    _sneaker,
    _watch,
)
from catalog.imagery.clothing import (
    _belt,
    _clutch,
    _coat,
    _dress,
    _jacket,
    _knit,
    _scarf,
    _shirt,
    _shoulder_bag,
    _skirt,
    _slg,
    _tote,
    _trench,
    _trousers,
    _wallet,
)
from catalog.imagery.kit import _finish, _Kit, resolve_shape
from catalog.imagery.palette import (
    BACKDROPS,
    FLOOR_Y,
    HEIGHT,
    SVG_NS,
    WIDTH,
    _dark,
    _digest,
    _f,
    _luminance,
    _mix,
    resolve_colour,
)

_DRAWERS: dict[str, Callable[[_Kit, list[str]], str]] = {
    "coat": lambda k, c: _coat(k),
    "trench": lambda k, c: _trench(k),
    "dress": lambda k, c: _dress(k),
    "jacket": lambda k, c: _jacket(k),
    "knit": lambda k, c: _knit(k),
    "shirt": lambda k, c: _shirt(k, bow=k.finish.silk and k.rng.random() < 0.7),
    "trousers": lambda k, c: _trousers(k),
    "skirt": lambda k, c: _skirt(k),
    "scarf": lambda k, c: _scarf(k),
    "tote": lambda k, c: _tote(k),
    "shoulder_bag": lambda k, c: _shoulder_bag(k),
    "clutch": lambda k, c: _clutch(k),
    "wallet": lambda k, c: _wallet(k),
    "belt": lambda k, c: _belt(k),
    "slg": lambda k, c: _slg(k),
    "pump": lambda k, c: _pump(k),
    "loafer": lambda k, c: _loafer(k),
    "boot": lambda k, c: _boot(k),
    "sneaker": lambda k, c: _sneaker(k),
    "sandal": lambda k, c: _sandal(k),
    "ballerina": lambda k, c: _ballerina(k),
    "ring": _ring,
    "necklace": _necklace,
    "bracelet": _bracelet,
    "earrings": _earrings,
    "watch": _watch,
    "bottle": lambda k, c: _bottle(k),
    "candle": lambda k, c: _candle(k, porcelain=k.rng.random() < 0.35),
}

_FLOOR_SHAPES = frozenset(
    {
        "tote",
        "shoulder_bag",
        "clutch",
        "wallet",
        "belt",
        "slg",
        "pump",
        "loafer",
        "boot",
        "sneaker",
        "sandal",
        "ballerina",
        "ring",
        "bracelet",
        "bottle",
        "candle",
    }
)
_MIRRORABLE = frozenset({"pump", "loafer", "boot", "sneaker", "sandal", "ballerina"})
# Small objects are drawn at life-like proportions, then enlarged to fill the frame.
_SHAPE_SCALE: dict[str, float] = {
    "pump": 1.3,
    "loafer": 1.28,
    "boot": 1.2,
    "sneaker": 1.25,
    "sandal": 1.3,
    "ballerina": 1.36,
    "clutch": 1.14,
    "wallet": 1.4,
    "slg": 1.45,
    "belt": 1.12,
    "ring": 1.08,
    "bottle": 1.2,
    "candle": 1.24,
    "earrings": 1.15,
    "bracelet": 1.15,
}


def _common_defs(kit: _Kit) -> str:
    return (
        f'<filter id="{kit.ident("blur")}" x="-20%" y="-20%" width="140%" height="140%">'
        '<feGaussianBlur stdDeviation="9"/></filter>'
        f'<filter id="{kit.ident("soft")}" x="-20%" y="-50%" width="140%" height="200%">'
        '<feGaussianBlur stdDeviation="3"/></filter>'
        f'<radialGradient id="{kit.ident("shadow")}">'
        '<stop offset="0" stop-color="#2a2118" stop-opacity="0.3"/>'
        '<stop offset="0.6" stop-color="#2a2118" stop-opacity="0.1"/>'
        '<stop offset="1" stop-color="#2a2118" stop-opacity="0"/></radialGradient>'
        f'<radialGradient id="{kit.ident("pearl")}" cx="0.38" cy="0.34" r="0.75">'
        '<stop offset="0" stop-color="#ffffff"/><stop offset="0.45" stop-color="#efe9df"/>'
        '<stop offset="0.85" stop-color="#cfc6b8"/><stop offset="1" stop-color="#b9ae9e"/>'
        "</radialGradient>"
    )


def _backdrop(kit: _Kit, *, object_luminance: float, floor: bool) -> str:
    wall_top, wall_bottom, floor_c = kit.rng.choice(BACKDROPS)
    if object_luminance > 0.55:  # pale objects need a deeper ground to read
        wall_top, wall_bottom, floor_c = (
            _dark(wall_top, 0.07),
            _dark(wall_bottom, 0.09),
            _dark(floor_c, 0.1),
        )
    horizon = 500 + kit.rng.randint(-14, 14) if floor else 760
    glow_x = 0.3 if kit.light_left else 0.7
    out = [
        f'<linearGradient id="{kit.ident("wall")}" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="{wall_top}"/>'
        f'<stop offset="1" stop-color="{wall_bottom}"/></linearGradient>'
        f'<linearGradient id="{kit.ident("floor")}" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="{_mix(wall_bottom, floor_c, 0.5)}"/>'
        f'<stop offset="1" stop-color="{floor_c}"/></linearGradient>'
        f'<radialGradient id="{kit.ident("glow")}" cx="{glow_x}" cy="0.25" r="0.8">'
        '<stop offset="0" stop-color="#ffffff" stop-opacity="0.55"/>'
        '<stop offset="1" stop-color="#ffffff" stop-opacity="0"/></radialGradient>'
        f'<radialGradient id="{kit.ident("vignette")}" cx="0.5" cy="0.45" r="0.75">'
        '<stop offset="0.6" stop-color="#2a2118" stop-opacity="0"/>'
        '<stop offset="1" stop-color="#2a2118" stop-opacity="0.12"/></radialGradient>'
    ]
    kit.defs.extend(out)
    layers = [f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{kit.url("wall")}"/>']
    motif = kit.rng.choice(("arch", "plain", "circle", "plain"))
    tint = _dark(wall_bottom, 0.035)
    if motif == "arch":
        layers.append(
            f'<path d="M150 {horizon} L150 250 A150 150 0 0 1 450 250 L450 {horizon} Z" '
            f'fill="{tint}"/>'
        )
    elif motif == "circle":
        cy = 330 + kit.rng.randint(-20, 20)
        layers.append(f'<circle cx="300" cy="{cy}" r="190" fill="{tint}"/>')
    if floor:
        layers.append(
            f'<rect y="{horizon}" width="{WIDTH}" height="{HEIGHT - horizon}" '
            f'fill="{kit.url("floor")}"/>'
            f'<path d="M0 {horizon} H{WIDTH}" stroke="#ffffff" stroke-opacity="0.35"/>'
        )
    layers.append(f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{kit.url("glow")}"/>')
    return "".join(layers)


def _svg(view_w: int, view_h: int, title: str, body: str, *, defs: str = "", uid: str = "") -> str:
    title_id = f"{uid}-title" if uid else "title"
    return (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {view_w} {view_h}" width="{view_w}" '
        f'height="{view_h}" role="img" aria-labelledby="{title_id}" '
        'preserveAspectRatio="xMidYMid slice">'
        f'<title id="{title_id}">{escape(title, quote=True)}</title>'
        f"<defs>{defs}</defs>{body}</svg>"
    )


def product_svg(
    *,
    category: str,
    subcategory: str,
    colours: list[str],
    materials: list[str],
    seed: str,
    title: str = "",
) -> str:
    """A 600×750 still life of a product, deterministic for the same arguments."""
    shape = resolve_shape(category=category, subcategory=subcategory)
    uid = "p" + _digest(category, subcategory, colours, materials, seed).hex()[:8]
    rng = random.Random(_digest("compose", seed, shape))
    names = [c for c in colours if c.strip()] or ["stone"]
    base = resolve_colour(names[0])
    second = resolve_colour(names[1]) if len(names) > 1 else _mix(base, "#efe7d5", 0.55)
    finish = _finish(materials, names, rng)
    kit = _Kit(
        uid=uid, rng=rng, base=base, second=second, finish=finish, light_left=rng.random() < 0.7
    )

    floor = shape in _FLOOR_SHAPES
    backdrop = _backdrop(kit, object_luminance=_luminance(base), floor=floor)
    drawing = _DRAWERS[shape](kit, names)

    angle = rng.uniform(-2.5, 2.5) if shape not in _MIRRORABLE else rng.uniform(-1, 1)
    scale = rng.uniform(0.95, 1.02) * _SHAPE_SCALE.get(shape, 1.0)
    dx = rng.uniform(-10, 10)
    pivot_y = FLOOR_Y if floor else 170
    transform = (
        f"translate({_f(300 + dx)} {pivot_y}) rotate({_f(angle)}) scale({scale:.3f}) "
        f"translate(-300 -{pivot_y})"
    )
    if shape in _MIRRORABLE and rng.random() < 0.5:
        transform += f" translate({WIDTH} 0) scale(-1 1)"
    body = (
        backdrop
        + f'<g transform="{transform}">{drawing}</g>'
        + f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{kit.url("vignette")}"/>'
    )
    label = title or f"{subcategory or category} in {', '.join(names)}".replace("_", " ")
    return _svg(WIDTH, HEIGHT, label, body, defs=_common_defs(kit) + "".join(kit.defs), uid=uid)
