"""Forms of the stylist dashboard: book filters, story edits, compose, reassign."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from django import forms

from clients.models import OccasionKind
from consent import policy
from core.text import has_visible_text
from recommendations.selectors.outlook import segment_choices
from stylists.models import MessageChannel, NoteCategory, Stylist
from stylists.pages.story import CATEGORY_LABELS, PREFERENCE_FIELDS, SIZE_LABELS
from stylists.selectors.book import (
    LAST_PURCHASE,
    OCCASION_WITHIN,
    OUTLOOKS,
    SCOPES,
    SEGMENTS,
    SORTS,
    SPEND_BANDS,
    BookFilters,
)
from stylists.services.followups import SNOOZE_CHOICES


def _any(label: str, choices: dict[str, str]) -> list[tuple[str, str]]:
    return [("", label), *choices.items()]


def _profiles() -> list[tuple[str, str]]:
    return [("", "Any profile"), *segment_choices()]


class BookFilterForm(forms.Form):
    """GET filters of the client book; invalid values fall back to 'any', never an error page."""

    scope = forms.ChoiceField(choices=list(SCOPES.items()), required=False)
    q = forms.CharField(
        required=False,
        max_length=120,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, e-mail or phone"}),
    )
    tier = forms.ChoiceField(
        required=False,
        label="Consent tier",
        choices=_any("Any tier", {t: t.capitalize() for t in policy.TIER_DESCRIPTIONS}),
    )
    segment = forms.ChoiceField(required=False, choices=_any("Any segment", SEGMENTS))
    last_purchase = forms.ChoiceField(
        required=False, label="Last purchase", choices=_any("Any time", LAST_PURCHASE)
    )
    spend = forms.ChoiceField(
        required=False,
        label="Lifetime spend",
        choices=_any("Any spend", {k: v[0] for k, v in SPEND_BANDS.items()}),
    )
    occasion = forms.ChoiceField(
        required=False, label="Occasion", choices=_any("Any time", OCCASION_WITHIN)
    )
    channel = forms.ChoiceField(
        required=False,
        label="Channel allowed",
        choices=_any(
            "Any channel",
            {str(c): policy.channel_label(c).capitalize() for c in policy.CHANNELS},
        ),
    )
    outlook = forms.ChoiceField(
        required=False, label="Outlook", choices=_any("Any outlook", OUTLOOKS)
    )
    # The nightly segments by id: read (one query, once per form: __init__) only when
    # drawn or a value is checked
    profile = forms.ChoiceField(required=False, label="Buying profile", choices=_profiles)
    vic = forms.BooleanField(required=False, label="VIC only")
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()))

    dir = forms.ChoiceField(required=False, choices=[("", "Default"), ("desc", "Reversed")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Once per form: a select asks for its choices twice when drawn (the first
        # option decides `required`) and once more when a value is checked.
        profile = self.fields["profile"]
        assert isinstance(profile, forms.ChoiceField)
        profile.choices = functools.cache(_profiles)

    def filters(self, *, scopes: list[str], default_scope: str) -> BookFilters:
        data: dict[str, Any] = {}
        if self.is_valid():
            data = self.cleaned_data
        else:  # keep what is valid, drop the rest
            for name, field in self.fields.items():
                try:
                    data[name] = field.clean(
                        field.widget.value_from_datadict(
                            self.data, self.files, self.add_prefix(name)
                        )
                    )
                except forms.ValidationError:
                    data[name] = field.initial if field.initial is not None else ""
        scope = data.get("scope") or default_scope
        return BookFilters(
            scope=scope if scope in scopes else default_scope,
            q=(data.get("q") or "").strip(),
            tier=data.get("tier") or "",
            segment=data.get("segment") or "",
            last_purchase=data.get("last_purchase") or "",
            spend=data.get("spend") or "",
            occasion=data.get("occasion") or "",
            vic=bool(data.get("vic")),
            channel=data.get("channel") or "",
            outlook=data.get("outlook") or "",
            profile=data.get("profile") or "",
            sort=data.get("sort") or "name",
            descending=data.get("dir") == "desc",
        )


def _visible(value: str, message: str) -> str:
    value = value.strip()
    if not has_visible_text(value):
        raise forms.ValidationError(message)
    return value


class NoteForm(forms.Form):
    body = forms.CharField(label="Note", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(choices=NoteCategory.choices, initial=NoteCategory.STYLE)
    pinned = forms.BooleanField(required=False, label="Pin to the top")

    def clean_body(self) -> str:
        return _visible(self.cleaned_data["body"], "Write something before saving the note.")


class OccasionForm(forms.Form):
    kind = forms.ChoiceField(choices=OccasionKind.choices, label="Occasion")
    title = forms.CharField(
        required=False, max_length=120, label="Title", help_text="e.g. “Wedding at Lake Como”"
    )
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    recurring_yearly = forms.BooleanField(required=False, label="Every year")
    notes = forms.CharField(
        required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class SizesForm(forms.Form):
    """One field per known size kind; blank removes it. Kinds not sent are kept as on file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in SIZE_LABELS.items():
            self.fields[key] = forms.CharField(required=False, max_length=16, label=label)

    def sizes(self, current: dict[str, Any]) -> dict[str, str]:
        sent = [key for key in SIZE_LABELS if key in self.data]
        merged = {k: v for k, v in (current or {}).items() if k not in sent}
        for key in sent:
            value = (self.cleaned_data.get(key) or "").strip()
            if value:
                merged[key] = value
        return merged


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()][:20]


