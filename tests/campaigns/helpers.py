"""A campaign with the default windows, for tests that need one in the database."""

import datetime

from tuidang.campaigns.defaults import default_windows
from tuidang.campaigns.models import Campaign


def make_campaign(name="Test campaign", **fields) -> Campaign:
    fields.setdefault("start_day", datetime.date(2026, 1, 1))
    fields.setdefault("end_day", datetime.date(2026, 12, 31))
    campaign = Campaign.objects.create(name=name, **fields)
    default_windows(campaign)
    return campaign
