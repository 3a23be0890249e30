"""Helpers for the import tests: the fixture files, running an import on bytes, the report's rows.

Fixtures live in tests/fixtures/imports/ (hand-written, small, dirty on purpose);
the real Online Retail file is read only by the end-to-end test, and only if present.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from clients.imports.report import ImportReport
from clients.imports.services import import_stream
from tests.factories.catalog import ProductFactory, VariantFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
ONLINE_RETAIL = Path(__file__).resolve().parents[3] / "shared" / "data" / "online_retail.csv.gz"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def run_import(
    data: bytes | str, *, kind: str = "clients", fmt: str = "atelier", **options: Any
) -> ImportReport:
    """Import bytes (or a fixture's name) as if uploaded."""
    if isinstance(data, str):
        data = fixture_bytes(data)
    return import_stream(stream=io.BytesIO(data), kind=kind, fmt=fmt, **options)


def rejected(report: ImportReport) -> list[tuple[int, str]]:
    return [(r.line, r.code) for r in report.rejections]


def counts(report: ImportReport, entity: str) -> dict[str, int]:
    return report.entities[entity].as_dict()


@pytest.fixture
def catalogue(cast: Any) -> dict[str, Any]:
    """The pieces the atelier order fixtures name: a trench (MV-TRENCH), a scarf variant."""
    trench = ProductFactory(style_code="MV-TRENCH", name="Riviera trench")
    scarf = VariantFactory(
        sku="SKU-SCARF-1", product=ProductFactory(style_code="MV-SCARF", name="Carré")
    )
    return {"trench": trench, "scarf": scarf}
