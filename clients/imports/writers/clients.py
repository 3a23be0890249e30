"""The atelier clients importer: new clients created, known ones completed, consent recorded."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clients.identities import identity_lookup_hash
from clients.imports.parsers.cells import Boutiques
from clients.imports.parsers.clients import ClientInput, parse_client
from clients.imports.parsers.columns import CLIENT_COLUMNS
from clients.imports.report import RowRejected
from clients.imports.writers.batch import BatchOutcome, CreatedHook, Group
from clients.imports.writers.shared_steps import (
    IMPORT_SOURCE,
    KIND_WORDS,
    clients_bulk_create,
    clients_by_lookup_hash,
    row_by_column,
)
from clients.models import Client, Identity
from clients.services import identity_build
from consent.models import ConsentSource
from consent.services import ConsentGrant, consent_apply_stricter, consent_record_bulk


@dataclass(frozen=True, slots=True)
class ClientItem:
    line: int
    data: ClientInput
    hashes: tuple[tuple[str, str, str], ...]  # (kind, value, lookup hash)


class ClientsImporter:
    spec = CLIENT_COLUMNS
    primary_entity = "clients"

    def __init__(
        self,
        *,
        boutiques: Boutiques,
        on_created: CreatedHook | None = None,
        recorded_by: Any = None,
        policy_version: Any = None,
    ) -> None:
        self.boutiques = boutiques
        self.on_created = on_created
        self.recorded_by = recorded_by
        self.policy_version = policy_version
        self.header: list[str] = []
        self.consent_columns = False
        self._seen: dict[str, tuple[int, str]] = {}  # lookup hash -> (line, kind)

    def start(self, header: Sequence[str], positions: Mapping[str, int]) -> None:
        self.header = list(header)
        self.consent_columns = "consent_tier" in positions

    def prepare(self, line: int, values: list[str]) -> tuple[str, ClientItem]:
        data = parse_client(
            line,
            row_by_column(self.header, values),
            boutiques=self.boutiques,
            consent_columns=self.consent_columns,
        )
        hashes = tuple(
            (kind, value, identity_lookup_hash(kind, value)) for kind, value in data.identities()
        )
        for kind, value, digest in hashes:
            if digest in self._seen:
                first_line, _ = self._seen[digest]
                raise RowRejected(
                    "duplicate_in_file",
                    f"The {KIND_WORDS[kind]} is already on line {first_line} of this file.",
                    value,
                )
        for kind, _, digest in hashes:
            self._seen[digest] = (line, kind)
        return str(line), ClientItem(line=line, data=data, hashes=hashes)

    def write(self, groups: Sequence[Group]) -> BatchOutcome:
        outcome = BatchOutcome()
        items: list[ClientItem] = [item for group in groups for item in group.items]
        found = clients_by_lookup_hash(digest for item in items for _, _, digest in item.hashes)
        new: list[ClientItem] = []
        existing: dict[int, list[ClientItem]] = defaultdict(list)
        for item in items:
            matched = {found[digest] for _, _, digest in item.hashes if digest in found}
            if len(matched) > 1:
                outcome.reject(
                    item.line,
                    RowRejected(
                        "identity_conflict",
                        "The row's e-mail, phone and loyalty id belong to different clients "
                        "already in the database.",
                        item.data.email or item.data.phone or item.data.loyalty,
                    ),
                )
            elif matched:
                existing[matched.pop()].append(item)
            else:
                new.append(item)
        if existing:
            self._merge(existing, found, outcome)
        if new:
            self._create(new, outcome)
        return outcome

    def _merge(
        self,
        existing: dict[int, list[ClientItem]],
        found: Mapping[str, int],
        outcome: BatchOutcome,
    ) -> None:
        """Known clients: add what they lack (an identity kind, a size); overwrite nothing."""
        clients = Client.objects.in_bulk(list(existing))
        kinds_held: dict[int, set[str]] = defaultdict(set)
        for client_id, kind in Identity.objects.filter(client_id__in=list(existing)).values_list(
            "client_id", "kind"
        ):
            kinds_held[client_id].add(kind)
        new_identities: list[Identity] = []
        changed: list[Client] = []
        for client_id, items in existing.items():
            client = clients[client_id]
            for item in items:
                if not _same_name(client, item.data):
                    outcome.reject(
                        item.line,
                        RowRejected(
                            "identity_taken",
                            "This e-mail / phone / loyalty id belongs to a client already in "
                            "the database under another name: check the row, or correct the "
                            "client in the admin.",
                            item.data.email or item.data.phone or item.data.loyalty,
                        ),
                    )
                    continue
                added = _missing_identities(client, item, found, kinds_held[client_id])
                new_identities.extend(added)
                sizes_added = _add_missing_sizes(client, item.data.sizes)
                if sizes_added and client not in changed:
                    changed.append(client)
                consent_changed = self._stricter_consent(client, item)
                _count_merged(
                    outcome,
                    item,
                    identities_added=len(added),
                    sizes_added=sizes_added,
                    consent_changed=consent_changed,
                )
        if new_identities:
            Identity.objects.bulk_create(new_identities)
        if changed:
            Client.objects.bulk_update(changed, ["sizes"])

    def _stricter_consent(self, client: Client, item: ClientItem) -> bool:
        """A known client's consent in the file: the stricter of stored and file wins.

        An opt-out in the file (a lower tier, a channel off) is recorded; a file never
        widens what the client told the house. True when a record was added.
        """
        consent = item.data.consent
        if consent is None:
            return False
        change = consent_apply_stricter(
            client=client,
            tier=consent.tier,
            channels=consent.channels,
            source=ConsentSource.IMPORT,
            proof_text=consent.proof,
            recorded_by=self.recorded_by,
            note=f"CSV import, line {item.line}: the stricter of the stored consent and the file's",
        )
        return change is not None

    def _create(self, items: list[ClientItem], outcome: BatchOutcome) -> None:
        clients = [
            Client(
                first_name=item.data.first_name,
                last_name=item.data.last_name,
                home_boutique_id=item.data.boutique_id,
                preferred_language=item.data.language,
                salutation=item.data.salutation,
                sizes=item.data.sizes,
                is_vic=bool(item.data.is_vic),
            )
            for item in items
        ]
        ids = clients_bulk_create(
            clients,
            [[(kind, value) for kind, value, _ in item.hashes] for item in items],
            self.on_created,
        )
        grants = [
            ConsentGrant(
                client_id=client_id,
                tier=item.data.consent.tier,
                channels=item.data.consent.channels,
                proof_text=item.data.consent.proof,
            )
            for client_id, item in zip(ids, items, strict=True)
            if item.data.consent is not None
        ]
        consent_record_bulk(
            grants=grants,
            source=ConsentSource.IMPORT,
            recorded_by=self.recorded_by,
            policy_version=self.policy_version,
            note="CSV import",
        )
        outcome.count("clients", "created", len(ids))
        outcome.count("identities", "created", sum(len(item.hashes) for item in items))
        outcome.count("consents", "created", len(grants))
        outcome.accepted += len(ids)

    def committed(self, outcome: BatchOutcome) -> None:
        return None


def _folded(text: str) -> str:
    """Names compared without case or accents: 'Bérénice' == 'BERENICE'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def _same_name(client: Client, data: ClientInput) -> bool:
    return (_folded(client.first_name), _folded(client.last_name)) == (
        _folded(data.first_name),
        _folded(data.last_name),
    )


