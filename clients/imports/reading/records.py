"""What reading a CSV yields: numbered records, and why a file is refused or stopped."""

from __future__ import annotations

from dataclasses import dataclass

from clients.imports.report import RowRejected, shown_value


class FileRefused(Exception):
    """The whole file is refused before any row is read (nothing is written)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class FileStopped(Exception):
    """Reading stopped part-way (damaged gzip, size limit); rows before it stand."""

    def __init__(self, code: str, message: str, line: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


# Not frozen: built once per line of the file, where a frozen dataclass costs three
# times as much; nothing changes one after building it.
@dataclass(slots=True)
class Record:
    """One CSV record: its first physical line, its fields, or why it cannot be read."""

    line: int
    values: list[str]
    problem: RowRejected | None = None
    last_line: int = 0

    @property
    def blank(self) -> bool:
        return self.problem is None and not "".join(self.values).strip()


def identity_header(name: str) -> str:
    return name.strip()


def snake_header(name: str) -> str:
    """' Home Boutique' -> 'home_boutique' (how the atelier format compares column names)."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def describe_value(values: list[str]) -> str:
    """A record's fields as one short value for a rejection."""
    return shown_value(",".join(values))
