"""Drafting lookbooks for the clients who need one, into their stylists' review queues.

The machine drafts, the stylist decides: every lookbook written here has status "draft",
origin "model" and the client's current advisor as author, and no client can see it until
a stylist publishes it (recommendations.services.review). Each draft records its
``data_basis`` ({"tier", "kinds", "signals", "model_version", ...}): the kinds are the
consent DataKinds this client's draft was actually built from, which is what
``lookbooks_withdraw_on_consent_change`` reads when her consent narrows.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from threadpoolctl import threadpool_limits

from consent.policy import Purpose
from recommendations.models import ModelVersion
from recommendations.pipeline.artifacts import LoadedModel
from recommendations.pipeline.audience import Audience, Reason, find_audience
from recommendations.pipeline.catalogue import load_catalogue, load_stock
from recommendations.pipeline.draft import Drafter, DraftSettings
from recommendations.pipeline.extract import extract_signals
from recommendations.pipeline.write import DraftWriter, WriteResult
from recommendations.services.training import load_model_version

logger = logging.getLogger(__name__)
HOUSE_WIDE_WEIGHTINGS = ("bm25", "tfidf")  # an idf over every client's signals


@dataclass
class DraftReport:
    """What a drafting run did, in counts (JSON-friendly through as_dict)."""

    model_version: int | None = None
    booked: int = 0
    not_allowed_by_consent: int = 0
    already_in_review: int = 0
    up_to_date: int = 0
    needing: int = 0
    deferred: int = 0  # need a draft, left for a later night: their advisor's queue is full
    drafted: int = 0
    already_drafted: int = 0
    too_few_candidates: int = 0
    items_written: int = 0
    cold_start: int = 0
    new_products_placed: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    skipped: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@contextmanager
def _stage(stages: dict[str, float], name: str) -> Iterator[None]:
    """Record how long the block took as ``stages[name]``."""
    started = time.perf_counter()
    yield
    stages[name] = time.perf_counter() - started


def _count_audience(report: DraftReport, audience: Audience) -> None:
    report.booked = audience.booked
    report.not_allowed_by_consent = audience.not_allowed
    report.already_in_review = audience.already_open
    report.up_to_date = audience.up_to_date
    report.deferred = audience.deferred
    report.needing = len(audience)
    report.by_reason = dict(audience.by_reason)


def _prepare(
    audience: Audience,
    model: LoadedModel,
    *,
    by_hand: bool,
    draft_settings: DraftSettings | None,
    stages: dict[str, float],
) -> Drafter:
    """Read her signals and the catalogue, and prepare every drafting stage as arrays."""
    # The audience's signals only, not the house's, unless the model weighs a signal by
    # how many clients share it (bm25, tfidf: the fold-in needs everyone's, as it did), or
    # the audience is most of the house (no capacity): one scan beats an index per client.
    everyone = not by_hand and (
        model.model.params.weighting in HOUSE_WIDE_WEIGHTINGS or 2 * len(audience) > audience.booked
    )
    with _stage(stages, "extract"):
        signals = extract_signals(
            purpose=Purpose.PERSONALISATION,
            client_ids=None if everyone else audience.client_ids.tolist(),
        )
    with _stage(stages, "catalogue"):
        catalogue = load_catalogue(with_descriptions=True)
        stock = load_stock(catalogue)
    with _stage(stages, "prepare"):
        size = int(settings.LOOKBOOK_DRAFT_SIZE)
        draft_settings = draft_settings or DraftSettings(size=size, alternates=size)
        drafter = Drafter(audience, model, signals, catalogue, stock, settings=draft_settings)
        del signals
    return drafter


def _plan_and_write(drafter: Drafter, writer: DraftWriter, report: DraftReport) -> WriteResult:
    """Plan batch after batch while the writer stores the previous one."""
    # Planning creates millions of short-lived objects and no reference cycles: the
    # cyclic garbage collector would only rescan the caches, again and again.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            # One BLAS thread while planning: the other core belongs to the database,
            # which is writing the previous batch meanwhile.
            with threadpool_limits(1, "blas"):
                for plans in drafter.batches():
                    writer.submit(plans)
                    report.cold_start += sum(1 for p in plans if p.cold)
        except BaseException:
            writer.close(raise_errors=False)  # stop the writer thread, keep our error
            raise
        return writer.close()
    finally:
        if gc_was_enabled:
            gc.enable()


def _finish(report: DraftReport, stages: dict[str, float], started: float) -> DraftReport:
    report.stages = {name: round(value, 3) for name, value in stages.items()}
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def lookbooks_draft(
    *,
    client_ids: list[int] | None = None,
    now: dt.datetime | None = None,
    draft_settings: DraftSettings | None = None,
    asked: str = Reason.MANUAL,
    compact: bool | None = None,
) -> DraftReport:
    """Draft a lookbook for every client who needs one (or for ``client_ids`` by hand).

    Without ``client_ids``, no more than each advisor can review while fresh
    (``RECOMMENDER_DRAFTS_PER_ADVISOR``, see ``pipeline.capacity``): the others are
    counted as ``deferred`` and drafted on a later night.

    Idempotent: a draft's key is (client, model version, reason, what it answers), so a
    second run with the same model writes nothing new. ``asked`` is the reason recorded for
    a client asked for by id when nothing more pressing applies ("manual" or "refresh").
    ``compact`` keeps each draft's pieces on its lookbook until first read (see
    services.pending); by default, when the run writes in bulk (PostgreSQL, outside a
    transaction: the nightly run).
    """
    now = now or timezone.now()
    started = time.perf_counter()
    report = DraftReport()
    version = ModelVersion.objects.filter(is_active=True).first()
    if version is None:
        report.skipped = "No active model: train one first (manage.py train_recommender)."
        return report
    report.model_version = version.pk
    stages = report.stages

    with _stage(stages, "load_model"):
        model = load_model_version(version)  # refuses an artifact whose checksum changed
    with _stage(stages, "audience"):
        audience = find_audience(now=now, client_ids=client_ids, asked=asked)
    _count_audience(report, audience)
    if not len(audience):
        return _finish(report, stages, started)

    drafter = _prepare(
        audience,
        model,
        by_hand=client_ids is not None,
        draft_settings=draft_settings,
        stages=stages,
    )
    writer = DraftWriter(model_version_id=version.pk, now=now, compact=compact)
    with _stage(stages, "plan_and_write"):
        written = _plan_and_write(drafter, writer, report)
    stages.update(drafter.stats.stages)
    stages["write_in_background" if writer.threaded else "write"] = writer.seconds
    report.drafted = written.lookbooks
    report.already_drafted = written.existing
    report.items_written = written.items
    report.too_few_candidates = drafter.stats.too_few
    report.new_products_placed = drafter.stats.new_products_placed
    _finish(report, stages, started)
    logger.info("drafting: %s", report.as_dict())
    return report
