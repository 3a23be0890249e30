"""Ready-to-wear and leather goods, drawn as still lifes."""

from __future__ import annotations

import math

from catalog.imagery.kit import _hanger, _Kit
from catalog.imagery.palette import _dark, _f, _light, _luminance, _mix

# --- Ready-to-wear -----------------------------------------------------------------


def _coat_like(kit: _Kit, *, hem: float, belt: bool, double: bool, buttons: int) -> str:
    body = (
        f"M270 166 C244 170 220 176 207 186 C197 194 195 208 197 232 L186 {_f(hem)} "
        f"Q300 {_f(hem + 14)} 414 {_f(hem)} L403 232 C405 208 403 194 393 186 "
        "C380 176 356 170 330 166 Q300 182 270 166 Z"
    )
    sleeve_l = "M207 188 C188 194 178 214 176 240 L160 " + _f(min(hem - 40, 520))
    sleeve_l += " Q178 " + _f(min(hem - 32, 528)) + " 196 " + _f(min(hem - 38, 522))
    sleeve_l += " L212 300 Z"
    sleeve_r = (
        "M393 188 C412 194 422 214 424 240 L440 "
        + _f(min(hem - 40, 520))
        + " Q422 "
        + _f(min(hem - 32, 528))
        + " 404 "
        + _f(min(hem - 38, 522))
        + " L388 300 Z"
    )
    v = 330 if hem > 560 else 350
    lapel_l = f"M270 166 L246 184 L258 222 L238 236 L300 {v} L290 230 Z"
    lapel_r = f"M330 166 L354 184 L342 222 L362 236 L300 {v} L310 230 Z"
    out = [kit.cast(body), kit.body(body), kit.body(sleeve_l), kit.body(sleeve_r)]
    out.append(kit.body(lapel_l, _dark(kit.base, 0.06)))
    out.append(kit.body(lapel_r, _dark(kit.base, 0.1)))
    out.append(kit.seam(f"M300 {v} L300 {_f(hem + 6)}", width=1.4))
    out.append(kit.fold(f"M236 {v + 40} Q228 {_f((v + hem) / 2)} 222 {_f(hem - 10)}"))
    out.append(kit.fold(f"M366 {v + 40} Q374 {_f((v + hem) / 2)} 378 {_f(hem - 10)}"))
    out.append(kit.seam("M258 222 L246 184 M342 222 L354 184", op=0.35))
    # Buttons.
    button = _dark(kit.base, 0.45) if _luminance(kit.base) > 0.08 else _light(kit.base, 0.25)
    cols = (274, 326) if double else (308,)
    step = 44
    for i in range(buttons):
        y = v + 24 + i * step
        for x in cols:
            out.append(
                f'<circle cx="{x}" cy="{_f(y)}" r="5.5" fill="{button}"/>'
                f'<circle cx="{x - 1.5}" cy="{_f(y - 1.5)}" r="1.6" fill="#ffffff" '
                'fill-opacity="0.25"/>'
            )
    if belt:
        y = v + 64 if hem > 560 else v + 50
        belt_d = f"M190 {y} L410 {y} L410 {y + 20} L190 {y + 20} Z"
        out.append(kit.body(belt_d, _dark(kit.base, 0.08)))
        out.append(kit.stitch(f"M192 {y + 4} H408 M192 {y + 16} H408", _dark(kit.base, 0.08)))
        out.append(
            f'<rect x="286" y="{y - 5}" width="28" height="30" rx="3" fill="none" '
            f'stroke="{kit.metal_fill()}" stroke-width="4"/>'
        )
        out.append(
            kit.fold(f"M300 {y + 20} Q296 {y + 80} 304 {y + 140}", width=10)
            + kit.fold(f"M318 {y + 20} Q326 {y + 70} 322 {y + 120}", width=8)
        )
    # Pockets.
    py = v + 120 if hem > 560 else hem - 80
    out.append(kit.seam(f"M214 {py} L238 {py + 34} M386 {py} L362 {py + 34}", width=1.6))
    return "".join(out)


