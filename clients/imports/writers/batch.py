"""What the import loop and every importer agree on: a batch's groups, its outcome, the protocol."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from clients.imports.parsers.columns import ColumnSpec
from clients.imports.reading import Record
from clients.imports.report import RowRejected

CreatedHook = Callable[[list[int]], None]  # called with the ids of the clients just created


@dataclass
class BatchOutcome:
    """What one batch did; applied to the report (and the importer) only after commit."""

    counts: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    rejections: list[tuple[int, RowRejected]] = field(default_factory=list)
    accepted: int = 0
    skipped: int = 0
    touched_clients: set[int] = field(default_factory=set)
    created_refs: set[str] = field(default_factory=set)
    seen_keys: set[tuple[str, str]] = field(default_factory=set)  # (entity, key): retail
    notes: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def count(self, entity: str, outcome: str, n: int = 1) -> None:
        if n:
            self.counts[(entity, outcome)] += n

    def reject(self, line: int, exc: RowRejected) -> None:
        self.rejections.append((line, exc))

    def absorb(self, other: BatchOutcome) -> None:
        """Add another outcome to this one (a batch written again group by group)."""
        for key, n in other.counts.items():
            self.counts[key] += n
        self.rejections.extend(other.rejections)
        self.accepted += other.accepted
        self.skipped += other.skipped
        self.touched_clients |= other.touched_clients
        self.created_refs |= other.created_refs
        self.seen_keys |= other.seen_keys
        for note, n in other.notes.items():
            self.notes[note] += n


@dataclass
class Group:
    """Rows that are written together: one client, the lines of one order or invoice."""

    key: str
    items: list[Any] = field(default_factory=list)

    @property
    def lines(self) -> list[int]:
        return [item.line for item in self.items]


# What the importer made of a record: (group key, item), why it is rejected (RowRejected,
# or the exception a parser bug raised), or None (a record unreadable, blank or not parsed).
Prepared = tuple[str, Any] | Exception | None
Parsed = tuple[Record, Prepared]  # a record, and what the importer made of it
Lined = tuple[int, Prepared]  # the same for a record of one line (read whole), by its line


class Importer(Protocol):
    spec: ColumnSpec
    primary_entity: str

    def start(self, header: Sequence[str], positions: Mapping[str, int]) -> None: ...

    def prepare(self, line: int, values: list[str]) -> tuple[str, Any] | RowRejected:
        """(group key, parsed item); why the row is rejected, returned or raised (RowRejected).

        Returning it spares an exception per rejected row (the Online Retail file rejects
        143,305); the loop treats both the same.
        """
        ...

    def write(self, groups: Sequence[Group]) -> BatchOutcome: ...

    def committed(self, outcome: BatchOutcome) -> None: ...
