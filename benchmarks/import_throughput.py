"""Benchmark: the full Online Retail import on PostgreSQL, against a plain COPY of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier_bench \
        .venv/bin/python benchmarks/import_throughput.py [--rows N]

Needs an empty PostgreSQL database (migrated here). Times, in the same run:
1. the import exactly as `manage.py import_orders FILE --format online-retail` runs it
   (benchmarks/import_online_retail.py's `run`: parse, clean, resolve, write, refresh);
2. `COPY ... FROM STDIN (FORMAT csv)` of the same file's rows into a bare table of eight
   text columns (no index, no constraint), dropped afterwards: the floor no import beats.
   The file is streamed to COPY in 64 KiB blocks (the baseline), three times: "copy" is
   the median run (its time, rows/s, and every run's seconds); until 7 Dec 2026 it was one
   run. It is also timed written a row per call ("copy_per_line"), the way this benchmark
   measured until 6 Dec 2026.
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_online_retail import DATA, log, prepare, run, setup_django

COPY_TABLE = "bench_copy_online_retail"
COPY_RUNS = 3  # the baseline COPY is timed this many times; the ratio uses the median
BLOCK = 65_536


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


def copy_rows(rows: int | None, *, per_line: bool = False) -> dict[str, float | int]:
    """COPY the file's data rows into a bare table; the seconds it took.

    The baseline streams the decompressed file in 64 KiB blocks, as `psql \\copy` would: a
    plain COPY, with nothing of Python's per row. per_line writes one row per call (what
    this benchmark did until 6 Dec 2026, about twice as slow on the development machine:
    kept in the JSON to compare with the figures measured that way).
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {COPY_TABLE}")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {COPY_TABLE} (invoice_no text, stock_code text, "
            "description text, quantity text, invoice_date text, unit_price text, "
            "customer_id text, country text)"
        )
    log(f"COPY of the same rows{' (a row per write)' if per_line else ''} ...")
    started = time.perf_counter()
    with connection.cursor() as cursor, gzip.open(DATA, "rb") as raw:
        header = raw.readline()  # noqa: F841  (the COPY takes data rows only)
        with cursor.cursor.copy(f"COPY {COPY_TABLE} FROM STDIN (FORMAT csv)") as copy:
            for block in _blocks(raw, rows, per_line=per_line):
                copy.write(block)
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


def _blocks(raw: Any, rows: int | None, *, per_line: bool) -> Iterator[bytes]:
    if per_line:
        yield from raw if rows is None else itertools.islice(raw, rows)
    elif rows is None:
        yield from iter(lambda: raw.read(BLOCK), b"")
    else:  # the first N rows, joined into blocks of about a thousand rows
        lines = itertools.islice(raw, rows)
        while block := b"".join(itertools.islice(lines, 1000)):
            yield block


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None, help="only the first N rows")
    parser.add_argument("--batch-rows", type=int, default=None, help="default: the import's own")
    parser.add_argument(
        "--by-lines",
        action="store_true",
        help="read the file line by line (CsvSource), not whole by columns (the import's own)",
    )
    args = parser.parse_args()
    engine = setup_django(Path(tempfile.mkdtemp(prefix="atelier-bench-throughput-")))
    if engine != "postgresql":
        raise SystemExit("This benchmark compares with PostgreSQL's COPY: set DATABASE_URL.")
    log("migrating ...")
    prepare()
    cpu = CpuClock()
    imported = run(args.rows, args.batch_rows, by_columns=not args.by_lines)
    imported.update(cpu.spent())
    # The floor's own time moves with the machine (0.75-1.2 s within minutes, 7 Dec 2026):
    # the ratio is taken against the median of three COPYs, each run's time listed.
    runs = sorted((copy_rows(args.rows) for _ in range(COPY_RUNS)), key=lambda run: run["seconds"])
    copied = {**runs[len(runs) // 2], "runs_seconds": [run["seconds"] for run in runs]}
    per_line = copy_rows(args.rows, per_line=True)
    speed = imported["rows_per_second"]
    result = {
        "benchmark": "import_throughput",
        "database": engine,
        "file": str(DATA),
        "import": imported,
        "copy": copied,
        "ratio_to_copy": round(speed / copied["rows_per_second"], 4),
        "target_ratio": 0.1,
        "copy_per_line": per_line,
        "ratio_to_copy_per_line": round(speed / per_line["rows_per_second"], 4),
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