def _coat(kit: _Kit) -> str:
    return _hanger(kit) + _coat_like(kit, hem=640, belt=False, double=False, buttons=3)


def _trench(kit: _Kit) -> str:
    return _hanger(kit) + _coat_like(kit, hem=640, belt=True, double=True, buttons=3)


def _jacket(kit: _Kit) -> str:
    out = _hanger(kit) + _coat_like(kit, hem=486, belt=False, double=False, buttons=2)
    out += kit.seam("M338 266 L368 262", width=2)  # breast welt
    out += kit.seam("M216 420 H252 M348 420 H384", width=2)  # flap pockets
    return out


def _dress(kit: _Kit) -> str:
    d = (
        "M256 170 L272 170 Q288 236 300 254 Q312 236 328 170 L344 170 "
        "C352 198 366 224 364 252 C362 292 342 322 340 352 "
        "C362 432 412 560 444 636 Q300 664 156 636 "
        "C188 560 238 432 260 352 C258 322 238 292 236 252 C234 224 248 198 256 170 Z"
    )
    out = [_hanger(kit), kit.cast(d), kit.body(d)]
    out.append(kit.seam("M260 352 Q300 360 340 352", width=1.4))
    for x0, x1 in ((282, 236), (300, 304), (318, 372), (270, 190), (330, 410)):
        out.append(kit.fold(f"M{x0} 360 Q{(x0 + x1) / 2:.0f} 500 {x1} 640", width=7))
    out.append(kit.seam("M272 170 Q288 236 300 254 Q312 236 328 170", op=0.3))
    return "".join(out)


def _knit(kit: _Kit) -> str:
    """A crew-neck jumper on a hanger: ribbed neck, cuffs and hem carry the knit."""
    body = (
        "M266 170 C242 174 222 180 210 190 C200 198 198 212 200 236 L206 470 "
        "L394 470 L400 236 C402 212 400 198 390 190 C378 180 358 174 334 170 "
        "Q300 204 266 170 Z"
    )
    sleeve_l = "M210 192 C190 198 180 218 178 244 L164 500 L198 504 L214 300 Z"
    sleeve_r = "M390 192 C410 198 420 218 422 244 L436 500 L402 504 L386 300 Z"
    hem = "M206 466 L394 466 L396 510 Q300 518 204 510 Z"
    cuff_l = "M164 496 L198 500 L196 540 L162 536 Z"
    cuff_r = "M436 496 L402 500 L404 540 L438 536 Z"
    rib = _dark(kit.base, 0.06)
    out = [_hanger(kit), kit.cast(body + " " + hem), kit.body(body), kit.body(sleeve_l)]
    out.append(kit.body(sleeve_r))
    out.append(kit.body(hem, rib))
    out.append(kit.body(cuff_l, rib) + kit.body(cuff_r, rib))
    ribs = " ".join(f"M{x} 470 V{512 - abs(x - 300) / 40:.0f}" for x in range(210, 392, 5))
    ribs += " " + " ".join(
        f"M{166 + i * 5} {498 + i * 0.6:.1f} L{164 + i * 5} 536" for i in range(7)
    )
    ribs += " " + " ".join(
        f"M{404 + i * 5} {500 - i * 0.6:.1f} L{406 + i * 5} 538" for i in range(7)
    )
    out.append(kit.seam(ribs, width=0.9, op=0.35))
    neck = "M266 170 Q300 204 334 170"
    out.append(
        f'<path d="{neck}" fill="none" stroke="{_dark(kit.base, 0.5)}" stroke-width="15" '
        'stroke-linecap="round" stroke-opacity="0.4"/>'
        f'<path d="{neck}" fill="none" stroke="{kit.tone(rib)}" stroke-width="12" '
        'stroke-linecap="round"/>'
    )
    out.append(kit.seam("M264 176 Q300 212 336 176", width=0.8, op=0.4))
    out.append(kit.fold("M250 250 Q244 360 250 460") + kit.fold("M352 250 Q358 360 350 460"))
    return "".join(out)


