"""Benchmark: import the raw UCI Online Retail file (clients, products, orders) into a database.

    .venv/bin/python benchmarks/import_online_retail.py            # all 541,909 rows
    .venv/bin/python benchmarks/import_online_retail.py --rows 50000

Reads /work/shared/data/online_retail.csv.gz (../shared/data from the repository; see its
README), never a copy in the repository. By default the import goes into a throwaway
SQLite file in a temporary directory, migrated first and deleted afterwards, with the
same SQLite options as the developer's database (WAL, IMMEDIATE transactions); the
developer's var/atelier.sqlite3 is refused. With DATABASE_URL=postgres://... it imports
into that database instead (create an empty one for the purpose).

What is timed: exactly `manage.py import_orders FILE --format online-retail` minus the
command line (clients.imports.services.import_path), after migrations and the two
boutiques the import needs. Prints ONE JSON object on stdout (rows read, accepted,
skipped, rejected by code, seconds, rows/s, peak RSS of this process in MB); progress
goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "online_retail.csv.gz"


def log(message: str) -> None:
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def setup_django(workdir: Path) -> str:
    """Configure Django on a throwaway SQLite file unless DATABASE_URL names PostgreSQL."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clienteling.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_DEBUG"] = "false"  # no query log growing in memory
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith(("postgres://", "postgresql://")):
        os.environ.pop("DATABASE_URL")  # a sqlite URL: the throwaway file below instead
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["NAME"] = workdir / "bench.sqlite3"  # before any connection is opened
    name = Path(str(database["NAME"])).resolve()
    if name == (ROOT / "var" / "atelier.sqlite3").resolve():
        raise SystemExit("Refusing to benchmark into the developer's var/atelier.sqlite3.")
    import django

    django.setup()
    return str(database["ENGINE"]).rsplit(".", 1)[-1]


def prepare() -> None:
    from django.core.management import call_command

    from catalog.models import Boutique

    call_command("migrate", verbosity=0, interactive=False)
    for code, city, country, tz in (
        ("paris", "Paris", "FR", "Europe/Paris"),
        ("milan", "Milan", "IT", "Europe/Rome"),
    ):
        Boutique.objects.get_or_create(
            code=code,
            defaults={"name": f"Maison {city}", "city": city, "country": country, "timezone": tz},
        )


def run(rows: int | None, batch_rows: int | None, *, by_columns: bool = True) -> dict[str, Any]:
    from clients.imports.services import import_path

    log(f"importing {rows or 'all'} rows of {DATA} ...")
    started = time.perf_counter()
    report = import_path(
        path=DATA,
        kind="orders",
        fmt="online-retail",
        limit=rows,
        batch_rows=batch_rows,
        rejections_kept=0,
        by_columns=by_columns,
    )
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"The import stopped: {report.error}")
    entities = report.as_dict()["entities"]
    return {
        "rows_read": report.rows_read,
        "accepted": report.rows_accepted,
        "skipped": report.rows_skipped,
        "rejected": report.rows_rejected,
        "rejected_by_code": dict(report.reasons.most_common()),
        "created": {name: counts["created"] for name, counts in entities.items()},
        "seconds": round(seconds, 2),
        "rows_per_second": round(report.rows_read / seconds) if seconds else None,
        "peak_rss_mb": peak_rss_mb(),
        "notes": report.notes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None, help="import only the first N rows")
    parser.add_argument("--batch-rows", type=int, default=None, help="default: the import's own")
    args = parser.parse_args()
    if not DATA.is_file():
        raise SystemExit(f"No Online Retail file at {DATA}.")
    workdir = Path(tempfile.mkdtemp(prefix="atelier-bench-import-"))
    try:
        engine = setup_django(workdir)
        log(f"database: {engine}; migrating ...")
        prepare()
        result = run(args.rows, args.batch_rows)
        result = {
            "benchmark": "import_online_retail",
            "database": engine,
            "file": str(DATA),
            "batch_rows": args.batch_rows,
            **result,
        }
        sys.stdout.write(json.dumps(result) + "\n")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
