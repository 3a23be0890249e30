"""Benchmark: the full Online Retail import on PostgreSQL, against a plain COPY of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier_bench \
        .venv/bin/python benchmarks/import_throughput.py [--rows N]

Needs an empty PostgreSQL database (migrated here). Times, in the same run:
1. the import exactly as `manage.py import_orders FILE --format online-retail` runs it
   (benchmarks/import_online_retail.py's `run`: parse, clean, resolve, write, refresh);
2. `COPY ... FROM STDIN (FORMAT csv)` of the same file's rows into a bare table of eight
   text columns (no index, no constraint), dropped afterwards: the floor no import beats.
Prints ONE JSON object: both rows/s and the ratio import ÷ COPY (target ≥ 0.1), and the
CPU the import spent in Python (both threads) and in its PostgreSQL backend.
Reads ../shared/data/online_retail.csv.gz where it lies, never a copy in the repository.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_online_retail import DATA, log, prepare, run, setup_django

COPY_TABLE = "bench_copy_online_retail"


class CpuClock:
    """CPU seconds spent since creation by this process and by its PostgreSQL backend.

    The backend's from /proc/<pid>/stat (PostgreSQL on this machine); None elsewhere.
    """

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend = int(cursor.fetchone()[0])
        self.started = (resource.getrusage(resource.RUSAGE_SELF), self._backend_seconds())

    def _backend_seconds(self) -> float | None:
        try:
            with open(f"/proc/{self.backend}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def spent(self) -> dict[str, float | None]:
        usage, backend = resource.getrusage(resource.RUSAGE_SELF), self._backend_seconds()
        before, backend_before = self.started
        return {
            "python_cpu_s": round(
                usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime, 2
            ),
            "database_cpu_s": None
            if backend is None or backend_before is None
            else round(backend - backend_before, 2),
        }


def copy_rows(rows: int | None) -> dict[str, float | int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {COPY_TABLE}")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {COPY_TABLE} (invoice_no text, stock_code text, "
            "description text, quantity text, invoice_date text, unit_price text, "
            "customer_id text, country text)"
        )
    log("COPY of the same rows ...")
    started = time.perf_counter()
    with connection.cursor() as cursor, gzip.open(DATA, "rb") as raw:
        header = raw.readline()  # noqa: F841  (the COPY takes data rows only)
        lines = raw if rows is None else itertools.islice(raw, rows)
        with cursor.cursor.copy(f"COPY {COPY_TABLE} FROM STDIN (FORMAT csv)") as copy:
            for line in lines:
                copy.write(line)
        cursor.execute(f"SELECT COUNT(*) FROM {COPY_TABLE}")  # noqa: S608  (a constant)
        copied = cursor.fetchone()[0]
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {COPY_TABLE}")
    return {
        "rows": copied,
        "seconds": round(seconds, 2),
        "rows_per_second": round(copied / seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None, help="only the first N rows")
    parser.add_argument("--batch-rows", type=int, default=None, help="default: the import's own")
    args = parser.parse_args()
    engine = setup_django(Path(tempfile.mkdtemp(prefix="atelier-bench-throughput-")))
    if engine != "postgresql":
        raise SystemExit("This benchmark compares with PostgreSQL's COPY: set DATABASE_URL.")
    log("migrating ...")
    prepare()
    cpu = CpuClock()
    imported = run(args.rows, args.batch_rows)
    imported.update(cpu.spent())
    copied = copy_rows(args.rows)
    result = {
        "benchmark": "import_throughput",
        "database": engine,
        "file": str(DATA),
        "import": imported,
        "copy": copied,
        "ratio_to_copy": round(imported["rows_per_second"] / copied["rows_per_second"], 4),
        "target_ratio": 0.1,
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
