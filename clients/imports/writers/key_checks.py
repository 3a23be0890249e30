"""Foreign keys of a bulk COPY checked once per batch, not once per row (PostgreSQL).

PostgreSQL checks each foreign key of each inserted row with a trigger: for the
Online Retail order lines, a query and a row lock on the order and another on the
product, for every line, queued until the batch's COMMIT. On the full UCI file those
checks were the largest single cost of the import (5.3 s of 17.6 s on the shared
2-core machine, the COMMIT of each 50,000-row batch), for a few thousand distinct
keys.

`rows_checked_as_a_set` does what those triggers do, once for the set: it takes the
same `FOR KEY SHARE` lock on every distinct referenced row — so no other transaction
can delete one or change its key before this batch commits — and refuses the batch
(IntegrityError: the batch loop writes it again group by group, rejecting the bad
group) if any of them is missing. The COPY then runs with
`session_replication_role = replica`, which leaves the triggers out, for that
statement only (`SET LOCAL`, set back at once; a rollback restores it too).

Only where it is safe and allowed, else every row is checked by PostgreSQL as before:
- `IMPORT_SET_BASED_KEY_CHECKS` is on (the default);
- the connection's role may set session_replication_role: a superuser, or on
  PostgreSQL 15+ a role granted it (`GRANT SET ON PARAMETER session_replication_role
  TO atelier;`, docs/imports.md);
- the setting is `origin` (a replica session is not ours to change);
- the table has no trigger but the foreign keys' own (a trigger a later migration adds
  would be skipped too, so its presence turns the shortcut off);
- the statement names every foreign-key column the table has (a column left to its
  default must be nullable and have no default: NULL needs no check).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection
from django.db.models import Model

_SUPERUSER = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
_GRANTED = "SELECT has_parameter_privilege('session_replication_role', 'SET')"  # PG 15+
# Triggers on the table other than the internal ones of its foreign keys (RI_FKey_...).
_OTHER_TRIGGERS = """
SELECT count(*) FROM pg_trigger t
WHERE t.tgrelid = %s::regclass AND NOT (t.tgisinternal AND t.tgconstraint <> 0)
"""
_ROW_CHECKS_OFF = "SET LOCAL session_replication_role = replica"
_ROW_CHECKS_ON = "SET LOCAL session_replication_role = origin"


def set_based_checks_allowed(cursor: Any, model: type[Model]) -> bool:
    """May a COPY into `model`'s table leave its foreign keys to rows_checked_as_a_set?"""
    if connection.vendor != "postgresql" or not settings.IMPORT_SET_BASED_KEY_CHECKS:
        return False
    cursor.execute(_SUPERUSER)
    row = cursor.fetchone()
    if not (row and row[0]):
        if connection.pg_version < 150000:  # type: ignore[attr-defined]
            return False
        cursor.execute(_GRANTED)
        if not cursor.fetchone()[0]:
            return False
    cursor.execute("SHOW session_replication_role")
    if cursor.fetchone()[0] != "origin":
        return False
    cursor.execute(_OTHER_TRIGGERS, [model._meta.db_table])
    return int(cursor.fetchone()[0]) == 0


def referenced_rows_locked(cursor: Any, keys: Mapping[type[Model], Collection[int]]) -> None:
    """Lock every referenced row FOR KEY SHARE, as the key triggers would; all must exist.

    keys: referenced model -> the ids the rows about to be copied point at.
    Raises IntegrityError naming the table and how many ids are missing.
    """
    for model, ids in keys.items():
        wanted = sorted(set(ids))
        if not wanted:
            continue
        table = model._meta.db_table
        pk = model._meta.pk.column
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} "  # noqa: S608  (model metadata)
            f"WHERE {pk} = ANY(%s) FOR KEY SHARE) AS locked",
            [wanted],
        )
        found = int(cursor.fetchone()[0])
        if found != len(wanted):
            raise IntegrityError(
                f"{len(wanted) - found} of {len(wanted)} rows of {table} the batch points at "
                "do not exist."
            )


def foreign_key_columns(model: type[Model]) -> set[str]:
    """The table's foreign-key columns (what its key triggers check)."""
    return {
        field.column
        for field in model._meta.concrete_fields
        if field.is_relation and field.many_to_one
    }


@contextmanager
def rows_checked_as_a_set(
    cursor: Any,
    model: type[Model],
    columns: Collection[str],
    keys: Mapping[type[Model], Collection[int]],
    *,
    allowed: bool,
) -> Iterator[bool]:
    """Around a COPY into `model` of `columns`: the key triggers off if the set checks out.

    Yields True when the per-row triggers are off for the block (the keys were locked
    and found), False when PostgreSQL checks every row as usual (not `allowed`, or a
    foreign-key column the COPY leaves out that is not a plain nullable column).
    """
    left_out = foreign_key_columns(model) - set(columns)
    plain_nulls = all(
        field.null and not field.has_default()
        for field in model._meta.concrete_fields
        if field.column in left_out
    )
    if not (allowed and plain_nulls):
        yield False
        return
    referenced_rows_locked(cursor, keys)
    cursor.execute(_ROW_CHECKS_OFF)
    yield True
    # Not on an error: the transaction is then rolled back, which undoes SET LOCAL too.
    cursor.execute(_ROW_CHECKS_ON)
