"""get_FOO_display() at the cost of a dictionary look-up.

Django's own (Model._get_FIELD_display) builds a dictionary of every choice of the field on
each call, and hashing each lazy label translates it: about 30 µs for a field of eight
choices, where the look-up is 3 µs. Pages ask for it per row (a piece's category, a
message's channel and status, a decision's action, an occasion's kind: a client book of
fifty rows asked for it fifty times). `fast_choice_displays` gives a model's
get_FOO_display() methods a table of each field's choices built once (the labels stay
lazy, so each answer is in the language active when it is asked), with the same answer
as Django's for every value; a value the table cannot hold (a list) takes Django's path.

Only for fields whose choices are fixed when the class is made (a Choices enum or a
list); a field whose choices come from a callable (Django wraps it in a
CallableChoiceIterator, read on each use) keeps Django's method.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models
from django.utils.choices import BaseChoiceIterator
from django.utils.encoding import force_str

M = TypeVar("M", bound=type[models.Model])
_DJANGOS: Callable[..., Any] = models.Model._get_FIELD_display  # type: ignore[attr-defined]


def fast_choice_displays(model: M) -> M:
    """Class decorator: the model's get_<field>_display() methods, a look-up each."""
    for field in model._meta.local_fields:  # the registry may not be ready: no relations
        if field.choices is None or isinstance(field.choices, BaseChoiceIterator):
            continue  # none, or computed when asked (a callable): Django's own
        name = f"get_{field.name}_display"
        if name in vars(model) and not _is_djangos(vars(model)[name]):
            continue  # a method the model defines itself
        display = _display(field)
        if display is not None:
            setattr(model, name, display)
    return model


def _is_djangos(method: Any) -> bool:
    return getattr(method, "func", None) is _DJANGOS


def _display(field: models.Field[Any, Any]) -> Callable[[models.Model], Any] | None:
    """The fast get_FOO_display() of `field`, or None if its choices cannot be keys."""
    table: dict[Any, Any] = {}
    try:
        for value, label in field.flatchoices:
            table[value] = label  # the last of equal values wins, as in Django's dict
    except TypeError:  # a value that is a list: Django's own method stays
        return None
    attname = field.attname

    def display(self: models.Model) -> Any:
        value = getattr(self, attname)
        try:
            label = table.get(value, value)
        except TypeError:  # unhashable (a list): Django's own path
            return _DJANGOS(self, field)
        return force_str(label, strings_only=True)

    display.__name__ = f"get_{field.name}_display"
    display.__doc__ = f"The label of {field.name}'s value, in the active language."
    return display
