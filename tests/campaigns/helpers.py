"""A campaign with the default windows and targets, for tests that need them
in the database."""

import datetime

from tuidang.campaigns.choices import TimeZoneSource
from tuidang.campaigns.defaults import default_windows
from tuidang.campaigns.models import Campaign, Target


def make_campaign(name="Test campaign", **fields) -> Campaign:
    fields.setdefault("start_day", datetime.date(2026, 1, 1))
    fields.setdefault("end_day", datetime.date(2026, 12, 31))
    campaign = Campaign.objects.create(name=name, **fields)
    default_windows(campaign)
    return campaign


def make_target(campaign: Campaign, number: int, zone="Asia/Shanghai", **fields) -> Target:
    """A target with a made-up number and key (no hashing needed for the queue)."""
    return Target.objects.create(
        campaign=campaign,
        name_or_title=f"Target {number}",
        phone_e164=f"+8610{number:08d}",
        phone_key=f"key-{number}",
        time_zone=zone,
        time_zone_source=TimeZoneSource.FILE,
        **fields,
    )
