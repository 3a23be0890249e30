"""Readers: the generic interactions CSV and the Online Retail cleaner."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

from recommendations.ml.datasets import (
    DatasetError,
    load_interactions,
    normalise_customer_id,
    parse_timestamp,
    read_interactions,
    read_online_retail,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_online_retail_cleaner_on_dirty_rows() -> None:
    data = read_online_retail(FIXTURES / "ml_online_retail_dirty.csv")
    assert data.report == {
        "rows_read": 19,
        "rows_kept": 5,
        "dropped_cancelled_invoice": 2,
        "dropped_duplicate_row": 1,
        "dropped_missing_customer": 2,
        "dropped_non_positive_price": 1,
        "dropped_non_positive_quantity": 2,
        "dropped_non_product_code": 6,
    }
    pairs = list(zip(data.user_ids.tolist(), data.item_ids.tolist(), strict=True))
    assert pairs == [
        ("17850", "85123A"),
        ("17850", "71053"),
        ("13047", "85123A"),  # "85123a" upper-cased onto the same product
        ("15311", "22139"),  # quoted description with a comma
        ("17850", "15056BL"),
    ]
    assert data.weights.tolist() == [1.0] * 5
    assert data.timestamps[0] == parse_timestamp("2010-12-01T08:26:00+00:00")


def test_online_retail_quantity_weights_and_gzip(tmp_path: Path) -> None:
    target = tmp_path / "retail.csv.gz"
    with open(FIXTURES / "ml_online_retail_dirty.csv", "rb") as src, gzip.open(target, "wb") as dst:
        shutil.copyfileobj(src, dst)
    data = load_interactions(target, fmt="online-retail")
    assert len(data) == 5
    assert read_online_retail(target, weight="quantity").weights.tolist() == [6, 6, 2, 3, 2]


def test_online_retail_rejects_other_files() -> None:
    with pytest.raises(DatasetError, match="Online Retail"):
        read_online_retail(FIXTURES / "ml_interactions_dirty.csv")


def test_customer_id_normalisation() -> None:
    assert normalise_customer_id("17850.0") == "17850"
    assert normalise_customer_id(" 12346.00 ") == "12346"
    assert normalise_customer_id("A-17") == "A-17"
    assert normalise_customer_id("") == ""


def test_interactions_reader_skips_and_counts_bad_rows() -> None:
    data = read_interactions(FIXTURES / "ml_interactions_dirty.csv")
    assert data.report == {
        "rows_read": 10,
        "rows_kept": 4,
        "dropped_bad_timestamp": 1,
        "dropped_bad_weight": 2,
        "dropped_missing_id": 2,
        "dropped_short_row": 1,
    }
    assert data.user_ids.tolist() == ["a", "a", "b", "c"]
    assert data.item_ids.tolist() == ["x", "y", "x", "z"]
    assert data.weights.tolist() == [1.0, 2.5, 1.0, 1.0]
    march_1 = 1709251200  # 2024-03-01T00:00:00Z
    assert data.timestamps.tolist() == [
        march_1,
        march_1 + 86400 + 12 * 3600,
        march_1,
        march_1 + 3 * 86400 + 7 * 3600,  # 08:00+01:00
    ]
    assert data.timestamps.dtype == np.int64


def test_interactions_reader_rejects_wrong_header(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("user,item,when\na,b,2024-01-01\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="client_id,product_id,timestamp"):
        read_interactions(bad)
    with pytest.raises(DatasetError, match="no such file"):
        read_interactions(tmp_path / "missing.csv")
    with pytest.raises(DatasetError, match="unknown format"):
        load_interactions(bad, fmt="parquet")


def test_parse_timestamp_forms() -> None:
    assert parse_timestamp("1970-01-02") == 86400
    assert parse_timestamp("86400") == 86400
    assert parse_timestamp("1970-01-01T01:00:00Z") == 3600
    with pytest.raises(ValueError, match="yesterday"):
        parse_timestamp("yesterday")
