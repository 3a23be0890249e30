"""The relationship phase: advisors' notes, conversations, styling requests, follow-ups.

Messages respect each client's consent as recorded: the house reaches out first
only to Personal and Bespoke clients, and only on a channel they allowed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from clienteling.demo.bulk import insert
from clienteling.demo.occasions import Upcoming
from clienteling.demo.phrases import (
    FOLLOW_UPS,
    GREETINGS,
    INBOUND_FIRST,
    INBOUND_FIRST_IN,
    NOTES,
    STYLING_REQUESTS,
    SUBJECTS,
    SUBJECTS_IN,
    THREADS,
    THREADS_IN,
    VIC_NOTES,
    suited,
)
from clienteling.demo.randomness import Weighted, chance, stream, uuid4_from
from clienteling.demo.state import Catalogue, ClientFact, Clients, Staff
from clients.models import Client
from stylists.models import (
    STYLING_REQUEST_SLA,
    ClientNote,
    FollowUp,
    FollowUpKind,
    Message,
    MessageChannel,
    MessageDirection,
    MessageStatus,
    StylingRequest,
    StylingRequestStatus,
)

CLIENT_CHUNK = 5000
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
OUTBOUND_STATUS = Weighted(
    [MessageStatus.READ, MessageStatus.DELIVERED, MessageStatus.SENT], [50, 35, 15]
)
CHANNELS = {
    "email": MessageChannel.EMAIL,
    "sms": MessageChannel.SMS,
    "whatsapp": MessageChannel.WHATSAPP,
}


class Writer:
    """Fills the phrase templates for one client."""

    def __init__(self, rng: random.Random, catalogue: Catalogue, staff: Staff):
        self.rng = rng
        self.names: dict[str, list[str]] = defaultdict(list)
        for product in catalogue.products:
            if product.active:
                self.names[product.category].append(product.name)
        self.everything = [n for names in self.names.values() for n in names] or ["carré"]
        self.cities = {code: b.city for code, b in staff.boutiques.items()}

    def piece(self, fact: ClientFact) -> str:
        pool = self.names.get(self.rng.choice(fact.categories)) if fact.categories else None
        return self.rng.choice(pool or self.everything)

    def fill(self, text: str, fact: ClientFact, occasion: str = "") -> str:
        rng = self.rng
        colours = [*fact.colours, "navy", "ivory"]
        elsewhere = [city for code, city in self.cities.items() if code != fact.boutique]
        return text.format(
            first_name=fact.first_name,
            display_name=fact.display_name,
            size=fact.sizes.get("ready_to_wear", "38"),
            shoe=fact.sizes.get("shoes", "38"),
            colour=colours[0],
            colour2=colours[1],
            material=(fact.materials or ["silk"])[0],
            avoided=(fact.avoided or ["fur"])[0],
            piece=self.piece(fact),
            month=rng.choice(MONTHS),
            city=rng.choice(elsewhere or ["Paris"]),
            advisor=fact.advisor.user.first_name,
            occasion=occasion.lower() or "season",
            greeting=GREETINGS.get(fact.language, "Dear"),
        )


def _notes(
    rng: random.Random, writer: Writer, fact: ClientFact, lead_id: int, now: dt.datetime
) -> list[ClientNote]:
    if fact.persona == "client":
        count = 3
    elif not chance(rng, 0.45 if fact.advisor.pk == lead_id else 0.3):
        return []
    else:
        count = rng.choice([1, 1, 2, 3])
    options = suited(NOTES + (VIC_NOTES if fact.vic else ()), fact.gender)
    if not fact.avoided:
        options = tuple(o for o in options if "{avoided}" not in o[1])
    chosen = rng.sample(options, min(count, len(options)))
    if fact.persona == "client":  # the note the brief quotes, pinned on her record
        chosen = [NOTES[0], *(o for o in chosen if o != NOTES[0])][:count]
    notes = []
    for n, (category, text) in enumerate(chosen):
        pinned = n == 0 and (fact.persona == "client" or chance(rng, 0.35))
        at = now - dt.timedelta(days=rng.uniform(1, max(2, min(fact.since_days, 900))))
        notes.append(
            ClientNote(
                client_id=fact.pk,
                author=fact.advisor,
                category=category,
                body=writer.fill(text, fact),
                pinned=pinned,
                created_at=at,
                updated_at=at,
            )
        )
    return notes


def _thread(
    rng: random.Random,
    ids: random.Random,
    writer: Writer,
    fact: ClientFact,
    soon: list[Upcoming],
    now: dt.datetime,
) -> list[Message]:
    outbound = [c for c in ("email", "whatsapp", "sms") if c in fact.channels]
    occasion = soon[0].label if soon else ""
    may_reach_out = fact.tier != "essential" and bool(outbound)
    start = now - dt.timedelta(days=rng.uniform(0.3, 150))
    if fact.persona == "client":
        start = now - dt.timedelta(days=3, hours=4)
    if may_reach_out and chance(rng, 0.7):
        threads = THREADS_IN.get(fact.language, THREADS)  # same order: the same draw
        kind, opener, reply, answer = threads[
            1 if soon and chance(rng, 0.5) else rng.choice([0, 2, 3])
        ]
        if fact.persona == "client":
            kind, opener, reply, answer = threads[1]
        channel = CHANNELS[outbound[0] if fact.persona else rng.choice(outbound)]
        texts = [
            (MessageDirection.OUTBOUND, opener),
            (MessageDirection.INBOUND, reply),
            (MessageDirection.OUTBOUND, answer),
        ]
    else:
        kind = "service"
        question, answer = rng.choice(INBOUND_FIRST_IN.get(fact.language, INBOUND_FIRST))
        channel = MessageChannel.CONCIERGE
        texts = [(MessageDirection.INBOUND, question), (MessageDirection.OUTBOUND, answer)]
    keep = len(texts) if fact.persona or chance(rng, 0.6) else rng.randint(1, len(texts) - 1)
    messages, at = [], start
    subject = writer.fill(rng.choice(SUBJECTS_IN.get(fact.language, SUBJECTS)), fact, occasion)
    for n, (direction, text) in enumerate(texts[:keep]):
        if at > now:
            break
        out = direction == MessageDirection.OUTBOUND
        answered = n + 1 < keep
        status = (
            (MessageStatus.READ if answered else OUTBOUND_STATUS.pick(rng))
            if out
            else MessageStatus.RECEIVED
        )
        messages.append(
            Message(
                public_id=uuid4_from(ids),
                client_id=fact.pk,
                stylist=fact.advisor,
                direction=direction,
                channel=channel,
                kind=kind if out and n == 0 else "service",
                subject=subject if channel == MessageChannel.EMAIL and n == 0 else "",
                body=writer.fill(text, fact, occasion),
                status=status,
                created_at=at,
                sent_at=at if out else None,
                delivered_at=at + dt.timedelta(seconds=20)
                if status in (MessageStatus.DELIVERED, MessageStatus.READ)
                else None,
                # the client read it; or, for a client's message, the advisor did by answering
                read_at=at + dt.timedelta(minutes=rng.randint(3, 300))
                if status == MessageStatus.READ or (not out and answered)
                else None,
                sent_by_id=fact.advisor.user_id if out else None,
                provider_sid=f"SM{ids.getrandbits(128):032x}"
                if out and channel in (MessageChannel.SMS, MessageChannel.WHATSAPP)
                else "",
            )
        )
        at += dt.timedelta(hours=rng.uniform(0.2, 30))
    return messages


def _requests(
    rng: random.Random,
    ids: random.Random,
    clients: Clients,
    soon: dict[int, list[Upcoming]],
    lead_id: int,
    now: dt.datetime,
) -> list[StylingRequest]:
    """Answered requests over four months, a few open ones and exactly one overdue."""
    rows = []
    for fact in clients.facts:
        if not chance(rng, 0.04):
            continue
        created = now - dt.timedelta(days=rng.uniform(1, 120))
        late = chance(rng, 0.08)
        answered = created + dt.timedelta(
            hours=rng.uniform(4.2, 9) if late else rng.uniform(0.3, 3.9)
        )
        rows.append(
            _request(
                rng,
                ids,
                fact,
                soon,
                created,
                answered,
                StylingRequestStatus.ANSWERED if chance(rng, 0.7) else StylingRequestStatus.CLOSED,
            )
        )
    lead_book = [f for f in clients.facts if f.advisor.pk == lead_id and not f.persona]
    others = [f for f in clients.facts if f.advisor.pk != lead_id]
    waiting = rng.sample(lead_book, min(3, len(lead_book)))
    waiting += rng.sample(others, min(2 + len(clients.facts) // 5000, 25, len(others)))
    for n, fact in enumerate(waiting):
        age = (
            dt.timedelta(hours=5, minutes=30)
            if n == 0
            else dt.timedelta(minutes=rng.randint(10, 200))
        )
        rows.append(_request(rng, ids, fact, soon, now - age, None, StylingRequestStatus.OPEN))
    return rows


def _request(
    rng: random.Random,
    ids: random.Random,
    fact: ClientFact,
    soon: dict[int, list[Upcoming]],
    created: dt.datetime,
    answered: dt.datetime | None,
    status: str,
) -> StylingRequest:
    upcoming = soon.get(fact.pk)
    budget = rng.choice([None, None, 1500, 3000, 5000, 8000, 15000])
    return StylingRequest(
        public_id=uuid4_from(ids),
        client_id=fact.pk,
        stylist=fact.advisor,
        occasion_id=upcoming[0].pk if upcoming else None,
        message=rng.choice(STYLING_REQUESTS),
        budget_max=Decimal(budget) if budget else None,
        status=status,
        created_at=created,
        due_at=created + STYLING_REQUEST_SLA,
        answered_at=answered,
    )


def build_relationship(
    *,
    seed: int,
    clients: Clients,
    catalogue: Catalogue,
    staff: Staff,
    soon: dict[int, list[Upcoming]],
    now: dt.datetime,
) -> dict[str, int]:
    rng, ids = stream(seed, "relationship"), stream(seed, "relationship:uuid")
    writer = Writer(rng, catalogue, staff)
    lead_id = staff.by_username["stylist"].pk
    counts = {"notes": 0, "messages": 0}
    for start in range(0, len(clients.facts), CLIENT_CHUNK):
        notes: list[ClientNote] = []
        messages: list[Message] = []
        for fact in clients.facts[start : start + CLIENT_CHUNK]:
            notes.extend(_notes(rng, writer, fact, lead_id, now))
            share = 0.45 if fact.advisor.pk == lead_id else 0.22
            if fact.persona == "client" or (not fact.persona and chance(rng, share)):
                messages.extend(_thread(rng, ids, writer, fact, soon.get(fact.pk, []), now))
        insert(notes)
        insert(messages)
        counts["notes"] += len(notes)
        counts["messages"] += len(messages)
    requests = _requests(rng, ids, clients, soon, lead_id, now)
    insert(requests)
    counts["styling_requests"] = len(requests)
    counts["follow_ups"] = _follow_ups(rng, writer, clients, staff, timezone.localdate(now))
    outbound = Message.objects.filter(direction=MessageDirection.OUTBOUND)
    last_outbound = outbound.filter(client=OuterRef("pk")).order_by("-created_at")
    Client.objects.filter(pk__in=outbound.values("client_id")).update(
        last_contact_at=Subquery(last_outbound.values("created_at")[:1])
    )
    return counts


def _follow_ups(
    rng: random.Random, writer: Writer, clients: Clients, staff: Staff, today: dt.date
) -> int:
    """A few personal reminders per advisor (the follow-up engine adds the rest)."""
    books: dict[int, list[ClientFact]] = defaultdict(list)
    for fact in clients.facts:
        books[fact.advisor.pk].append(fact)
    lead_id = staff.by_username["stylist"].pk
    rows = []
    for advisor_id, book in books.items():
        for fact in rng.sample(book, min(6 if advisor_id == lead_id else 2, len(book))):
            rows.append(
                FollowUp(
                    stylist=fact.advisor,
                    client_id=fact.pk,
                    kind=FollowUpKind.CUSTOM,
                    due_on=today + dt.timedelta(days=rng.randint(0, 10)),
                    reason=writer.fill(rng.choice(suited(FOLLOW_UPS, fact.gender)), fact),
                    dedupe_key=f"custom:demo:{fact.pk}",
                )
            )
    insert(rows)
    return len(rows)
