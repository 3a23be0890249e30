"""What an import did: counts per entity, each rejected row with its reason, timing.

Pure Python. Rejected values are shown to the admins who ran the import, so a
person can fix the row; they are truncated, stripped of control characters and
never written to logs (logs get counts and line numbers only).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeVar

from core.csvsafe import neutralise_row

VALUE_MAX_CHARS = 60
ENTITIES: tuple[str, ...] = (
    "clients",
    "identities",
    "consents",
    "products",
    "orders",
    "order_lines",
    "cancellations",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def shown_value(value: Any) -> str:
    """A value fit for a report: control characters visible as �, at most 60 characters."""
    text = "" if value is None else str(value)
    if len(text) <= VALUE_MAX_CHARS and text.isprintable():  # no control character, no break
        return text.strip()
    text = _CONTROL.sub("\ufffd", text.replace("\r", " ").replace("\n", " ")).strip()
    if len(text) > VALUE_MAX_CHARS:
        text = text[: VALUE_MAX_CHARS - 1] + "…"
    return text


@dataclass(frozen=True)
class Rejection:
    """One rejected row: where, why (a code and plain words) and what it held."""

    line: int
    code: str
    reason: str
    value: str = ""

    def as_list(self) -> list[Any]:
        return [self.line, self.code, self.reason, self.value]


class RowRejected(Exception):
    """A row cannot be imported; carries the rejection (raised by parsers and writers)."""

    def __init__(self, code: str, reason: str, value: Any = "") -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.value = shown_value(value)


E = TypeVar("E", bound=BaseException)


def without_frames(exc: E) -> E:
    """`exc`, holding no frame: its traceback and the exceptions it was raised from dropped.

    A rejection is kept beside its row until the batch is written. A traceback (its own,
    or that of an exception it was raised while handling) holds the frames it passed
    through, and so whatever they hold, the rejection included: a cycle that only the
    cyclic collector frees, and the fast path pauses it for the whole import.
    """
    exc.__traceback__ = None
    exc.__context__ = None
    exc.__cause__ = None
    return exc


@dataclass
class EntityCounts:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "rejected": self.rejected,
        }


@dataclass
class ImportReport:
    """Filled while an import runs; `as_dict` is what ImportRun.report stores."""

    kind: str
    format: str
    dry_run: bool = False
    rows_read: int = 0
    rows_accepted: int = 0  # rows that wrote something
    rows_skipped: int = 0  # blank lines and rows already stored (re-imports)
    rows_rejected: int = 0
    entities: dict[str, EntityCounts] = field(
        default_factory=lambda: {name: EntityCounts() for name in ENTITIES}
    )
    reasons: Counter[str] = field(default_factory=Counter)
    rejections: list[Rejection] = field(default_factory=list)
    rejections_kept: int = 10_000
    encoding: str = ""
    delimiter: str = ""
    error: str = ""
    error_code: str = ""
    stopped_at_line: int | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def reject(self, line: int, code: str, reason: str, value: Any = "") -> None:
        self.rows_rejected += 1
        self.reasons[code] += 1
        if len(self.rejections) < self.rejections_kept:
            self.rejections.append(Rejection(line, code, reason, shown_value(value)))

    def reject_exc(self, line: int, exc: RowRejected) -> None:
        self.reject(line, exc.code, exc.reason, exc.value)

    def count(self, entity: str, outcome: str, n: int = 1) -> None:
        counts = self.entities[entity]
        setattr(counts, outcome, getattr(counts, outcome) + n)

    def fail(self, code: str, message: str, *, line: int | None = None) -> None:
        self.error_code = code
        self.error = message
        self.stopped_at_line = line

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def reasons_in_words(self) -> dict[str, str]:
        """The first plain-words reason seen for each code (for summaries)."""
        words: dict[str, str] = {}
        for rejection in self.rejections:
            words.setdefault(rejection.code, rejection.reason)
        return words

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "format": self.format,
            "dry_run": self.dry_run,
            "rows": {
                "read": self.rows_read,
                "accepted": self.rows_accepted,
                "skipped": self.rows_skipped,
                "rejected": self.rows_rejected,
            },
            "entities": {name: counts.as_dict() for name, counts in self.entities.items()},
            "rejected_by_reason": dict(self.reasons.most_common()),
            # In file order: rows refused while reading come before the rows a batch
            # refused on saving, which the batch reports once it has committed.
            "rejections": [r.as_list() for r in sorted(self.rejections, key=_line)],
            "rejections_truncated": self.rows_rejected > len(self.rejections),
            "encoding": self.encoding,
            "delimiter": {"\t": "tab"}.get(self.delimiter, self.delimiter),
            "error": self.error,
            "error_code": self.error_code,
            "stopped_at_line": self.stopped_at_line,
            "seconds": round(self.seconds, 3),
            "notes": self.notes,
        }

    def summary_lines(self) -> list[str]:
        """A few plain lines for the command line and the admin message."""
        lines = []
        if self.error:
            lines.append(f"Stopped: {self.error}")
        prefix = "Dry run (nothing saved): " if self.dry_run else ""
        lines.append(
            f"{prefix}{self.rows_read} rows read: {self.rows_accepted} accepted, "
            f"{self.rows_skipped} skipped, {self.rows_rejected} rejected "
            f"in {self.seconds:.1f} s."
        )
        for name, counts in self.entities.items():
            if any(counts.as_dict().values()):
                lines.append(
                    f"  {name.replace('_', ' ')}: {counts.created} created, {counts.updated} "
                    f"updated, {counts.skipped} skipped, {counts.rejected} rejected"
                )
        words = self.reasons_in_words
        for code, n in self.reasons.most_common():
            lines.append(f"  rejected {n} × {code}: {words.get(code, '')}".rstrip(": "))
        lines.extend(f"  note: {note}" for note in self.notes)
        return lines


def _line(rejection: Rejection) -> int:
    return rejection.line


def rejections_csv(rejections: list[list[Any]] | list[Rejection]) -> str:
    """The rejected rows as CSV text (line,reason,value), cells neutralised, BOM first."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["line", "reason", "value"])
    for item in rejections:
        line, _code, reason, value = item.as_list() if isinstance(item, Rejection) else item
        writer.writerow(neutralise_row([line, reason, value]))
    return buffer.getvalue()