def _missing_identities(
    client: Client, item: ClientItem, found: Mapping[str, int], kinds_held: set[str]
) -> list[Identity]:
    """The row's identities of a kind the client has none of yet (kinds_held grows with them)."""
    added: list[Identity] = []
    for kind, value, digest in item.hashes:
        if digest not in found and kind not in kinds_held:
            added.append(
                identity_build(
                    client=client, kind=kind, value=value, source=IMPORT_SOURCE, is_primary=True
                )
            )
            kinds_held.add(kind)
    return added


def _add_missing_sizes(client: Client, sizes: Mapping[str, str]) -> bool:
    """Give the client the row's sizes they have no value for; True if any was added."""
    missing_sizes = {key: size for key, size in sizes.items() if key not in (client.sizes or {})}
    if missing_sizes:
        client.sizes = {**(client.sizes or {}), **missing_sizes}
    return bool(missing_sizes)


def _count_merged(
    outcome: BatchOutcome,
    item: ClientItem,
    *,
    identities_added: int,
    sizes_added: bool,
    consent_changed: bool,
) -> None:
    """A known client is 'updated' if the row added anything, else 'skipped'."""
    if item.data.consent is not None:
        outcome.count("consents", "created" if consent_changed else "skipped")
    outcome.count("identities", "created", identities_added)
    if identities_added or sizes_added or consent_changed:
        outcome.count("clients", "updated")
        outcome.accepted += 1
    else:
        outcome.count("clients", "skipped")
        outcome.skipped += 1
