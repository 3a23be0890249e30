"""The access matrix: for every URL pattern, who gets what, by every HTTP method.

tests/security/test_access_matrix.py walks django.urls.get_resolver() and
requires an entry here for every route; a new route without one fails with
"add <name> <pattern> to tests/security/access_matrix.py".

An entry names the route (namespaced name and the pattern as the resolver
shows it), how to build its URL from the fixture world, a POST body where the
route takes one, and for each method (GET, POST, PUT, PATCH, DELETE) what each
of the nine personas gets. The expectations are built from a few profiles
that say the house's rules once:

- the stylist side (/stylist/): advisors only; clients get 404; a client's
  story reads for her advisor, the boutique's manager and head office, and is
  changed only by her advisor (managers and head office get 403);
- outsiders (a colleague without the client, a stylist or manager elsewhere,
  another client) get 404, never 403, which would confirm the object exists;
- the concierge (/concierge/): the signed-in client, for her own things only;
  staff get 404; a draft is a 404 for her whatever the route;
- anonymous visitors get the sign-in page (pages) or 401 (API);
- a wrong method is 405;
- Twilio webhooks without a valid signature get 403 whoever calls.

The Django admin is one rule for the whole namespace (staff only: everyone
else is sent to the admin's sign-in) plus ADMIN_SAMPLES, requested for real.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from catalog.models import HeritageStory, Product
from clients.models import Occasion
from consent.services import privacy_export_request, privacy_export_token
from consent.tasks import build_export
from recommendations.links import lookbook_link_token
from recommendations.models import ItemState, Lookbook, LookbookItem, LookbookStatus
from stylists.models import (
    STYLING_REQUEST_SLA,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    ClientNote,
    FollowUp,
    FollowUpKind,
    Message,
    OutreachTemplate,
    StylingRequest,
)
from tests.concierge.conftest import publish
from tests.factories.catalog import HeritageStoryFactory
from tests.factories.clients import OccasionFactory, WishlistItemFactory
from tests.factories.recommendations import LookbookFactory, LookbookItemFactory
from tests.recommendations.test_review_services import make_draft

PERSONAS = (
    "owner",
    "colleague",
    "stylist_elsewhere",
    "manager",
    "manager_elsewhere",
    "head_office",
    "client_user",
    "other_client_user",
    "anonymous",
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
STAFF = ("owner", "colleague", "stylist_elsewhere", "manager", "manager_elsewhere", "head_office")
CLIENTS = ("client_user", "other_client_user")
READERS = ("manager", "head_office")  # read a client's story, change nothing
# Staff who do not have the client: her advisor's colleague, Milan's advisor and manager.
STAFF_OUTSIDERS = ("colleague", "stylist_elsewhere", "manager_elsewhere")
SIGNED_IN = STAFF + CLIENTS


# --- What a persona gets ------------------------------------------------------------------


@dataclass(frozen=True)
class Want:
    """A status code, and for redirects where they must lead (a path prefix)."""

    status: int
    to: str | None = None

    def __str__(self) -> str:
        return f"{self.status} -> {self.to}" if self.to else str(self.status)

    def matches(self, status: int, location: str) -> bool:
        if status != self.status:
            return False
        if self.to is not None:
            return location.startswith(self.to)
        if status in (301, 302, 303):  # "a redirect" is never the sign-in page in disguise
            return not location.startswith(("/accounts/login/", "/admin/login/"))
        return True


OK = Want(200)
REDIRECT = Want(302)
SEE_OTHER = Want(303)
BAD_REQUEST = Want(400)
UNAUTHORIZED = Want(401)
FORBIDDEN = Want(403)
NOT_FOUND = Want(404)
NOT_ALLOWED = Want(405)
UNPROCESSABLE = Want(422)
LOGIN = Want(302, "/accounts/login/")
ADMIN_LOGIN = Want(302, "/admin/login/")

Cells = dict[str, Want]  # persona -> Want
Grid = dict[str, Cells]  # method -> persona -> Want


def cells(default: Want, **per_persona: Want) -> Cells:
    unknown = set(per_persona) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    return {persona: per_persona.get(persona, default) for persona in PERSONAS}


def some(personas: tuple[str, ...], want: Want) -> dict[str, Want]:
    return dict.fromkeys(personas, want)


def grid(
    *,
    get: Cells | None = None,
    post: Cells | None = None,
    put: Cells | None = None,
    others: Cells | None = None,
) -> Grid:
    """Each method as given; any method not given (PATCH, DELETE...) as `others` (405)."""
    rest = others if others is not None else cells(NOT_ALLOWED)
    return {
        "GET": get if get is not None else rest,
        "POST": post if post is not None else rest,
        "PUT": put if put is not None else rest,
        "PATCH": rest,
        "DELETE": rest,
    }


# --- Profiles: the house's rules, said once ---------------------------------------------


def stylist_page() -> Grid:
    """A dashboard page of the advisor's own (Today, the book, messages...)."""
    return grid(get=cells(OK, **some(CLIENTS, NOT_FOUND), anonymous=LOGIN))


def story_read(owner: Want = OK) -> Cells:
    """A client's story: her advisor, the boutique's manager and head office read it."""
    return cells(NOT_FOUND, owner=owner, manager=OK, head_office=OK, anonymous=LOGIN)


def story_write(owner: Want = REDIRECT) -> Cells:
    """A change to a client's record: her advisor only; readers 403, outsiders 404."""
    return cells(NOT_FOUND, owner=owner, **some(READERS, FORBIDDEN), anonymous=LOGIN)


def owner_only(owner: Want = REDIRECT) -> Cells:
    """The advisor's own things (follow-ups, appointments): everyone else 404."""
    return cells(NOT_FOUND, owner=owner, anonymous=LOGIN)


def concierge(client_user: Want = OK, other_client_user: Want = OK) -> Cells:
    """A concierge page or action: clients only; staff 404, anonymous the sign-in page."""
    return cells(
        NOT_FOUND, client_user=client_user, other_client_user=other_client_user, anonymous=LOGIN
    )


def hers(client_user: Want = OK) -> Cells:
    """One of Camille's own things: Inès, another client, gets 404 like staff."""
    return concierge(client_user=client_user, other_client_user=NOT_FOUND)


def api(get: Cells) -> Grid:
    """A read-only API route: anonymous 401 for every method; other methods 405."""
    return grid(get=get, others=cells(NOT_ALLOWED, anonymous=UNAUTHORIZED))


