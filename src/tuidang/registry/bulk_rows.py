"""Fast row insertion for batch intake (`intake.BatchIntake`): primary keys
reserved up front, then plain rows written with PostgreSQL's COPY or SQLite's
`executemany`. Only the batch path uses it; single declarations use the ORM.

Durability and atomicity are the caller's transaction's: call these inside it.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models


def columns(model: type[models.Model], *, with_pk: bool = True) -> list[str]:
    """The model's concrete columns, in field order (a schema change shows up here)."""
    return [
        field.column for field in model._meta.concrete_fields if with_pk or not field.primary_key
    ]


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`, unused by anyone else.

    PostgreSQL: taken from the identity sequence (safe with concurrent writers).
    SQLite: after the current maximum; the caller's IMMEDIATE transaction holds
    the database's write lock, so nobody else can insert meanwhile."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        q = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({q(pk)}), 0) FROM {q(table)}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def insert(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert plain rows (values in `names` order, already in database form)."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    column_list = ", ".join(q(name) for name in names)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    # SQLite: the driver's own executemany streams an iterator (Django's wrapper
    # would keep every row of it in memory); same connection, same transaction.
    marks = ", ".join(["?"] * len(names))
    connection.connection.executemany(
        f"INSERT INTO {table} ({column_list}) VALUES ({marks})",  # noqa: S608
        rows,
    )
