"""Fast inserts for the demo loader: COPY on PostgreSQL, bulk_create elsewhere.

Both keep timestamps the loader sets on purpose (a client who joined in 2019,
a note written last spring): auto_now and auto_now_add only fill what is left
empty. On PostgreSQL, rows are streamed with COPY, after drawing their ids from
the table's sequence when the caller needs them; values go through each
field's own get_db_prep_save unless the field is a plain scalar, so encrypted
fields are encrypted and JSON is JSON exactly as with the ORM. One COPY is one
statement whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connections, models, router
from django.utils import timezone

BATCH = 2000
M = TypeVar("M", bound=models.Model)

# Fields (exact classes, so subclasses such as encrypted text do not qualify) whose
# Python value psycopg writes as is; text is passed through str() for TextChoices.
SCALAR_FIELDS = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.SmallIntegerField,
        models.IntegerField,
        models.BigIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveIntegerField,
        models.BooleanField,
        models.DateTimeField,
        models.DateField,
        models.TimeField,
        models.UUIDField,
        models.DecimalField,
        models.ForeignKey,
        models.OneToOneField,
    }
)
TEXT_FIELDS = frozenset({models.CharField, models.TextField, models.SlugField, models.EmailField})


def _stamped(field: models.Field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


@contextmanager
def _timestamps_as_given(model: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the timestamps set on the instances (restored afterwards)."""
    fields = [f for f in model._meta.concrete_fields if _stamped(f)]
    flags = [(f, f.auto_now, f.auto_now_add) for f in fields]  # type: ignore[attr-defined]
    for field in fields:
        field.auto_now = field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in flags:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]


def _fill_timestamps(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if _stamped(field):
            for obj in objs:
                if getattr(obj, field.attname) is None:
                    setattr(obj, field.attname, now)


def _keep(value: Any) -> Any:
    return value


def _text(value: Any) -> Any:
    return None if value is None else str(value)


def _converter(field: models.Field, connection: Any) -> Callable[[Any], Any]:
    if type(field) in SCALAR_FIELDS:
        return _keep
    if type(field) in TEXT_FIELDS:
        return _text
    return lambda value: field.get_db_prep_save(value, connection)


Row = dict[str, Any]  # attname -> value, for tables too big for model instances


def insert(objs: Sequence[M], *, with_ids: bool = False, batch_size: int = BATCH) -> Sequence[M]:
    """Insert unsaved instances of one model; sets their pk when with_ids (or the backend can)."""
    if not objs:
        return objs
    model = type(objs[0])
    _fill_timestamps(model, objs)
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        with _timestamps_as_given(model):
            return model._default_manager.bulk_create(objs, batch_size=batch_size)
    if with_ids:
        for obj, pk in zip(objs, _next_ids(connection, model, len(objs)), strict=True):
            obj.pk = pk
    fields = _columns(model, with_ids)
    attnames = [f.attname for f in fields]
    _copy(connection, model, fields, ([getattr(obj, a) for a in attnames] for obj in objs))
    return objs


def insert_rows(
    model: type[models.Model], rows: Sequence[Row], *, with_ids: bool = False
) -> list[Any]:
    """Insert rows given as {attname: value}; absent fields take their defaults. Returns pks.

    The fast path for the biggest tables: no model instance is built on PostgreSQL.
    """
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        objs = insert([model(**row) for row in rows], with_ids=with_ids)
        return [obj.pk for obj in objs]
    ids = _next_ids(connection, model, len(rows)) if with_ids else []
    fields = _columns(model, with_ids)
    pk, now = model._meta.pk, timezone.now()
    fillers: list[Callable[[], Any]] = []
    for field in fields:
        if _stamped(field):
            fillers.append(lambda: now)
        elif field.has_default():
            fillers.append(field.get_default)
        else:
            fillers.append(lambda: None)
    names = [f.attname for f in fields]
    pk_name = pk.attname if pk is not None else ""

    def values(index: int, row: Row) -> list[Any]:
        return [
            ids[index] if name == pk_name and with_ids else row[name] if name in row else fill()
            for name, fill in zip(names, fillers, strict=True)
        ]

    _copy(connection, model, fields, (values(i, row) for i, row in enumerate(rows)))
    return ids


def _columns(model: type[models.Model], with_ids: bool) -> list[models.Field]:
    pk = model._meta.pk
    return [f for f in model._meta.concrete_fields if with_ids or f is not pk]


def _copy(
    connection: Any,
    model: type[models.Model],
    fields: list[models.Field],
    rows: Iterable[list[Any]],
) -> None:
    """One COPY ... FROM STDIN for all rows, each value prepared as its field would."""
    convert = [_converter(f, connection) for f in fields]
    quote = connection.ops.quote_name
    sql = (
        f"COPY {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([c(v) for c, v in zip(convert, row, strict=True)])


def _next_ids(connection: Any, model: type[models.Model], count: int) -> list[Any]:
    """Draw count ids from the table's sequence (one query), for rows that need them now."""
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [pk_value for (pk_value,) in cursor.fetchall()]
