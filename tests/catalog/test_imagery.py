"""catalog.imagery: every drawing is valid, deterministic, self-contained and escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from catalog.imagery import (
    CATEGORY_SHAPES,
    heritage_svg,
    monogram_svg,
    product_svg,
    resolve_colour,
    resolve_shape,
)
from catalog.imagery import palette as imagery
from catalog.imagery.palette import NEUTRALS, SVG_NS

NS = {"svg": SVG_NS}
HOSTILE = '<script>alert("x")</script> & "quotes" \' </title><svg onload=alert(1)>'

# One case per drawing: (category, a subcategory as the catalogue writes it, expected shape).
CASES = [
    (category, words[0], shape)
    for category, shapes in CATEGORY_SHAPES.items()
    for shape, words in shapes
]
MATERIALS = {
    "ready_to_wear": ["cashmere"],
    "leather_goods": ["grained calfskin"],
    "shoes": ["patent leather"],
    "jewellery": ["18k yellow gold", "emeralds"],
    "fragrance": ["crystal"],
}


def render(category: str, subcategory: str, **overrides: object) -> str:
    kwargs: dict[str, object] = {
        "category": category,
        "subcategory": subcategory,
        "colours": ["camel"],
        "materials": MATERIALS.get(category, []),
        "seed": "5f0c6c1e-7d1a-4b2e-9a55-0d6f1c7a9e01",
        "title": "A piece",
    }
    kwargs.update(overrides)
    return product_svg(**kwargs)  # type: ignore[arg-type]


def parse(svg: str) -> ET.Element:
    # The XML is our own output under test, not untrusted input.
    return ET.fromstring(svg)  # noqa: S314


def assert_self_contained(svg: str) -> ET.Element:
    """Parses as XML; no script, handler, style attribute or outside reference."""
    root = parse(svg)
    assert root.tag == f"{{{SVG_NS}}}svg"
    assert "<script" not in svg.lower()
    assert "http" not in svg.replace(SVG_NS, ""), "no reference beyond the SVG namespace"
    assert "href" not in svg
    assert "url(" not in svg.replace("url(#", ""), "url() only points inside the image"
    attributes = [name for el in root.iter() for name in el.attrib]
    assert not [a for a in attributes if a.lower().startswith("on")], "no event handlers"
    assert "style" not in attributes, "presentation attributes only"
    assert not [el for el in root.iter() if el.tag.endswith("}style")], "no <style> sheets"
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique"
    for ref in re.findall(r"url\(#([^)]+)\)", svg):
        assert ref in ids, f"url(#{ref}) points at a missing definition"
    return root


@pytest.mark.parametrize(("category", "subcategory", "shape"), CASES)
def test_every_drawing_is_a_valid_self_contained_portrait(category, subcategory, shape):
    assert resolve_shape(category=category, subcategory=subcategory) == shape
    svg = render(category, subcategory)
    root = assert_self_contained(svg)
    assert root.get("viewBox") == "0 0 600 750"
    title = root.find("svg:title", NS)
    assert title is not None
    assert title.text == "A piece"
    assert root.get("aria-labelledby") == title.get("id")


@pytest.mark.parametrize(("category", "subcategory", "shape"), CASES)
def test_same_arguments_give_the_same_image_and_colour_changes_it(category, subcategory, shape):
    assert render(category, subcategory) == render(category, subcategory)
    navy = render(category, subcategory, colours=["navy"])
    bordeaux = render(category, subcategory, colours=["bordeaux"])
    assert navy != bordeaux


def test_the_named_colour_is_painted():
    svg = render("leather_goods", "tote", colours=["navy"])
    assert resolve_colour("navy") in svg
    assert resolve_colour("bordeaux") not in svg


def test_the_seed_varies_the_composition():
    images = {render("shoes", "loafer", seed=f"product-{i}") for i in range(6)}
    assert len(images) == 6


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Navy", "#1f2a44"),
        ("midnight blue", imagery.PALETTE["navy"]),
        ("rouge Verlaine", imagery.PALETTE["rouge"]),
        ("écru", imagery.PALETTE["ecru"]),
        ("burgundy", imagery.PALETTE["bordeaux"]),
        ("#123abc", "#123abc"),
    ],
)
def test_colour_names_and_aliases_resolve_to_the_palette(name, expected):
    assert resolve_colour(name) == expected


def test_unknown_colours_fall_back_to_a_stable_neutral():
    first = resolve_colour("unobtainium")
    assert first in NEUTRALS
    assert resolve_colour("unobtainium") == first
    assert resolve_colour("#zzzzzz") in NEUTRALS


def test_unknown_category_and_subcategory_still_draw_something():
    assert resolve_shape(category="homeware", subcategory="scented candle") == "candle"
    assert resolve_shape(category="ready_to_wear", subcategory="") == "coat"
    assert_self_contained(render("homeware", "mystery", colours=[], materials=[]))


@pytest.mark.parametrize(
    ("materials", "marker"),
    [
        (["cashmere"], "tex-knit"),
        (["Donegal tweed"], "tex-tweed"),
        (["toile Verlaine canvas"], "tex-canvas"),
        (["crocodile"], "tex-croc"),
        (["smooth calfskin"], "-sheen"),
        (["silk satin"], "-silk"),
    ],
)
def test_materials_leave_their_texture(materials, marker):
    assert marker in render("leather_goods", "tote", materials=materials)


def test_metals_and_stones_come_from_the_materials():
    svg = render(
        "jewellery", "ring", colours=["white gold"], materials=["18k white gold", "sapphires"]
    )
    assert "metal-silver" in svg
    assert "2a4d8f" in svg  # the sapphire
    gold = render("jewellery", "ring", colours=["yellow gold"], materials=["18k yellow gold"])
    assert "metal-gold" in gold
    assert "2a4d8f" not in gold


def test_hostile_titles_are_escaped():
    svg = render("fragrance", "eau de parfum", title=HOSTILE)
    root = assert_self_contained(svg)
    assert root.find("svg:title", NS).text == HOSTILE
    assert "onload" not in [attr for el in root.iter() for attr in el.attrib]


def test_default_title_describes_the_piece():
    svg = render("shoes", "ankle boot", title="", colours=["cognac"])
    assert parse(svg).find("svg:title", NS).text == "ankle boot in cognac"


def test_two_images_inlined_on_one_page_do_not_share_ids():
    a = parse(render("shoes", "pump", seed="a"))
    b = parse(render("shoes", "pump", seed="b"))
    ids_a = {el.get("id") for el in a.iter() if el.get("id")}
    ids_b = {el.get("id") for el in b.iter() if el.get("id")}
    assert not ids_a & ids_b


@pytest.mark.parametrize("motif", ["atelier", "saddle", "silk", "trunk", "perfume", "jewel", "?"])
def test_heritage_plates_are_landscape_and_self_contained(motif):
    svg = heritage_svg(era="The 1920s", motif=motif, seed="story-1", title="A plate")
    root = assert_self_contained(svg)
    assert root.get("viewBox") == "0 0 1600 900"
    assert svg == heritage_svg(era="The 1920s", motif=motif, seed="story-1", title="A plate")
    assert "THE 1920S" in svg


def test_heritage_plates_escape_era_and_title():
    svg = heritage_svg(era=HOSTILE, motif="trunk", seed="s", title=HOSTILE)
    root = assert_self_contained(svg)
    assert root.find("svg:title", NS).text == HOSTILE


@pytest.mark.parametrize(
    ("initials", "shown"), [("mv", "MV"), ("Anne Marie Zoé", "AMZ"), ("é", "É"), ("", "·")]
)
def test_monograms(initials, shown):
    svg = monogram_svg(initials=initials)
    root = assert_self_contained(svg)
    text = root.find("svg:text", NS)
    assert text is not None
    assert text.text == shown
    assert svg == monogram_svg(initials=initials)


def test_monograms_escape_their_letters():
    svg = monogram_svg(initials="<&>")
    assert_self_contained(svg)
    assert "&lt;&amp;&gt;" in svg
