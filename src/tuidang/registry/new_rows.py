"""Inserting new model instances with a prepared INSERT, for the hot path of
single intake (a declaration and its persons on every web or API request).

`Model.save()` builds and compiles its INSERT on every call, which cost more
than the insert itself and ran inside the write transaction, where every
other writer waits (registry/group_commit.py). Here the statement is built
once per model and database vendor; each call only converts the values with
the fields' own `get_db_prep_save`, as `save()` would. These models have no
`pre_save` work (no `auto_now`, no files) and nothing listens to their save
signals; if either changes, use `save()` instead.
"""

from collections.abc import Sequence
from functools import cache

from django.db import connection, models


@cache
def _statement(model: type[models.Model], vendor: str) -> tuple[str, tuple[models.Field, ...]]:
    q = connection.ops.quote_name
    fields = tuple(field for field in model._meta.concrete_fields if not field.primary_key)
    columns = ", ".join(q(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {q(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        f" RETURNING {q(model._meta.pk.column)}"
    )
    return sql, fields


def insert(instances: Sequence[models.Model]) -> None:
    """Insert new instances of one model (like `save(force_insert=True)`) and
    set their primary keys. Call inside the write transaction."""
    if not instances:
        return
    sql, fields = _statement(type(instances[0]), connection.vendor)
    with connection.cursor() as cursor:
        for instance in instances:
            cursor.execute(
                sql,
                [
                    field.get_db_prep_save(getattr(instance, field.attname), connection)
                    for field in fields
                ],
            )
            instance.pk = cursor.fetchone()[0]
            instance._state.adding = False
            instance._state.db = connection.alias
