"""Shoes, jewellery and fragrance, drawn as still lifes."""

from __future__ import annotations

import math

from catalog.imagery.kit import _METAL_COLOURS, _Kit
from catalog.imagery.palette import (
    ALIASES,
    PALETTE,
    _dark,
    _f,
    _key,
    _light,
    _luminance,
    _metal_mid,
)

# --- Shoes (profile, toe to the left; mirrored by the seed) ---------------------------


def _sole_line(kit: _Kit, d: str, colour: str) -> str:
    return f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="5" stroke-linecap="round"/>'


def _pump(kit: _Kit) -> str:
    upper = (
        "M108 586 C108 566 140 552 192 545 C224 540 242 530 252 518 "
        "C296 534 372 520 424 448 C444 444 462 452 464 470 C466 488 458 498 446 502 "
        "L424 504 C360 514 304 560 252 586 L240 592 L122 592 Q106 592 108 586 Z"
    )
    lining = "M252 518 C296 534 372 520 424 448 C418 476 380 510 300 530 Z"
    heel = "M428 502 L452 500 L446 590 L440 591 Z"
    sole = _dark(kit.base, 0.55)
    out = [kit.ground(290, 190, ry=12)]
    out.append(kit.body(heel, _dark(kit.base, 0.1)))
    out.append(kit.body(upper))
    out.append(kit.flat(lining, _light(kit.second, 0.3)))
    out.append(kit.seam("M252 518 C296 534 372 520 424 448", width=1.5, op=0.6))
    out.append(_sole_line(kit, "M112 590 L240 590 C300 562 360 512 424 504", sole))
    out.append(kit.highlight("M130 566 C160 552 200 548 236 540", 0.45, 2.5))
    return "".join(out)


def _loafer(kit: _Kit) -> str:
    upper = (
        "M104 584 C104 560 138 546 190 540 C232 534 262 520 292 512 L300 510 "
        "C340 516 404 512 440 500 C458 498 468 510 468 530 L468 572 L104 584 Z"
    )
    heel = "M412 572 L468 572 L468 592 L412 592 Z"
    sole = "M100 584 L468 572 L470 592 L112 594 Q98 594 100 584 Z"
    out = [kit.ground(290, 200, ry=12)]
    out.append(kit.body(upper))
    out.append(kit.flat(sole, _dark(kit.base, 0.5)))
    out.append(kit.body(heel, _dark(kit.base, 0.35)))
    out.append(kit.stitch("M150 562 C168 532 244 520 300 514"))
    out.append(kit.seam("M300 510 C298 530 300 560 308 578", op=0.35))
    if kit.rng.random() < 0.6:
        out.append(kit.metal_stroke("M214 528 L282 516", 3.5))
        out.append(
            f'<circle cx="210" cy="530" r="9" fill="none" stroke="{kit.metal_fill()}" '
            'stroke-width="4"/>'
            f'<circle cx="286" cy="514" r="9" fill="none" stroke="{kit.metal_fill()}" '
            'stroke-width="4"/>'
        )
    else:
        out.append(kit.body("M196 536 L296 516 L300 534 L200 552 Z", _dark(kit.base, 0.08)))
        out.append(kit.seam("M236 538 Q248 530 262 532", width=2))
    out.append(kit.highlight("M130 562 C160 548 200 542 240 534", 0.4, 2.5))
    return "".join(out)


def _boot(kit: _Kit) -> str:
    upper = (
        "M104 584 C104 558 140 546 192 538 C234 530 262 508 276 468 L292 318 "
        "L438 312 C442 390 448 452 466 510 L468 560 L104 584 Z"
    )
    gusset = "M330 320 L396 318 C392 380 384 430 362 470 C346 430 336 380 330 320 Z"
    heel = "M406 560 L468 556 L466 592 L412 592 Z"
    sole = "M100 584 L468 560 L470 574 L112 594 Q98 594 100 584 Z"
    out = [kit.ground(290, 200, ry=12)]
    out.append(kit.body(upper))
    out.append(kit.body(gusset, _dark(kit.base, 0.25)))
    out.append(kit.seam("M292 318 L438 312", width=2.4, op=0.6))
    out.append(kit.flat(sole, _dark(kit.base, 0.55)))
    out.append(kit.body(heel, _dark(kit.base, 0.4)))
    out.append(kit.body("M426 312 L446 312 L448 280 L428 282 Z", _dark(kit.base, 0.1)))
    out.append(kit.highlight("M128 562 C160 548 200 542 236 532", 0.4, 2.5))
    out.append(kit.highlight("M300 330 L288 450", 0.18, 5))
    return "".join(out)


