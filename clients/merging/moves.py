"""Merge two profiles of one client into one, and undo it: every row moves, one transaction.

Which rows move is read from the models themselves (every foreign key to Client),
so a table added later moves too unless it is named in STAYS. Rows that cannot
move without breaking a uniqueness rule (the same piece on both wishlists, the
same book permission twice) stay on the absorbed profile, listed in the merge's
history: nothing is lost, nothing is duplicated, and unmerge puts each row back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from clients.models import (
    STYLE_FIELDS,
    Client,
    ClientMerge,
    ClientStatus,
    Identity,
    MergeStatus,
    MergeSuggestion,
    WishlistItem,
)
from clients.services import client_stats_refresh
from consent import policy
from consent.models import ConsentSource
from consent.services import consent_record

# Records that belong to the profile they were written about, and never move:
# consent records and the staff access log are append-only evidence, privacy
# requests are the absorbed profile's own, book reassignments are its history.
STAYS = frozenset(
    {
        "consent.consentrecord",
        "consent.staffaccesslog",
        "consent.privacyrequest",
        "stylists.bookreassignment",
        "clients.clientmerge",
        "clients.mergesuggestion",
        "clients.client",
    }
)
# Moved with care (uniqueness rules), by the functions below.
PERMISSIONS = frozenset(
    {"clients.clientuserobjectpermission", "clients.clientgroupobjectpermission"}
)
ASSIGNMENTS = "stylists.bookassignment"
# Survivor fields filled from the absorbed profile when the survivor has none.
FILLED_FIELDS = ("salutation", "preferred_name", "timezone", *STYLE_FIELDS)


class MergeError(ValidationError):
    """A merge or unmerge that cannot be done, with the reason in plain words."""


def client_relations() -> list[tuple[str, type[models.Model], str]]:
    """(model label, model, field name) of every foreign key to Client."""
    found: list[tuple[str, type[models.Model], str]] = []
    for relation in Client._meta.related_objects:
        model = relation.related_model
        if relation.one_to_many and isinstance(model, type):
            found.append((model._meta.label_lower, model, relation.field.name))
    return sorted(found, key=lambda item: (item[0], item[2]))


def _moveable(label: str) -> bool:
    return label not in STAYS


@transaction.atomic
def client_merge(
    *,
    survivor: Client,
    absorbed: Client,
    performed_by: Any = None,
    reason: str = "",
    suggestion: MergeSuggestion | None = None,
) -> ClientMerge:
    """Move everything of `absorbed` to `survivor`; the audit row says what moved."""
    first, second = sorted((survivor.pk, absorbed.pk))
    locked = Client.objects.select_for_update().in_bulk([first, second])  # pk order
    survivor, absorbed = locked[survivor.pk], locked[absorbed.pk]
    _check_mergeable(survivor, absorbed)
    now = timezone.now()
    merge = ClientMerge(
        survivor=survivor,
        absorbed=absorbed,
        suggestion=suggestion,
        performed_by=performed_by,
        performed_at=now,
        reason=reason[:280],
    )
    merge.demoted_identities = _demote_duplicate_primaries(survivor, absorbed)
    merge.closed_assignments = _close_second_open_assignment(survivor, absorbed, now)
    merge.kept_apart = _rows_kept_apart(survivor, absorbed)
    merge.moved = _move_rows(absorbed.pk, survivor.pk, merge.kept_apart)
    merge.survivor_before = _fill_survivor(survivor, absorbed)
    merge.user_moved = _move_login(survivor, absorbed)
    absorbed.status = ClientStatus.MERGED
    absorbed.merged_into = survivor
    absorbed.save(update_fields=["status", "merged_into", "user", "updated_at"])
    merge.full_clean(exclude=["suggestion", "performed_by"])
    merge.save()
    merge.survivor_consent_before, merge.consent_record_id = _stricter_consent(
        survivor, absorbed, merge, performed_by
    )
    merge.save(update_fields=["survivor_consent_before", "consent_record_id"])
    if suggestion is not None:
        suggestion.status = MergeStatus.ACCEPTED
        suggestion.decided_by = performed_by
        suggestion.decided_at = now
        suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    client_stats_refresh(client_ids=[survivor.pk, absorbed.pk])
    return merge


def _check_mergeable(survivor: Client, absorbed: Client) -> None:
    if survivor.pk == absorbed.pk:
        raise MergeError("A profile cannot be merged into itself.")
    for client in (survivor, absorbed):
        if client.status != ClientStatus.ACTIVE:
            raise MergeError(
                f"{client.full_name} is {client.get_status_display().lower()}: "
                "only active profiles can be merged."
            )
    if survivor.user_id and absorbed.user_id:
        raise MergeError(
            "Both profiles have a concierge login: the client must choose which one to keep "
            "before they are merged."
        )


def _demote_duplicate_primaries(survivor: Client, absorbed: Client) -> list[int]:
    """The absorbed side's primary identities of a kind the survivor has a primary for."""
    kinds = Identity.objects.filter(client=survivor, is_primary=True).values("kind")
    demoted = list(
        Identity.objects.filter(client=absorbed, is_primary=True, kind__in=kinds).values_list(
            "pk", flat=True
        )
    )
    Identity.objects.filter(pk__in=demoted).update(is_primary=False)
    return demoted


