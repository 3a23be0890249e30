"""Reading a signal query's rows as numpy arrays: packed columns on PostgreSQL, a cursor elsewhere.

Every source query in pipeline.extract is shaped to four columns (client, product, time,
signal code). On PostgreSQL the server packs each column into one bytea
(``string_agg(int8send(...))``), parsed with numpy, with no Python object per row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import psycopg
from django.db import connection
from django.db.models import QuerySet


def _epoch_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})::bigint"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"


def _wrapped(qs: QuerySet) -> tuple[str, tuple[object, ...]]:
    sql, params = qs.query.sql_with_params()
    if connection.vendor == "postgresql":
        select = (
            f"SELECT s.sig_c::bigint, s.sig_p::bigint, {_epoch_sql('s.sig_t')}, s.sig_k::smallint"
        )
    else:
        select = f"SELECT s.sig_c, s.sig_p, {_epoch_sql('s.sig_t')}, s.sig_k"
    return f"{select} FROM ({sql}) s", tuple(params)


def _empty() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.empty(0, np.int64),
        np.empty(0, np.int64),
        np.empty(0, np.int64),
        np.empty(0, np.int8),
    )


def read_rows(qs: QuerySet) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(client, product, ts, code) arrays for a query shaped by :func:`_shape`."""
    sql, params = _wrapped(qs)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _read_columns(cursor.cursor, sql, params)
        cursor.execute(sql, list(params))  # type: ignore[arg-type]
        fetched = cursor.fetchall()
    if not fetched:
        return _empty()
    array = np.asarray(fetched, dtype=np.int64)
    return array[:, 0], array[:, 1], array[:, 2], array[:, 3].astype(np.int8)


def _read_columns(
    raw: Any, sql: str, params: tuple[object, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each column packed by the server into one big-endian bytea (``int8send``), one row.

    Four aggregates over one scan see the rows in the same order, so element i of each
    array is row i. A row per COPY message cost psycopg a Python call each (1.7 million
    rows: 1.3 s); one row of four values costs 0.75 s, most of it the server's.
    The source queries never yield NULL (string_agg would skip it and shift the columns):
    the lengths are checked.
    """
    aggregates = ", ".join(
        f"string_agg({send}(r.{c}), ''::bytea)"
        for send, c in [("int8send", "c"), ("int8send", "p"), ("int8send", "t"), ("int2send", "k")]
    )
    packed = f"SELECT {aggregates} FROM ({sql}) r(c, p, t, k)"  # noqa: S608 (Django's SQL, params)
    # A server-side-binding cursor of the same connection: Django's client-side cursors
    # cannot ask for binary results (bytea as bytes, not hex text).
    with psycopg.Cursor(raw.connection) as cursor:
        cursor.execute(packed, params, binary=True)
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return _empty()
    clients, products, times, codes = row
    columns = (
        np.frombuffer(clients, ">i8").astype(np.int64),
        np.frombuffer(products, ">i8").astype(np.int64),
        np.frombuffer(times, ">i8").astype(np.int64),
        np.frombuffer(codes, ">i2").astype(np.int8),
    )
    if len({len(column) for column in columns}) != 1:
        raise ValueError("a signal query yielded NULL: its columns no longer line up")
    return columns