def _sneaker(kit: _Kit) -> str:
    upper = (
        "M112 552 C112 528 150 514 208 504 C250 496 282 470 304 452 L380 420 "
        "C412 412 444 420 462 440 C476 456 480 500 480 552 Z"
    )
    sole_colour = "#f3efe7" if _luminance(kit.base) < 0.6 else _dark(kit.base, 0.12)
    sole = "M100 552 L484 552 C490 552 490 586 472 590 L124 592 C102 592 96 566 100 552 Z"
    tab = "M440 424 C458 428 472 440 478 456 L480 520 L456 520 Z"
    out = [kit.ground(292, 200, ry=12)]
    out.append(kit.body(upper))
    out.append(kit.body(tab, kit.second if kit.second != kit.base else _dark(kit.base, 0.3)))
    out.append(kit.body("M112 552 C112 528 150 514 208 504 L214 552 Z", _dark(kit.base, 0.05)))
    out.append(kit.stitch("M220 548 C250 520 300 500 340 500 C380 500 420 520 440 548"))
    for i in range(5):
        x = 300 + i * 16
        y = 454 - i * 6.5
        out.append(
            f'<path d="M{_f(x - 7)} {_f(y + 2)} L{_f(x + 9)} {_f(y + 12)}" '
            f'stroke="{_light(kit.base, 0.6)}" stroke-width="3.2" stroke-linecap="round"/>'
        )
    out.append(
        f'<path d="{sole}" fill="{sole_colour}" stroke="{_dark(sole_colour, 0.2)}" '
        'stroke-width="1"/>'
    )
    out.append(kit.seam("M104 566 H484", sole_colour, op=0.35))
    return "".join(out)


def _sandal(kit: _Kit) -> str:
    sole = (
        "M108 584 C108 572 128 566 160 566 L250 568 C320 566 380 536 440 524 L464 524 "
        "C470 526 470 536 464 538 C400 550 330 580 252 586 Z"
    )
    heel = "M430 534 L464 530 L456 592 L438 592 Z"
    leather = _dark(kit.base, 0.08)
    out = [kit.ground(290, 190, ry=10)]
    out.append(kit.body(heel, _dark(kit.base, 0.15)))
    out.append(kit.body(sole, _light(kit.second, 0.2)))
    out.append(
        f'<path d="M108 586 L252 588 C330 582 400 552 464 538" fill="none" '
        f'stroke="{_dark(kit.base, 0.5)}" stroke-width="3"/>'
    )
    for d in (
        "M150 570 C162 520 240 516 256 570",
        "M296 560 C310 500 380 470 412 534",
        "M430 526 C426 470 440 430 452 430 C466 432 470 480 458 526",
    ):
        out.append(
            f'<path d="{d}" fill="none" stroke="{_dark(leather, 0.35)}" stroke-width="15" '
            'stroke-linecap="round"/>'
            f'<path d="{d}" fill="none" stroke="{kit.tone(kit.base)}" stroke-width="12" '
            'stroke-linecap="round"/>'
        )
    out.append(kit.metal("M437 466 h20 v14 h-20 Z"))
    return "".join(out)


def _ballerina(kit: _Kit) -> str:
    upper = (
        "M108 586 C108 564 140 552 200 548 C252 544 290 544 322 548 "
        "C380 552 428 544 456 538 C470 540 474 560 472 586 Z"
    )
    lining = (
        "M204 549 C252 556 290 558 322 552 C380 560 428 552 456 "
        "540 C420 552 360 548 322 548 C290 544 252 544 204 549 Z"
    )
    out = [kit.ground(290, 190, ry=10)]
    out.append(kit.body(upper))
    out.append(kit.flat(lining, _light(kit.second, 0.35)))
    out.append(
        f'<path d="M106 588 L472 588" stroke="{_dark(kit.base, 0.55)}" stroke-width="4" '
        'stroke-linecap="round"/>'
    )
    bow = _dark(kit.base, 0.12)
    out.append(kit.body("M206 548 C190 530 172 536 178 550 C184 562 200 556 206 550 Z", bow))
    out.append(kit.body("M206 548 C222 530 240 536 234 550 C228 562 212 556 206 550 Z", bow))
    out.append(f'<circle cx="206" cy="550" r="5" fill="{_dark(kit.base, 0.25)}"/>')
    out.append(kit.highlight("M132 566 C160 556 200 552 240 550", 0.4, 2.5))
    return "".join(out)


