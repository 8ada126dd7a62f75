"""Flood detection: a channel whose declarations today are far above its recent
norm raises an alert, so moderators know to look before accepting a wave of
fakes meant to discredit the count.

The norm of a channel is the median of its daily counts of *received*
declarations (any status: a flood is visible before anyone accepts it) over the
`window` days before the day looked at, days without any counting as 0. An
alert is raised when the day's count is at least `minimum` and more than
`factor` times the norm (a norm of 0 counts as 1). One grouped query over
`Declaration(day, channel)`; days only, never a time.

`alerts()` is meant for the console's moderation queue and home page.
"""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from tuidang.registry.models import Declaration

WINDOW_DAYS = 14
FACTOR = 5.0
MINIMUM = 50


@dataclass(frozen=True)
class FloodAlert:
    channel: str
    day: datetime.date
    count: int
    norm: float

    @property
    def ratio(self) -> float:
        return self.count / max(self.norm, 1.0)


def alerts(
    day: datetime.date | None = None,
    *,
    window: int = WINDOW_DAYS,
    factor: float = FACTOR,
    minimum: int = MINIMUM,
) -> list[FloodAlert]:
    """Channels flooding on `day` (default: today, UTC), the worst first."""
    day = day or timezone.now().date()
    start = day - datetime.timedelta(days=window)
    rows = (
        Declaration.objects.filter(day__gte=start, day__lte=day)
        .values_list("channel", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_channel: dict[str, dict[datetime.date, int]] = {}
    for channel, row_day, count in rows:
        per_channel.setdefault(channel, {})[row_day] = count
    found = []
    for channel, counts in per_channel.items():
        today = counts.get(day, 0)
        history = [counts.get(start + datetime.timedelta(days=i), 0) for i in range(window)]
        norm = float(statistics.median(history)) if history else 0.0
        if today >= minimum and today > factor * max(norm, 1.0):
            found.append(FloodAlert(channel, day, today, norm))
    return sorted(found, key=lambda alert: alert.ratio, reverse=True)