# --- The world the URLs are built from ------------------------------------------------------


@dataclass
class World:
    """Camille's things, built on the root `cast` (see conftest.py)."""

    cast: Any
    draft: Lookbook  # a machine draft for Camille (never shown to her)
    draft_items: list[LookbookItem]
    in_review: Lookbook  # opened by her advisor, not yet published (never shown to her)
    in_review_item: LookbookItem
    withdrawn: Lookbook  # published once, then taken back (no longer shown to her)
    withdrawn_item: LookbookItem
    alternates: list[Product]
    published: Lookbook  # a published chapter of Camille's
    published_items: list[LookbookItem]
    others_published: Lookbook  # Inès's published chapter
    occasion: Occasion
    appointment: Appointment  # by video, confirmed, in three days
    styling_request: StylingRequest
    message: Message
    note: ClientNote
    follow_up: FollowUp
    heritage: HeritageStory
    product: Product
    template_pk: int
    export_token: str  # a ready privacy archive of Camille's

    @property
    def client_id(self) -> Any:
        return self.cast.client.public_id

    @property
    def unpublished(self) -> list[Lookbook]:
        """Camille's lookbooks she must never see, by any route."""
        return [self.draft, self.in_review, self.withdrawn]


def build_world(cast: Any) -> World:
    """Everything a route of the matrix needs; PRIVATE_STORAGE_ROOT must be a temporary path."""
    client, owner = cast.client, cast.owner
    draft = make_draft(cast, pieces=3, alternates=2, title="Unpublished: the velvet draft")
    removed = draft.items[2]  # the last piece is removed (to be restored)
    removed.state = ItemState.REMOVED
    removed.save(update_fields=["state"])
    published, published_items = publish(
        client, title="For the Opera gala", author=owner, pieces=3, removed_at=1
    )
    others_published, _ = publish(cast.other_client, title="Inès only", author=owner)
    unpublished = {}
    for status, title in (
        (LookbookStatus.IN_REVIEW, "Unpublished: in review"),
        (LookbookStatus.WITHDRAWN, "Unpublished: withdrawn"),
    ):
        lookbook = LookbookFactory(
            client=client, author=owner, status=status, title=title, note=f"{title}, the note"
        )
        unpublished[status] = (lookbook, LookbookItemFactory(lookbook=lookbook, position=1))
    heritage = HeritageStoryFactory(title="The saddler of the rue du Bac")
    product = published_items[0].product
    heritage.products.add(product)
    WishlistItemFactory(client=client, product=product)
    now = timezone.now()
    appointment = Appointment.objects.create(
        client=client,
        stylist=owner,
        boutique=cast.paris,
        kind=AppointmentKind.VIDEO,
        status=AppointmentStatus.CONFIRMED,
        starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, minutes=45),
        video_room="verlaine-matrix-room",
    )
    styling_request = StylingRequest.objects.create(
        client=client,
        stylist=owner,
        message="Something for the gala",
        created_at=now,
        due_at=now + STYLING_REQUEST_SLA,
    )
    message = Message.objects.create(
        client=client,
        stylist=owner,
        direction="out",
        channel="sms",
        body="Bonjour Camille.",
        created_at=now,
        status="sent",
        provider_sid="SM-matrix",
    )
    note = ClientNote.objects.create(client=client, author=owner, body="Loves navy.")
    follow_up = FollowUp.objects.create(
        stylist=owner,
        client=client,
        kind=FollowUpKind.CUSTOM,
        due_on=timezone.localdate(),
        reason="Call her",
        dedupe_key="custom:matrix",
    )
    export = privacy_export_request(client=client, requested_by=client.user)
    build_export(export.pk)
    export.refresh_from_db()
    assert export.status == "ready", export.error
    assert Path(export.file_path).name  # built in the temporary private root
    return World(
        cast=cast,
        draft=draft.lookbook,
        draft_items=draft.items,
        in_review=unpublished[LookbookStatus.IN_REVIEW][0],
        in_review_item=unpublished[LookbookStatus.IN_REVIEW][1],
        withdrawn=unpublished[LookbookStatus.WITHDRAWN][0],
        withdrawn_item=unpublished[LookbookStatus.WITHDRAWN][1],
        alternates=draft.alternates,
        published=published,
        published_items=published_items,
        others_published=others_published,
        occasion=OccasionFactory(client=client, title="Opera gala"),
        appointment=appointment,
        styling_request=styling_request,
        message=message,
        note=note,
        follow_up=follow_up,
        heritage=heritage,
        product=product,
        template_pk=OutreachTemplate.objects.get(
            name="Thank you", language=cast.client.preferred_language
        ).pk,
        export_token=privacy_export_token(export),
    )


# --- Entries ----------------------------------------------------------------------------------

UrlBuilder = Callable[[World], str]
Body = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Entry:
    name: str | None  # "namespace:name" (None for an unnamed route)
    pattern: str  # as the resolver shows it, e.g. "stylist/clients/<uuid:public_id>/"
    url: UrlBuilder
    expect: Grid
    body: Body | None = None  # POST data (a minimal, valid-looking form)
    variant: str = ""  # the same route with another object (e.g. a draft)
    debug_only: bool = False  # mounted only with DEBUG on

    @property
    def label(self) -> str:
        name = self.name or "(unnamed)"
        return f"{name} {self.pattern}" + (f" [{self.variant}]" if self.variant else "")


def to(name: str, **kwargs: Callable[[World], Any]) -> UrlBuilder:
    """reverse(name) with kwargs drawn from the world."""
    return lambda w: reverse(name, kwargs={key: value(w) for key, value in kwargs.items()})


def client_id(w: World) -> Any:
    return w.client_id


def suggested_duplicate(w: World) -> Any:
    """A pending merge suggestion pairing Camille with a second profile of hers (made once)."""
    from clients.models import MergeSuggestion
    from tests.factories.clients import ClientFactory

    found = MergeSuggestion.objects.filter(status="pending").first()
    if found is None:
        twin = ClientFactory(first_name="Camile", last_name="Laurent", home_boutique=w.cast.paris)
        a, b = sorted((w.cast.client.pk, twin.pk))
        found = MergeSuggestion.objects.create(client_a_id=a, client_b_id=b, score=0.8)
    return found.public_id


