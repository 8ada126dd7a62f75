"""The one tally code. Totals are maintained counters (`Tally` rows) changed in the
same transaction as an acceptance or revocation, so reading any total is one
small query and never counts declarations. `check()` recomputes every counter
from the declaration rows with independent SQL and reports each difference.

Dimensions and keys (all count persons, except the first three):

    entries       ""                      entries of the public log (declares + revokes),
                                          those queued for the next batch included
    revocations   ""                      revoke entries
    declarations  ""                      declarations counted now (accepted, not revoked)
    total         ""                      every person counted
    organisation  party | league | ...    persons withdrawing from it
    day           YYYY-MM-DD              by day of declaration
    channel       web | hotline | ...
    country       ISO 3166-1 alpha-2
    province      ISO 3166-2:CN code      (China only, when given)
    proxy         self | proxy
    naming        true_name | alias | unnamed

`totals()` returns them in the JSON shape `tuidang-totals-v1` of
docs/log-format.md, the shape the log verifier recomputes from the entries.
"""

import itertools
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Sum

from tuidang.registry import organisations
from tuidang.registry.choices import ALIAS_NAMINGS, Naming, Status
from tuidang.registry.models import Declaration, Person, Tally

Key = tuple[str, str]

TOTALS_FORMAT = "tuidang-totals-v1"
# Scalar counters and breakdowns under their names in tuidang-totals-v1.
SCALARS = {
    "entries": "entries",
    "declarations": "declarations",
    "revocations": "revocations",
    "total": "persons",
}
BREAKDOWNS = {
    "organisation": "by_organisation",
    "day": "by_day",
    "channel": "by_channel",
    "country": "by_country",
    "province": "by_province",
    "proxy": "by_filer",
    "naming": "by_naming",
}


def naming_counts(namings: Iterable[str], persons: int) -> dict[str, int]:
    counts = Counter("true_name" if n == Naming.TRUE_NAME else "alias" for n in namings)
    named = counts["true_name"] + counts["alias"]
    return {"true_name": counts["true_name"], "alias": counts["alias"], "unnamed": persons - named}


def contributions(declaration: Declaration, namings: Iterable[str]) -> Counter:
    """What one accepted declaration adds to each counter (its log entry aside)."""
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


def _add(changes: Counter) -> None:
    """Upsert every changed counter in one statement (same on SQLite and PostgreSQL).
    Rows are written in sorted order so concurrent writers never deadlock."""
    rows = sorted((key, count) for key, count in changes.items() if count)
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
    """Add an accepted declaration and its declare entry. Call inside the
    transaction that accepts it."""
    assert transaction.get_connection().in_atomic_block
    changes = contributions(declaration, _namings(declaration))
    changes[("entries", "")] += 1
    _add(changes)


def count_in_many(changes: Counter, entries: int) -> None:
    """Add the summed `contributions()` of a batch of accepted declarations and
    their `entries` declare entries, in one upsert. Call inside the transaction
    that accepts them (`batch_intake.BatchIntake`)."""
    assert transaction.get_connection().in_atomic_block
    changes = Counter(changes)
    changes[("entries", "")] += entries
    _add(changes)


def count_out(declaration: Declaration) -> None:
    """Remove a revoked declaration and count its revoke entry. Call inside the
    transaction that revokes it."""
    assert transaction.get_connection().in_atomic_block
    changes = Counter(
        {key: -count for key, count in contributions(declaration, _namings(declaration)).items()}
    )
    changes[("entries", "")] += 1
    changes[("revocations", "")] += 1
    _add(changes)


def _namings(declaration: Declaration) -> list[str]:
    return list(declaration.people.values_list("naming", flat=True))


def total() -> int:
    row = Tally.objects.filter(dimension="total", key="").values_list("count", flat=True).first()
    return row or 0


def counter(dimension: str, key: str) -> int:
    row = Tally.objects.filter(dimension=dimension, key=key).values_list("count", flat=True)
    return row.first() or 0


def totals() -> dict:
    """Every counter, in the JSON shape tuidang-totals-v1 (zero counts left out).
    One query, so the counters are read at one instant: `entries` is the log
    size they belong to."""
    result: dict = {"format": TOTALS_FORMAT}
    result.update({name: 0 for name in SCALARS.values()})
    result.update({name: {} for name in BREAKDOWNS.values()})
    for dimension, key, count in Tally.objects.values_list("dimension", "key", "count"):
        if dimension in SCALARS:
            result[SCALARS[dimension]] = count
        elif dimension in BREAKDOWNS and count:
            result[BREAKDOWNS[dimension]][key] = count
    for name in BREAKDOWNS.values():
        result[name] = dict(sorted(result[name].items()))
    return result


def recompute() -> Counter:
    """Every counter recomputed from the declaration rows (slow; for --check)."""
    accepted = Declaration.objects.filter(status=Status.ACCEPTED)
    revoked = Declaration.objects.filter(status=Status.REVOKED).count()
    result: Counter = Counter()
    result[("revocations", "")] = revoked
    # Every accepted declaration has a declare entry; a revoked one also a revoke entry.
    aggregate = accepted.aggregate(persons=Sum("persons"), declarations=Count("id"))
    result[("total", "")] = aggregate["persons"] or 0
    result[("declarations", "")] = aggregate["declarations"]
    result[("entries", "")] = aggregate["declarations"] + 2 * revoked
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


def check_log() -> list[str]:
    """Differences between the counters and the totals recomputed, by the
    verifier's own code, from the log entries in the database followed by the
    entries queued for the next batch; empty if none."""
    from tuidang.ledger.totals import TallyError, compute_totals
    from tuidang.registry.log_batches import pending_lines
    from tuidang.registry.models import LogEntry

    problems = []
    size = LogEntry.objects.count()
    last = LogEntry.objects.order_by("-index").values_list("index", flat=True).first()
    if size and last != size - 1:
        problems.append(f"log: {size} entries but the last index is {last} (a gap)")
    sequenced = (
        line.encode("ascii")
        for line in LogEntry.objects.order_by("index").values_list("line", flat=True).iterator()
    )
    lines = itertools.chain(sequenced, pending_lines(size))
    try:
        from_log = compute_totals(lines, organisations.all_codes())
    except TallyError as error:
        return [*problems, f"log: {error}"]
    stored = totals()
    for name in sorted(set(stored) | set(from_log)):
        if stored.get(name) != from_log.get(name):
            problems.append(f"{name}: counters {stored.get(name)!r}, log {from_log.get(name)!r}")
    return problems
