"""The one tally code. Totals are maintained counters (`Tally` rows) changed in the
same transaction as an acceptance or revocation, so reading any total is one
small query and never counts declarations. `check()` recomputes every counter
from the declaration rows with independent SQL and reports each difference.

Dimensions and keys (all count persons, except `declarations`):

    total         ""                      every person counted
    declarations  ""                      accepted declarations
    organisation  party | league | ...    persons withdrawing from it
    day           YYYY-MM-DD              by day of declaration
    channel       web | hotline | ...
    country       ISO 3166-1 alpha-2
    province      ISO 3166-2:CN code      (China only, when given)
    proxy         self | proxy
    naming        true_name | alias | unnamed
"""

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Sum

from tuidang.registry import organisations
from tuidang.registry.choices import ALIAS_NAMINGS, Naming, Status
from tuidang.registry.models import Declaration, Person, Tally

Key = tuple[str, str]

# Public JSON names of the dimensions (the shape of GET /api/v1/tally).
BREAKDOWNS = {
    "organisation": "organisations",
    "day": "days",
    "channel": "channels",
    "country": "countries",
    "province": "provinces",
    "proxy": "proxy",
    "naming": "naming",
}


def naming_counts(namings: Iterable[str], persons: int) -> dict[str, int]:
    counts = Counter("true_name" if n == Naming.TRUE_NAME else "alias" for n in namings)
    named = counts["true_name"] + counts["alias"]
    return {"true_name": counts["true_name"], "alias": counts["alias"], "unnamed": persons - named}


def contributions(declaration: Declaration, namings: Iterable[str]) -> Counter:
    """What one accepted declaration adds to each counter."""
    persons = declaration.persons
    result: Counter = Counter()
    result[("total", "")] += persons
    result[("declarations", "")] += 1
    for code in organisations.decode(declaration.organisations):
        result[("organisation", code)] += persons
    result[("day", declaration.day.isoformat())] += persons
    result[("channel", declaration.channel)] += persons
    result[("country", declaration.country)] += persons
    if declaration.province:
        result[("province", declaration.province)] += persons
    result[("proxy", "proxy" if declaration.by_proxy else "self")] += persons
    for key, count in naming_counts(namings, persons).items():
        if count:
            result[("naming", key)] += count
    return result


def _add(changes: Counter, sign: int) -> None:
    """Upsert every changed counter in one statement (same on SQLite and PostgreSQL).
    Rows are written in sorted order so concurrent writers never deadlock."""
    rows = sorted((key, sign * count) for key, count in changes.items() if count)
    if not rows:
        return
    table = connection.ops.quote_name(Tally._meta.db_table)
    q = connection.ops.quote_name
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    params: list = []
    for (dimension, key), count in rows:
        params += [dimension, key, count]
    # Only quoted identifiers are formatted in; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({q('dimension')}, {q('key')}, {q('count')}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({q('dimension')}, {q('key')}) "
        f"DO UPDATE SET {q('count')} = {table}.{q('count')} + excluded.{q('count')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def count_in(declaration: Declaration) -> None:
    """Add an accepted declaration. Call inside the transaction that accepts it."""
    assert transaction.get_connection().in_atomic_block
    _add(contributions(declaration, _namings(declaration)), +1)


def count_out(declaration: Declaration) -> None:
    """Remove a revoked declaration. Call inside the transaction that revokes it."""
    assert transaction.get_connection().in_atomic_block
    _add(contributions(declaration, _namings(declaration)), -1)


def _namings(declaration: Declaration) -> list[str]:
    return list(declaration.people.values_list("naming", flat=True))


def total() -> int:
    row = Tally.objects.filter(dimension="total", key="").values_list("count", flat=True).first()
    return row or 0


def counter(dimension: str, key: str) -> int:
    row = Tally.objects.filter(dimension=dimension, key=key).values_list("count", flat=True)
    return row.first() or 0


def totals() -> dict:
    """Every counter, shaped as the public JSON: zero counters are left out."""
    result: dict = {"persons": 0, "declarations": 0}
    result.update({name: {} for name in BREAKDOWNS.values()})
    for dimension, key, count in Tally.objects.values_list("dimension", "key", "count"):
        if dimension == "total":
            result["persons"] = count
        elif dimension == "declarations":
            result["declarations"] = count
        elif dimension in BREAKDOWNS and count:
            result[BREAKDOWNS[dimension]][key] = count
    for name in BREAKDOWNS.values():
        result[name] = dict(sorted(result[name].items()))
    return result


def recompute() -> Counter:
    """Every counter recomputed from the declaration rows (slow; for --check)."""
    accepted = Declaration.objects.filter(status=Status.ACCEPTED)
    result: Counter = Counter()
    aggregate = accepted.aggregate(persons=Sum("persons"), declarations=Count("id"))
    result[("total", "")] = aggregate["persons"] or 0
    result[("declarations", "")] = aggregate["declarations"]
    for stored, persons in accepted.values_list("organisations").annotate(Sum("persons")):
        for code in organisations.decode(stored):
            result[("organisation", code)] += persons
    for field, dimension in (("day", "day"), ("channel", "channel"), ("country", "country")):
        for value, persons in accepted.values_list(field).annotate(Sum("persons")):
            key = value.isoformat() if dimension == "day" else value
            result[(dimension, key)] += persons
    for value, persons in (
        accepted.exclude(province="").values_list("province").annotate(Sum("persons"))
    ):
        result[("province", value)] += persons
    for by_proxy, persons in accepted.values_list("by_proxy").annotate(Sum("persons")):
        result[("proxy", "proxy" if by_proxy else "self")] += persons
    named = Person.objects.filter(declaration__status=Status.ACCEPTED)
    true_names = named.filter(naming=Naming.TRUE_NAME).count()
    aliases = named.filter(naming__in=ALIAS_NAMINGS).count()
    result[("naming", "true_name")] = true_names
    result[("naming", "alias")] = aliases
    result[("naming", "unnamed")] = result[("total", "")] - true_names - aliases
    return result


def check() -> list[str]:
    """Differences between the maintained counters and a recount; empty if none."""
    stored = Counter(
        {(d, k): c for d, k, c in Tally.objects.values_list("dimension", "key", "count")}
    )
    recounted = recompute()
    problems = []
    for key in sorted(set(stored) | set(recounted)):
        if stored.get(key, 0) != recounted.get(key, 0):
            dimension, name = key
            problems.append(
                f"{dimension}[{name}]: counter {stored.get(key, 0)}, rows {recounted.get(key, 0)}"
            )
    return problems
