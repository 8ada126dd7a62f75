"""A campaign's statistics for its leads (Permission.CAMPAIGNS): the page
(totals, then tables by script version, sector, rank, day with a bar chart,
and caller) and the CSV download of the detailed rows.

Both take an optional range of UTC days (GET `from` and `to`, YYYY-MM-DD).
The counting is in campaigns/statistics.py; here are only labels, the chart's
geometry and the CSV's cells. Nothing shown or downloaded names a target."""

import csv
import dataclasses
import datetime

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tuidang.campaigns import statistics
from tuidang.campaigns.models import Campaign
from tuidang.campaigns.statistics import Counts, Period, Row
from tuidang.console.decorators import console_view
from tuidang.console.roles import Permission
from tuidang.registry.choices import Rank, Sector

# The chart's units: each day a slot of two bars (attempts, agreements).
CHART_HEIGHT = 100
DAY_WIDTH = 10
BAR_WIDTH = 4
# Cells a spreadsheet would read as a formula (CSV injection), and tab and
# carriage return, which some read the same way.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = [
    "day",
    "script version",
    "sector",
    "rank",
    "caller",
    *statistics.COUNT_NAMES,
]
MAX_ECHO = 40


@dataclasses.dataclass(frozen=True)
class Section:
    """One table of the page: an anchor, its heading, the heading of its first
    column and its rows as (label, counts)."""

    slug: str
    heading: str
    column: str
    rows: list[tuple[str, Counts]]


def period_from(params) -> tuple[Period, str | None]:
    """The range of days asked for in `params` (GET), or every day and a
    message saying what is wrong with it."""
    days = {}
    for name in ("from", "to"):
        text = params.get(name, "").strip()
        if not text:
            days[name] = None
            continue
        try:
            days[name] = datetime.date.fromisoformat(text)
        except ValueError:
            shown = text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + "…"
            return Period(), _("“%(value)s” is not a day: write it as YYYY-MM-DD.") % {
                "value": shown
            }
    if days["from"] and days["to"] and days["from"] > days["to"]:
        return Period(), _("The first day is after the last day.")
    return Period(first=days["from"], last=days["to"]), None


def _choice_label(choices, code: str) -> str:
    if not code:
        return _("Not given")
    return str(choices(code).label) if code in choices.values else code


def _script_label(version: int | None) -> str:
    if version is None:
        return _("No script")
    return _("Version %(version)s") % {"version": version}


def _caller_label(username: str | None) -> str:
    return username if username is not None else _("Deleted account")


def _labelled(rows: list[Row], label) -> list[tuple[str, Counts]]:
    return [(label(row.key), row.counts) for row in rows]


def sections(figures: statistics.Statistics) -> list[Section]:
    return [
        Section(
            "script",
            _("By script version"),
            _("Script"),
            _labelled(figures.by_script, _script_label),
        ),
        Section(
            "sector",
            _("By sector"),
            _("Sector"),
            _labelled(figures.by_sector, lambda code: _choice_label(Sector, code)),
        ),
        Section(
            "rank",
            _("By rank"),
            _("Rank"),
            _labelled(figures.by_rank, lambda code: _choice_label(Rank, code)),
        ),
        Section("day", _("By day"), _("Day (UTC)"), _labelled(figures.by_day, str)),
        Section("caller", _("By caller"), _("Caller"), _labelled(figures.by_caller, _caller_label)),
    ]


def _bar(value: int, top: int) -> float:
    """A bar's height: to scale, but never invisible when the value is not 0."""
    if not value:
        return 0
    return round(max(CHART_HEIGHT * value / top, 1), 2)


def chart(by_day: list[Row]) -> dict | None:
    """The geometry of the bar chart of attempts and agreements per day, from
    the first to the last day with calls (days without calls are drawn empty).
    None without any call."""
    if not by_day:
        return None
    counts = {row.key: row.counts for row in by_day}
    first, last = by_day[0].key, by_day[-1].key
    top = max(row.counts.attempts for row in by_day)
    days = []
    for offset in range((last - first).days + 1):
        day = first + datetime.timedelta(days=offset)
        figures = counts.get(day, Counts())
        attempts, agreed = _bar(figures.attempts, top), _bar(figures.agreed, top)
        x = offset * DAY_WIDTH
        days.append(
            {
                "day": day,
                "attempts": figures.attempts,
                "agreed": figures.agreed,
                "attempts_x": x + 1,
                "attempts_y": CHART_HEIGHT - attempts,
                "attempts_height": attempts,
                "agreed_x": x + 1 + BAR_WIDTH,
                "agreed_y": CHART_HEIGHT - agreed,
                "agreed_height": agreed,
            }
        )
    return {
        "first": first,
        "last": last,
        "top": top,
        "width": len(days) * DAY_WIDTH,
        "height": CHART_HEIGHT,
        "bar_width": BAR_WIDTH,
        "days": days,
    }


def _query(period: Period) -> str:
    params = {}
    if period.first:
        params["from"] = period.first.isoformat()
    if period.last:
        params["to"] = period.last.isoformat()
    return urlencode(params)


@console_view(Permission.CAMPAIGNS)
@require_http_methods(["GET", "HEAD"])
def campaign_statistics(request, campaign_id: int):
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    period, error = period_from(request.GET)
    figures = statistics.campaign_statistics(campaign, period)
    context = {
        "campaign": campaign,
        "period": period,
        "asked": {name: request.GET.get(name, "")[:MAX_ECHO] for name in ("from", "to")},
        "error": error,
        "totals": figures.totals,
        "sections": sections(figures),
        "chart": chart(figures.by_day),
        "query": _query(period),
    }
    return render(request, "campaigns/statistics.html", context)


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet will not run: text that could start a formula
    gets a leading single quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@console_view(Permission.CAMPAIGNS)
@require_http_methods(["GET", "HEAD"])
def campaign_statistics_csv(request, campaign_id: int):
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    period, error = period_from(request.GET)
    if error:
        return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    practice = "-practice" if campaign.practice else ""
    response["Content-Disposition"] = (
        f'attachment; filename="campaign-{campaign.pk}{practice}-statistics.csv"'
    )
    # A byte order mark, so that spreadsheet programs read UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in statistics.details(statistics.calls(campaign, period)):
        writer.writerow(
            [safe_cell(row[key]) for key in statistics.DETAIL_KEYS]
            + [row[name] or 0 for name in statistics.COUNT_NAMES]
        )
    return response
