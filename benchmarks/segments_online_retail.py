"""Benchmark: client segments on Online Retail (k by silhouette, names). Prints ONE JSON object.

    .venv/bin/python benchmarks/segments_online_retail.py [--data FILE] [--today 2011-12-10]

Reads the raw UCI file (cancellations, returns, free lines and rows without a client
dropped), takes each product's type from its descriptions
(recommendations.ml.datasets.online_retail_item_types) and the five commonest types as
the taste categories, then runs recommendations.ml.segments as the nightly job does:
features, k in 3..8 by silhouette (sampled), names and descriptions. Reports the
buyers, the silhouette per k, the chosen k, the seconds taken and every segment.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recommendations.ml.datasets import online_retail_item_types  # noqa: E402
from recommendations.ml.segments import buyer_features, segment_buyers  # noqa: E402

DATA = Path("/work/shared/data/online_retail.csv.gz")
CATEGORIES = 5


def lines(path: Path, types: dict[str, str]) -> list[tuple[int, dt.date, str, float, float]]:
    rows = []
    with gzip.open(path, "rt", newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            customer = row["CustomerID"].strip()
            if not customer or row["InvoiceNo"].startswith("C"):
                continue
            quantity, price = int(row["Quantity"]), float(row["UnitPrice"])
            code = row["StockCode"].strip().upper()
            if quantity <= 0 or price <= 0 or not code[:5].isdigit():
                continue
            day = dt.date.fromisoformat(row["InvoiceDate"][:10])
            rows.append((int(float(customer)), day, types.get(code, ""), quantity * price, price))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2011, 12, 10))
    args = parser.parse_args()
    types = online_retail_item_types(args.data)
    purchases = lines(args.data, types)
    spend: Counter[str] = Counter()
    for _, _, kind, amount, _ in purchases:
        if kind:
            spend[kind] += amount
    categories = [kind for kind, _ in spend.most_common(CATEGORIES)]
    words = {k: k.lower() + ("es" if k[-1] in "XSH" else "s") for k in categories}
    started = time.perf_counter()
    features = buyer_features(purchases, args.today, categories)
    result = segment_buyers(features, words)
    seconds = time.perf_counter() - started
    report = {
        "data": str(args.data),
        "lines": len(purchases),
        "buyers": len(features),
        "categories": categories,
        "silhouette_by_k": {str(k): round(v, 4) for k, v in result.silhouettes.items()},
        "k": result.k,
        "segments": [
            {"name": s.name, "size": s.size, "description": s.description} for s in result.segments
        ],
        "seconds": round(seconds, 2),
    }
    sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