# --- Jewellery -------------------------------------------------------------------


def _stone_colour(kit: _Kit, colours: list[str]) -> str:
    """The piece's stone colour, or "" when it is all metal."""
    return kit.finish.stone


def _gem(kit: _Kit, colour: str, cx: float, cy: float, w: float) -> str:
    """A brilliant-cut stone in profile: table, crown and pavilion facets."""
    h = w * 0.75
    top = cy - h * 0.35
    girdle = cy - h * 0.05
    tip = cy + h * 0.62
    left, right = cx - w / 2, cx + w / 2
    tl, tr = cx - w * 0.28, cx + w * 0.28
    outline = f"M{_f(tl)} {_f(top)} L{_f(tr)} {_f(top)} L{_f(right)} {_f(girdle)} "
    outline += f"L{_f(cx)} {_f(tip)} L{_f(left)} {_f(girdle)} Z"
    facets = (
        f"M{_f(left)} {_f(girdle)} L{_f(right)} {_f(girdle)} "
        f"M{_f(tl)} {_f(top)} L{_f(cx - w * 0.14)} {_f(girdle)} L{_f(cx)} {_f(top)} "
        f"L{_f(cx + w * 0.14)} {_f(girdle)} L{_f(tr)} {_f(top)} "
        f"M{_f(cx - w * 0.14)} {_f(girdle)} L{_f(cx)} {_f(tip)} L{_f(cx + w * 0.14)} {_f(girdle)}"
    )
    light_face = (
        f"M{_f(tl)} {_f(top)} L{_f(cx)} {_f(top)} L{_f(cx - w * 0.14)} {_f(girdle)} "
        f"L{_f(left)} {_f(girdle)} Z"
    )
    return (
        f'<path d="{outline}" fill="{kit.tone(colour, strength=1.6)}" '
        f'stroke="{_dark(colour, 0.5)}" stroke-width="1"/>'
        f'<path d="{light_face}" fill="#ffffff" fill-opacity="0.35"/>'
        f'<path d="{facets}" fill="none" stroke="#ffffff" stroke-opacity="0.55" '
        'stroke-width="0.9"/>'
        f'<path d="M{_f(cx)} {_f(girdle)} L{_f(cx + w * 0.22)} {_f(girdle + h * 0.2)} '
        f'L{_f(cx)} {_f(tip)} Z" fill="{_dark(colour, 0.35)}" fill-opacity="0.45"/>'
    )


def _pearl(kit: _Kit, cx: float, cy: float, r: float) -> str:
    return (
        f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(r)}" fill="{kit.url("pearl")}" '
        f'stroke="{_dark(PALETTE["pearl"], 0.25)}" stroke-width="0.8"/>'
    )


