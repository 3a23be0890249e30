"""Generated SVG still lifes for products, heritage plates and monograms.

The catalogue has no photography, so every product gets a deterministic,
minimal still life drawn from its category, subcategory, colours and
materials. Pure functions: no Django, no I/O, no randomness beyond the seed.
The SVGs carry no scripts, no external references and no style attributes;
ids are prefixed per image so several can be inlined on one page.

Modules: palette (colours), kit (shapes, finishes, drawing kit), clothing and
accessories (the objects), products (composition), heritage (plates, monograms),
portraits (advisors without a photo).
"""

from catalog.imagery.heritage import heritage_svg, monogram_svg
from catalog.imagery.kit import CATEGORY_SHAPES, resolve_shape
from catalog.imagery.palette import resolve_colour
from catalog.imagery.portraits import portrait_svg
from catalog.imagery.products import product_svg

__all__ = [
    "CATEGORY_SHAPES",
    "heritage_svg",
    "monogram_svg",
    "portrait_svg",
    "product_svg",
    "resolve_colour",
    "resolve_shape",
]
