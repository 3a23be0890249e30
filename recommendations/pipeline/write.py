"""Drafts to the database in bulk, idempotently.

Every draft carries a ``draft_key`` (client, model version, reason and what it answers:
the occasion, the styling request, or the day for a periodic draft), unique in the
database. Re-running the same night with the same model therefore inserts nothing new.

PostgreSQL: the batch's lookbooks are COPYed into a temporary table and inserted with
``ON CONFLICT (draft_key) DO NOTHING RETURNING id``, so even two runs racing each other
cannot duplicate a draft; the items of the lookbooks actually inserted are then COPYed
straight into LookbookItem. Elsewhere (SQLite in the demo): look up existing keys, then
``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from recommendations.models import (
    ItemSource,
    ItemState,
    Lookbook,
    LookbookItem,
    LookbookOrigin,
    LookbookStatus,
)
from recommendations.pipeline.audience import Reason
from recommendations.pipeline.draft import DraftedItem, PlannedDraft, lookbook_title

KEY_CHUNK = 500


def draft_key(plan: PlannedDraft, *, model_version_id: int, now: dt.datetime) -> str:
    if plan.reason == Reason.OCCASION and plan.occasion is not None:
        ref = f"o{plan.occasion.pk}"
    elif plan.reason == Reason.STYLING_REQUEST and plan.request_id is not None:
        ref = f"r{plan.request_id}"
    else:
        ref = timezone.localdate(now).isoformat()
    return f"{plan.client_id}:{model_version_id}:{plan.reason}:{ref}"


def _alternates(items: Sequence[DraftedItem]) -> list[dict[str, Any]]:
    return [
        {"product": i.product_id, "variant": i.variant_id, "score": i.score, "why": i.why}
        for i in items
    ]


@dataclass
class WriteResult:
    lookbooks: int = 0
    items: int = 0
    existing: int = 0


def write_drafts(
    plans: Sequence[PlannedDraft],
    *,
    model_version_id: int,
    now: dt.datetime,
    compact: bool = False,
) -> WriteResult:
    """Insert the planned drafts (one transaction); keys already present are skipped.

    ``compact``: keep each draft's pieces on its lookbook (``pending_pieces``), written
    as LookbookItem rows when first read (services.pending).
    """
    if not plans:
        return WriteResult()
    if connection.vendor == "postgresql":
        return write_payload(
            copy_payload(plans, model_version_id=model_version_id, now=now, compact=compact)
        )
    try:
        with transaction.atomic():
            return _write_orm(plans, model_version_id=model_version_id, now=now, compact=compact)
    except IntegrityError:  # another run inserted one of these keys meanwhile: once more
        with transaction.atomic():
            return _write_orm(plans, model_version_id=model_version_id, now=now, compact=compact)


def _write_orm(
    plans: Sequence[PlannedDraft], *, model_version_id: int, now: dt.datetime, compact: bool
) -> WriteResult:
    keys = [draft_key(p, model_version_id=model_version_id, now=now) for p in plans]
    existing: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        existing.update(
            str(key)
            for key in Lookbook.objects.filter(
                draft_key__in=keys[start : start + KEY_CHUNK]
            ).values_list("draft_key", flat=True)
        )
    fresh = [(p, k) for p, k in zip(plans, keys, strict=True) if k not in existing]
    lookbooks = [
        Lookbook(
            client_id=plan.client_id,
            author_id=plan.author_id,
            origin=LookbookOrigin.MODEL,
            status=LookbookStatus.DRAFT,
            model_version_id=model_version_id,
            occasion_id=plan.occasion.pk if plan.occasion is not None else None,
            styling_request_id=plan.request_id,
            title=lookbook_title(plan, now=now),
            data_basis=plan.data_basis,
            alternates=_alternates(plan.alternates),
            pending_pieces=json.loads(_pending(plan)) if compact else [],
            draft_key=key,
        )
        for plan, key in fresh
    ]
    Lookbook.objects.bulk_create(lookbooks, batch_size=KEY_CHUNK)
    if compact:
        pieces = sum(len(plan.items) for plan, _ in fresh)
        return WriteResult(lookbooks=len(lookbooks), items=pieces, existing=len(existing))
    items = [
        LookbookItem(
            lookbook=lookbook,
            product_id=item.product_id,
            variant_id=item.variant_id,
            position=position,
            source=ItemSource.MODEL,
            state=ItemState.PROPOSED,
            explanation=item.why,
            score=item.score,
        )
        for (plan, _), lookbook in zip(fresh, lookbooks, strict=True)
        for position, item in enumerate(plan.items, start=1)
    ]
    LookbookItem.objects.bulk_create(items, batch_size=2000)
    return WriteResult(lookbooks=len(lookbooks), items=len(items), existing=len(existing))


_STAGE = "atelier_draft_stage"
NULL = "\\N"
# COPY's text format: backslash, tab, newline and carriage return are escaped.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


def _pending(plan: PlannedDraft) -> str:
    """The draft's pieces as ``Lookbook.pending_pieces`` keeps them (services.pending)."""
    return json.dumps(
        [[i.product_id, i.variant_id, i.score, i.why] for i in plan.items],
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _stage_line(n: int, plan: PlannedDraft, key: str, *, now: dt.datetime, compact: bool) -> str:
    return "\t".join(
        (
            str(n),
            str(uuid.uuid4()),
            str(plan.client_id),
            str(plan.author_id),
            str(plan.occasion.pk) if plan.occasion is not None else NULL,
            str(plan.request_id) if plan.request_id is not None else NULL,
            _text(lookbook_title(plan, now=now)),
            _text(json.dumps(plan.data_basis, separators=(",", ":"))),
            _text(
                json.dumps(_alternates(plan.alternates), separators=(",", ":"), ensure_ascii=False)
            ),
            _text(key),
            _text(_pending(plan)) if compact else "[]",
        )
    )


@dataclass
class CopyPayload:
    """A batch as COPY text, built before any database work (see DraftWriter)."""

    model_version_id: int
    now: dt.datetime
    stage: str  # the lookbooks, one line each, for the staging table
    items: dict[str, list[str]]  # draft key -> item lines without their lookbook id
    count: int
    pieces: dict[str, int]  # draft key -> pieces (kept compact when ``items`` is empty)


def copy_payload(
    plans: Sequence[PlannedDraft],
    *,
    model_version_id: int,
    now: dt.datetime,
    compact: bool = False,
) -> CopyPayload:
    """The batch as COPY text; ``compact`` keeps each draft's pieces on its lookbook row
    (``pending_pieces``), written as LookbookItem rows when first read (services.pending).
    """
    fixed = f"\t{ItemSource.MODEL.value}\t{ItemState.PROPOSED.value}\t"
    tail = f"\t\t\t{now.isoformat()}"
    lines: list[str] = []
    items: dict[str, list[str]] = {}
    pieces: dict[str, int] = {}
    for n, plan in enumerate(plans):
        key = draft_key(plan, model_version_id=model_version_id, now=now)
        lines.append(_stage_line(n, plan, key, now=now, compact=compact))
        pieces[key] = len(plan.items)
        if compact:
            continue
        items[key] = [
            f"\t{item.product_id}\t"
            f"{item.variant_id if item.variant_id is not None else NULL}\t{position}"
            f"{fixed}{_text(item.why)}\t{item.score!r}{tail}"
            for position, item in enumerate(plan.items, start=1)
        ]
    return CopyPayload(
        model_version_id=model_version_id,
        now=now,
        stage="\n".join(lines) + "\n",
        items=items,
        count=len(plans),
        pieces=pieces,
    )


def write_payload(payload: CopyPayload) -> WriteResult:
    """PostgreSQL: stage, insert new lookbooks (by key), COPY their items; one transaction."""
    lookbook_table = Lookbook._meta.db_table
    item_table = LookbookItem._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # Drafts can always be drafted again (by key): a crash may lose the last batches,
        # never corrupt them, so the commit need not wait for the disk.
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} ("
            "ord integer, public_id uuid, client_id bigint, author_id bigint, "
            "occasion_id bigint, styling_request_id bigint, title text, data_basis text, "
            "alternates text, draft_key text, pending_pieces text)"
        )
        cursor.execute(f"TRUNCATE {_STAGE}")
        with cursor.copy(
            f"COPY {_STAGE} (ord, public_id, client_id, author_id, occasion_id, "
            "styling_request_id, title, data_basis, alternates, draft_key, pending_pieces) "
            "FROM STDIN"
        ) as copy:
            copy.write(payload.stage)
        cursor.execute(
            f"INSERT INTO {lookbook_table} (public_id, client_id, author_id, origin, status, "  # noqa: S608
            "model_version_id, occasion_id, styling_request_id, title, note, version, "
            "data_basis, alternates, pending_pieces, draft_key, created_at, updated_at, "
            "published_channels, closed_reason) "
            "SELECT public_id, client_id, author_id, %s, %s, %s, occasion_id, "
            "styling_request_id, title, '', 1, data_basis::jsonb, alternates::jsonb, "
            "pending_pieces::jsonb, draft_key, %s, %s, '[]'::jsonb, '' "
            f"FROM {_STAGE} ORDER BY ord "
            "ON CONFLICT (draft_key) DO NOTHING RETURNING id, draft_key",
            [
                LookbookOrigin.MODEL.value,
                LookbookStatus.DRAFT.value,
                payload.model_version_id,
                payload.now,
                payload.now,
            ],
        )
        inserted = cursor.fetchall()
        rows = [
            f"{lookbook_id}{line}"
            for lookbook_id, key in inserted
            for line in payload.items.get(key, ())
        ]
        if rows:
            with cursor.copy(
                f"COPY {item_table} (lookbook_id, product_id, variant_id, position, source, "
                "state, explanation, score, removal_reason, removal_note, created_at) FROM STDIN"
            ) as copy:
                copy.write("\n".join(rows) + "\n")
    return WriteResult(
        lookbooks=len(inserted),
        items=sum(payload.pieces[key] for _, key in inserted),
        existing=payload.count - len(inserted),
    )