def _shirt(kit: _Kit, *, bow: bool) -> str:
    body = (
        "M272 168 C246 172 222 178 209 188 C199 196 197 210 199 234 L192 526 "
        "Q246 556 300 540 Q354 556 408 526 L401 234 C403 210 401 196 391 188 "
        "C378 178 354 172 328 168 Q300 180 272 168 Z"
    )
    sleeve_l = "M209 190 C190 196 180 216 178 242 L166 470 L196 474 L214 300 Z"
    sleeve_r = "M391 190 C410 196 420 216 422 242 L434 470 L404 474 L386 300 Z"
    collar_l = "M272 166 L300 196 L280 214 L262 176 Z"
    collar_r = "M328 166 L300 196 L320 214 L338 176 Z"
    out = [kit.cast(body), kit.body(body), kit.body(sleeve_l), kit.body(sleeve_r)]
    out.append(kit.body("M166 470 L196 474 L194 500 L164 496 Z", _dark(kit.base, 0.05)))
    out.append(kit.body("M434 470 L404 474 L406 500 L436 496 Z", _dark(kit.base, 0.05)))
    out.append(kit.body(collar_l, _light(kit.base, 0.05)))
    out.append(kit.body(collar_r, _dark(kit.base, 0.05)))
    out.append(kit.seam("M292 200 L292 538 M308 200 L308 538", width=1, op=0.3))
    if bow:
        out.append(kit.body("M300 206 C276 190 258 204 266 222 C274 236 292 222 300 212 Z"))
        out.append(kit.body("M300 206 C324 190 342 204 334 222 C326 236 308 222 300 212 Z"))
        out.append(kit.body("M296 212 L284 300 L292 304 L300 216 Z", _dark(kit.base, 0.06)))
        out.append(kit.body("M304 212 L318 296 L310 300 L300 216 Z", _dark(kit.base, 0.1)))
        out.append(f'<circle cx="300" cy="210" r="7" fill="{kit.tone(_dark(kit.base, 0.05))}"/>')
    else:
        for i in range(6):
            out.append(
                f'<circle cx="300" cy="{232 + i * 50}" r="3.2" fill="{_light(kit.base, 0.55)}" '
                f'stroke="{_dark(kit.base, 0.35)}" stroke-width="0.8"/>'
            )
    out.append(kit.fold("M240 260 Q232 400 236 520") + kit.fold("M360 260 Q370 400 362 520"))
    return _hanger(kit) + "".join(out)


def _trousers(kit: _Kit) -> str:
    d = "M228 170 L372 170 L376 188 L398 640 L312 640 L300 300 L288 640 L202 640 L224 188 Z"
    band = "M228 170 L372 170 L375 190 L225 190 Z"
    out = [_hanger(kit, clip=True), kit.cast(d), kit.body(d), kit.body(band, _dark(kit.base, 0.06))]
    out.append(kit.seam("M300 190 L300 262 Q300 282 286 290", width=1.2))
    out.append(kit.seam("M244 196 L252 236 M356 196 L348 236", width=1.4))
    out.append(kit.fold("M248 250 L245 636", width=4) + kit.fold("M352 250 L355 636", width=4))
    out.append(kit.seam("M300 300 L300 310", op=0.2))
    return "".join(out)


def _skirt(kit: _Kit) -> str:
    d = "M238 170 L362 170 L364 188 L420 610 Q300 628 180 610 L236 188 Z"
    band = "M238 170 L362 170 L364 190 L236 190 Z"
    out = [_hanger(kit, clip=True), kit.cast(d), kit.body(d), kit.body(band, _dark(kit.base, 0.06))]
    for i in range(7):
        x0 = 246 + i * 18
        x1 = 196 + i * 35
        out.append(kit.fold(f"M{x0} 192 L{x1} 612", width=5))
    return "".join(out)