def _close_second_open_assignment(survivor: Client, absorbed: Client, now: Any) -> list[int]:
    """One book per client: the absorbed side's open assignment ends if the survivor has one."""
    model = _model(ASSIGNMENTS)
    if (
        model is None
        or not model._default_manager.filter(client=survivor, ended_at__isnull=True).exists()
    ):
        return []
    open_rows = list(
        model._default_manager.filter(client=absorbed, ended_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    model._default_manager.filter(pk__in=open_rows).update(ended_at=now)
    return open_rows


def _rows_kept_apart(survivor: Client, absorbed: Client) -> dict[str, list[int]]:
    """Rows that would duplicate one of the survivor's: they stay where they are."""
    kept: dict[str, list[int]] = {}
    same_piece = WishlistItem.objects.filter(client=survivor).values("product_id")
    wishlist = list(
        WishlistItem.objects.filter(client=absorbed, product_id__in=same_piece).values_list(
            "pk", flat=True
        )
    )
    if wishlist:
        kept["clients.wishlistitem"] = wishlist
    for label in PERMISSIONS:
        model = _model(label)
        if model is None:
            continue
        holder = "user" if "user" in label else "group"
        held = set(
            model._default_manager.filter(content_object=survivor).values_list(holder, "permission")
        )
        same = [
            pk
            for pk, who, permission in model._default_manager.filter(
                content_object=absorbed
            ).values_list("pk", holder, "permission")
            if (who, permission) in held
        ]
        if same:
            kept[label] = same
    return kept


def _move_rows(from_id: int, to_id: int, kept_apart: dict[str, list[int]]) -> dict[str, list[int]]:
    moved: dict[str, list[int]] = {}
    for label, model, field in client_relations():
        if not _moveable(label):
            continue
        rows = model._default_manager.filter(**{f"{field}_id": from_id}).exclude(
            pk__in=kept_apart.get(label, [])
        )
        pks = sorted(rows.values_list("pk", flat=True))
        if pks:
            model._default_manager.filter(pk__in=pks).update(**{f"{field}_id": to_id})
            moved[f"{label}.{field}"] = pks
    return moved


def _fill_survivor(survivor: Client, absorbed: Client) -> dict[str, Any]:
    """Give the survivor what only the absorbed side knew; returns the fields' old values."""
    before: dict[str, Any] = {}
    for name in FILLED_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(absorbed, name)
        if name == "sizes":
            missing = {k: v for k, v in (theirs or {}).items() if k not in (mine or {})}
            if missing:
                before[name] = mine
                survivor.sizes = {**(mine or {}), **missing}
        elif mine in (None, "", [], {}) and theirs not in (None, "", [], {}):
            before[name] = mine
            setattr(survivor, name, theirs)
    if absorbed.is_vic and not survivor.is_vic:
        before["is_vic"] = False
        survivor.is_vic = True
    if before:
        survivor.save(update_fields=[*before, "updated_at"])
    return {k: (str(v) if hasattr(v, "as_tuple") else v) for k, v in before.items()}


def _move_login(survivor: Client, absorbed: Client) -> bool:
    if absorbed.user_id and not survivor.user_id:
        user_id = absorbed.user_id
        absorbed.user = None
        absorbed.save(update_fields=["user"])
        survivor.user_id = user_id
        survivor.save(update_fields=["user"])
        return True
    return False


def _stricter_consent(
    survivor: Client, absorbed: Client, merge: ClientMerge, performed_by: Any
) -> tuple[dict[str, Any], int | None]:
    """The survivor's consent becomes the stricter of both, per data kind and per channel."""
    states = policy.current_consents([survivor.pk, absorbed.pk])
    mine, theirs = states[survivor.pk], states[absorbed.pk]
    before = {"tier": mine.tier, "channels": sorted(mine.channels), "has_record": mine.has_record}
    if not (mine.has_record or theirs.has_record):
        return before, None
    tier, channels = policy.stricter_of(mine, theirs)
    change = consent_record(
        client=survivor,
        tier=tier,
        channels=channels,
        source=ConsentSource.ADMIN,
        proof_text=(
            f"Profiles merged ({merge.public_id}): the stricter of both profiles' consent, "
            "per data kind and per channel."
        ),
        recorded_by=performed_by if getattr(performed_by, "is_authenticated", False) else None,
        note=f"merge {merge.public_id}",
    )
    return before, change.record_id


@transaction.atomic
def client_unmerge(
    *, merge: ClientMerge, performed_by: Any = None, reason: str = ""
) -> ClientMerge:
    """Undo a merge: each moved row goes back, the survivor's filled fields are restored."""
    merge = ClientMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.unmerged_at is not None:
        raise MergeError("This merge was already undone.")
    locked = Client.objects.select_for_update().in_bulk(
        sorted((merge.survivor_id, merge.absorbed_id))
    )
    survivor, absorbed = locked[merge.survivor_id], locked[merge.absorbed_id]
    for key, pks in merge.moved.items():
        label, field = key.rsplit(".", 1)
        model = _model(label)
        if model is not None:
            model._default_manager.filter(pk__in=pks).update(**{f"{field}_id": absorbed.pk})
    Identity.objects.filter(pk__in=merge.demoted_identities).update(is_primary=True)
    assignments = _model(ASSIGNMENTS)
    if assignments is not None and merge.closed_assignments:
        assignments._default_manager.filter(pk__in=merge.closed_assignments).update(ended_at=None)
    _restore_survivor(survivor, merge.survivor_before)
    if merge.user_moved and survivor.user_id:
        user_id = survivor.user_id
        survivor.user = None
        survivor.save(update_fields=["user"])
        absorbed.user_id = user_id
    absorbed.status = ClientStatus.ACTIVE
    absorbed.merged_into = None
    absorbed.save(update_fields=["status", "merged_into", "user", "updated_at"])
    _restore_consent(survivor, merge, performed_by)
    merge.unmerged_at = timezone.now()
    merge.unmerged_by = performed_by if getattr(performed_by, "is_authenticated", False) else None
    merge.unmerge_reason = reason[:280]
    merge.save(update_fields=["unmerged_at", "unmerged_by", "unmerge_reason"])
    client_stats_refresh(client_ids=[survivor.pk, absorbed.pk])
    return merge


def _restore_survivor(survivor: Client, before: dict[str, Any]) -> None:
    for name, value in before.items():
        setattr(survivor, name, value)
    if before:
        survivor.full_clean(exclude=["user", "home_boutique", "merged_into"])
        survivor.save(update_fields=[*before, "updated_at"])


def _restore_consent(survivor: Client, merge: ClientMerge, performed_by: Any) -> None:
    """If the merge's record is still her newest, she gets her own consent back.

    A choice she made after the merge is hers and stands.
    """
    if merge.consent_record_id is None:
        return
    newest = policy.current_consent(survivor.pk)
    newest_id = survivor.consent_records.values_list("pk", flat=True).first()
    before = merge.survivor_consent_before
    if newest_id != merge.consent_record_id:
        return
    # With no record before the merge she had said nothing: Essential, no channel.
    if (newest.tier, sorted(newest.channels)) == (before["tier"], before["channels"]):
        return
    consent_record(
        client=survivor,
        tier=before["tier"],
        channels=before["channels"],
        source=ConsentSource.ADMIN,
        proof_text=(
            f"Merge {merge.public_id} undone: the consent this client gave before the merge."
        ),
        recorded_by=performed_by if getattr(performed_by, "is_authenticated", False) else None,
        note=f"unmerge {merge.public_id}",
    )


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def open_merges_of(clients: Iterable[Client]) -> dict[int, ClientMerge]:
    """The merge each absorbed profile is part of (for the story page's banner)."""
    return {
        merge.absorbed_id: merge
        for merge in ClientMerge.objects.filter(
            absorbed__in=list(clients), unmerged_at__isnull=True
        )
    }