def done_merge(w: World) -> Any:
    """A merge of a second profile into Camille's (made once), for the undo route."""
    from clients.merging import client_merge
    from clients.models import ClientMerge
    from tests.factories.clients import ClientFactory

    found = ClientMerge.objects.filter(unmerged_at__isnull=True).first()
    if found is None:
        twin = ClientFactory(first_name="Camile", last_name="Laurent", home_boutique=w.cast.paris)
        found = client_merge(survivor=w.cast.client, absorbed=twin)
    return found.public_id


def draft_id(w: World) -> Any:
    return w.draft.public_id


def published_id(w: World) -> Any:
    return w.published.public_id


def in_review_id(w: World) -> Any:
    return w.in_review.public_id


def withdrawn_id(w: World) -> Any:
    return w.withdrawn.public_id


def draft_item(w: World) -> int:
    return w.draft_items[0].pk


def second_draft_item(w: World) -> int:
    return w.draft_items[1].pk


def removed_draft_item(w: World) -> int:
    return w.draft_items[2].pk


def kept_item(w: World) -> int:
    return w.published_items[0].pk


def empty(w: World) -> dict[str, Any]:
    return {}


ST = "stylist/"
LB = "stylist/lookbooks/<uuid:public_id>/"
ITEM = LB + "items/<int:item_id>/"
CC = "concierge/"