def _scarf(kit: _Kit) -> str:
    c, s = 300, 158
    square = f"M{c - s} {380 - s} H{c + s} V{380 + s} H{c - s} Z"
    inner = f"M{c - s + 22} {380 - s + 22} H{c + s - 22} V{380 + s - 22} H{c - s + 22} Z"
    ink = kit.second if kit.second != kit.base else _light(kit.base, 0.6)
    out = [kit.cast(square), kit.body(square)]
    out.append(
        f'<path d="{inner}" fill="none" stroke="{ink}" stroke-width="3" stroke-opacity="0.9"/>'
    )
    out.append(
        f'<path d="M{c - s + 30} {380 - s + 30} H{c + s - 30} V{380 + s - 30} H{c - s + 30} Z" '
        f'fill="none" stroke="{ink}" stroke-width="1" stroke-opacity="0.8"/>'
    )
    for r in (92, 70, 24):
        out.append(
            f'<circle cx="{c}" cy="380" r="{r}" fill="none" stroke="{ink}" stroke-width="1.6" '
            'stroke-opacity="0.85"/>'
        )
    for i in range(12):
        a = i * 30
        out.append(
            f'<ellipse cx="{c}" cy="332" rx="9" ry="30" fill="{ink}" fill-opacity="0.55" '
            f'transform="rotate({a} {c} 380)"/>'
        )
    for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x, y = c + dx * (s - 58), 380 + dy * (s - 58)
        out.append(
            f'<path d="M{x} {y - 16} L{x + 16} {y} L{x} {y + 16} L{x - 16} {y} Z" '
            f'fill="none" stroke="{ink}" stroke-width="1.4"/>'
        )
    out.append(
        kit.fold(f"M{c - s + 10} {380 + s - 60} Q{c} {380 + s - 30} {c + s - 8} {380 + s - 90}")
    )
    return "".join(out)


# --- Leather goods -------------------------------------------------------------------


def _rivet(kit: _Kit, x: float, y: float, r: float = 4.5) -> str:
    return (
        f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}" fill="{kit.metal_fill()}" '
        f'stroke="{kit.metal_line()}" stroke-width="0.8"/>'
    )


def _tote(kit: _Kit) -> str:
    body = "M172 336 L428 336 L452 582 Q452 596 438 596 L162 596 Q148 596 148 582 Z"
    back = "M214 338 C218 190 382 190 386 338"
    front = "M232 340 C236 214 364 214 368 340"
    edge = _dark(kit.base, 0.45)
    out = [kit.ground(300, 190)]
    out.append(
        f'<path d="{back}" fill="none" stroke="{_dark(kit.base, 0.3)}" stroke-width="15" '
        'stroke-linecap="round"/>'
    )
    out.append(kit.body(body))
    out.append(
        f'<path d="{front}" fill="none" stroke="{edge}" stroke-width="17" stroke-linecap="round"/>'
        f'<path d="{front}" fill="none" stroke="{kit.tone(kit.base)}" stroke-width="14" '
        'stroke-linecap="round"/>'
    )
    out.append(kit.stitch(front))
    out.append(kit.flat("M172 336 L428 336 L429 344 L171 344 Z", edge, opacity=0.8))
    out.append(kit.stitch("M176 352 H424"))
    out.append(kit.stitch("M172 362 L158 584 M428 362 L442 584"))
    out.append(kit.seam("M186 346 L170 592 M414 346 L430 592", op=0.3))
    for x in (232, 368):
        out.append(_rivet(kit, x, 360))
    out.append(_stamp(kit, 300, 400))
    return "".join(out)


