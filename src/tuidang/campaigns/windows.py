"""Calling windows as pure functions: is an instant inside a campaign's
window in a target's local time, and when does the next window open.

Windows are wall-clock hours per weekday in the target's zone (zoneinfo), so
they follow daylight-saving changes; holidays and the campaign's first and
last day are days of the target's local calendar. Instants are aware
datetimes; results are in UTC."""

import dataclasses
import datetime
import math
import zoneinfo

# How far ahead `next_opening` looks before giving up.
HORIZON_DAYS = 400


@dataclasses.dataclass(frozen=True)
class Window:
    weekday: int  # 0 = Monday
    start: datetime.time
    end: datetime.time  # exclusive

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday {self.weekday} is not 0-6")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("window times are local wall-clock times, without a zone")
        if self.end <= self.start:
            raise ValueError(f"window {self.start}-{self.end} ends before it starts")


@dataclasses.dataclass(frozen=True)
class Schedule:
    windows: tuple[Window, ...]
    holidays: frozenset[datetime.date] = frozenset()
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None

    def is_calling_day(self, day: datetime.date) -> bool:
        if day in self.holidays:
            return False
        if self.first_day is not None and day < self.first_day:
            return False
        return self.last_day is None or day <= self.last_day

    def windows_on(self, weekday: int) -> list[Window]:
        return sorted((w for w in self.windows if w.weekday == weekday), key=lambda w: w.start)


def _utc(instant: datetime.datetime) -> datetime.datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instants must be aware datetimes")
    return instant.astimezone(datetime.UTC)


def _first_instant_at(wall: datetime.datetime, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    """The first UTC instant whose local wall-clock time in `tz` is `wall` or
    later: the first of two when the clocks go back, and the end of the gap
    when `wall` falls in a spring-forward gap."""
    first = wall.replace(tzinfo=tz, fold=0).astimezone(datetime.UTC)
    second = wall.replace(tzinfo=tz, fold=1).astimezone(datetime.UTC)
    if first <= second:
        return first
    # In a gap: fold=1 lies before it (wall earlier than `wall`), fold=0 after.
    # Find the transition, a whole second, by bisection over seconds.
    before, after = math.floor(second.timestamp()), math.ceil(first.timestamp())
    while after - before > 1:
        middle = (before + after) // 2
        local = datetime.datetime.fromtimestamp(middle, tz).replace(tzinfo=None)
        if local >= wall:
            after = middle
        else:
            before = middle
    return datetime.datetime.fromtimestamp(after, datetime.UTC)


def is_open(schedule: Schedule, instant: datetime.datetime, zone: str) -> bool:
    """Whether `instant` falls inside a calling window in the local time of `zone`."""
    local = _utc(instant).astimezone(zoneinfo.ZoneInfo(zone))
    if not schedule.is_calling_day(local.date()):
        return False
    wall = local.time().replace(tzinfo=None)
    return any(w.start <= wall < w.end for w in schedule.windows_on(local.weekday()))


def next_opening(
    schedule: Schedule, instant: datetime.datetime, zone: str
) -> datetime.datetime | None:
    """The first UTC instant at or after `instant` inside a window for `zone`;
    `instant` itself when a window is open. None if none opens in HORIZON_DAYS
    (or after the campaign's last day)."""
    instant = _utc(instant)
    if is_open(schedule, instant, zone):
        return instant
    tz = zoneinfo.ZoneInfo(zone)
    day = instant.astimezone(tz).date()
    for _ in range(HORIZON_DAYS):
        if schedule.last_day is not None and day > schedule.last_day:
            return None
        if schedule.is_calling_day(day):
            for window in schedule.windows_on(day.weekday()):
                opening = _first_instant_at(datetime.datetime.combine(day, window.start), tz)
                if opening > instant and is_open(schedule, opening, zone):
                    return opening
        day += datetime.timedelta(days=1)
    return None
