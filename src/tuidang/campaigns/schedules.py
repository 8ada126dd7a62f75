"""A campaign's windows, holidays and date range read from the database into
the pure `windows.Schedule`."""

from tuidang.campaigns.models import Campaign
from tuidang.campaigns.windows import Schedule, Window


def schedule_for(campaign: Campaign) -> Schedule:
    return Schedule(
        windows=tuple(
            Window(weekday=w.weekday, start=w.start, end=w.end) for w in campaign.windows.all()
        ),
        holidays=frozenset(campaign.holidays.values_list("day", flat=True)),
        first_day=campaign.start_day,
        last_day=campaign.end_day,
    )
