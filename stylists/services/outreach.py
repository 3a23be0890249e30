"""Outreach templates: merge fields, the client's language, safe rendering for text and e-mail.

A template's text may use exactly these merge fields: {first_name}
{client_name} {stylist} {piece} {occasion}. Anything else (an unknown name,
attribute access such as {first_name.upper}, a format spec) is refused with
a ValidationError that names the field, both when a template is saved and
when it is rendered. Rendering never calls str.format on the template: it
walks the parsed pieces, so a template cannot reach into Python objects.
Values are plain text; the HTML e-mail is built by a Django template, which
escapes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from string import Formatter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string

from catalog.models import Product
from clients.models import Client, Occasion
from stylists.models import OutreachTemplate, Stylist

MERGE_FIELDS: tuple[str, ...] = ("first_name", "client_name", "stylist", "piece", "occasion")
FALLBACK_LANGUAGE = "en"
_WHAT = {
    "piece": "a piece",
    "occasion": "an occasion",
    "first_name": "the client's first name",
    "client_name": "the client's name",
    "stylist": "the advisor's name",
}


def _pieces(text: str) -> list[tuple[str, str | None]]:
    """(literal, field) pairs of a template text; ValidationError on anything but our fields."""
    allowed = ", ".join("{" + name + "}" for name in MERGE_FIELDS)
    try:
        parsed = list(Formatter().parse(text))
    except ValueError as exc:
        raise ValidationError(
            f"The text has an unmatched brace ({exc}). Merge fields look like {{first_name}}; "
            "write {{ or }} for a literal brace."
        ) from None
    pieces: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in parsed:
        if name is not None and (name not in MERGE_FIELDS or spec or conversion):
            shown = "{" + name + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            raise ValidationError(f"Unknown merge field {shown}. Use only {allowed}.")
        pieces.append((literal, name))
    return pieces


def template_fields(text: str) -> list[str]:
    """The merge fields a text uses, in order of first appearance (validating it)."""
    seen: list[str] = []
    for _, name in _pieces(text):
        if name and name not in seen:
            seen.append(name)
    return seen


def outreach_template_validate(*, subject: str, body: str) -> None:
    errors: dict[str, list[str]] = {}
    for name, text in (("subject", subject), ("body", body)):
        try:
            template_fields(text)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def outreach_template_save(
    *,
    name: str,
    language: str,
    body: str,
    subject: str = "",
    kind: str = "proactive",
    active: bool = True,
) -> OutreachTemplate:
    """Create or update the template `name` in `language`, refusing unknown merge fields."""
    outreach_template_validate(subject=subject, body=body)
    template = OutreachTemplate.objects.filter(name=name, language=language).first()
    template = template or OutreachTemplate(name=name, language=language)
    template.subject, template.body, template.kind, template.active = subject, body, kind, active
    template.full_clean()
    template.save()
    return template


def templates_for_client(client: Client) -> list[OutreachTemplate]:
    """One template per name, in the client's language where it exists, else English (1 query)."""
    wanted = [client.preferred_language, FALLBACK_LANGUAGE]
    rows = OutreachTemplate.objects.filter(active=True, language__in=wanted).order_by("name")
    chosen: dict[str, OutreachTemplate] = {}
    for template in rows:
        current = chosen.get(template.name)
        if current is None or (
            template.language == client.preferred_language
            and current.language != client.preferred_language
        ):
            chosen[template.name] = template
    return list(chosen.values())


def merge_values(
    *,
    client: Client,
    stylist: Stylist | None,
    piece: Product | None = None,
    occasion: Occasion | None = None,
) -> dict[str, str | None]:
    return {
        "first_name": client.preferred_name or client.first_name,
        "client_name": client.display_name,
        "stylist": stylist.name if stylist is not None else "Maison Verlaine",
        "piece": piece.name if piece is not None else None,
        "occasion": occasion.label if occasion is not None else None,
    }


def render_text(text: str, values: dict[str, str | None], *, strict: bool = True) -> str:
    """Fill a template text. strict: a field without a value is an error; else '[piece]'."""
    out: list[str] = []
    missing: list[str] = []
    for literal, name in _pieces(text):
        out.append(literal)
        if name is None:
            continue
        value = values.get(name)
        if value is None:
            missing.append(name)
            out.append(f"[{name.replace('_', ' ')}]")
        else:
            out.append(str(value))
    if strict and missing:
        needs = " and ".join(_WHAT[name] for name in dict.fromkeys(missing))
        raise ValidationError(f"This template mentions {needs}: choose one before sending.")
    return "".join(out)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str
    language: str
    kind: str
    missing: list[str] = field(default_factory=list)


def outreach_render(
    *,
    template: OutreachTemplate,
    client: Client,
    stylist: Stylist | None,
    piece: Product | None = None,
    occasion: Occasion | None = None,
    strict: bool = True,
) -> RenderedMessage:
    values = merge_values(client=client, stylist=stylist, piece=piece, occasion=occasion)
    used = set(template_fields(template.subject)) | set(template_fields(template.body))
    return RenderedMessage(
        subject=render_text(template.subject, values, strict=strict),
        body=render_text(template.body, values, strict=strict),
        language=template.language,
        kind=template.kind,
        missing=[name for name in MERGE_FIELDS if name in used and values[name] is None],
    )


def email_html(*, subject: str, body: str, **extra: Any) -> str:
    """The HTML part of an e-mail: the text, escaped, in the house's letter layout."""
    paragraphs: Iterable[str] = [p for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return render_to_string(
        "stylists/email/message.html",
        {"subject": subject, "paragraphs": [p.split("\n") for p in paragraphs], **extra},
    )
