"""Backup and restore drill: pg_dump a seeded house, restore it, prove it identical.

    .venv/bin/python benchmarks/restore_drill.py
        [--database-url postgres://postgres@127.0.0.1:5432/atelier_prod]
        [--restore-into atelier_prod_restore]

1. pg_dump --format=custom of the source database (what README's backup does);
2. drops and creates the target database, pg_restore --no-owner into it;
3. compares, source against restored: every table's row count; every
   EncryptedTextField column decrypted with the *current* FIELD_ENCRYPTION_KEYS
   (a digest of (pk, plaintext) per column, so the comparison never prints
   personal data); the consent history (every ConsentRecord, field by field)
   and the privacy requests;
4. prints ONE JSON object; "identical" is true only when every check is.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/atelier_prod")
    parser.add_argument("--restore-into", default="atelier_prod_restore")
    return parser.parse_args(argv)


def pg(url: str) -> list[str]:
    parts = urlsplit(url)
    return [
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
    ]


def digest(rows: Any) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def compare(alias_a: str, alias_b: str) -> dict[str, Any]:
    from django.apps import apps
    from django.db import connections

    from clienteling.management.commands.rotate_encryption_keys import encrypted_fields
    from consent.models import ConsentRecord, PrivacyRequest

    counts: dict[str, list[int]] = {}
    tables = connections[alias_a].introspection.table_names()
    for table in tables:
        pair = []
        for alias in (alias_a, alias_b):
            with connections[alias].cursor() as cursor:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
                pair.append(cursor.fetchone()[0])
        counts[table] = pair
    mismatched = {t: c for t, c in counts.items() if c[0] != c[1]}

    encrypted = {}
    for model, field in encrypted_fields():
        label = f"{model._meta.label}.{field.name}"
        sides = []
        for alias in (alias_a, alias_b):
            rows = model._base_manager.using(alias).order_by("pk").values_list("pk", field.attname)
            sides.append((rows.count(), digest(rows.iterator())))
        encrypted[label] = {"rows": sides[1][0], "identical": sides[0] == sides[1]}

    def history(model: Any) -> dict[str, Any]:
        names = [f.attname for f in model._meta.concrete_fields]
        sides = [
            digest(model._base_manager.using(a).order_by("pk").values_list(*names).iterator())
            for a in (alias_a, alias_b)
        ]
        return {
            "rows": model._base_manager.using(alias_b).count(),
            "identical": sides[0] == sides[1],
        }

    _ = apps  # every app is loaded: encrypted_fields() walks them all
    return {
        "tables": len(tables),
        "rows": sum(c[0] for c in counts.values()),
        "row_counts_identical": not mismatched,
        "mismatched_tables": mismatched,
        "encrypted_fields": encrypted,
        "consent_history": history(ConsentRecord),
        "privacy_requests": history(PrivacyRequest),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    source = args.database_url
    dump = Path(tempfile.mkdtemp(prefix="atelier-backup-")) / "atelier.dump"
    source_name = urlsplit(source).path.lstrip("/")

    started = time.perf_counter()
    subprocess.run(
        ["pg_dump", *pg(source), "--format=custom", "--no-owner", "-f", str(dump), source_name],
        check=True,
    )
    dump_s = time.perf_counter() - started
    subprocess.run(["dropdb", *pg(source), "--if-exists", args.restore_into], check=True)
    subprocess.run(["createdb", *pg(source), args.restore_into], check=True)
    started = time.perf_counter()
    subprocess.run(
        [
            "pg_restore",
            *pg(source),
            "--no-owner",
            "--exit-on-error",
            "-d",
            args.restore_into,
            str(dump),
        ],
        check=True,
    )
    restore_s = time.perf_counter() - started

    os.environ["DATABASE_URL"] = source
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clienteling.settings.base")
    import django
    from django.conf import settings

    django.setup()
    from django.db import connections

    connections.databases["restored"] = {
        **settings.DATABASES["default"],
        "NAME": args.restore_into,
    }
    result = compare("default", "restored")
    identical = (
        result["row_counts_identical"]
        and all(v["identical"] for v in result["encrypted_fields"].values())
        and result["consent_history"]["identical"]
        and result["privacy_requests"]["identical"]
    )
    print(
        json.dumps(
            {
                "source": source_name,
                "restored": args.restore_into,
                "dump_bytes": dump.stat().st_size,
                "dump_s": round(dump_s, 2),
                "restore_s": round(restore_s, 2),
                **result,
                "keys": f"decrypted with the current FIELD_ENCRYPTION_KEYS "
                f"({len(settings.FIELD_ENCRYPTION_KEYS)} key(s))",
                "identical": identical,
            },
            indent=1,
        )
    )
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