def _entries() -> list[Entry]:
    e: list[Entry] = []

    # --- The house: home, health, signing in, two-factor --------------------------------
    e.append(
        Entry(
            "home",
            "",
            lambda w: "/",
            grid(
                get=cells(
                    Want(302, "/stylist/"),
                    **some(CLIENTS, Want(302, "/concierge/")),
                    anonymous=LOGIN,
                )
            ),
        )
    )
    e.append(Entry("healthz", "healthz", lambda w: "/healthz", grid(get=cells(OK))))
    # Signed-in people are sent home, whatever the method; the form for everyone else.
    e.append(
        Entry(
            "login",
            "accounts/login/",
            lambda w: reverse("login"),
            grid(
                get=cells(Want(302, "/"), anonymous=OK),
                post=cells(Want(302, "/"), anonymous=OK),  # the form again, with its error
                # Django's LoginView answers PUT as POST; a PUT carries no form: never signs in.
                put=cells(Want(302, "/"), anonymous=OK),
                others=cells(Want(302, "/"), anonymous=NOT_ALLOWED),
            ),
            body=lambda w: {"username": "owner", "password": "not-the-password"},
        )
    )
    # Sends on to set-up or verify (or `next` once verified), whatever the method.
    e.append(
        Entry(
            "two_factor",
            "accounts/2fa/",
            lambda w: reverse("two_factor"),
            grid(others=cells(REDIRECT, anonymous=LOGIN)),
        )
    )
    e.append(
        Entry(
            "two_factor_setup",
            "accounts/2fa/setup/",
            lambda w: reverse("two_factor_setup"),
            grid(
                get=cells(OK, anonymous=LOGIN),
                post=cells(OK, anonymous=LOGIN),  # a wrong code: the form again
                others=cells(NOT_ALLOWED, anonymous=LOGIN),
            ),
            body=lambda w: {"token": "000000"},
        )
    )
    # Without a confirmed authenticator: on to set-up. Head office has one.
    e.append(
        Entry(
            "two_factor_verify",
            "accounts/2fa/verify/",
            lambda w: reverse("two_factor_verify"),
            grid(
                get=cells(REDIRECT, head_office=OK, anonymous=LOGIN),
                post=cells(REDIRECT, head_office=OK, anonymous=LOGIN),
                others=cells(NOT_ALLOWED, anonymous=LOGIN),
            ),
            body=lambda w: {"token": "000000"},
        )
    )
    # The language switcher: anyone may choose a language (a cookie; a client's record too).
    e.append(
        Entry(
            "language_set",
            "language/",
            lambda w: reverse("language_set"),
            grid(post=cells(Want(302, "/"))),
            body=lambda w: {"language": "fr"},
        )
    )
    e.append(
        Entry(
            "logout",
            "accounts/logout/",
            lambda w: reverse("logout"),
            grid(post=cells(LOGIN)),  # POST only (Django 5); everyone ends at the sign-in page
        )
    )

    # --- The stylist dashboard: Today and follow-ups --------------------------------------
    e.append(Entry("stylists:today", ST, to("stylists:today"), stylist_page()))
    for action, body in (
        ("done", empty),
        ("snooze", lambda w: {"days": "3"}),
        ("dismiss", empty),
    ):
        e.append(
            Entry(
                f"stylists:follow_up_{action}",
                f"{ST}follow-ups/<int:pk>/{action}/",
                to(f"stylists:follow_up_{action}", pk=lambda w: w.follow_up.pk),
                grid(post=owner_only()),
                body=body,
            )
        )

    # --- The client book and the story ----------------------------------------------------
    e.append(
        Entry("stylists:client_list", ST + "clients/", to("stylists:client_list"), stylist_page())
    )
    # The book as CSV: each advisor's own visible clients (test_the_book_export_holds_only_...).
    e.append(
        Entry(
            "stylists:client_export",
            ST + "clients/export.csv",
            to("stylists:client_export"),
            stylist_page(),
        )
    )
    e.append(
        Entry(
            "stylists:client_detail",
            ST + "clients/<uuid:public_id>/",
            to("stylists:client_detail", public_id=client_id),
            grid(get=story_read()),
        )
    )
    e.append(
        Entry(
            "stylists:note_add",
            ST + "clients/<uuid:public_id>/notes/",
            to("stylists:note_add", public_id=client_id),
            grid(post=story_write()),
            body=lambda w: {"body": "Prefers fittings after six.", "category": "style"},
        )
    )
    e.append(
        Entry(
            "stylists:note_pin",
            ST + "clients/<uuid:public_id>/notes/<int:pk>/pin/",
            to("stylists:note_pin", public_id=client_id, pk=lambda w: w.note.pk),
            grid(post=story_write()),
        )
    )
    occasion_body: Body = lambda w: {  # noqa: E731
        "kind": "birthday",
        "title": "Her fortieth",
        "date": "2027-03-02",
        "recurring_yearly": "on",
    }
    e.append(
        Entry(
            "stylists:occasion_add",
            ST + "clients/<uuid:public_id>/occasions/",
            to("stylists:occasion_add", public_id=client_id),
            grid(post=story_write()),
            body=occasion_body,
        )
    )
    e.append(
        Entry(
            "stylists:occasion_edit",
            ST + "clients/<uuid:public_id>/occasions/<int:pk>/",
            to("stylists:occasion_edit", public_id=client_id, pk=lambda w: w.occasion.pk),
            grid(get=story_write(OK), post=story_write()),  # GET: the edit form, without JS
            body=occasion_body,
        )
    )
    e.append(
        Entry(
            "stylists:occasion_delete",
            ST + "clients/<uuid:public_id>/occasions/<int:pk>/delete/",
            to("stylists:occasion_delete", public_id=client_id, pk=lambda w: w.occasion.pk),
            grid(post=story_write()),
        )
    )
    # GET without JS: back to the story with ?edit=sizes (a redirect) for her advisor.
    e.append(
        Entry(
            "stylists:sizes_edit",
            ST + "clients/<uuid:public_id>/sizes/",
            to("stylists:sizes_edit", public_id=client_id),
            grid(get=story_write(), post=story_write()),
            body=lambda w: {"ready_to_wear": "40", "shoes": "39"},
        )
    )
    e.append(
        Entry(
            "stylists:preferences_edit",
            ST + "clients/<uuid:public_id>/preferences/",
            to("stylists:preferences_edit", public_id=client_id),
            grid(get=story_write(), post=story_write()),
            body=lambda w: {"preferred_colours": "navy, ivory", "price_band_max": "5000"},
        )
    )

    # --- Messages and appointments ----------------------------------------------------------
    e.append(Entry("stylists:messages", ST + "messages/", to("stylists:messages"), stylist_page()))
    e.append(
        Entry(
            "stylists:conversation",
            ST + "messages/<uuid:public_id>/",
            to("stylists:conversation", public_id=client_id),
            grid(get=story_read()),
        )
    )
    e.append(
        Entry(
            "stylists:message_send",
            ST + "messages/<uuid:public_id>/send/",
            to("stylists:message_send", public_id=client_id),
            grid(post=story_write()),
            body=lambda w: {"channel": "concierge", "kind": "service", "body": "Bonjour."},
        )
    )
    e.append(
        Entry(
            "stylists:compose_template",
            ST + "messages/<uuid:public_id>/template/",
            lambda w: (
                reverse("stylists:compose_template", args=[w.client_id])
                + f"?template={w.template_pk}"
            ),
            grid(get=story_write(OK)),
        )
    )
    e.append(
        Entry(
            "stylists:appointments",
            ST + "appointments/",
            to("stylists:appointments"),
            stylist_page(),
        )
    )
    e.append(
        Entry(
            "stylists:appointment_status",
            ST + "appointments/<uuid:public_id>/status/",
            to("stylists:appointment_status", public_id=lambda w: w.appointment.public_id),
            grid(post=owner_only()),
            body=lambda w: {"status": "cancelled"},
        )
    )
    # The video consultation, the advisor's side (the room itself opens ten minutes before).
    e.append(
        Entry(
            "stylists:appointment_video",
            ST + "appointments/<uuid:public_id>/video/",
            to("stylists:appointment_video", public_id=lambda w: w.appointment.public_id),
            grid(get=owner_only(OK)),
        )
    )
    e.append(
        Entry(
            "stylists:appointment_video_guest",
            ST + "appointments/<uuid:public_id>/video/guest/",
            to("stylists:appointment_video_guest", public_id=lambda w: w.appointment.public_id),
            grid(post=owner_only()),
            body=lambda w: {"manager": ""},
        )
    )

    # --- Team and audit (managers, head office) ---------------------------------------------
    e.append(
        Entry(
            "stylists:team",
            ST + "team/",
            to("stylists:team"),
            grid(
                get=cells(
                    NOT_FOUND,
                    manager=OK,
                    manager_elsewhere=OK,
                    head_office=OK,
                    anonymous=LOGIN,
                )
            ),
        )
    )
    # Milan's manager cannot see Camille: 404 like any outsider.
    e.append(
        Entry(
            "stylists:team_reassign",
            ST + "team/reassign/",
            to("stylists:team_reassign"),
            grid(post=cells(NOT_FOUND, manager=REDIRECT, head_office=REDIRECT, anonymous=LOGIN)),
            body=lambda w: {
                "boutique": "paris",
                "clients": [str(w.client_id)],
                "to_stylist": w.cast.colleague.pk,
                "reason": "Élise on leave",
            },
        )
    )
    manager_page = grid(
        get=cells(NOT_FOUND, manager=OK, manager_elsewhere=OK, head_office=OK, anonymous=LOGIN)
    )
    manager_post = grid(
        post=cells(NOT_FOUND, manager=REDIRECT, head_office=REDIRECT, anonymous=LOGIN)
    )
    e.append(
        Entry(
            "stylists:data_quality", ST + "team/quality/", to("stylists:data_quality"), manager_page
        )
    )
    e.append(
        Entry("stylists:merge_queue", ST + "team/merges/", to("stylists:merge_queue"), manager_page)
    )
    e.append(Entry("stylists:kpis", ST + "team/kpis/", to("stylists:kpis"), manager_page))
    e.append(
        Entry(
            "stylists:kpi_export",
            ST + "team/kpis/export.csv",
            to("stylists:kpi_export"),
            manager_page,
        )
    )
    e.append(
        Entry(
            "stylists:quality_export",
            ST + "team/quality/export.csv",
            to("stylists:quality_export"),
            manager_page,
        )
    )
    e.append(
        Entry(
            "stylists:team_export", ST + "team/export.csv", to("stylists:team_export"), manager_page
        )
    )
    # A suggested duplicate of Camille's (Paris): Milan's manager gets 404 like any outsider.
    for name, action in (("stylists:merge_accept", "merge"), ("stylists:merge_reject", "reject")):
        e.append(
            Entry(
                name,
                ST + f"team/merges/<uuid:public_id>/{action}/",
                to(name, public_id=suggested_duplicate),
                manager_post,
                body=lambda w: {"keep": str(w.cast.client.public_id)},
            )
        )
    e.append(
        Entry(
            "stylists:merge_undo",
            ST + "team/merges/done/<uuid:public_id>/undo/",
            to("stylists:merge_undo", public_id=done_merge),
            manager_post,
        )
    )
    e.append(
        Entry(
            "stylists:audit",
            ST + "audit/",
            to("stylists:audit"),
            grid(get=cells(NOT_FOUND, head_office=OK, anonymous=LOGIN)),
        )
    )

    # --- Lookbook review ------------------------------------------------------------------------
    e.append(
        Entry("stylists:review_queue", ST + "review/", to("stylists:review_queue"), stylist_page())
    )
    for variant, lookbook in (
        ("draft", draft_id),
        ("in review", in_review_id),
        ("withdrawn", withdrawn_id),
        ("published", published_id),
    ):
        e.append(
            Entry(
                "stylists:lookbook_review",
                LB,
                to("stylists:lookbook_review", public_id=lookbook),
                grid(get=story_read()),
                variant=variant,
            )
        )
    e.append(
        Entry(
            "stylists:lookbook_search",
            LB + "search/",
            lambda w: reverse("stylists:lookbook_search", args=[w.draft.public_id]) + "?q=Alt",
            grid(get=story_read()),
        )
    )
    # Every action is POST only; without htmx a success is a 303 back to the page.
    actions: list[tuple[str, str, UrlBuilder, Body]] = [
        (
            "stylists:lookbook_add",
            LB + "add/",
            to("stylists:lookbook_add", public_id=draft_id),
            lambda w: {"version": 1, "product": str(w.alternates[1].public_id)},
        ),
        (
            "stylists:lookbook_reorder",
            LB + "reorder/",
            lambda w: reverse("stylists:lookbook_reorder", args=[w.draft.public_id]) + "?version=1",
            lambda w: {"order": [i.pk for i in reversed(w.draft_items)]},
        ),
        (
            "stylists:lookbook_details",
            LB + "details/",
            to("stylists:lookbook_details", public_id=draft_id),
            lambda w: {"version": 1, "title": "For the gala", "note": "With love"},
        ),
        (
            "stylists:lookbook_publish",
            LB + "publish/",
            to("stylists:lookbook_publish", public_id=draft_id),
            lambda w: {"version": 1, "title": "", "note": "", "channels": ["concierge"]},
        ),
        (
            "stylists:lookbook_discard",
            LB + "discard/",
            to("stylists:lookbook_discard", public_id=draft_id),
            lambda w: {"version": 1, "reason": "not_now", "note": ""},
        ),
        (
            "stylists:lookbook_withdraw",
            LB + "withdraw/",
            to("stylists:lookbook_withdraw", public_id=published_id),
            lambda w: {"version": w.published.version, "reason": "Sent too early"},
        ),
        (
            "stylists:lookbook_item_keep",
            ITEM + "keep/",
            to("stylists:lookbook_item_keep", public_id=draft_id, item_id=draft_item),
            lambda w: {"version": 1},
        ),
        (
            "stylists:lookbook_item_remove",
            ITEM + "remove/",
            to("stylists:lookbook_item_remove", public_id=draft_id, item_id=draft_item),
            lambda w: {"version": 1, "reason": "price", "note": ""},
        ),
        (
            "stylists:lookbook_item_restore",
            ITEM + "restore/",
            to("stylists:lookbook_item_restore", public_id=draft_id, item_id=removed_draft_item),
            lambda w: {"version": 1},
        ),
        (
            "stylists:lookbook_item_swap",
            ITEM + "swap/",
            to("stylists:lookbook_item_swap", public_id=draft_id, item_id=draft_item),
            lambda w: {"version": 1, "pick": f"alternate:{w.alternates[0].public_id}"},
        ),
        (
            "stylists:lookbook_item_move",
            ITEM + "move/",
            to("stylists:lookbook_item_move", public_id=draft_id, item_id=second_draft_item),
            lambda w: {"version": 1, "direction": "up"},
        ),
    ]
    for name, pattern, url, body in actions:
        e.append(Entry(name, pattern, url, grid(post=story_write(SEE_OTHER)), body=body))
    e.append(
        Entry(
            "stylists:lookbook_new",
            ST + "clients/<uuid:client_public_id>/lookbooks/new/",
            to("stylists:lookbook_new", client_public_id=client_id),
            grid(get=story_write(OK), post=story_write()),
            body=lambda w: {"title": "For the spring"},
        )
    )

    # --- The concierge --------------------------------------------------------------------------
    for name, pattern in (
        ("concierge:home", CC),
        ("concierge:lookbooks", CC + "lookbooks/"),
        ("concierge:wishlist", CC + "wishlist/"),
        ("concierge:heritage", CC + "heritage/"),
        ("concierge:appointments", CC + "appointments/"),
        ("concierge:advisors", CC + "appointments/advisors/"),
        ("concierge:purchases", CC + "pieces/"),
    ):
        e.append(Entry(name, pattern, to(name), grid(get=concierge())))
    # Camille's published chapter; her draft (a 404 for her too); Inès's chapter.
    for variant, lookbook, want in (
        ("published", published_id, hers()),
        ("draft", draft_id, concierge(NOT_FOUND, NOT_FOUND)),
        ("in review", in_review_id, concierge(NOT_FOUND, NOT_FOUND)),
        ("withdrawn", withdrawn_id, concierge(NOT_FOUND, NOT_FOUND)),
        ("another client's", lambda w: w.others_published.public_id, concierge(NOT_FOUND, OK)),
    ):
        e.append(
            Entry(
                "concierge:lookbook_detail",
                CC + "lookbooks/<uuid:public_id>/",
                to("concierge:lookbook_detail", public_id=lookbook),
                grid(get=want),
                variant=variant,
            )
        )
    for variant, lookbook, item, want in (
        ("published", published_id, kept_item, hers(REDIRECT)),
        ("draft", draft_id, draft_item, concierge(NOT_FOUND, NOT_FOUND)),
        ("in review", in_review_id, lambda w: w.in_review_item.pk, concierge(NOT_FOUND, NOT_FOUND)),
        ("withdrawn", withdrawn_id, lambda w: w.withdrawn_item.pk, concierge(NOT_FOUND, NOT_FOUND)),
    ):
        e.append(
            Entry(
                "concierge:lookbook_react",
                CC + "lookbooks/<uuid:public_id>/pieces/<int:item_id>/reaction/",
                to("concierge:lookbook_react", public_id=lookbook, item_id=item),
                grid(post=want),
                body=lambda w: {"reaction": "love"},
                variant=variant,
            )
        )
    product_id = lambda w: w.product.public_id  # noqa: E731
    e.append(
        Entry(
            "concierge:product_detail",
            CC + "pieces/<uuid:public_id>/",
            to("concierge:product_detail", public_id=product_id),
            grid(get=concierge()),
        )
    )
    for name, action in (
        ("concierge:wishlist_add", "save"),
        ("concierge:wishlist_remove", "unsave"),
    ):
        e.append(
            Entry(
                name,
                CC + f"pieces/<uuid:public_id>/{action}/",
                to(name, public_id=product_id),
                grid(post=concierge(REDIRECT, REDIRECT)),
            )
        )
    e.append(
        Entry(
            "concierge:wishlist_share",
            CC + "wishlist/share/",
            to("concierge:wishlist_share"),
            grid(post=concierge(REDIRECT, REDIRECT)),
        )
    )
    e.append(
        Entry(
            "concierge:heritage_detail",
            CC + "heritage/<slug:slug>/",
            to("concierge:heritage_detail", slug=lambda w: w.heritage.slug),
            grid(get=concierge()),
        )
    )
    client_occasion: Body = lambda w: {  # noqa: E731
        "kind": "anniversary",
        "title": "Our anniversary in Venice",
        "date": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
    }
    e.append(
        Entry(
            "concierge:occasions",
            CC + "occasions/",
            to("concierge:occasions"),
            grid(get=concierge(), post=concierge(REDIRECT, REDIRECT)),
            body=client_occasion,
        )
    )
    e.append(
        Entry(
            "concierge:occasion_edit",
            CC + "occasions/<int:occasion_id>/",
            to("concierge:occasion_edit", occasion_id=lambda w: w.occasion.pk),
            grid(get=hers(), post=hers(REDIRECT)),
            body=client_occasion,
        )
    )
    e.append(
        Entry(
            "concierge:occasion_delete",
            CC + "occasions/<int:occasion_id>/delete/",
            to("concierge:occasion_delete", occasion_id=lambda w: w.occasion.pk),
            grid(post=hers(REDIRECT)),
        )
    )
    e.append(
        Entry(
            "concierge:requests",
            CC + "requests/",
            to("concierge:requests"),
            grid(get=concierge(), post=concierge(REDIRECT, REDIRECT)),
            body=lambda w: {"purpose": "season", "message": "Something for the spring."},
        )
    )
    e.append(
        Entry(
            "concierge:request_detail",
            CC + "requests/<uuid:public_id>/",
            to("concierge:request_detail", public_id=lambda w: w.styling_request.public_id),
            grid(get=hers()),
        )
    )
    # Without a kind chosen, both steps answer with the first step again.
    e.append(
        Entry(
            "concierge:appointment_book",
            CC + "appointments/book/",
            to("concierge:appointment_book"),
            grid(get=concierge(), post=concierge()),
        )
    )
    # A signed link from a message: sign-in first, then her lookbook; no one else's.
    e.append(
        Entry(
            "concierge:lookbook_link",
            CC + "l/<str:token>/",
            to(
                "concierge:lookbook_link",
                token=lambda w: lookbook_link_token(lookbook_public_id=published_id(w)),
            ),
            grid(get=hers(REDIRECT)),
        )
    )
    appointment_id = lambda w: w.appointment.public_id  # noqa: E731
    for name, pattern in (
        ("concierge:appointment_detail", "appointments/<uuid:public_id>/"),
        ("concierge:appointment_video", "appointments/<uuid:public_id>/video/"),
        ("concierge:appointment_calendar", "appointments/<uuid:public_id>/calendar.ics"),
    ):
        e.append(Entry(name, CC + pattern, to(name, public_id=appointment_id), grid(get=hers())))
    # Any client may see the portrait of an advisor she may book with.
    e.append(
        Entry(
            "concierge:advisor_portrait",
            CC + "appointments/advisors/<int:pk>/portrait/",
            to("concierge:advisor_portrait", pk=lambda w: w.cast.owner.pk),
            grid(get=concierge()),
        )
    )
    # Without a time chosen, her own appointment's page of times again (nothing moves).
    e.append(
        Entry(
            "concierge:appointment_reschedule",
            CC + "appointments/<uuid:public_id>/reschedule/",
            to("concierge:appointment_reschedule", public_id=appointment_id),
            grid(get=hers(), post=hers()),
        )
    )
    e.append(
        Entry(
            "concierge:appointment_cancel",
            CC + "appointments/<uuid:public_id>/cancel/",
            to("concierge:appointment_cancel", public_id=appointment_id),
            grid(post=hers(REDIRECT)),
        )
    )
    e.append(
        Entry(
            "concierge:messages",
            CC + "messages/",
            to("concierge:messages"),
            grid(get=concierge(), post=concierge(REDIRECT, REDIRECT)),
            body=lambda w: {"body": "Thank you, Élise."},
        )
    )

    # --- The privacy centre ---------------------------------------------------------------------
    e.append(
        Entry("concierge:privacy", CC + "privacy/", to("concierge:privacy"), grid(get=concierge()))
    )
    e.append(
        Entry(
            "concierge:privacy_consent",
            CC + "privacy/consent/",
            to("concierge:privacy_consent"),
            grid(post=concierge(REDIRECT, REDIRECT)),
            body=lambda w: {"tier": "personal", "channels": ["email"]},
        )
    )
    e.append(
        Entry(
            "concierge:privacy_export",
            CC + "privacy/export/",
            to("concierge:privacy_export"),
            grid(post=concierge(REDIRECT, REDIRECT)),
        )
    )
    # Camille's archive: the page with the button (GET), the file itself once (POST).
    e.append(
        Entry(
            "concierge:privacy_export_download",
            CC + "privacy/export/<str:token>/",
            to("concierge:privacy_export_download", token=lambda w: w.export_token),
            grid(get=hers(), post=hers()),
        )
    )
    # A word other than ERASE: the form again, nothing erased.
    e.append(
        Entry(
            "concierge:privacy_erase",
            CC + "privacy/erase/",
            to("concierge:privacy_erase"),
            grid(get=concierge(), post=concierge()),
            body=lambda w: {"confirm": "maybe"},
        )
    )

    # --- Catalogue imagery: generated still lifes, public like the catalogue ------------------
    e.append(
        Entry(
            "catalog:product_image",
            "catalog/products/<uuid:public_id>/image.svg",
            to("catalog:product_image", public_id=product_id),
            grid(get=cells(OK)),
        )
    )
    e.append(
        Entry(
            "catalog:heritage_image",
            "catalog/heritage/<uuid:public_id>/image.svg",
            to("catalog:heritage_image", public_id=lambda w: w.heritage.public_id),
            grid(get=cells(OK)),
        )
    )

    # --- Twilio webhooks: without a valid signature, 403 whoever calls -----------------------
    e.append(
        Entry(
            "twilio_status",
            "webhooks/twilio/status/",
            lambda w: reverse("twilio_status") + f"?m={w.message.public_id}",
            grid(post=cells(FORBIDDEN)),
            body=lambda w: {"MessageSid": "SM-matrix", "MessageStatus": "delivered"},
        )
    )
    e.append(
        Entry(
            "twilio_inbound",
            "webhooks/twilio/inbound/",
            lambda w: reverse("twilio_inbound"),
            grid(post=cells(FORBIDDEN)),
            body=lambda w: {"From": "+33612345678", "Body": "STOP", "MessageSid": "SM-in"},
        )
    )

    # --- The API ---------------------------------------------------------------------------------
    # The token endpoint authenticates nobody by session: a bad password is 400 for all.
    e.append(
        Entry(
            "api-token",
            "api/v1/auth/token/",
            lambda w: reverse("api-token"),
            # DELETE revokes the token it carries: without one (sessions too), 401.
            {**grid(post=cells(BAD_REQUEST)), "DELETE": cells(UNAUTHORIZED)},
            body=lambda w: {"username": "owner", "password": "not-the-password"},
        )
    )
    listed = cells(OK, anonymous=UNAUTHORIZED)  # clients get their own (possibly empty) list
    for name, pattern in (
        ("client-list", r"api/v1/^clients/$"),
        ("lookbook-list", r"api/v1/^lookbooks/$"),
    ):
        e.append(Entry(name, pattern, to(name), api(listed)))
        e.append(
            Entry(
                name,
                pattern.replace("/$", r"\.(?P<format>[a-z0-9]+)/?$"),
                to(name, format=lambda w: "json"),
                api(listed),
            )
        )
    client_api = cells(NOT_FOUND, owner=OK, manager=OK, head_office=OK, anonymous=UNAUTHORIZED)
    e.append(
        Entry(
            "client-detail",
            r"api/v1/^clients/(?P<id>[^/.]+)/$",
            to("client-detail", id=client_id),
            api(client_api),
        )
    )
    e.append(
        Entry(
            "client-detail",
            r"api/v1/^clients/(?P<id>[^/.]+)\.(?P<format>[a-z0-9]+)/?$",
            to("client-detail", id=client_id, format=lambda w: "json"),
            api(client_api),
        )
    )
    for variant, lookbook, want in (
        ("draft", draft_id, client_api),
        ("in review", in_review_id, client_api),
        ("withdrawn", withdrawn_id, client_api),
        ("published", published_id, {**client_api, "client_user": OK}),
        (
            "another client's",
            lambda w: w.others_published.public_id,
            {**client_api, "other_client_user": OK},
        ),
    ):
        e.append(
            Entry(
                "lookbook-detail",
                r"api/v1/^lookbooks/(?P<id>[^/.]+)/$",
                to("lookbook-detail", id=lookbook),
                api(want),
                variant=variant,
            )
        )
    e.append(
        Entry(
            "lookbook-detail",
            r"api/v1/^lookbooks/(?P<id>[^/.]+)\.(?P<format>[a-z0-9]+)/?$",
            to("lookbook-detail", id=draft_id, format=lambda w: "json"),
            api(client_api),
            variant="draft",
        )
    )
    # The client API: each client her own things; staff 404 (not a client), anonymous 401.
    others = cells(NOT_ALLOWED, anonymous=UNAUTHORIZED)
    mine = cells(NOT_FOUND, client_user=OK, other_client_user=OK, anonymous=UNAUTHORIZED)
    refused = cells(
        NOT_FOUND, client_user=BAD_REQUEST, other_client_user=BAD_REQUEST, anonymous=UNAUTHORIZED
    )
    created = cells(
        NOT_FOUND, client_user=Want(201), other_client_user=Want(201), anonymous=UNAUTHORIZED
    )
    camilles = cells(NOT_FOUND, client_user=OK, anonymous=UNAUTHORIZED)
    camilles_refused = cells(NOT_FOUND, client_user=BAD_REQUEST, anonymous=UNAUTHORIZED)
    suffix = r"\.(?P<format>[a-z0-9]+)/?$"
    for name, pattern, post, body in (
        ("client-appointment-list", r"api/v1/^appointments/$", refused, None),
        (
            "client-occasion-list",
            r"api/v1/^occasions/$",
            created,
            lambda w: {"kind": "birthday", "date": "1990-05-04", "recurring_yearly": "true"},
        ),
        (
            "client-styling-request-list",
            r"api/v1/^styling-requests/$",
            created,
            lambda w: {"message": "Something for a wedding in June"},
        ),
        (
            "client-message-list",
            r"api/v1/^messages/$",
            created,
            lambda w: {"body": "Thank you, Élise."},
        ),
    ):
        for route, url in (
            (pattern, to(name)),
            (pattern.replace("/$", suffix), to(name, format=lambda w: "json")),
        ):
            e.append(Entry(name, route, url, grid(get=mine, post=post, others=others), body=body))
    appointment_api = lambda w: w.appointment.public_id  # noqa: E731
    for route, url in (
        (
            r"api/v1/^appointments/(?P<id>[^/.]+)/$",
            to("client-appointment-detail", id=appointment_api),
        ),
        (
            r"api/v1/^appointments/(?P<id>[^/.]+)" + suffix,
            to("client-appointment-detail", id=appointment_api, format=lambda w: "json"),
        ),
    ):
        e.append(Entry("client-appointment-detail", route, url, grid(get=camilles, others=others)))
    for action, want in (("reschedule", camilles_refused), ("cancel", camilles)):
        name = f"client-appointment-{action}"
        for route, url in (
            (
                rf"api/v1/^appointments/(?P<id>[^/.]+)/{action}/$",
                to(name, id=appointment_api),
            ),
            (
                rf"api/v1/^appointments/(?P<id>[^/.]+)/{action}" + suffix,
                to(name, id=appointment_api, format=lambda w: "json"),
            ),
        ):
            e.append(Entry(name, route, url, grid(post=want, others=others)))
    e.append(
        Entry(
            "api-availability",
            "api/v1/availability/",
            to("api-availability"),
            grid(get=mine, others=others),
        )
    )
    # Love a piece of her published chapter; a draft of hers is a 404 like anyone else's.
    for variant, lookbook, item, want in (
        ("published", published_id, kept_item, camilles),
        ("draft", draft_id, draft_item, cells(NOT_FOUND, anonymous=UNAUTHORIZED)),
    ):
        e.append(
            Entry(
                "api-lookbook-reactions",
                "api/v1/lookbooks/<str:id>/reactions/",
                to("api-lookbook-reactions", id=lookbook),
                grid(post=want, others=others),
                body=lambda w, item=item: {"item": item(w), "reaction": "love"},
                variant=variant,
            )
        )
    e.append(Entry("api-root", "api/v1/", to("api-root"), api(listed)))
    e.append(
        Entry(
            "api-root", "api/v1/<drf_format_suffix:format>", lambda w: "/api/v1/.json", api(listed)
        )
    )
    # The schema and its documentation page describe the API; they hold no data.
    e.append(Entry("api-schema", "api/schema/", to("api-schema"), grid(get=cells(OK))))
    e.append(Entry("api-docs", "api/docs/", to("api-docs"), grid(get=cells(OK))))

    # --- DEBUG only -------------------------------------------------------------------------------
    e.append(
        Entry(
            None,
            "styleguide/",
            lambda w: "/styleguide/",
            grid(get=cells(OK)),
            debug_only=True,
        )
    )
    return e