def _ring(kit: _Kit, colours: list[str]) -> str:
    """A solitaire when the piece has a stone or pearl; otherwise a signet or a band."""
    cx, cy = 300, 470
    stone = _stone_colour(kit, colours)
    jewelled = bool(stone) or kit.finish.pearl
    outer, inner_r = (118, 100) if jewelled else (118, 94)
    band = (
        f"M{cx - outer} {cy} A{outer} {outer} 0 1 0 {cx + outer} {cy} "
        f"A{outer} {outer} 0 1 0 {cx - outer} {cy} Z "
        f"M{cx - inner_r} {cy} A{inner_r} {inner_r} 0 1 1 {cx + inner_r} {cy} "
        f"A{inner_r} {inner_r} 0 1 1 {cx - inner_r} {cy} Z"
    )
    inner = (
        f"M{cx - inner_r} {cy} A{inner_r} {inner_r} 0 0 0 {cx + inner_r} {cy} "
        f"A{inner_r} {inner_r - 12} 0 0 1 {cx - inner_r} {cy} Z"
    )
    out = [kit.ground(cx, 100, ry=12, y=cy + outer + 4)]
    out.append(
        f'<path d="{band}" fill="{kit.metal_fill()}" fill-rule="evenodd" '
        f'stroke="{kit.metal_line()}" stroke-width="1"/>'
    )
    out.append(kit.flat(inner, _dark(kit.metal_line(), 0.1), opacity=0.35))
    out.append(kit.highlight(f"M{cx - 96} {cy - 60} A112 112 0 0 1 {cx - 20} {cy - 108}", 0.6, 3))
    if kit.finish.pearl and not stone:
        out.append(
            kit.metal_stroke(f"M{cx - 14} {cy - 114} Q{cx} {cy - 128} {cx + 14} {cy - 114}", 5)
        )
        out.append(_pearl(kit, cx, cy - 150, 32))
    elif stone:
        for dx in (-26, -10, 10, 26):
            out.append(kit.metal_stroke(f"M{cx + dx * 0.6} {cy - 116} L{cx + dx} {cy - 150}", 4))
        out.append(_gem(kit, stone, cx, cy - 150, 82))
    elif kit.rng.random() < 0.55:
        # A signet: an oval table engraved with the house's V.
        out.append(
            kit.metal(
                f"M{cx - 62} {cy - 112} Q{cx} {cy - 150} {cx + 62} {cy - 112} "
                f"L{cx + 50} {cy - 92} Q{cx} {cy - 118} {cx - 50} {cy - 92} Z"
            )
        )
        out.append(
            f'<ellipse cx="{cx}" cy="{cy - 124}" rx="58" ry="22" fill="{kit.metal_fill()}" '
            f'stroke="{kit.metal_line()}" stroke-width="1.2"/>'
            f'<text x="{cx}" y="{cy - 116}" text-anchor="middle" font-family="Georgia, serif" '
            f'font-size="26" font-style="italic" fill="{kit.metal_line()}" '
            'fill-opacity="0.75">V</text>'
        )
    else:
        out.append(
            kit.highlight(f"M{cx + 40} {cy + 98} A112 112 0 0 0 {cx + 100} {cy + 30}", 0.35, 2)
        )
    return "".join(out)


def _necklace(kit: _Kit, colours: list[str]) -> str:
    chain = "M176 120 C166 330 240 500 300 512 C360 500 434 330 424 120"
    out = [
        f'<path d="{chain}" fill="none" stroke="#3a2e22" stroke-opacity="0.14" '
        f'stroke-width="5" transform="translate(10 14)" filter="{kit.url("blur")}"/>'
    ]
    out.append(kit.metal_stroke(chain, 3.6, extra='stroke-dasharray="6 3"'))
    out.append(kit.metal_stroke("M300 512 L300 528", 2.5))
    out.append(
        f'<circle cx="300" cy="520" r="7" fill="none" stroke="{kit.metal_fill()}" '
        'stroke-width="3"/>'
    )
    stone = _stone_colour(kit, colours)
    if kit.finish.pearl and not stone:
        out.append(_pearl(kit, 300, 556, 26))
    elif stone:
        out.append(kit.metal("M282 528 h36 l-4 10 h-28 Z"))
        out.append(_gem(kit, stone, 300, 570, 64))
    else:
        medallion = (
            "M300 528 C336 528 350 560 346 584 C340 616 260 616 254 584 C250 560 264 528 300 528 Z"
        )
        out.append(kit.metal(medallion))
        out.append(
            '<text x="300" y="590" text-anchor="middle" font-family="Georgia, serif" '
            f'font-size="34" font-style="italic" fill="{kit.metal_line()}" '
            'fill-opacity="0.8">V</text>'
        )
    return "".join(out)


