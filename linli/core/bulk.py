"""Bulk writes for imports: tens of thousands of checked rows into one table, fast."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

from linli.core.natural import NaturalKeyField

BATCH = 2000


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: bool = True,
) -> list[int]:
    """Insert rows of ready values (in `fields` order) in bulk; return their new ids, in order.

    `bulk_create` spends most of a 100,000-row import compiling SQL value by value (and SQLite
    gets batches of 999 parameters from Django); importers' values are already checked and
    typed, so this writes them directly: multi-row INSERTs on SQLite, COPY on PostgreSQL (ids
    reserved from the table's sequence first). Give dates and datetimes through
    `connection.ops.adapt_datefield_value` / `adapt_datetimefield_value`; no signals are sent.
    """
    if not rows:
        return []
    fields, rows = _with_natural_keys(model, fields, rows)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        return _copy_rows(model, fields, rows, returning=returning)
    opts = model._meta
    qn = connection.ops.quote_name
    columns = ", ".join(qn(_column(model, f)) for f in fields)
    if connection.vendor == "sqlite":
        import sqlite3

        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        limit = 999
    batch = max(1, min(BATCH, limit // len(fields)))
    # On SQLite the driver's own cursor takes "?" directly: Django's wrapper would rewrite
    # every "%s" of these long statements with a regular expression.
    sqlite = connection.vendor == "sqlite"
    placeholder = "(" + ", ".join(["?" if sqlite else "%s"] * len(fields)) + ")"
    suffix = f" RETURNING {qn(opts.pk.column)}" if returning else ""
    ids: list[int] = []
    # Identifiers come from the model and are quoted by the backend; values are bound.
    head = f"INSERT INTO {qn(opts.db_table)} ({columns}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            params = [v for row in chunk for v in row]
            sql = head + ", ".join([placeholder] * len(chunk)) + suffix
            if sqlite:
                import sqlite3

                sqlite3.Cursor.execute(raw, sql, params)
            else:
                cursor.execute(sql, params)
            if returning:
                ids.extend(r[0] for r in raw.fetchall())
    return ids


def _with_natural_keys(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
    """Add the natural sort keys (`NaturalKeyField`) of the given names, as `save()` would."""
    keys = [
        (f, list(fields).index(f.source))
        for f in model._meta.concrete_fields
        if isinstance(f, NaturalKeyField) and f.source in fields and f.name not in fields
    ]
    if not keys:
        return fields, rows
    return (
        [*fields, *(f.name for f, _ in keys)],
        [[*row, *(f.key_of(row[i]) for f, i in keys)] for row in rows],
    )


def _column(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).column  # type: ignore[union-attr,return-value]


def _copy_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: bool,
) -> list[int]:
    """PostgreSQL: COPY is many times faster than INSERT for big batches."""
    opts = model._meta
    qn = connection.ops.quote_name
    table, pk = opts.db_table, opts.pk.column
    columns = [qn(_column(model, f)) for f in fields]
    ids: list[int] = []
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            columns.insert(0, qn(pk))
        sql = f"COPY {qn(table)} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            if returning:
                for pk_value, row in zip(ids, rows, strict=True):
                    copy.write_row((pk_value, *row))
            else:
                for row in rows:
                    copy.write_row(row)
    return ids
