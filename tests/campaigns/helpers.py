"""A campaign with the default windows and targets, for tests that need them
in the database."""

import datetime

from tuidang.campaigns.choices import CampaignStatus, TimeZoneSource
from tuidang.campaigns.defaults import default_windows
from tuidang.campaigns.models import CallingWindow, Campaign, Target


def make_campaign(name="Test campaign", **fields) -> Campaign:
    fields.setdefault("start_day", datetime.date(2026, 1, 1))
    fields.setdefault("end_day", datetime.date(2026, 12, 31))
    campaign = Campaign.objects.create(name=name, **fields)
    default_windows(campaign)
    return campaign


def make_target(campaign: Campaign, number: int, zone="Asia/Shanghai", **fields) -> Target:
    """A target with a made-up number and key (no hashing needed for the queue)."""
    fields.setdefault("name_or_title", f"Target {number}")
    fields.setdefault("phone_e164", f"+8610{number:08d}")
    fields.setdefault("phone_key", f"key-{number}")
    return Target.objects.create(
        campaign=campaign, time_zone=zone, time_zone_source=TimeZoneSource.FILE, **fields
    )


def make_open_campaign(name="Open campaign", **fields) -> Campaign:
    """A running campaign whose window is open all day, every day, from
    yesterday for two months: for tests that use the real clock."""
    today = datetime.date.today()
    fields.setdefault("status", CampaignStatus.RUNNING)
    fields.setdefault("start_day", today - datetime.timedelta(days=2))
    fields.setdefault("end_day", today + datetime.timedelta(days=60))
    campaign = Campaign.objects.create(name=name, **fields)
    CallingWindow.objects.bulk_create(
        CallingWindow(campaign=campaign, weekday=day, start=datetime.time(0), end=datetime.time.max)
        for day in range(7)
    )
    return campaign
