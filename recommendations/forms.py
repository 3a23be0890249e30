"""Forms of the lookbook review: every one carries the lookbook version it was drawn from."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString

from clients.models import Client, Occasion
from recommendations.models import Lookbook, RemovalReason
from recommendations.selectors import PUBLISH_CHANNELS, channel_label
from recommendations.services import DiscardReason
from stylists.models import StylingRequest, StylingRequestStatus

NOTE_MAX = 280  # removal and discard notes: ReviewEvent.reason_text


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "required": "This page is out of date; reload it and try again.",
            "invalid": "This page is out of date; reload it and try again.",
        },
    )


class VersionedForm(forms.Form):
    """The lookbook version the stylist saw (optimistic concurrency)."""

    version = _version_field()


class RemoveForm(VersionedForm):
    reason = forms.ChoiceField(
        choices=RemovalReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why this piece does not belong."},
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required for 'Other'; the model learns from it.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == RemovalReason.OTHER and not data.get("note"):
            self.add_error("note", "Say in a few words why, when the reason is 'other'.")
        return data


@dataclass(frozen=True, slots=True)
class BlankChoice:
    id_for_label: str
    tag: SafeString
    choice_label: str


@dataclass(frozen=True, slots=True)
class BlankField:
    id_for_label: str
    choices: tuple[BlankChoice, ...] = ()
    errors: tuple[str, ...] = ()

    def value(self) -> None:
        return None

    def __iter__(self) -> Iterator[BlankChoice]:
        return iter(self.choices)


@dataclass(frozen=True, slots=True)
class BlankRemoveForm:
    """What _remove_form.html reads of an unbound RemoveForm, without building one per piece.

    The review page shows a removal dialog for every piece: a RemoveForm each, its
    radio buttons rendered through the widget templates, cost more than the rest of
    the card. This is the same markup (tests/recommendations compare the two); a
    bound form (input that failed) is still a real RemoveForm.
    """

    reason: BlankField
    note: BlankField


def blank_remove_form(item_pk: int | str) -> BlankRemoveForm:
    prefix = f"id_remove{item_pk}_"
    choices = tuple(
        BlankChoice(
            id_for_label=f"{prefix}reason_{n}",
            tag=format_html(
                '<input type="radio" name="reason" value="{}" id="{}reason_{}" required>',
                value,
                prefix,
                n,
            ),
            choice_label=str(label),
        )
        for n, (value, label) in enumerate(RemovalReason.choices)
    )
    return BlankRemoveForm(
        reason=BlankField(id_for_label=f"{prefix}reason_0", choices=choices),
        note=BlankField(id_for_label=f"{prefix}note"),
    )


class SwapForm(VersionedForm):
    """The clicked 'Swap in' button says which piece and where it came from."""

    pick = forms.RegexField(
        regex=r"^(alternate|search):[0-9a-fA-F-]{32,36}$",
        error_messages={
            "required": "Choose the piece to swap in.",
            "invalid": "Choose the piece to swap in.",
        },
    )

    @property
    def from_alternates(self) -> bool:
        return str(self.cleaned_data.get("pick", "")).startswith("alternate:")

    @property
    def product_public_id(self) -> str:
        return str(self.cleaned_data.get("pick", "")).split(":", 1)[-1]


class AddForm(VersionedForm):
    product = forms.UUIDField(error_messages={"required": "Choose a piece to add."})
    q = forms.CharField(required=False, max_length=100)


class MoveForm(VersionedForm):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class DetailsForm(VersionedForm):
    title = forms.CharField(
        required=False,
        max_length=Lookbook._meta.get_field("title").max_length,
        label="Title",
        help_text="As the client will read it, e.g. “For the opera season”.",
    )
    note = forms.CharField(
        required=False,
        label="Your note to the client",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown with the pieces in the Style Story.",
        max_length=2000,
    )


class PublishForm(DetailsForm):
    channels = forms.MultipleChoiceField(
        required=False,
        choices=[(channel, channel_label(channel)) for channel in PUBLISH_CHANNELS],
        widget=forms.CheckboxSelectMultiple,
        label="Tell the client by",
    )


class DiscardForm(VersionedForm):
    reason = forms.ChoiceField(
        choices=DiscardReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why this draft is set aside."},
    )
    note = forms.CharField(
        required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == DiscardReason.OTHER and not data.get("note"):
            self.add_error("note", "Say in a few words why, when the reason is 'other'.")
        return data


class WithdrawForm(VersionedForm):
    reason = forms.CharField(
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say in a few words why it is withdrawn."},
    )


class OccasionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        when = obj.next_date or obj.date
        return f"{obj.label} · {when:%-d %B %Y}" if when else str(obj.label)


class RequestChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        text = " ".join(str(obj.message).split())
        return f"{text[:60]}…" if len(text) > 60 else text


class NewLookbookForm(forms.Form):
    title = forms.CharField(
        required=False, max_length=Lookbook._meta.get_field("title").max_length, label="Title"
    )
    occasion = OccasionChoiceField(
        queryset=Occasion.objects.none(),
        required=False,
        label="For an occasion",
        empty_label="No particular occasion",
    )
    styling_request = RequestChoiceField(
        queryset=StylingRequest.objects.none(),
        required=False,
        label="Answering a request",
        to_field_name="public_id",
        empty_label="Not answering a request",
    )

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        occasions = self.fields["occasion"]
        requests = self.fields["styling_request"]
        assert isinstance(occasions, forms.ModelChoiceField)
        assert isinstance(requests, forms.ModelChoiceField)
        occasions.queryset = client.occasions.order_by("next_date", "pk")
        requests.queryset = client.styling_requests.filter(
            status=StylingRequestStatus.OPEN
        ).order_by("due_at")
        # A preselected request brings its occasion along.
        wanted = _uuid_or_none(self.initial.get("styling_request"))
        answered = requests.queryset.filter(public_id=wanted).first() if wanted else None
        if answered is not None and answered.occasion_id and not self.initial.get("occasion"):
            self.initial["occasion"] = answered.occasion_id


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None
