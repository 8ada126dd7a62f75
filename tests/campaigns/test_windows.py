"""Calling windows in the target's local time: Asia/Shanghai defaults, other
zones, daylight-saving changes (America/New_York on 8 March and 1 November
2026, Europe/Berlin on 29 March and 25 October 2026), spring-forward gaps,
holidays as local days, the campaign's date range, and refused windows."""

import datetime

import pytest

from tuidang.campaigns.defaults import DEFAULT_HOURS, WORKDAYS
from tuidang.campaigns.windows import Schedule, Window, is_open, next_opening

UTC = datetime.UTC
SHANGHAI, NEW_YORK, BERLIN = "Asia/Shanghai", "America/New_York", "Europe/Berlin"
LOS_ANGELES = "America/Los_Angeles"
DEFAULT = Schedule(
    windows=tuple(Window(day, start, end) for day in WORKDAYS for start, end in DEFAULT_HOURS)
)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        ("2026-03-02 00:29", False),  # Monday 08:29 in Shanghai
        ("2026-03-02 00:30", True),  # 08:30
        ("2026-03-02 03:29", True),  # 11:29
        ("2026-03-02 03:30", False),  # 11:30: the end is exclusive
        ("2026-03-02 05:59", False),  # 13:59, lunch
        ("2026-03-02 06:00", True),  # 14:00
        ("2026-03-02 09:29", True),  # 17:29
        ("2026-03-02 09:30", False),  # 17:30
        ("2026-03-07 01:00", False),  # Saturday 09:00
        ("2026-03-01 23:00", False),  # Sunday 23:00 UTC is Monday 07:00 in Shanghai
        ("2026-03-06 06:30", True),  # Friday 14:30
    ],
)
def test_default_windows_in_shanghai(instant, expected):
    assert is_open(DEFAULT, at(instant), SHANGHAI) is expected


def test_the_same_instant_is_open_in_one_zone_and_closed_in_another():
    # Monday 2 March 2026, 14:00 UTC: 22:00 in Shanghai, 09:00 in New York, 15:00 in Berlin.
    instant = at("2026-03-02 14:00")
    assert not is_open(DEFAULT, instant, SHANGHAI)
    assert is_open(DEFAULT, instant, NEW_YORK)
    assert is_open(DEFAULT, instant, BERLIN)


def test_new_york_windows_follow_the_spring_change():
    # 08:30 local is 13:30 UTC in winter (EST) and 12:30 UTC after 8 March (EDT).
    assert not is_open(DEFAULT, at("2026-03-02 13:00"), NEW_YORK)
    assert is_open(DEFAULT, at("2026-03-02 13:30"), NEW_YORK)
    assert is_open(DEFAULT, at("2026-03-09 12:30"), NEW_YORK)
    assert not is_open(DEFAULT, at("2026-03-09 12:29"), NEW_YORK)
    # 17:30 EDT is 21:30 UTC: 21:00 UTC is 17:00 local, open; in winter it was 16:00.
    assert is_open(DEFAULT, at("2026-03-09 21:29"), NEW_YORK)
    assert not is_open(DEFAULT, at("2026-03-09 21:30"), NEW_YORK)


def test_berlin_windows_follow_both_changes():
    assert is_open(DEFAULT, at("2026-03-23 07:30"), BERLIN)  # 08:30 CET
    assert not is_open(DEFAULT, at("2026-03-23 07:29"), BERLIN)
    assert is_open(DEFAULT, at("2026-03-30 06:30"), BERLIN)  # 08:30 CEST
    assert not is_open(DEFAULT, at("2026-03-30 06:29"), BERLIN)
    assert is_open(DEFAULT, at("2026-10-26 07:30"), BERLIN)  # back to CET
    assert not is_open(DEFAULT, at("2026-10-26 06:30"), BERLIN)


def test_next_opening_over_a_weekend_with_a_daylight_saving_change():
    # Friday 6 March 18:00 EST (23:00 UTC) → Monday 9 March 08:30 EDT = 12:30 UTC,
    # not 13:30 as a fixed offset would give.
    assert next_opening(DEFAULT, at("2026-03-06 23:00"), NEW_YORK) == at("2026-03-09 12:30")
    # Friday 23 October 17:30 CEST → Monday 26 October 08:30 CET = 07:30 UTC.
    assert next_opening(DEFAULT, at("2026-10-23 15:30"), BERLIN) == at("2026-10-26 07:30")
    # Friday 30 October 17:30 EDT → Monday 2 November 08:30 EST = 13:30 UTC.
    assert next_opening(DEFAULT, at("2026-10-30 21:30"), NEW_YORK) == at("2026-11-02 13:30")