def _bracelet(kit: _Kit, colours: list[str]) -> str:
    cx, cy = 300, 500
    back = f"M{cx - 150} {cy} A150 62 0 0 1 {cx + 150} {cy}"
    front = f"M{cx - 150} {cy} A150 62 0 0 0 {cx + 150} {cy}"
    out = [kit.ground(cx, 160, ry=18, y=cy + 74)]
    out.append(
        f'<path d="{back}" fill="none" stroke="{kit.metal_line()}" stroke-width="26" '
        'stroke-opacity="0.9"/>'
        f'<path d="{back}" fill="none" stroke="{_dark(_metal_mid(kit.finish.metal), 0.15)}" '
        'stroke-width="22"/>'
    )
    out.append(kit.metal_stroke(front, 26))
    out.append(kit.highlight(f"M{cx - 120} {cy + 36} A150 62 0 0 0 {cx + 40} {cy + 60}", 0.55, 3))
    stone = _stone_colour(kit, colours)
    if stone or kit.finish.pearl:
        for i in range(7):
            t = math.pi * (0.2 + i * 0.1)
            x = cx - 150 * math.cos(t)
            y = cy + 62 * math.sin(t)
            if stone:
                out.append(
                    f'<circle cx="{_f(x)}" cy="{_f(y)}" r="6.5" '
                    f'fill="{kit.tone(stone, strength=1.6)}" '
                    f'stroke="{kit.metal_line()}" stroke-width="1.2"/>'
                    f'<circle cx="{_f(x - 2)}" cy="{_f(y - 2)}" r="1.8" fill="#ffffff" '
                    'fill-opacity="0.7"/>'
                )
            else:
                out.append(_pearl(kit, x, y, 8))
    else:
        # A buckle-shaped clasp, as the house's bracelets close.
        out.append(kit.metal(f"M{cx - 22} {cy + 48} h44 v30 h-44 Z"))
        out.append(
            f'<path d="M{cx - 14} {cy + 55} h28 v16 h-28 Z" '
            f'fill="{_dark(_metal_mid(kit.finish.metal), 0.2)}" fill-opacity="0.55"/>'
        )
    return "".join(out)


def _earrings(kit: _Kit, colours: list[str]) -> str:
    stone = _stone_colour(kit, colours)
    hoops = not stone and not kit.finish.pearl and kit.rng.random() < 0.5
    out = []
    for cx in (236, 364):
        if hoops:
            hoop = f"M{cx} 306 A52 56 0 1 0 {cx + 0.1} 306"
            out.append(
                kit.cast(f"M{cx - 52} 362 A52 56 0 1 0 {cx + 52} 362 A52 56 0 1 0 {cx - 52} 362 Z")
            )
            out.append(kit.metal_stroke(hoop, 9))
            out.append(kit.highlight(f"M{cx - 40} 340 A52 56 0 0 1 {cx - 8} 308", 0.5, 2))
            continue
        drop = (
            f"M{cx} 372 C{cx + 40} 420 {cx + 42} 488 {cx} 492 "
            f"C{cx - 42} 488 {cx - 40} 420 {cx} 372 Z"
        )
        out.append(kit.cast(drop))
        out.append(kit.metal_stroke(f"M{cx} 300 C{cx} 262 {cx - 34} 262 {cx - 34} 290", 3))
        out.append(kit.metal_stroke(f"M{cx} 304 L{cx} 372", 2.4))
        out.append(
            f'<circle cx="{cx}" cy="304" r="9" fill="{kit.metal_fill()}" '
            f'stroke="{kit.metal_line()}" stroke-width="0.8"/>'
        )
        if kit.finish.pearl and not stone:
            out.append(
                f'<path d="{drop}" fill="{kit.url("pearl")}" '
                f'stroke="{_dark(PALETTE["pearl"], 0.25)}" stroke-width="0.8"/>'
            )
        elif stone:
            out.append(
                f'<path d="{drop}" fill="{kit.tone(stone, strength=1.6)}" '
                f'stroke="{kit.metal_line()}" stroke-width="3"/>'
            )
            out.append(
                f'<path d="M{cx - 12} 410 C{cx - 18} 440 {cx - 14} 462 {cx - 4} 474" '
                'fill="none" stroke="#ffffff" stroke-opacity="0.6" stroke-width="3" '
                'stroke-linecap="round"/>'
            )
        else:
            out.append(kit.metal(drop))
    return "".join(out)