ENTRIES: list[Entry] = _entries()


# --- The Django admin: one rule for the namespace, and samples requested for real ----------

ADMIN_PREFIX = "admin/"
ADMIN_RULE = grid(others=cells(ADMIN_LOGIN))  # staff only; none of the personas is staff


def _admin_samples() -> list[Entry]:
    c = "admin:clients_client"
    return [
        Entry("admin:index", "admin/", to("admin:index"), ADMIN_RULE),
        Entry(
            "admin:app_list",
            "admin/^(?P<app_label>...)/$",
            to("admin:app_list", app_label=lambda w: "clients"),
            ADMIN_RULE,
        ),
        Entry(f"{c}_changelist", "admin/clients/client/", to(f"{c}_changelist"), ADMIN_RULE),
        Entry(
            f"{c}_change",
            "admin/clients/client/<path:object_id>/change/",
            to(f"{c}_change", object_id=lambda w: w.cast.client.pk),
            ADMIN_RULE,
        ),
        Entry(
            "admin:recommendations_lookbook_change",
            "admin/recommendations/lookbook/<path:object_id>/change/",
            to("admin:recommendations_lookbook_change", object_id=lambda w: w.draft.pk),
            ADMIN_RULE,
        ),
        Entry(
            "admin:auth_user_password_change",
            "admin/auth/user/<id>/password/",
            lambda w: reverse("admin:auth_user_password_change", args=[w.cast.owner.user.pk]),
            ADMIN_RULE,
        ),
        Entry(
            "admin:recommendations_modelversion_train",
            "admin/recommendations/modelversion/train/",
            to("admin:recommendations_modelversion_train"),
            ADMIN_RULE,
        ),
        Entry("admin:jsi18n", "admin/jsi18n/", to("admin:jsi18n"), ADMIN_RULE),
        # Signed-in people who are not staff see the admin's sign-in form, with a notice.
        Entry(
            "admin:login",
            "admin/login/",
            to("admin:login"),
            grid(get=cells(OK), post=cells(OK), put=cells(OK)),  # PUT as POST (LoginView)
            body=lambda w: {"username": "owner", "password": "not-the-password"},
        ),
        Entry(
            "admin:logout",
            "admin/logout/",
            to("admin:logout"),
            grid(others=cells(Want(302, "/admin/"))),
        ),
        Entry(
            None,
            "admin/(?P<url>.*)$ (catch-all)",
            lambda w: "/admin/no-such-page/",
            ADMIN_RULE,
        ),
    ]