class PreferencesForm(forms.Form):
    """Lists are typed comma-separated ("camel, navy, ivory")."""

    price_band_min = forms.DecimalField(
        required=False, min_value=0, max_digits=12, decimal_places=2, label="Budget from"
    )
    price_band_max = forms.DecimalField(
        required=False, min_value=0, max_digits=12, decimal_places=2, label="Budget up to"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in PREFERENCE_FIELDS:
            self.fields[name] = forms.CharField(
                required=False, max_length=400, label=label, help_text="Separate with commas."
            )
        # Lists first, budget last, in the order of the story page.
        self.order_fields([name for name, _ in PREFERENCE_FIELDS])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("price_band_min"), data.get("price_band_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_band_max", "The upper end is below the lower end.")
        return data

    def changes(self) -> dict[str, Any]:
        """The fields the request sent (a blank one clears); a field not sent keeps its value."""
        changes: dict[str, Any] = {
            n: _split(self.cleaned_data.get(n) or "")
            for n, _ in PREFERENCE_FIELDS
            if n in self.data
        }
        # Categories are shown in words and stored as the catalogue's codes.
        codes = {label.lower(): code for code, label in CATEGORY_LABELS.items()}
        codes.update({code: code for code in CATEGORY_LABELS})
        if "preferred_categories" in changes:
            changes["preferred_categories"] = [
                codes.get(value.lower(), value) for value in changes["preferred_categories"]
            ]
        for name in ("price_band_min", "price_band_max"):
            if name in self.data:
                changes[name] = self.cleaned_data.get(name)
        return changes


class ComposeForm(forms.Form):
    channel = forms.ChoiceField(choices=MessageChannel.choices)
    kind = forms.ChoiceField(
        choices=[("service", "A reply or service message"), ("proactive", "Reaching out first")],
        initial="service",
        widget=forms.RadioSelect,
        label="What kind of message",
    )
    subject = forms.CharField(required=False, max_length=200, label="Subject (e-mail)")
    body = forms.CharField(
        max_length=4000, label="Message", widget=forms.Textarea(attrs={"rows": 6})
    )
    template = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_subject(self) -> str:
        subject = self.cleaned_data.get("subject", "")
        # An e-mail header cannot hold a line break: refused here, not "Sent" then failed.
        if any(char in subject for char in "\r\n\x00"):
            raise forms.ValidationError("A subject is one line: remove the line break.")
        return subject.strip()

    def clean_body(self) -> str:
        return _visible(self.cleaned_data["body"], "Write the message before sending it.")

    def __init__(
        self, *args: Any, allowed_channels: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        channel = self.fields["channel"]
        if allowed_channels is not None and isinstance(channel, forms.ChoiceField):
            channel.choices = allowed_channels


class TemplatePickForm(forms.Form):
    template = forms.IntegerField()
    piece = forms.UUIDField(required=False)
    occasion = forms.IntegerField(required=False)


class SnoozeForm(forms.Form):
    days = forms.TypedChoiceField(choices=[(d, d) for d in SNOOZE_CHOICES], coerce=int)


class UUIDListField(forms.Field):
    """Repeated UUID values (checkboxes named alike); the view checks who may see them."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Choose at least one client.",
        "invalid": "That list of clients could not be read.",
    }

    def to_python(self, value: Any) -> list[uuid.UUID]:
        if not value:
            return []
        try:
            return [uuid.UUID(str(v)) for v in value][:200]
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class ReassignForm(forms.Form):
    clients = UUIDListField(label="Clients")
    to_stylist = forms.ModelChoiceField(
        queryset=Stylist.objects.none(), label="Move to", empty_label="Choose an advisor"
    )
    reason = forms.CharField(max_length=280, label="Why", help_text="Kept in the audit trail.")

    def __init__(self, *args: Any, advisors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_stylist"].queryset = advisors  # type: ignore[attr-defined]
        self.fields["to_stylist"].label_from_instance = lambda s: s.name  # type: ignore[attr-defined]


AppointmentStatusChoices = [
    ("confirmed", "Confirm"),
    ("completed", "Held"),
    ("no_show", "Did not attend"),
    ("cancelled", "Cancel"),
]


class AppointmentStatusForm(forms.Form):
    status = forms.ChoiceField(choices=AppointmentStatusChoices)


__all__ = [
    "AppointmentStatusForm",
    "BookFilterForm",
    "ComposeForm",
    "NoteForm",
    "OccasionForm",
    "PreferencesForm",
    "ReassignForm",
    "SizesForm",
    "SnoozeForm",
    "TemplatePickForm",
]
