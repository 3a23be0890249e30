"""What recommendations hold about a client, for export and erasure (see consent.privacy).

Export: lookbooks *sent* to the client in full; unpublished drafts are listed
(when, by whom, status, and the kinds of data they were built from) without
their content, which is the advisors' internal work in progress. See
docs/privacy.md for the reasoning.

Export also carries the nightly outlook (stage, churn risk, 12-month value, buying
profile): profiling, which she may see. Erasure deletes it.

Erasure: lookbook words (titles, notes, explanations, review comments) go;
the rows stay as anonymous statistics. The client's factor vector is removed
from every model artifact on disk (erase_client_factors), and the training
pipeline must leave erased clients out (erased_client_ids): erasure also
records an Essential consent with no channels, which the consent policy
already excludes from model training.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from clients.models import Client, ClientStatus
from consent.privacy import register_erasure_step, register_export_section
from recommendations.models import (
    ClientOutlook,
    ItemState,
    Lookbook,
    LookbookItem,
    LookbookStatus,
    ModelVersion,
    ReviewEvent,
)
from recommendations.services.pending import materialise_pieces

logger = logging.getLogger(__name__)

ERASED_REASON = "The client's data was erased."
REVIEWABLE = (LookbookStatus.DRAFT, LookbookStatus.IN_REVIEW)


def erased_client_ids() -> QuerySet[Client, Any]:
    """Clients the training pipeline must never use again (a lazy id subquery)."""
    return Client.objects.filter(status=ClientStatus.ERASED).values("pk")


# --- Export ---------------------------------------------------------------------------


def export_lookbooks(client: Client) -> dict[str, Any]:
    lookbooks = list(
        Lookbook.objects.filter(client=client)
        .select_related("author__user", "occasion")
        .order_by("created_at", "pk")
    )
    sent_ids = [lb.pk for lb in lookbooks if lb.published_at is not None]
    items: dict[int, list[dict[str, Any]]] = {pk: [] for pk in sent_ids}
    rows = (
        LookbookItem.objects.filter(lookbook_id__in=sent_ids)
        .exclude(state=ItemState.REMOVED)
        .select_related("product")
        .order_by("lookbook_id", "position", "pk")
    )
    for item in rows:
        items[item.lookbook_id].append(
            {"product": item.product.name, "style_code": item.product.style_code}
        )
    sent, unsent = [], []
    for lookbook in lookbooks:
        author = lookbook.author.user.first_name if lookbook.author is not None else None
        if lookbook.published_at is not None:
            sent.append(
                {
                    "id": str(lookbook.public_id),
                    "title": lookbook.title,
                    "note": lookbook.note,
                    "advisor": author,
                    "occasion": lookbook.occasion.label if lookbook.occasion is not None else None,
                    "sent_at": lookbook.published_at,
                    "sent_by": lookbook.published_channels,
                    "status": lookbook.status,
                    "pieces": items[lookbook.pk],
                }
            )
        else:
            kinds = lookbook.data_basis.get("kinds", []) if lookbook.data_basis else []
            unsent.append(
                {
                    "created_at": lookbook.created_at,
                    "status": lookbook.status,
                    "made_by": "recommendation model, for review by your advisor"
                    if lookbook.origin == "model"
                    else "your advisor, by hand",
                    "data_used": sorted(str(k) for k in kinds) if isinstance(kinds, list) else [],
                }
            )
    return {"sent_to_you": sent, "unsent_drafts": unsent}


def count_lookbooks(client: Client) -> int:
    return Lookbook.objects.filter(client=client).count()


def export_model_profile(client: Client) -> dict[str, Any]:
    """Whether the active model holds a numeric taste profile for the client (not the numbers)."""
    active = ModelVersion.objects.filter(is_active=True).first()
    if active is None or not active.artifact_path:
        return {"in_active_model": False}
    path = _artifact_path(active.artifact_path)
    ids = _load_user_ids(path) if path is not None else None
    present = ids is not None and _row_of(ids, client) is not None
    return {
        "in_active_model": present,
        "model_version": active.pk if present else None,
        "what_it_is": "A short list of numbers learned from your purchases and reactions, "
        "used only to suggest pieces to your advisor.",
    }


def export_outlook(client: Client) -> dict[str, Any]:
    """The nightly outlook held about her (profiling: stage, risk, value, buying profile)."""
    row = ClientOutlook.objects.filter(client=client).select_related("segment").first()
    if row is None:
        return {}
    return {
        "stage": row.get_stage_display(),
        "chance_of_no_purchase_in_180_days": row.churn_risk,
        "expected_purchases_next_12_months": row.expected_purchases,
        "expected_value_next_12_months": row.predicted_value,
        "reasons": list(row.reasons or []),
        "buying_profile": row.segment.name if row.segment else "",
        "buying_profile_description": row.segment.description if row.segment else "",
        "scored_at": row.scored_at,
    }


# --- Erasure --------------------------------------------------------------------------


def erase_outlook(client: Client) -> int:
    """Her outlook (and so her place in a segment) goes; the next night skips her anyway."""
    deleted, _ = ClientOutlook.objects.filter(client=client).delete()
    return deleted


def erase_lookbooks(client: Client) -> int:
    """Drop every word written for or about the client; unsent drafts are discarded."""
    lookbooks = Lookbook.objects.filter(client=client)
    for pending in lookbooks.exclude(pending_pieces=[]):
        materialise_pieces(pending)  # a bulk draft's rows, so they are scrubbed like any
    scrubbed = lookbooks.exclude(title="", note="", alternates=[], closed_reason=ERASED_REASON)
    changed = scrubbed.update(title="", note="", alternates=[], closed_reason=ERASED_REASON)
    lookbooks.filter(status__in=REVIEWABLE).update(status=LookbookStatus.DISCARDED)
    LookbookItem.objects.filter(lookbook__client=client).exclude(
        explanation="", removal_note=""
    ).update(explanation="", removal_note="")
    ReviewEvent.objects.filter(lookbook__client=client).exclude(reason_text="", payload={}).update(
        reason_text="", payload={}
    )
    return changed


def _artifact_path(artifact_path: str) -> Path | None:
    path = Path(artifact_path)
    if not path.is_absolute():
        path = Path(settings.MODEL_ARTIFACT_DIR) / path
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    return path if path.exists() else None


def _sidecars(path: Path) -> list[Path]:
    """Where a list of user ids may be kept next to the .npz (see recommendations.ml.als)."""
    return [path.with_suffix(".json"), path.with_name(path.stem + ".ids.json")]


def _ids_from_json(data: Any) -> list[str] | None:
    if isinstance(data, list):
        return [str(x) for x in data]
    if isinstance(data, dict):
        for holder in (data, data.get("metadata") or {}):
            if isinstance(holder, dict) and isinstance(holder.get("user_ids"), list):
                return [str(x) for x in holder["user_ids"]]
    return None


def _load_user_ids(path: Path) -> list[str] | None:
    with np.load(path, allow_pickle=False) as data:
        if "user_ids" in data.files:
            return [str(x) for x in data["user_ids"].tolist()]
    for sidecar in _sidecars(path):
        if sidecar.exists():
            ids = _ids_from_json(json.loads(sidecar.read_text(encoding="utf-8")))
            if ids is not None:
                return ids
    return None


def _row_of(ids: list[str], client: Client) -> int | None:
    wanted = {str(client.pk), str(client.public_id)}
    for row, value in enumerate(ids):
        if value in wanted:
            return row
    return None


def _replace_id(data: Any, row: int) -> Any:
    """The same JSON with user_ids[row] blanked, wherever the list lives."""
    if isinstance(data, list):
        data[row] = ""
    elif isinstance(data, dict):
        for holder in (data, data.get("metadata") or {}):
            if isinstance(holder, dict) and isinstance(holder.get("user_ids"), list):
                holder["user_ids"][row] = ""
    return data


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _atomic_write(path: Path, write: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".erase-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def erase_client_factors(client: Client) -> int:
    """Remove the client's vector from every model artifact on disk; returns files rewritten.

    The row is overwritten with zeros and its id blanked, so the row numbers of
    every other client stay valid for the running model. Artifacts without a
    stored id list cannot be edited safely; the next training leaves the client
    out (see erased_client_ids), and this is logged without naming anyone.
    """
    rewritten = 0
    versions = ModelVersion.objects.exclude(artifact_path="").order_by("pk")
    for version in versions:
        path = _artifact_path(version.artifact_path)
        if path is None:
            continue
        ids = _load_user_ids(path)
        if ids is None:
            logger.warning(
                "Model %s has no user id list; erasure waits for retraining.", version.pk
            )
            continue
        row = _row_of(ids, client)
        if row is None:
            continue
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        factors = np.array(arrays["user_factors"], copy=True)
        factors[row] = 0
        arrays["user_factors"] = factors
        if "user_ids" in arrays:
            user_ids = arrays["user_ids"].astype(str)
            user_ids[row] = ""
            arrays["user_ids"] = user_ids
        _atomic_write(path, lambda fh, a=arrays: np.savez(fh, **a))
        checksum = _sha256(path)
        for sidecar in _sidecars(path):
            if not sidecar.exists():
                continue
            meta = _replace_id(json.loads(sidecar.read_text(encoding="utf-8")), row)
            if isinstance(meta, dict) and "sha256" in meta:
                meta["sha256"] = checksum
            body = json.dumps(meta, sort_keys=True).encode("utf-8")
            _atomic_write(sidecar, lambda fh, b=body: fh.write(b))
        ModelVersion.objects.filter(artifact_path=version.artifact_path).update(
            artifact_sha256=checksum
        )
        rewritten += 1
    return rewritten


def register() -> None:
    """Called from RecommendationsConfig.ready()."""
    register_export_section(
        "lookbooks",
        export_lookbooks,
        label=_("Lookbooks"),
        description=_(
            "Every selection sent to you in full; drafts not yet sent are listed "
            "with the kinds of data they used."
        ),
        count=count_lookbooks,
        order=90,
    )
    register_export_section(
        "recommendation_model",
        export_model_profile,
        label=_("Our recommendation model"),
        order=91,
    )
    register_export_section(
        "outlook",
        export_outlook,
        label=_("Your outlook and buying profile"),
        description=_(
            "What the house expects of your purchases, scored each night from them "
            "when your choices allow analytics."
        ),
        order=92,
    )
    register_erasure_step("lookbooks", erase_lookbooks, order=60)
    register_erasure_step("outlook", erase_outlook, order=65)
    register_erasure_step("model_factors", erase_client_factors, order=70)