def test_next_opening_in_shanghai_and_inside_a_window():
    # Friday 17:30 in Shanghai → Monday 08:30 = Monday 00:30 UTC.
    assert next_opening(DEFAULT, at("2026-03-06 09:30"), SHANGHAI) == at("2026-03-09 00:30")
    # Lunch → 14:00 the same day.
    assert next_opening(DEFAULT, at("2026-03-02 04:00"), SHANGHAI) == at("2026-03-02 06:00")
    # Inside a window: now.
    assert next_opening(DEFAULT, at("2026-03-02 01:17"), SHANGHAI) == at("2026-03-02 01:17")
    opening = next_opening(DEFAULT, at("2026-03-07 12:00"), SHANGHAI)
    assert is_open(DEFAULT, opening, SHANGHAI)
    assert not is_open(DEFAULT, opening - datetime.timedelta(seconds=1), SHANGHAI)


def test_a_window_inside_the_spring_forward_gap_never_opens_that_day():
    # 02:00-02:45 on Sunday 8 March 2026 does not exist in New York.
    gap = Schedule(windows=(Window(6, datetime.time(2, 0), datetime.time(2, 45)),))
    assert next_opening(gap, at("2026-03-07 12:00"), NEW_YORK) == at("2026-03-15 06:00")


def test_a_window_starting_in_the_gap_opens_when_the_clocks_jump():
    # 02:30-04:00: the first local instant at or after 02:30 is 03:00 EDT = 07:00 UTC.
    partly = Schedule(windows=(Window(6, datetime.time(2, 30), datetime.time(4, 0)),))
    assert next_opening(partly, at("2026-03-07 12:00"), NEW_YORK) == at("2026-03-08 07:00")
    assert not is_open(partly, at("2026-03-08 06:59"), NEW_YORK)  # 01:59 EST


def test_a_window_in_the_repeated_hour_opens_at_its_first_occurrence():
    # 1 November 2026, New York: 01:00-02:00 happens twice (EDT, then EST).
    repeated = Schedule(windows=(Window(6, datetime.time(1, 15), datetime.time(1, 45)),))
    assert next_opening(repeated, at("2026-10-31 12:00"), NEW_YORK) == at("2026-11-01 05:15")
    assert is_open(repeated, at("2026-11-01 06:15"), NEW_YORK)  # 01:15 EST, the second time


def test_holidays_are_days_of_the_targets_calendar():
    # 1 October 2026, 00:00 UTC: Thursday 1 October in UTC and Shanghai, but
    # Wednesday 30 September 17:00 in Los Angeles.
    instant = at("2026-10-01 00:00")
    assert is_open(DEFAULT, instant, LOS_ANGELES)
    national_day = Schedule(DEFAULT.windows, holidays=frozenset({datetime.date(2026, 10, 1)}))
    assert is_open(national_day, instant, LOS_ANGELES)
    eve = Schedule(DEFAULT.windows, holidays=frozenset({datetime.date(2026, 9, 30)}))
    assert not is_open(eve, instant, LOS_ANGELES)
    # In Shanghai 1 October 09:00 is closed on the holiday, open without it.
    assert is_open(DEFAULT, at("2026-10-01 01:00"), SHANGHAI)
    assert not is_open(national_day, at("2026-10-01 01:00"), SHANGHAI)


def test_next_opening_skips_holidays():
    week = frozenset(datetime.date(2026, 10, day) for day in range(1, 8))
    golden_week = Schedule(DEFAULT.windows, holidays=week)
    # Wednesday 30 September 17:30 in Shanghai → Thursday 8 October 08:30.
    assert next_opening(golden_week, at("2026-09-30 09:30"), SHANGHAI) == at("2026-10-08 00:30")


def test_the_campaign_range_is_in_local_days():
    ranged = Schedule(
        DEFAULT.windows,
        first_day=datetime.date(2026, 3, 3),
        last_day=datetime.date(2026, 3, 4),
    )
    assert not is_open(ranged, at("2026-03-02 01:00"), SHANGHAI)
    assert is_open(ranged, at("2026-03-03 01:00"), SHANGHAI)
    assert next_opening(ranged, at("2026-03-01 00:00"), SHANGHAI) == at("2026-03-03 00:30")
    assert next_opening(ranged, at("2026-03-04 10:00"), SHANGHAI) is None


def test_no_windows_never_open():
    assert next_opening(Schedule(windows=()), at("2026-03-02 00:00"), SHANGHAI) is None


@pytest.mark.parametrize(
    ("weekday", "start", "end"),
    [
        (0, datetime.time(11, 30), datetime.time(8, 30)),
        (0, datetime.time(9), datetime.time(9)),
        (7, datetime.time(9), datetime.time(10)),
        (-1, datetime.time(9), datetime.time(10)),
        (0, datetime.time(9, tzinfo=UTC), datetime.time(10, tzinfo=UTC)),
    ],
)
def test_impossible_windows_are_refused(weekday, start, end):
    with pytest.raises(ValueError):
        Window(weekday, start, end)


def test_naive_instants_are_refused():
    with pytest.raises(ValueError):
        is_open(DEFAULT, datetime.datetime(2026, 3, 2, 1), SHANGHAI)
