"""Forms of the privacy centre and the access review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language, gettext

from consent import policy
from consent.models import ConsentTier, PolicyVersion
from consent.selectors import AccessLogFilters, access_log_actors, policy_wording

ERASE_WORD = "ERASE"


def erase_word() -> str:
    """The word a client types to confirm erasure, in their language (ERASE always works too)."""
    # Translators: a single word, in capitals where the script has them.
    return gettext("ERASE")


def channel_title(channel: str) -> str:
    """'E-mail', 'SMS', 'WhatsApp', 'Phone calls': the label with only its first letter raised."""
    label = gettext(policy.channel_label(channel))
    return label[:1].upper() + label[1:]


def channel_choices() -> list[tuple[str, str]]:
    return [(c.value, channel_title(c)) for c in policy.CHANNELS]


def proof_text_for(tier: str, channels: list[str], version: PolicyVersion | None) -> str:
    """The words the privacy centre shows for this choice, kept as proof of consent."""
    allowed = ", ".join(
        gettext(policy.channel_label(c)) for c in policy.CHANNELS if c.value in channels
    )
    lines = []
    if version is not None:  # in the words she was shown: her language's, where published
        wording = policy_wording(version, get_language())
        lines.append(
            gettext("Privacy policy %(version)s:") % {"version": version.version}
            + f" {wording.summary}"
        )
    lines.append(f"{ConsentTier(tier).label}: {gettext(policy.TIER_DESCRIPTIONS[tier])}")
    lines.append(
        gettext("The house may write to you by: %(channels)s.") % {"channels": allowed}
        if allowed
        else gettext("No channels allowed.")
    )
    return "\n".join(lines)


class ConsentChoiceForm(forms.Form):
    tier = forms.ChoiceField(choices=ConsentTier.choices, widget=forms.RadioSelect)
    channels = forms.MultipleChoiceField(
        choices=channel_choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class EraseConfirmForm(forms.Form):
    confirm = forms.CharField(
        label="",
        max_length=20,
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = gettext("Type %(word)s to confirm") % {"word": erase_word()}

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value.upper() not in {ERASE_WORD, erase_word().upper()}:
            raise forms.ValidationError(
                gettext("Please type the word %(word)s to confirm; nothing has been erased.")
                % {"word": erase_word()}
            )
        return value


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class AccessLogFilterForm(forms.Form):
    actor = StaffChoiceField(
        queryset=None,
        required=False,
        label="Member of staff",
        empty_label="Everyone",
        widget=forms.Select(attrs={"class": "input"}),
    )
    client = forms.CharField(
        required=False,
        max_length=80,
        label="Client",
        widget=forms.TextInput(attrs={"class": "input", "placeholder": "Name or client id"}),
    )
    date_from = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date", "class": "input"}),
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date", "class": "input"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor_field = self.fields["actor"]
        assert isinstance(actor_field, StaffChoiceField)
        actor_field.queryset = access_log_actors()

    def filters(self) -> AccessLogFilters:
        if not self.is_valid():
            return AccessLogFilters()
        data = self.cleaned_data
        return AccessLogFilters(
            actor_id=data["actor"].pk if data.get("actor") else None,
            client=data.get("client") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
