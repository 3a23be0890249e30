"""Heritage images: real JPEG, PNG or WebP within limits; SVG, HTML and polyglots refused."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.validators import ImageUploadValidator, validate_heritage_image
from tests.factories.catalog import HeritageStoryFactory


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 140, 90)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("tiny.png", "PNG"), ("tiny.jpg", "JPEG"), ("tiny.jpeg", "JPEG"), ("tiny.webp", "WEBP")],
)
def test_real_small_images_pass(name, fmt):
    validate_heritage_image(upload(name, image_bytes(fmt)))


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.svg", SVG, "SVG code"),
        ("logo.png", SVG, "SVG code"),  # an SVG wearing a .png name
        ("page.png", HTML, "web page"),
        ("notes.png", b"just some text", "not a JPEG, PNG or WebP"),
        ("photo.png", image_bytes("JPEG"), "really a JPEG"),  # fake extension
        ("anim.gif", image_bytes("GIF"), "GIF images are not accepted"),
        (
            "polyglot.png",
            image_bytes("PNG") + b"<script>alert(document.cookie)</script>",
            "web page",
        ),
        ("xml.png", b'<?xml version="1.0"?><svg/>', "web page"),
    ],
)
def test_hostile_or_wrong_files_are_refused_with_a_clear_message(name, content, message):
    with pytest.raises(ValidationError) as error:
        validate_heritage_image(upload(name, content))
    assert message in " ".join(error.value.messages)


def test_oversize_files_are_refused():
    big = image_bytes("PNG") + b"\0" * (5 * 1024 * 1024)
    with pytest.raises(ValidationError, match="the limit is 5 MB"):
        validate_heritage_image(upload("big.png", big))


def test_images_with_too_many_pixels_are_refused():
    wide = image_bytes("PNG", size=(6001, 2))
    with pytest.raises(ValidationError, match="the limit is 6000"):
        validate_heritage_image(upload("wide.png", wide))


def test_limits_are_configurable_and_the_validator_deconstructs():
    strict = ImageUploadValidator(max_bytes=10, max_side=2)
    with pytest.raises(ValidationError):
        strict(upload("tiny.png", image_bytes()))
    assert ImageUploadValidator() == validate_heritage_image
    path, _args, _kwargs = validate_heritage_image.deconstruct()
    assert path == "catalog.validators.ImageUploadValidator"


@pytest.mark.django_db
def test_the_heritage_story_model_uses_it():
    story = HeritageStoryFactory.build(image=upload("logo.png", SVG))
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert "image" in error.value.message_dict