class DraftWriter:
    """Writes batches of drafts as they are planned, overlapping the database's work.

    On PostgreSQL, outside any enclosing transaction, a writer thread with its own
    connection commits batches while the caller plans the next ones: the database
    (index upkeep, foreign-key checks, commits) works on one core while numpy works on
    the other. One writer, not more: concurrent writers take key-share locks on the same
    popular products and variants, and PostgreSQL's multixacts make that slower, not
    faster (measured). Anywhere else (SQLite, or inside a transaction such as a test's)
    batches are written in the caller's thread, in its transaction.

    The threaded (bulk, nightly) writer keeps each draft's pieces compactly on its
    lookbook row (``pending_pieces``): one row per draft instead of ~13, and the
    LookbookItem rows (with their index entries and foreign-key checks) are written when
    the draft is first read (services.pending). The other paths write the rows at once.
    """

    def __init__(
        self,
        *,
        model_version_id: int,
        now: dt.datetime,
        writers: int = 1,
        compact: bool | None = None,
    ) -> None:
        self.model_version_id = model_version_id
        self.now = now
        self.total = WriteResult()
        self.seconds = 0.0
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.compact = self.threaded if compact is None else compact
        self._queue: queue.Queue[CopyPayload | None] = queue.Queue(writers + 1)
        self._threads = [
            threading.Thread(target=self._run, name=f"draft-writer-{n}", daemon=True)
            for n in range(writers if self.threaded else 0)
        ]
        for thread in self._threads:
            thread.start()

    def _write(self, batch: CopyPayload | Sequence[PlannedDraft]) -> None:
        started = time.perf_counter()
        if isinstance(batch, CopyPayload):
            written = write_payload(batch)
        else:
            written = write_drafts(
                batch, model_version_id=self.model_version_id, now=self.now, compact=self.compact
            )
        with self._lock:
            self.seconds += time.perf_counter() - started
            self.total.lookbooks += written.lookbooks
            self.total.items += written.items
            self.total.existing += written.existing

    def _run(self) -> None:
        try:
            while (plans := self._queue.get()) is not None:
                if self._error is None:
                    try:
                        self._write(plans)
                    except BaseException as exc:  # re-raised in the caller's thread
                        self._error = exc
        finally:
            connection.close()

    def submit(self, plans: Sequence[PlannedDraft]) -> None:
        if self._error is not None:
            raise self._error
        if self.threaded:
            # The text is built here, in the planning thread, so that the writer thread
            # holds the GIL as little as possible: it only waits on the database.
            payload = copy_payload(
                plans, model_version_id=self.model_version_id, now=self.now, compact=self.compact
            )
            self._queue.put(payload)
        else:
            self._write(plans)

    def close(self, *, raise_errors: bool = True) -> WriteResult:
        """Wait for the writes queued so far; re-raise a writer's error, if any."""
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []
        if self._error is not None and raise_errors:
            raise self._error
        return self.total
