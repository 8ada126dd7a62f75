"""Today as a UTC day: the only date a campaign row records (never a time)."""

import datetime

from django.utils import timezone


def utc_today() -> datetime.date:
    return timezone.now().astimezone(datetime.UTC).date()
