"""get_FOO_display() by look-up (core.choices): Django's answer, for any value and language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import models
from django.test.utils import isolate_apps
from django.utils import translation

from catalog.models import Product
from clients.models import Client, Occasion, Order
from core.choices import fast_choice_displays
from recommendations.models import Lookbook, LookbookItem, ReviewEvent
from stylists.models import Appointment, ClientNote, FollowUp, Message, StylingRequest, Stylist

DECORATED = [
    Product,
    Client,
    Occasion,
    Order,
    Stylist,
    ClientNote,
    Appointment,
    StylingRequest,
    Message,
    FollowUp,
    Lookbook,
    LookbookItem,
    ReviewEvent,
]
DJANGOS = models.Model._get_FIELD_display  # type: ignore[attr-defined]


def _choice_fields(model):
    return [field for field in model._meta.local_fields if field.choices is not None]


@pytest.mark.parametrize("model", DECORATED, ids=lambda model: model.__name__)
def test_every_label_is_djangos_in_every_language(model):
    fields = _choice_fields(model)
    assert fields, f"{model.__name__} has no field with choices: nothing to decorate"
    for language, _ in settings.LANGUAGES:
        with translation.override(language):
            for field in fields:
                display = getattr(model, f"get_{field.name}_display")
                assert display.__name__ == f"get_{field.name}_display"  # ours, not Django's
                for value in [*(value for value, _ in field.flatchoices), "retired", "", None]:
                    instance = model(**{field.attname: value})
                    assert display(instance) == DJANGOS(instance, field), (field.name, value)


@isolate_apps("catalog")
def test_choices_that_cannot_be_keys_keep_djangos_method():
    class Box(models.Model):  # noqa: DJ008
        colours = models.JSONField(choices=[(["navy"], "Navy"), (["ivory"], "Ivory")])

        class Meta:
            app_label = "catalog"
            managed = False

    fast_choice_displays(Box)
    assert vars(Box)["get_colours_display"].func is DJANGOS  # Django's, untouched
    assert Box(colours=["navy"]).get_colours_display() == "Navy"


@isolate_apps("catalog")
def test_a_method_the_model_writes_itself_is_kept():
    class Shelf(models.Model):  # noqa: DJ008
        size = models.CharField(max_length=2, choices=[("s", "Small"), ("l", "Large")])

        class Meta:
            app_label = "catalog"
            managed = False

        def get_size_display(self):
            return "by hand"

    fast_choice_displays(Shelf)
    assert Shelf(size="s").get_size_display() == "by hand"


@isolate_apps("catalog")
def test_choices_read_from_a_callable_keep_djangos_method():
    sizes = [("s", "Small")]

    class Rail(models.Model):  # noqa: DJ008
        size = models.CharField(max_length=2, choices=lambda: sizes)

        class Meta:
            app_label = "catalog"
            managed = False

    fast_choice_displays(Rail)
    assert vars(Rail)["get_size_display"].func is DJANGOS
    sizes.append(("l", "Large"))  # a choice added later is still read
    assert Rail(size="l").get_size_display() == "Large"
