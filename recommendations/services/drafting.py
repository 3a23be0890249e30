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
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from threadpoolctl import threadpool_limits

from consent.policy import Purpose
from recommendations.models import ModelVersion
from recommendations.pipeline.audience import find_audience
from recommendations.pipeline.catalogue import load_catalogue, load_stock
from recommendations.pipeline.draft import Drafter, DraftSettings
from recommendations.pipeline.extract import extract_signals
from recommendations.pipeline.write import DraftWriter
from recommendations.services.training import load_model_version

logger = logging.getLogger(__name__)


@dataclass
class DraftReport:
    """What a drafting run did, in counts (JSON-friendly through as_dict)."""

    model_version: int | None = None
    booked: int = 0
    not_allowed_by_consent: int = 0
    already_in_review: int = 0
    up_to_date: int = 0
    needing: int = 0
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


def lookbooks_draft(
    *,
    client_ids: list[int] | None = None,
    now: dt.datetime | None = None,
    draft_settings: DraftSettings | None = None,
) -> DraftReport:
    """Draft a lookbook for every client who needs one (or for ``client_ids`` by hand).

    Idempotent: a draft's key is (client, model version, reason, what it answers), so a
    second run with the same model writes nothing new.
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

    t = time.perf_counter()
    model = load_model_version(version)  # refuses an artifact whose checksum changed
    stages["load_model"] = time.perf_counter() - t

    t = time.perf_counter()
    audience = find_audience(now=now, client_ids=client_ids)
    stages["audience"] = time.perf_counter() - t
    report.booked = audience.booked
    report.not_allowed_by_consent = audience.not_allowed
    report.already_in_review = audience.already_open
    report.up_to_date = audience.up_to_date
    report.needing = len(audience)
    report.by_reason = dict(audience.by_reason)
    if not len(audience):
        report.stages = {name: round(value, 3) for name, value in stages.items()}
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    t = time.perf_counter()
    signals = extract_signals(
        purpose=Purpose.PERSONALISATION,
        client_ids=[int(c) for c in audience.client_ids] if client_ids is not None else None,
    )
    stages["extract"] = time.perf_counter() - t
    t = time.perf_counter()
    catalogue = load_catalogue(with_descriptions=True)
    stock = load_stock(catalogue)
    stages["catalogue"] = time.perf_counter() - t

    t = time.perf_counter()
    size = int(settings.LOOKBOOK_DRAFT_SIZE)
    draft_settings = draft_settings or DraftSettings(size=size, alternates=size)
    drafter = Drafter(audience, model, signals, catalogue, stock, settings=draft_settings)
    del signals
    stages["prepare"] = time.perf_counter() - t

    # Planning creates millions of short-lived objects and no reference cycles: the
    # cyclic garbage collector would only rescan the caches, again and again.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    writer = DraftWriter(model_version_id=version.pk, now=now)
    t = time.perf_counter()
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
        written = writer.close()
    finally:
        if gc_was_enabled:
            gc.enable()
    stages["plan_and_write"] = time.perf_counter() - t
    stages.update(drafter.stats.stages)
    stages["write_in_background" if writer.threaded else "write"] = writer.seconds
    report.drafted = written.lookbooks
    report.already_drafted = written.existing
    report.items_written = written.items
    report.too_few_candidates = drafter.stats.too_few
    report.new_products_placed = drafter.stats.new_products_placed
    report.stages = {name: round(value, 3) for name, value in stages.items()}
    report.seconds = round(time.perf_counter() - started, 3)
    logger.info("drafting: %s", report.as_dict())
    return report
