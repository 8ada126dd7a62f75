"""Home: what this service is, in one sentence, then the total, the latest
day's count, totals per organisation and milestones — all as published at the
latest checkpoint of the public log — and a link to the page that explains how
anyone can check them (views/check.py holds the hashes and keys).

"Today" comes from the published totals only: their `by_day` breakdown counts
persons per declaration day (a UTC calendar day), as of the latest publication
batch, and is public at /api/v1/tally. With batches once a day, today's
declarations are usually not published yet, so the page shows the most recent
day in that breakdown, named by its date, and says "Today" only when that day
is today. Nothing finer than the published totals is ever shown."""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tuidang.registry import milestones, organisations
from tuidang.registry.models import Milestone
from tuidang.transparency import published


def latest_published_day(by_day: dict[str, int]) -> tuple[datetime.date | None, int]:
    """The most recent day in the published `by_day` totals and its count
    (None, 0 before anything is published). Days whose count fell to 0 are
    omitted from the totals (docs/log-format.md), so the day has a count > 0."""
    if not by_day:
        return None, 0
    day = max(by_day)
    return datetime.date.fromisoformat(day), by_day[day]


@require_safe
def home(request):
    totals = published.latest()["totals"]
    # A deactivated organisation stays listed while its declarations count.
    by_organisation = totals["by_organisation"]
    active = set(organisations.codes())
    per_organisation = [
        (organisations.name(code), by_organisation.get(code, 0))
        for code in organisations.all_codes()
        if code in active or by_organisation.get(code)
    ]
    today = timezone.now().date()
    latest_day, latest_day_count = latest_published_day(totals["by_day"])
    return render(
        request,
        "public/home.html",
        {
            "total": totals["persons"],
            "per_organisation": per_organisation,
            "latest_day": latest_day,
            "latest_day_count": latest_day_count,
            "latest_day_is_today": latest_day in (None, today),
            "milestones": Milestone.objects.all()[:6],
            "next_milestone": milestones.next_threshold(totals["persons"]),
        },
    )