ADMIN_SAMPLES: list[Entry] = _admin_samples()


# --- The routes as Django sees them -------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str | None
    pattern: str

    def __str__(self) -> str:
        return f"{self.name or '(unnamed)'} {self.pattern}"


def _walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[Route]:
    for item in patterns:
        if isinstance(item, URLResolver):
            inner = namespace
            if item.namespace:
                inner = f"{namespace}:{item.namespace}" if namespace else item.namespace
            yield from _walk(item.url_patterns, prefix + str(item.pattern), inner)
        elif isinstance(item, URLPattern):
            name = f"{namespace}:{item.name}" if namespace and item.name else item.name
            yield Route(name, prefix + str(item.pattern))


def all_routes() -> list[Route]:
    """Every URL pattern the project serves, nested includes and routers included."""
    return list(_walk(get_resolver().url_patterns, "", None))


def is_admin(route: Route) -> bool:
    return route.pattern.startswith(ADMIN_PREFIX)


@dataclass
class Mismatch:
    entry: Entry
    method: str
    persona: str
    expected: Want
    got: str

    def __str__(self) -> str:
        return (
            f"{self.method:6} {self.entry.label} as {self.persona}: "
            f"expected {self.expected}, got {self.got}"
        )


@dataclass
class Size:
    routes: int = 0  # distinct URL patterns with an entry (admin: the samples)
    entries: int = 0  # rows requested (routes, and variants such as a draft's id)
    cells: int = 0  # entries x personas x methods
    admin_routes_by_rule: int = 0
    notes: list[str] = field(default_factory=list)


def matrix_size(routes: list[Route] | None = None) -> Size:
    routes = routes if routes is not None else all_routes()
    live = {(r.name, r.pattern) for r in routes}
    entries = [e for e in ENTRIES if (e.name, e.pattern) in live]
    size = Size()
    size.routes = len({(e.name, e.pattern) for e in entries})
    size.entries = len(entries) + len(ADMIN_SAMPLES)
    size.cells = size.entries * len(PERSONAS) * len(METHODS)
    size.admin_routes_by_rule = sum(1 for r in routes if is_admin(r))
    return size


def expectations(entry: Entry) -> Mapping[str, Cells]:
    assert set(entry.expect) == set(METHODS), entry.label
    for method, per_persona in entry.expect.items():
        assert set(per_persona) == set(PERSONAS), f"{entry.label} {method}"
    return entry.expect
