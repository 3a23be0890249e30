"""The evaluate_recommendations management command, end to end on small fixtures.

tests/fixtures/ml_block_interactions.csv: 4 blocks of 10 clients and 6 products; client j of
block b bought all 6 products of its block, product (j + t) % 6 on day 1 + 5t (t = 0..5), so
a cutoff of 2024-01-20 leaves 4 purchases per client in training and the 2 products of its
block it has not bought yet in test: a model that learns the blocks scores nDCG@2 = 1.
Extra rows: b0c0 re-buys b0p0 on 2024-01-28 (excluded from the truth), b1c1 buys a product
nobody had before (p_new, not in the training catalogue) and client "lone" only appears
after the cutoff.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BLOCKS = FIXTURES / "ml_block_interactions.csv"
REQUIRED = {"k", "split", "clients_evaluated", "products", "train_seconds", "model", "popularity"}
METRICS = {"ndcg", "precision", "recall", "map", "coverage", "params"}


def _run(*args: str) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluate_recommendations", *args, stdout=out, stderr=err)
    text = out.getvalue()
    assert text.count("\n") == 1  # one line, one object
    assert text.endswith("\n")
    decoder = json.JSONDecoder()
    result, end = decoder.raw_decode(text)
    assert text[end:].strip() == ""
    assert isinstance(result, dict)
    assert set(result) >= REQUIRED
    assert set(result["model"]) >= METRICS
    assert set(result["popularity"]) >= METRICS
    return result


def test_temporal_split_block_data() -> None:
    result = _run(
        "--interactions", str(BLOCKS), "--split", "temporal", "--cutoff", "2024-01-20", "--k", "2"
    )
    assert result["split"] == "temporal"
    assert result["k"] == 2
    assert result["clients_evaluated"] == 40  # "lone" was never seen in training
    assert result["products"] == 24  # p_new is not in the training catalogue
    split = result["data"]["split"]
    assert split["test_pairs_already_bought_dropped"] == 1
    assert split["test_pairs_new_product_dropped"] == 1
    assert split["test_clients_unseen_in_train"] == 1
    model, popular = result["model"], result["popularity"]
    # the two products each client buys next are the block's two it has not bought yet
    assert model["ndcg"] > 0.95
    assert model["ndcg"] > 3 * popular["ndcg"]
    assert model["coverage"] == pytest.approx(1.0)
    assert popular["coverage"] <= 0.25
    assert model["params"]["random_state"] == 42
    assert result["train_seconds"] >= 0


def test_random_split_block_data_defaults() -> None:
    result = _run("--interactions", str(BLOCKS))
    assert result["split"] == "random"
    assert result["k"] == 10
    # every block client has >= 6 distinct products so holds out round(0.25 * 6) = 2;
    # "lone" has one product and stays in training (not evaluated)
    assert result["clients_evaluated"] == 40
    # p_new's only buyer (b1c1) holds it out under seed 42, so it is not in the catalogue
    assert result["data"]["split"]["test_pairs_new_product_dropped"] == 1
    assert result["products"] == 24
    assert result["model"]["ndcg"] > 2 * result["popularity"]["ndcg"]
    assert result["model"]["recall"] > 0.9


def test_online_retail_format() -> None:
    result = _run(
        "--interactions",
        str(FIXTURES / "ml_online_retail_dirty.csv"),
        "--format",
        "online-retail",
        "--test-fraction",
        "0.5",
        "--seed",
        "1",
    )
    assert result["data"]["rows_kept"] == 5
    assert result["data"]["dropped_non_product_code"] == 6
    assert result["clients_evaluated"] == 1  # only 17850 has more than one product


def test_temporal_split_requires_cutoff() -> None:
    with pytest.raises(CommandError, match="--cutoff"):
        call_command(
            "evaluate_recommendations",
            "--interactions",
            str(BLOCKS),
            "--split",
            "temporal",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cutoff", "20-01-2024", "--split", "temporal"], "YYYY-MM-DD"),
        (["--test-fraction", "1.5"], "between 0 and 1"),
        (["--k", "0"], "positive"),
        (["--format", "xlsx"], "invalid choice"),
    ],
)
def test_bad_arguments_are_command_errors(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(
            "evaluate_recommendations",
            "--interactions",
            str(BLOCKS),
            *args,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_wrong_header_is_a_command_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("customer,item,date\n1,2,2024-01-01\n", encoding="utf-8")
    with pytest.raises(CommandError, match="client_id,product_id,timestamp"):
        call_command(
            "evaluate_recommendations",
            "--interactions",
            str(bad),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "evaluate_recommendations",
            "--interactions",
            str(tmp_path / "nope.csv"),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