def _watch(kit: _Kit, colours: list[str]) -> str:
    cx, cy = 300, 400
    first = ALIASES.get(_key(colours[0]), _key(colours[0])) if colours else ""
    # Box calf strap: black for an all-metal colourway, else the piece's colour.
    strap_colour = PALETTE["black"] if first in _METAL_COLOURS or not colours else kit.base
    top = f"M{cx - 44} 120 L{cx + 44} 120 L{cx + 48} 320 L{cx - 48} 320 Z"
    bottom = f"M{cx - 48} 480 L{cx + 48} 480 L{cx + 44} 650 Q{cx} 664 {cx - 44} 650 Z"
    out = [kit.cast(top), kit.cast(bottom)]
    out.append(kit.body(top, strap_colour))
    out.append(kit.body(bottom, strap_colour))
    out.append(
        kit.stitch(f"M{cx - 36} 124 L{cx - 40} 316 M{cx + 36} 124 L{cx + 40} 316", strap_colour)
    )
    out.append(
        kit.stitch(f"M{cx - 40} 484 L{cx - 36} 640 M{cx + 40} 484 L{cx + 36} 640", strap_colour)
    )
    for y in (560, 590, 620):
        out.append(f'<circle cx="{cx}" cy="{y}" r="3.5" fill="{_dark(strap_colour, 0.6)}"/>')
    out.append(
        kit.cast(f"M{cx - 96} {cy} A96 96 0 1 0 {cx + 96} {cy} A96 96 0 1 0 {cx - 96} {cy} Z")
    )
    out.append(kit.metal(f"M{cx - 58} 300 h116 l-8 30 h-100 Z M{cx - 58} 500 h116 l-8 -30 h-100 Z"))
    out.append(kit.metal(f"M{cx + 94} {cy - 12} h16 v24 h-16 Z"))
    out.append(
        f'<circle cx="{cx}" cy="{cy}" r="96" fill="{kit.metal_fill()}" '
        f'stroke="{kit.metal_line()}" stroke-width="1.2"/>'
    )
    dial = PALETTE["ivory"] if _luminance(kit.second) < 0.02 else kit.second
    if dial == kit.base:
        dial = PALETTE["ivory"] if _luminance(kit.base) < 0.3 else PALETTE["navy"]
    out.append(f'<circle cx="{cx}" cy="{cy}" r="80" fill="{kit.tone(dial, strength=0.6)}"/>')
    mark = _dark(dial, 0.7) if _luminance(dial) > 0.2 else _light(dial, 0.75)
    ticks = []
    for i in range(12):
        a = math.radians(i * 30)
        r0 = 62 if i % 3 else 56
        ticks.append(
            f"M{_f(cx + r0 * math.sin(a))} {_f(cy - r0 * math.cos(a))} "
            f"L{_f(cx + 72 * math.sin(a))} {_f(cy - 72 * math.cos(a))}"
        )
    out.append(
        f'<path d="{" ".join(ticks)}" stroke="{mark}" stroke-width="2.2" stroke-linecap="round"/>'
    )
    hour = kit.rng.uniform(0, 360)
    minute = kit.rng.uniform(0, 360)
    out.append(
        f'<path d="M{cx} {cy} L{cx} {cy - 40}" stroke="{mark}" stroke-width="4.5" '
        f'stroke-linecap="round" transform="rotate({_f(hour)} {cx} {cy})"/>'
        f'<path d="M{cx} {cy + 10} L{cx} {cy - 62}" stroke="{mark}" stroke-width="2.6" '
        f'stroke-linecap="round" transform="rotate({_f(minute)} {cx} {cy})"/>'
        f'<circle cx="{cx}" cy="{cy}" r="4" fill="{mark}"/>'
    )
    out.append(
        f'<text x="{cx}" y="{cy - 24}" text-anchor="middle" font-family="Georgia, serif" '
        f'font-size="8" letter-spacing="2" fill="{mark}">VERLAINE</text>'
    )
    out.append(kit.highlight(f"M{cx - 60} {cy - 40} A76 76 0 0 1 {cx - 10} {cy - 76}", 0.3, 6))
    return "".join(out)


# --- Fragrance -------------------------------------------------------------------


