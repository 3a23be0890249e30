"""The privacy registry: each app says what it holds about a client and how to erase it.

Consent sits below the apps that hold client data, so it cannot import them.
Like the consent change handlers, the registry is explicit: every app
registers its own export sections and erasure steps from its
AppConfig.ready(), in a `<app>/privacy.py` module::

    register_export_section("orders", export_orders, label="Orders", count=count_orders)
    register_erasure_step("notes", erase_notes)

- An export section is ``fn(client) -> JSON-able data`` (lists of dicts, with
  dates as ISO strings or datetimes, Decimals allowed). ``count(client) -> int``
  is optional and must be one cheap query: the privacy centre shows it as
  "what the house holds".
- An erasure step is ``fn(client) -> int`` (rows removed or anonymised). It runs
  inside privacy_erase's transaction, must be idempotent (a second run finds
  nothing left and returns 0) and must never log or return personal values.

Sections and steps run in ``order`` (then registration order). The client's own
profile is scrubbed last, so earlier steps can still read the client row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from clients.models import Client

ExportFunction = Callable[["Client"], Any]
CountFunction = Callable[["Client"], int]
ErasureFunction = Callable[["Client"], int]


@dataclass(frozen=True)
class ExportSection:
    name: str
    export: ExportFunction
    label: StrOrPromise  # gettext_lazy: read in the reader's language (str() where shown)
    description: StrOrPromise = ""
    count: CountFunction | None = None
    order: int = 100


@dataclass(frozen=True)
class ErasureStep:
    name: str
    erase: ErasureFunction
    order: int = 100


_sections: dict[str, ExportSection] = {}
_steps: dict[str, ErasureStep] = {}


class PrivacyRegistryError(ValueError):
    pass


def register_export_section(
    name: str,
    fn: ExportFunction,
    *,
    label: StrOrPromise,
    description: StrOrPromise = "",
    count: CountFunction | None = None,
    order: int = 100,
) -> None:
    """Add (or re-add, idempotently) one section of the client's export archive."""
    existing = _sections.get(name)
    if existing is not None and existing.export is not fn:
        raise PrivacyRegistryError(f"Export section {name!r} is already registered elsewhere.")
    _sections[name] = ExportSection(
        name=name, export=fn, label=label, description=description, count=count, order=order
    )


def register_erasure_step(name: str, fn: ErasureFunction, *, order: int = 100) -> None:
    """Add (or re-add, idempotently) one step of erasure."""
    existing = _steps.get(name)
    if existing is not None and existing.erase is not fn:
        raise PrivacyRegistryError(f"Erasure step {name!r} is already registered elsewhere.")
    _steps[name] = ErasureStep(name=name, erase=fn, order=order)


def export_sections() -> tuple[ExportSection, ...]:
    position = {name: i for i, name in enumerate(_sections)}
    return tuple(sorted(_sections.values(), key=lambda s: (s.order, position[s.name])))


def erasure_steps() -> tuple[ErasureStep, ...]:
    position = {name: i for i, name in enumerate(_steps)}
    return tuple(sorted(_steps.values(), key=lambda s: (s.order, position[s.name])))
