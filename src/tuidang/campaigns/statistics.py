"""Counting a campaign's calls for its statistics: attempts, reached, listened,
agreed, persons and conversion, in total and per script version, sector, rank,
day and caller, and the detailed rows of the CSV download.

Every breakdown is one aggregate query grouped in the database (Count and Sum
with conditional filters), so the cost does not grow in Python with the number
of calls. Definitions (choices.py):

- attempts: calls;
- reached: calls whose outcome is in REACHED (someone answered);
- listened: outcome in LISTENED (the person heard the material out);
- agreed: outcome in AGREEMENTS;
- persons: the persons the agreements declared (a group counts each person);
- conversion: agreed / reached, None when no one was reached.

Only days: a call records its UTC day, never a time of day, and nothing here
names a target."""

import dataclasses
import datetime

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from tuidang.campaigns.choices import AGREEMENTS, LISTENED, REACHED
from tuidang.campaigns.models import Call, Campaign
from tuidang.registry.choices import Rank, Sector

_AGREED = Q(outcome__in=AGREEMENTS)
COUNTS = {
    "attempts": Count("id"),
    "reached": Count("id", filter=Q(outcome__in=REACHED)),
    "listened": Count("id", filter=Q(outcome__in=LISTENED)),
    "agreed": Count("id", filter=_AGREED),
    "persons": Coalesce(Sum("persons", filter=_AGREED), 0),
}
COUNT_NAMES = tuple(COUNTS)

# Grouping keys of each breakdown; a row is known by the first (None for calls
# without a script, or whose caller's account was deleted).
BREAKDOWNS = {
    "script": ("script__version",),
    "sector": ("sector",),
    "rank": ("rank",),
    "day": ("day",),
    "caller": ("caller__username", "caller_id"),
}
# The detailed rows of the CSV, in this order.
DETAIL_KEYS = ("day", "script__version", "sector", "rank", "caller__username")


@dataclasses.dataclass(frozen=True)
class Counts:
    attempts: int = 0
    reached: int = 0
    listened: int = 0
    agreed: int = 0
    persons: int = 0

    @property
    def conversion(self) -> float | None:
        """Agreed / reached, or None when no one was reached."""
        return self.agreed / self.reached if self.reached else None

    @property
    def percent(self) -> float | None:
        conversion = self.conversion
        return None if conversion is None else 100 * conversion


@dataclasses.dataclass(frozen=True)
class Row:
    """One group of a breakdown: its key (a version number, a sector or rank
    code, a day, a username; None or "" when the calls carry none) and its counts."""

    key: object
    counts: Counts


@dataclasses.dataclass(frozen=True)
class Period:
    """An inclusive range of UTC days; either end may be open."""

    first: datetime.date | None = None
    last: datetime.date | None = None


def calls(campaign: Campaign | int, period: Period | None = None) -> QuerySet:
    """The campaign's calls within `period` (every day when None)."""
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    queryset = Call.objects.filter(campaign_id=campaign_id)
    period = period or Period()
    if period.first is not None:
        queryset = queryset.filter(day__gte=period.first)
    if period.last is not None:
        queryset = queryset.filter(day__lte=period.last)
    return queryset


def _counts(values: dict) -> Counts:
    return Counts(**{name: values[name] or 0 for name in COUNT_NAMES})


def totals(queryset: QuerySet) -> Counts:
    return _counts(queryset.aggregate(**COUNTS))


def _grouped(queryset: QuerySet, keys: tuple[str, ...]) -> list[dict]:
    """One query: GROUP BY `keys`, ordered by them (calls without one last, on
    every database)."""
    # order_by() first: a default ordering would otherwise join the GROUP BY.
    grouped = queryset.order_by().values(*keys).annotate(**COUNTS)
    return list(grouped.order_by(*(F(key).asc(nulls_last=True) for key in keys)))


def _order(choices) -> dict[str, int]:
    """Rows in the order of the choices, then the calls that carry none."""
    return {code: position for position, code in enumerate(choices.values)}


def breakdown(queryset: QuerySet, by: str) -> list[Row]:
    """The counts per script version, sector, rank, day or caller (`by`, a key
    of BREAKDOWNS), in a stable order: versions and days ascending (no script
    last), sectors and ranks in the order of their choices (none given last),
    callers by username (deleted accounts last)."""
    keys = BREAKDOWNS[by]
    rows = [Row(key=values[keys[0]], counts=_counts(values)) for values in _grouped(queryset, keys)]
    if by in ("sector", "rank"):
        # A dozen rows at most: sorted here rather than by a CASE in the query.
        order = _order(Sector if by == "sector" else Rank)
        rows.sort(key=lambda row: order.get(row.key, len(order)))
    return rows


def details(queryset: QuerySet) -> list[dict]:
    """One dict per (day, script version, sector, rank, caller username) with
    its counts: the rows of the CSV download."""
    return _grouped(queryset, DETAIL_KEYS)


@dataclasses.dataclass(frozen=True)
class Statistics:
    totals: Counts
    by_script: list[Row]
    by_sector: list[Row]
    by_rank: list[Row]
    by_day: list[Row]
    by_caller: list[Row]


def campaign_statistics(campaign: Campaign | int, period: Period | None = None) -> Statistics:
    """Everything the statistics page shows: six queries, whatever the number of calls."""
    queryset = calls(campaign, period)
    return Statistics(
        totals=totals(queryset),
        by_script=breakdown(queryset, "script"),
        by_sector=breakdown(queryset, "sector"),
        by_rank=breakdown(queryset, "rank"),
        by_day=breakdown(queryset, "day"),
        by_caller=breakdown(queryset, "caller"),
    )