def _bottle(kit: _Kit) -> str:
    juice = _light(kit.base, 0.35) if _luminance(kit.base) < 0.5 else kit.base
    glass = (
        "M214 334 Q210 334 210 340 L210 590 Q210 600 220 600 "
        "L380 600 Q390 600 390 590 L390 340 Q390 334 384 334 Z"
    )
    liquid = "M222 372 L378 372 L378 572 L222 572 Z"
    cap_metal = kit.rng.random() < 0.5
    cap = "M252 214 L348 214 L356 226 L356 302 L244 302 L244 226 Z"
    out = [kit.ground(300, 120, ry=12)]
    out.append(
        f'<path d="{glass}" fill="#ffffff" fill-opacity="0.45" stroke="{_dark(juice, 0.3)}" '
        'stroke-width="1.4" stroke-opacity="0.6"/>'
    )
    out.append(f'<path d="{liquid}" fill="{kit.tone(juice, strength=0.8)}" fill-opacity="0.85"/>')
    out.append(kit.flat("M222 572 L378 572 L378 588 L222 588 Z", _light(juice, 0.5), opacity=0.7))
    out.append(kit.highlight("M224 350 L224 580", 0.75, 5))
    out.append(kit.highlight("M372 350 L372 580", 0.35, 2))
    out.append(kit.metal("M276 302 h48 v32 h-48 Z"))
    if cap_metal:
        out.append(kit.metal(cap))
    else:
        cap_colour = PALETTE["black"] if _luminance(kit.base) > 0.08 else PALETTE["ivory"]
        out.append(
            f'<path d="{cap}" fill="{kit.tone(cap_colour)}" stroke="{_dark(cap_colour, 0.5)}" '
            'stroke-width="1"/>'
        )
        out.append(kit.highlight("M256 230 L256 296", 0.4, 3))
    out.append(kit.flat("M250 430 L350 430 L350 516 L250 516 Z", "#f7f3ea", opacity=0.95))
    out.append(
        '<path d="M256 436 H344 V510 H256 Z" fill="none" stroke="#1f1d1b" stroke-width="0.7"/>'
        '<text x="300" y="466" text-anchor="middle" font-family="Georgia, serif" font-size="15" '
        'letter-spacing="1" fill="#1f1d1b">MV</text>'
        '<text x="300" y="486" text-anchor="middle" font-family="Georgia, serif" font-size="6.5" '
        'letter-spacing="1.6" fill="#1f1d1b">MAISON VERLAINE</text>'
        '<text x="300" y="499" text-anchor="middle" font-family="Georgia, serif" font-size="5.5" '
        'letter-spacing="1.4" fill="#5f584f">EAU DE PARFUM</text>'
    )
    return "".join(out)


def _candle(kit: _Kit, porcelain: bool = False) -> str:
    if porcelain:  # Limoges porcelain: white vessel, the colour moves to the label
        kit = _Kit(
            uid=kit.uid,
            rng=kit.rng,
            base="#f3f0ea",
            second=kit.base,
            finish=kit.finish,
            light_left=kit.light_left,
            defs=kit.defs,
            _made=kit._made,
        )
    vessel = "M206 402 L394 402 L386 592 Q386 600 376 600 L224 600 Q214 600 214 592 Z"
    rim = "M206 402 A94 18 0 0 0 394 402 A94 18 0 0 0 206 402 Z"
    wax = "M216 404 A84 13 0 0 0 384 404 A84 13 0 0 0 216 404 Z"
    band = "M210 470 L390 470 L388 530 L212 530 Z"
    out = [kit.ground(300, 120, ry=12)]
    out.append(kit.body(vessel))
    out.append(kit.body(rim, _light(kit.base, 0.1)))
    out.append(kit.flat(wax, "#f1ead9"))
    out.append(
        kit.flat(
            "M216 404 A84 13 0 0 0 384 404 L384 408 A84 13 0 0 1 216 408 Z", "#000000", opacity=0.06
        )
    )
    out.append(
        '<path d="M300 406 C300 396 296 390 302 382" fill="none" stroke="#2a2420" '
        'stroke-width="2.4" stroke-linecap="round"/>'
    )
    out.append(kit.flat(band, "#f7f3ea", opacity=0.95))
    out.append(
        '<text x="300" y="498" text-anchor="middle" font-family="Georgia, serif" font-size="10" '
        'letter-spacing="3" fill="#1f1d1b">MAISON VERLAINE</text>'
        '<text x="300" y="514" text-anchor="middle" font-family="Georgia, serif" font-size="7" '
        'letter-spacing="2" fill="#5f584f">BOUGIE PARFUMÉE</text>'
    )
    out.append(kit.highlight("M226 420 L232 586", 0.4, 4))
    return "".join(out)
