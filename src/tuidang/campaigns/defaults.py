"""A new campaign's calling windows: Monday to Friday, 08:30–11:30 and
14:00–17:30 in each target's local time."""

import datetime

from tuidang.campaigns.models import CallingWindow, Campaign

WORKDAYS = range(5)
DEFAULT_HOURS = (
    (datetime.time(8, 30), datetime.time(11, 30)),
    (datetime.time(14, 0), datetime.time(17, 30)),
)


def default_windows(campaign: Campaign) -> list[CallingWindow]:
    """Create the default windows for `campaign` and return them."""
    return CallingWindow.objects.bulk_create(
        CallingWindow(campaign=campaign, weekday=weekday, start=start, end=end)
        for weekday in WORKDAYS
        for start, end in DEFAULT_HOURS
    )
