"""Reading a signal query's rows as numpy arrays: binary COPY on PostgreSQL, a cursor elsewhere.

Every source query in pipeline.extract is shaped to four columns (client, product, time,
signal code). On PostgreSQL its rows come through ``COPY (query) TO STDOUT (FORMAT
binary)`` and are parsed with a fixed-width dtype, with no Python object per row.
"""

from __future__ import annotations

import numpy as np
from django.db import connection
from django.db.models import QuerySet

_BINARY_ROW = np.dtype(
    [
        ("n", ">i2"),
        ("l1", ">i4"),
        ("client", ">i8"),
        ("l2", ">i4"),
        ("product", ">i8"),
        ("l3", ">i4"),
        ("ts", ">i8"),
        ("l4", ">i4"),
        ("code", ">i2"),
    ]
)
_BINARY_HEADER = 19  # signature (11) + flags (4) + header extension length (4, zero)
_BINARY_TRAILER = 2


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
            buffer = bytearray()
            raw = cursor.cursor  # psycopg's own cursor: Django's debug wrapper drops params
            with raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT binary)", params) as copy:
                for chunk in copy:
                    buffer += chunk
            body = memoryview(buffer)[_BINARY_HEADER : len(buffer) - _BINARY_TRAILER]
            if len(body) == 0:
                return _empty()
            rows = np.frombuffer(body, dtype=_BINARY_ROW)
            return (
                rows["client"].astype(np.int64),
                rows["product"].astype(np.int64),
                rows["ts"].astype(np.int64),
                rows["code"].astype(np.int8),
            )
        cursor.execute(sql, list(params))  # type: ignore[arg-type]
        fetched = cursor.fetchall()
    if not fetched:
        return _empty()
    array = np.asarray(fetched, dtype=np.int64)
    return array[:, 0], array[:, 1], array[:, 2], array[:, 3].astype(np.int8)
