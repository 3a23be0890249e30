"""Upload checks for editorial images: real JPEG, PNG or WebP, small enough, nothing hidden.

The browser never decides what a file is: Pillow does. SVG (which can carry
script), HTML and files pretending to be images by their name are refused,
and so are images with markup smuggled inside them (polyglots).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 6000
# Pillow's format name -> the file extensions it may wear.
ALLOWED_FORMATS: dict[str, tuple[str, ...]] = {
    "JPEG": ("jpg", "jpeg"),
    "PNG": ("png",),
    "WEBP": ("webp",),
}
# Markup that makes a browser, or a careless viewer, treat bytes as a document.
_MARKUP = re.compile(
    rb"<\s*(?:svg[\s>/]|script[\s>/]|html[\s>]|!doctype\s|iframe[\s>/]|body[\s>]|\?xml\s)"
    rb"|javascript:",
    re.IGNORECASE,
)


def _read_all(file: Any) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    data = file.read()
    file.seek(position)
    return data if isinstance(data, bytes) else data.encode()


@deconstructible
class ImageUploadValidator:
    """Callable validator for ImageField/FileField uploads (see the module docstring)."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_side: int = MAX_SIDE) -> None:
        self.max_bytes = max_bytes
        self.max_side = max_side

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ImageUploadValidator)
            and other.max_bytes == self.max_bytes
            and other.max_side == self.max_side
        )

    def __hash__(self) -> int:
        return hash((self.max_bytes, self.max_side))

    def __call__(self, value: Any) -> None:
        if getattr(value, "_committed", False):
            return  # already stored: it was checked when it was uploaded
        file = getattr(value, "file", value)
        size = getattr(value, "size", None)
        if size is None:
            size = len(_read_all(file))
        if size > self.max_bytes:
            raise ValidationError(
                f"The image is {size / 1024 / 1024:.1f} MB; the limit is "
                f"{self.max_bytes // 1024 // 1024} MB. Please export a smaller JPEG or WebP.",
                code="too_large",
            )
        data = _read_all(file)
        if _MARKUP.search(data):
            raise ValidationError(
                "This file contains web page or SVG code. Only plain JPEG, PNG or WebP "
                "photographs can be uploaded.",
                code="markup",
            )
        name = str(getattr(value, "name", "") or "")
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        try:
            file.seek(0)
            with Image.open(file) as image:
                image_format = image.format or ""
                width, height = image.size
                image.verify()
        except (
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
            Image.DecompressionBombError,
        ):
            raise ValidationError(
                "This file is not a JPEG, PNG or WebP image we can read.", code="not_an_image"
            ) from None
        finally:
            file.seek(0)
        if image_format not in ALLOWED_FORMATS:
            raise ValidationError(
                f"{image_format or 'This'} images are not accepted: please upload a JPEG, PNG or "
                "WebP.",
                code="format",
            )
        if extension and extension not in ALLOWED_FORMATS[image_format]:
            raise ValidationError(
                f"The file is named .{extension} but is really a {image_format} image: "
                "rename it or export it again.",
                code="extension",
            )
        if width > self.max_side or height > self.max_side:
            raise ValidationError(
                f"The image is {width}×{height} pixels; the limit is {self.max_side} on each side.",
                code="too_many_pixels",
            )


validate_heritage_image = ImageUploadValidator()
