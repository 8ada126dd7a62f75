"""Fast row insertion without the ORM's per-call query building.

- Batch intake (`batch_intake.BatchIntake`): primary keys reserved up front,
  then plain rows written with PostgreSQL's COPY or SQLite's `executemany`.
- Single intake (`intake.declare`): `insert_new` inserts a declaration and its
  persons with an INSERT built once per model. `Model.save()` builds and
  compiles its INSERT on every call, which cost more than the insert itself
  and ran inside the write transaction, where every other writer waits
  (registry/group_commit.py). Values still go through each field's
  `get_db_prep_save`, as `save()` does. These models have no `pre_save` work
  (no `auto_now`, no files) and nothing listens to their save signals; if
  either changes, use `save()` instead.

Durability and atomicity are the caller's transaction's: call these inside it.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache

from django.db import connection, models

# SQLite's page cache while a batch is stored. A batch writes its rows all over
# the random-keyed unique indexes (receipt and idempotency hashes); with the
# default 2 MiB cache nearly every insert reads pages back and spills dirty ones
# to the WAL. 256 MiB holds those indexes for about a million declarations and
# keeps the import well inside its memory budget (docs/scaling.md). The bench's
# raw-sqlite3 baseline uses the same PRAGMAs (bench/import_bench.py).
SQLITE_BULK_PRAGMAS = ("PRAGMA cache_size=-262144",)  # KiB


@contextmanager
def bulk_connection() -> Iterator[None]:
    """The connection tuned for a bulk insert meanwhile (SQLite: a larger page
    cache), then as before. PostgreSQL: nothing to do."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        for pragma in SQLITE_BULK_PRAGMAS:
            cursor.execute(pragma)
    try:
        yield
    finally:
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size={int(before)}")


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


def lookup(
    model: type[models.Model], key: str, values: Sequence[str], columns: Sequence[str]
) -> list[tuple]:
    """(key, *columns) of the rows of `model` whose column `key` (unique, text)
    is one of `values`: one plain query for a whole chunk."""
    if not values:
        return []
    q = connection.ops.quote_name
    selected = ", ".join(q(name) for name in (key, *columns))
    table = q(model._meta.db_table)
    if connection.vendor == "postgresql":
        # One array parameter, not thousands, and one index probe per value
        # (the LIMIT keeps the planner from joining instead). `key = ANY(%s)`
        # read the whole table for every chunk of a big import: the planner
        # judged it by the statistics of the table before the import.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT found.* FROM unnest(%s::text[]) AS wanted(value) CROSS JOIN LATERAL"  # noqa: S608
                f" (SELECT {selected} FROM {table} WHERE {q(key)} = wanted.value LIMIT 1) AS found",
                [list(values)],
            )
            return cursor.fetchall()
    # SQLite: the driver's own placeholders (Django's wrapper would rewrite
    # thousands of them per query); same connection, same transaction.
    marks = ", ".join(["?"] * len(values))
    return connection.connection.execute(
        f"SELECT {selected} FROM {table} WHERE {q(key)} IN ({marks})",  # noqa: S608
        list(values),
    ).fetchall()


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


def insert_unless_stored(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence], unique: str
) -> int:
    """SQLite: `insert`, skipping each row whose value of the unique column
    `unique` is already stored (`ON CONFLICT … DO NOTHING`; any other
    constraint still fails). Returns how many rows were inserted."""
    if connection.vendor != "sqlite":
        raise NotImplementedError("insert_unless_stored is SQLite's (PostgreSQL uses COPY)")
    q = connection.ops.quote_name
    column_list = ", ".join(q(name) for name in names)
    marks = ", ".join(["?"] * len(names))
    return connection.connection.executemany(
        f"INSERT INTO {q(model._meta.db_table)} ({column_list}) VALUES ({marks})"  # noqa: S608
        f" ON CONFLICT ({q(unique)}) DO NOTHING",
        rows,
    ).rowcount


@cache
def _insert_returning_id(
    model: type[models.Model], vendor: str
) -> tuple[str, tuple[models.Field, ...]]:
    q = connection.ops.quote_name
    fields = tuple(field for field in model._meta.concrete_fields if not field.primary_key)
    column_list = ", ".join(q(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {q(model._meta.db_table)} ({column_list}) VALUES ({marks})"  # noqa: S608
        f" RETURNING {q(model._meta.pk.column)}"
    )
    return sql, fields


def insert_new(instances: Sequence[models.Model]) -> None:
    """Insert new instances of one model (like `save(force_insert=True)`) and
    set their primary keys. Call inside the write transaction."""
    if not instances:
        return
    sql, fields = _insert_returning_id(type(instances[0]), connection.vendor)
    with connection.cursor() as cursor:
        for instance in instances:
            values = [
                field.get_db_prep_save(getattr(instance, field.attname), connection)
                for field in fields
            ]
            cursor.execute(sql, values)
            instance.pk = cursor.fetchone()[0]
            instance._state.adding = False
            instance._state.db = connection.alias