def _stamp(kit: _Kit, x: float, y: float, size: float = 9) -> str:
    colour = _dark(kit.base, 0.4) if _luminance(kit.base) > 0.06 else _light(kit.base, 0.3)
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="middle" font-family="Georgia, serif" '
        f'font-size="{_f(size)}" letter-spacing="{_f(size * 0.32)}" fill="{colour}" '
        'fill-opacity="0.85">MAISON VERLAINE</text>'
    )


def _shoulder_bag(kit: _Kit) -> str:
    body = (
        "M186 372 Q186 356 202 356 L398 356 Q414 356 414 372 "
        "L420 578 Q420 594 404 594 L196 594 Q180 594 180 578 Z"
    )
    flap = "M186 370 Q186 356 202 356 L398 356 Q414 356 414 370 L416 486 Q300 530 184 486 Z"
    chain = kit.rng.random() < 0.5
    strap = "M198 366 C176 150 424 150 402 366"
    out = [kit.ground(300, 150)]
    if chain:
        out.append(
            kit.metal_stroke(strap, 6, extra='stroke-dasharray="9 4"')
            + f'<path d="{strap}" fill="none" stroke="{kit.metal_line()}" stroke-width="1" '
            'stroke-opacity="0.4"/>'
        )
    else:
        out.append(
            f'<path d="{strap}" fill="none" stroke="{_dark(kit.base, 0.4)}" stroke-width="13"/>'
            f'<path d="{strap}" fill="none" stroke="{kit.tone(kit.base)}" stroke-width="10"/>'
        )
        out.append(kit.stitch(strap))
    out.append(kit.body(body, _dark(kit.base, 0.05)))
    out.append(kit.body(flap))
    out.append(kit.stitch("M196 372 L198 480 Q300 518 402 480 L404 372"))
    out.append(kit.metal("M284 484 h32 v26 q0 6 -6 6 h-20 q-6 0 -6 -6 Z"))
    out.append(
        f'<rect x="292" y="491" width="16" height="12" rx="2" fill="{_dark(kit.base, 0.2)}" '
        'fill-opacity="0.5"/>'
    )
    for x in (198, 402):
        out.append(_rivet(kit, x, 368, 5))
    return "".join(out)


def _clutch(kit: _Kit) -> str:
    body = "M140 436 L460 436 L460 596 L140 596 Z"
    flap = "M140 436 L460 436 L312 546 Q300 554 288 546 Z"
    out = [kit.ground(300, 180, ry=12), kit.body(body, _dark(kit.base, 0.04)), kit.body(flap)]
    out.append(kit.stitch("M152 444 L300 548 L448 444"))
    out.append(kit.metal("M292 540 h16 v16 h-16 Z"))
    out.append(kit.highlight("M146 440 L454 440", 0.25, 1.5))
    return "".join(out)


def _wallet(kit: _Kit) -> str:
    cards = [
        kit.flat("M204 424 L336 424 L336 470 L204 470 Z", _mix(kit.second, "#ffffff", 0.1)),
        kit.flat("M230 434 L372 434 L372 470 L230 470 Z", _dark(kit.second, 0.1)),
    ]
    body = (
        "M186 452 L414 452 Q424 452 424 462 L424 590 Q424 596 418 "
        "596 L182 596 Q176 596 176 590 L176 462 Q176 452 186 452 Z"
    )
    out = [kit.ground(300, 130, ry=12), *cards, kit.body(body)]
    out.append(kit.stitch("M186 464 H414 V586 H186 Z"))
    out.append(kit.seam("M176 520 H424", op=0.35))
    out.append(_rivet(kit, 396, 520, 6))
    out.append(_stamp(kit, 280, 560, 8))
    return "".join(out)


