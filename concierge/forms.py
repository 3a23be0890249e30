"""Forms of the client concierge: occasions, styling requests, appointments, messages.

Forms only read and check what the client typed; the writes are services'
(clients.services, stylists.services). Field errors are written to be read
by the client: what went wrong and what to do instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Occasion, OccasionKind
from core.l10n import long_date
from core.text import has_visible_text
from stylists.services.appointments import bookable_moment

MESSAGE_MAX_LENGTH = 2000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class OccasionForm(forms.Form):
    """An occasion the client shares: what, when, every year or once, and a note."""

    kind = forms.ChoiceField(label=_("What is the occasion?"), choices=OccasionKind.choices)
    title = forms.CharField(
        label=_("In your words"),
        max_length=120,
        required=False,
        help_text=_("For example: “Our anniversary in Venice” or “The Opera gala”."),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    recurring_yearly = forms.BooleanField(
        label=_("It comes back every year"),
        required=False,
        help_text=_("Birthdays and anniversaries: we will remember the day each year."),
    )
    notes = forms.CharField(
        label=_("Anything your advisor should know"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A dress code, the city, the weather you expect… only if you wish."),
    )

    def __init__(self, *args: Any, with_notes: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_notes:
            del self.fields["notes"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("date")
        if day and not data.get("recurring_yearly") and day < timezone.localdate():
            self.add_error(
                "date",
                _(
                    "This date has passed. For a birthday or an anniversary, tick "
                    "“It comes back every year”."
                ),
            )
        if day and day > timezone.localdate() + dt.timedelta(days=366 * 5):
            self.add_error("date", _("Please choose a date within the next five years."))
        return data


PURPOSES = (
    ("occasion", _("An occasion")),
    ("season", _("The new season")),
    ("gift", _("A gift")),
    ("travel", _("Travel")),
    ("wardrobe", _("My wardrobe")),
    ("other", _("Something else")),
)


class StylingRequestForm(forms.Form):
    """What the client would like styling for; the advisor answers within four hours."""

    purpose = forms.ChoiceField(
        label=_("What is it for?"), choices=PURPOSES, widget=forms.RadioSelect, initial="occasion"
    )
    occasion = forms.ChoiceField(label=_("For which occasion?"), required=False)
    new_occasion_kind = forms.ChoiceField(label=_("What is the occasion?"), required=False)
    new_occasion_title = forms.CharField(label=_("In your words"), max_length=120, required=False)
    new_occasion_date = forms.DateField(label=_("Its date"), required=False, widget=DateInput())
    budget_max = forms.DecimalField(
        label=_("Budget, up to"),
        required=False,
        min_value=Decimal("1"),
        max_digits=12,
        decimal_places=2,
        help_text=_("In euros. Leave it empty and your advisor will suggest a range."),
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "The more you share (the place, the mood, a piece you have in mind), "
            "the closer the first proposal will be."
        ),
    )

    def __init__(self, *args: Any, occasions: list[Occasion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.occasions = {str(o.pk): o for o in occasions}
        choices: list[tuple[str, Any]] = [("", _("No particular occasion"))]
        choices += [
            (str(o.pk), f"{o.label} · {long_date(o.next_date)}" if o.next_date else o.label)
            for o in occasions
        ]
        cast(forms.ChoiceField, self.fields["occasion"]).choices = choices
        cast(forms.ChoiceField, self.fields["new_occasion_kind"]).choices = [
            ("", "—"),
            *OccasionKind.choices,
        ]

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if not has_visible_text(message):
            raise forms.ValidationError(_("Please tell your advisor what you are looking for."))
        return message

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["occasion_obj"] = self.occasions.get(data.get("occasion") or "")
        if self.wants_new_occasion:
            if not data.get("new_occasion_kind"):
                self.add_error("new_occasion_kind", _("Tell us what the occasion is."))
            day = data.get("new_occasion_date")
            if not day:
                self.add_error("new_occasion_date", _("Tell us when it is."))
            elif day < timezone.localdate():
                self.add_error("new_occasion_date", _("This date has passed."))
        return data

    @property
    def wants_new_occasion(self) -> bool:
        """A new occasion described in the form (it then takes the place of the one chosen)."""
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("new_occasion_date") or data.get("new_occasion_title"))

    def message_with_purpose(self) -> str:
        label = str(dict(PURPOSES).get(self.cleaned_data.get("purpose") or "", ""))
        message = self.cleaned_data["message"]
        return f"{label} — {message}" if label else message


class AppointmentConfirmForm(forms.Form):
    """The last step of booking: the time chosen, and what the appointment is for."""

    kind = forms.CharField(widget=forms.HiddenInput)
    at = forms.CharField(widget=forms.HiddenInput)
    purpose = forms.CharField(
        label=_("What would you like to see or discuss?"),
        max_length=200,
        required=False,
        help_text=_("Your advisor will have the pieces ready."),
    )
    occasion = forms.ChoiceField(label=_("Is it for an occasion?"), required=False)

    def __init__(self, *args: Any, occasions: Iterable[Occasion], **kwargs: Any) -> None:
        """`occasions` is read only when needed: the occasion is shown or was chosen.

        The step that lists the times carries this form for its errors alone, and a
        booking without an occasion never asks for them (a query saved on both).
        """
        super().__init__(*args, **kwargs)
        self._occasion_rows = occasions
        self._by_pk: dict[str, Occasion] | None = None
        cast(forms.ChoiceField, self.fields["occasion"]).choices = self._occasion_choices

    @property
    def occasions(self) -> dict[str, Occasion]:
        if self._by_pk is None:
            self._by_pk = {str(o.pk): o for o in self._occasion_rows}
        return self._by_pk

    def _occasion_choices(self) -> list[tuple[str, Any]]:
        return [("", _("No particular occasion"))] + [
            (pk, o.label) for pk, o in self.occasions.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("occasion") or ""
        data["occasion_obj"] = self.occasions.get(chosen) if chosen else None
        return data


def parse_slot(value: str) -> dt.datetime | None:
    """An offered time from its ISO form in a link or hidden field; None if malformed."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    # Out-of-range times (year 9999 at -05:00...) would overflow the slot arithmetic.
    return moment if bookable_moment(moment) else None


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not has_visible_text(body):
            raise forms.ValidationError(_("Your message is empty."))
        return body
