"""Engraved plates for heritage stories, and monograms."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from html import escape

from catalog.imagery.palette import _digest, _f, _key
from catalog.imagery.products import _svg

# --- Heritage plates -----------------------------------------------------------------

_SEPIA = "#3b2f25"
_PLATE_PAPER = ("#f3ecdf", "#efe6d5", "#f1e9dc")


def _hatch(uid: str, name: str, angle: float, gap: float, width: float = 0.8) -> str:
    return (
        f'<pattern id="{uid}-{name}" width="{_f(gap)}" height="{_f(gap)}" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate({_f(angle)})">'
        f'<path d="M0 0 V{_f(gap)}" stroke="{_SEPIA}" stroke-width="{_f(width)}"/></pattern>'
    )


def _motif_atelier(u: str) -> str:
    # An arched atelier window, a dressmaker's form and a cutting table.
    return (
        f'<path d="M560 640 V300 A240 240 0 0 1 1040 300 V640 Z" fill="url(#{u}-h1)" '
        f'stroke="{_SEPIA}" stroke-width="3"/>'
        f'<path d="M580 640 V310 A220 220 0 0 1 1020 310 V640 Z" fill="#f6f0e4" fill-opacity="0.7" '
        f'stroke="{_SEPIA}" stroke-width="1.5"/>'
        f'<path d="M800 90 V640 M580 420 H1020 M580 530 H1020 M690 120 V640 M910 120 V640" '
        f'stroke="{_SEPIA}" stroke-width="2"/>'
        f'<path d="M760 300 C720 300 712 330 716 360 C722 400 740 420 736 470 '
        "C732 520 716 560 724 600 L876 600 C884 560 868 520 864 470 "
        "C860 420 878 400 884 360 C888 330 880 300 840 300 "
        f'C826 312 774 312 760 300 Z" fill="url(#{u}-h2)" stroke="{_SEPIA}" stroke-width="2.5"/>'
        f'<path d="M800 600 V700 M760 700 H840 M800 300 V276" stroke="{_SEPIA}" stroke-width="4"/>'
        f'<path d="M740 420 Q800 440 860 420" fill="none" stroke="{_SEPIA}" stroke-width="1.5" '
        'stroke-dasharray="6 5"/>'
        f'<path d="M300 640 H1300 V664 H300 Z" fill="url(#{u}-h3)" stroke="{_SEPIA}" '
        'stroke-width="2"/>'
        f'<path d="M330 664 V760 M1270 664 V760" stroke="{_SEPIA}" stroke-width="6"/>'
        f'<path d="M1040 630 L1160 590 M1040 630 L1150 610" stroke="{_SEPIA}" stroke-width="3"/>'
        f'<circle cx="1030" cy="634" r="10" fill="none" stroke="{_SEPIA}" stroke-width="3"/>'
        f'<circle cx="1030" cy="610" r="10" fill="none" stroke="{_SEPIA}" stroke-width="3"/>'
        f'<path d="M400 640 C420 600 470 600 500 640" fill="url(#{u}-h2)" stroke="{_SEPIA}" '
        'stroke-width="2"/>'
    )


def _motif_saddle(u: str) -> str:
    # A saddle in profile on its stand: pommel, seat, cantle, flap, stirrup.
    return (
        f'<path d="M640 470 L590 780 M980 470 L1030 780 M615 640 H1005" stroke="{_SEPIA}" '
        'stroke-width="6" stroke-linecap="round"/>'
        f'<path d="M560 400 C566 360 590 340 612 346 C650 356 690 420 800 424 '
        "C900 426 960 360 1010 330 C1040 316 1066 330 1058 360 C1050 392 1040 420 1030 450 "
        f'C900 478 700 478 580 462 C560 450 556 424 560 400 Z" fill="url(#{u}-h2)" '
        f'stroke="{_SEPIA}" stroke-width="3"/>'
        f'<path d="M612 360 C650 372 700 432 800 436 C900 438 966 374 1020 344" fill="none" '
        f'stroke="{_SEPIA}" stroke-width="1.5" stroke-dasharray="7 5"/>'
        f'<path d="M650 452 C640 520 636 590 650 650 C720 670 820 668 880 650 C872 590 872 520 '
        f'880 456 Z" fill="url(#{u}-h1)" stroke="{_SEPIA}" stroke-width="2.5"/>'
        f'<path d="M664 470 C656 530 654 590 664 636 C730 652 812 650 866 636" fill="none" '
        f'stroke="{_SEPIA}" stroke-width="1.2" stroke-dasharray="6 5"/>'
        f'<path d="M770 440 V700" stroke="{_SEPIA}" stroke-width="10"/>'
        '<path d="M770 440 V700" stroke="#f6f0e4" stroke-width="5"/>'
        f'<path d="M738 700 Q770 690 802 700 L812 756 H728 Z" fill="none" stroke="{_SEPIA}" '
        'stroke-width="5" stroke-linejoin="round"/>'
        f'<path d="M728 756 H812" stroke="{_SEPIA}" stroke-width="9"/>'
    )


def _motif_silk(u: str) -> str:
    # A printed carré lying on the table (drawn flat, then put in perspective by
    # an affine map), one corner turned back, and the spool it was woven from.
    ns = 'vector-effect="non-scaling-stroke"'
    petals = "".join(
        f'<ellipse cx="200" cy="128" rx="11" ry="40" fill="url(#{u}-h2)" stroke="{_SEPIA}" '
        f'stroke-width="1.2" {ns} transform="rotate({a} 200 200)"/>'
        for a in range(0, 360, 30)
    )
    corners = "".join(
        f'<path d="M{x} {y - 18} L{x + 18} {y} L{x} {y + 18} L{x - 18} {y} Z" fill="none" '
        f'stroke="{_SEPIA}" stroke-width="1.4" {ns}/>'
        for x, y in ((60, 60), (340, 60), (340, 340), (60, 340))
    )
    flat = (
        f'<rect width="400" height="400" fill="url(#{u}-h1)" stroke="{_SEPIA}" '
        f'stroke-width="3" {ns}/>'
        f'<rect x="22" y="22" width="356" height="356" fill="#f6f0e4" fill-opacity="0.85" '
        f'stroke="{_SEPIA}" stroke-width="1.6" {ns}/>'
        f'<rect x="30" y="30" width="340" height="340" fill="none" stroke="{_SEPIA}" '
        f'stroke-width="1" {ns}/>'
        f'<circle cx="200" cy="200" r="104" fill="none" stroke="{_SEPIA}" stroke-width="1.6" '
        f"{ns}/>"
        f'<circle cx="200" cy="200" r="26" fill="url(#{u}-h3)" stroke="{_SEPIA}" '
        f'stroke-width="1.6" {ns}/>'
        f"{petals}{corners}"
    )
    return (
        f'<g transform="matrix(1.05 -0.25 0.8 0.425 440 430)">{flat}</g>'
        f'<path d="M1180 500 L1084 529 L1140 452 Z" fill="url(#{u}-h2)" stroke="{_SEPIA}" '
        'stroke-width="2.5" stroke-linejoin="round"/>'
        f'<path d="M1200 560 h96 v130 h-96 Z" fill="url(#{u}-h3)" stroke="{_SEPIA}" '
        'stroke-width="2.5"/>'
        '<path d="M1190 560 h116 v-14 h-116 Z M1190 690 h116 v14 h-116 Z" fill="#f6f0e4" '
        f'stroke="{_SEPIA}" stroke-width="2.5"/>'
        '<path d="M1200 600 C1150 610 1120 560 1060 570 C1000 580 990 530 960 520" fill="none" '
        f'stroke="{_SEPIA}" stroke-width="1.5"/>'
    )


def _motif_trunk(u: str) -> str:
    return (
        f'<path d="M480 360 H1120 V720 H480 Z" fill="url(#{u}-h1)" stroke="{_SEPIA}" '
        'stroke-width="3"/>'
        f'<path d="M480 360 Q800 260 1120 360" fill="url(#{u}-h2)" stroke="{_SEPIA}" '
        'stroke-width="3"/>'
        f'<path d="M480 420 H1120 M620 320 V720 M980 320 V720" stroke="{_SEPIA}" '
        'stroke-width="10"/>'
        f'<path d="M480 420 H1120 M620 320 V720 M980 320 V720" stroke="#f6f0e4" '
        'stroke-width="5"/>'
        f'<path d="M770 400 h60 v70 h-60 Z" fill="#f6f0e4" stroke="{_SEPIA}" stroke-width="2.5"/>'
        f'<circle cx="800" cy="436" r="9" fill="{_SEPIA}"/>'
        f'<path d="M700 560 h200 v100 h-200 Z" fill="#f6f0e4" stroke="{_SEPIA}" stroke-width="2"/>'
        f'<text x="800" y="618" text-anchor="middle" font-family="Georgia, serif" font-size="30" '
        f'letter-spacing="6" fill="{_SEPIA}">M·V</text>'
        + "".join(
            f'<circle cx="{x}" cy="{y}" r="6" fill="{_SEPIA}"/>'
            for x in (500, 1100)
            for y in (440, 520, 600, 680)
        )
    )


def _motif_perfume(u: str) -> str:
    return (
        f'<path d="M680 400 H920 V700 Q920 720 900 720 H700 Q680 720 680 700 Z" '
        f'fill="url(#{u}-h1)" stroke="{_SEPIA}" stroke-width="3"/>'
        f'<path d="M700 430 H900 V690 H700 Z" fill="#f6f0e4" fill-opacity="0.6" stroke="{_SEPIA}" '
        'stroke-width="1.2"/>'
        f'<path d="M770 340 H830 V400 H770 Z M740 260 H860 L876 300 V340 H724 V300 Z" '
        f'fill="url(#{u}-h2)" stroke="{_SEPIA}" stroke-width="2.5"/>'
        f'<path d="M920 520 C1000 520 1020 460 1060 440" fill="none" stroke="{_SEPIA}" '
        'stroke-width="3"/>'
        f'<ellipse cx="1100" cy="430" rx="50" ry="36" fill="url(#{u}-h3)" stroke="{_SEPIA}" '
        'stroke-width="2.5"/>'
        + "".join(
            f'<path d="M{x} 700 C{x - 30} 600 {x + 20} 520 {x - 10} 440" fill="none" '
            f'stroke="{_SEPIA}" stroke-width="2"/>'
            f'<ellipse cx="{x - 10}" cy="430" rx="16" ry="26" fill="url(#{u}-h2)" '
            f'stroke="{_SEPIA}" stroke-width="1.5" transform="rotate(-20 {x - 10} 430)"/>'
            for x in (480, 530, 580)
        )
    )


def _motif_jewel(u: str) -> str:
    rays = " ".join(
        f"M{_f(800 + 200 * math.cos(math.radians(a)))} {_f(450 + 200 * math.sin(math.radians(a)))} "
        f"L{_f(800 + 300 * math.cos(math.radians(a)))} {_f(450 + 300 * math.sin(math.radians(a)))}"
        for a in range(0, 360, 15)
    )
    return (
        f'<path d="{rays}" stroke="{_SEPIA}" stroke-width="1.5"/>'
        f'<path d="M680 380 L920 380 L980 450 L800 680 L620 450 Z" fill="url(#{u}-h1)" '
        f'stroke="{_SEPIA}" stroke-width="3"/>'
        f'<path d="M620 450 H980 M680 380 L740 450 L800 380 L860 450 L920 380 '
        f'M740 450 L800 680 L860 450" fill="none" stroke="{_SEPIA}" stroke-width="2"/>'
        f'<path d="M680 380 L740 450 L620 450 Z M800 380 L860 450 L740 450 Z" '
        f'fill="url(#{u}-h2)"/>'
    )


_MOTIFS: dict[str, Callable[[str], str]] = {
    "atelier": _motif_atelier,
    "saddle": _motif_saddle,
    "silk": _motif_silk,
    "trunk": _motif_trunk,
    "perfume": _motif_perfume,
    "jewel": _motif_jewel,
}


def heritage_svg(*, era: str, motif: str, seed: str, title: str) -> str:
    """A 1600×900 engraved-plate illustration with the era in a cartouche."""
    uid = "h" + _digest(era, motif, seed, title).hex()[:8]
    rng = random.Random(_digest("plate", seed))
    paper = rng.choice(_PLATE_PAPER)
    base_angle = rng.choice((35, 40, 45, 50))
    drawer = _MOTIFS.get(_key(motif), _motif_atelier)
    defs = (
        _hatch(uid, "h1", base_angle, 7)
        + _hatch(uid, "h2", -base_angle, 5, 0.9)
        + _hatch(uid, "h3", 0, 4, 0.7)
        + f'<radialGradient id="{uid}-age" cx="0.5" cy="0.5" r="0.75">'
        '<stop offset="0.55" stop-color="#7a5a3a" stop-opacity="0"/>'
        '<stop offset="1" stop-color="#7a5a3a" stop-opacity="0.22"/></radialGradient>'
    )
    era_text = escape(era.upper(), quote=True)
    plate_no = rng.randint(1, 48)
    body = (
        f'<rect width="1600" height="900" fill="{paper}"/>'
        f'<rect x="40" y="40" width="1520" height="820" fill="none" stroke="{_SEPIA}" '
        'stroke-width="3"/>'
        f'<rect x="54" y="54" width="1492" height="792" fill="none" stroke="{_SEPIA}" '
        'stroke-width="1"/>'
        f'<path d="M130 780 H1470" stroke="{_SEPIA}" stroke-width="1.2"/>'
        f'<g transform="translate(0 -10)">{drawer(uid)}</g>'
        f'<rect x="54" y="790" width="1492" height="56" fill="{paper}"/>'
        f'<path d="M54 790 H1546" stroke="{_SEPIA}" stroke-width="1"/>'
        f'<text x="800" y="828" text-anchor="middle" font-family="Georgia, serif" font-size="26" '
        f'letter-spacing="8" fill="{_SEPIA}">{era_text}</text>'
        f'<text x="110" y="826" font-family="Georgia, serif" font-size="16" font-style="italic" '
        f'fill="{_SEPIA}">Pl. {plate_no}</text>'
        f'<text x="1490" y="826" text-anchor="end" font-family="Georgia, serif" font-size="16" '
        f'letter-spacing="4" fill="{_SEPIA}">MAISON VERLAINE · PARIS</text>'
        f'<rect width="1600" height="900" fill="url(#{uid}-age)"/>'
    )
    return _svg(1600, 900, title, body, defs=defs, uid=uid)


# --- Monograms ---------------------------------------------------------------------

_MONOGRAM_TONES = (
    ("#efe7d5", "#1f1d1b"),
    ("#1f1d1b", "#efe7d5"),
    ("#e7dccb", "#5c1d2a"),
    ("#dfe3df", "#2e4a3a"),
    ("#e3e3ea", "#1f2a44"),
)


def monogram_svg(*, initials: str) -> str:
    """A round monogram (two rules and serif initials) for avatars and favicons."""
    words = initials.split()
    letters = "".join(w[0] for w in words) if len(words) > 1 else "".join(words)
    letters = letters[:3].upper() or "·"
    ground, ink = _MONOGRAM_TONES[_digest("mono", letters)[0] % len(_MONOGRAM_TONES)]
    size = {1: 54, 2: 44, 3: 34}[len(letters)]
    text = escape(letters, quote=True)
    body = (
        f'<circle cx="60" cy="60" r="58" fill="{ground}"/>'
        f'<circle cx="60" cy="60" r="52" fill="none" stroke="{ink}" stroke-width="1" '
        'stroke-opacity="0.6"/>'
        f'<text x="60" y="60" dy="0.35em" text-anchor="middle" font-family="Georgia, serif" '
        f'font-size="{size}" letter-spacing="1" fill="{ink}">{text}</text>'
    )
    return _svg(120, 120, letters, body, uid="m" + _digest("mono-id", letters).hex()[:6])