def _belt(kit: _Kit) -> str:
    """A fastened belt standing on its edge: a leather loop with the buckle in front."""
    cx, cy, rx, ry, w = 300, 468, 196, 84, 38
    back = f"M{cx - rx} {cy} A{rx} {ry} 0 0 1 {cx + rx} {cy}"
    front = f"M{cx - rx} {cy} A{rx} {ry} 0 0 0 {cx + rx} {cy}"
    edge = _dark(kit.base, 0.45)
    inside = _dark(kit.base, 0.3)
    out = [kit.ground(cx, rx + 10, ry=20, y=cy + ry + w / 2 + 2)]
    out.append(
        f'<path d="{back}" fill="none" stroke="{edge}" stroke-width="{w + 2}"/>'
        f'<path d="{back}" fill="none" stroke="{inside}" stroke-width="{w}"/>'
    )
    out.append(
        kit.highlight(f"M{cx - rx + 30} {cy - 40} A{rx} {ry} 0 0 1 {cx} {cy - ry - 14}", 0.12, 8)
    )
    out.append(
        f'<path d="{front}" fill="none" stroke="{edge}" stroke-width="{w + 2}"/>'
        f'<path d="{front}" fill="none" stroke="{kit.tone(kit.base)}" stroke-width="{w}"/>'
    )
    if kit.finish.sheen:
        out.append(
            f'<path d="{front}" fill="none" stroke="#ffffff" stroke-opacity="0.18" '
            f'stroke-width="{w * 0.35:.0f}" transform="translate(0 -8)"/>'
        )
    for off in (-w / 2 + 5, w / 2 - 5):
        arc = (
            f"M{cx - rx + 10} {cy + off:.0f} A{rx - 6} {ry - 4} 0 0 0 {cx + rx - 10} {cy + off:.0f}"
        )
        out.append(kit.stitch(arc))
    # The tail runs through the buckle and a keeper; a row of holes before it.
    by = cy + ry
    for i in range(4):
        hx = cx + 70 + i * 22
        hy = cy + ry * math.sqrt(max(0.0, 1 - ((hx - cx) / rx) ** 2))
        out.append(
            f'<ellipse cx="{hx}" cy="{hy:.1f}" rx="3" ry="4" fill="{_dark(kit.base, 0.6)}"/>'
        )
    out.append(kit.body(f"M{cx - 96} {by - 20} h22 v40 h-22 Z", _dark(kit.base, 0.1)))
    out.append(
        f'<path d="M{cx - 34} {by - 30} h68 v60 h-68 Z M{cx - 25} {by - 21} h50 v42 h-50 Z" '
        f'fill="{kit.metal_fill()}" fill-rule="evenodd" stroke="{kit.metal_line()}" '
        'stroke-width="0.9"/>'
    )
    out.append(kit.metal_stroke(f"M{cx - 30} {by} H{cx + 18}", 4))
    return "".join(out)


def _slg(kit: _Kit) -> str:
    card = (
        "M190 474 L346 474 Q356 474 356 484 L356 588 Q356 596 348 596 L198 596 Q190 596 190 588 Z"
    )
    slot = "M206 500 Q273 520 340 500"
    ring_cx, ring_cy = 420, 470
    tab = "M406 494 L434 494 L438 596 L402 596 Z"
    out = [kit.ground(280, 110, ry=10), kit.ground(420, 40, ry=8)]
    out.append(kit.body(card))
    out.append(kit.seam(slot, width=1.8, op=0.6))
    out.append(kit.stitch("M198 482 H348 V588 H198 Z"))
    out.append(_stamp(kit, 273, 560, 7))
    out.append(kit.body(tab, _dark(kit.base, 0.05)))
    out.append(kit.stitch("M410 502 L412 588 M430 502 L432 588"))
    out.append(
        f'<circle cx="{ring_cx}" cy="{ring_cy}" r="26" fill="none" stroke="{kit.metal_line()}" '
        'stroke-width="7.5"/>'
        f'<circle cx="{ring_cx}" cy="{ring_cy}" r="26" fill="none" stroke="{kit.metal_fill()}" '
        'stroke-width="6"/>'
    )
    out.append(_rivet(kit, 420, 506, 4))
    return "".join(out)
