"""Campaign statistics (issue 11): every figure of every breakdown against
numbers worked out by hand, the day filter, the page (labels, chart, who may
open it), the CSV download (its rows, its injection guard) and that neither
names nor phone numbers of targets appear anywhere."""

import csv
import datetime
import html
import io
import re

import pytest
from django.utils import translation

from tests.console.personas import make_persona, sign_in
from tuidang.campaigns import statistics
from tuidang.campaigns.choices import Outcome
from tuidang.campaigns.models import Call, ScriptVersion
from tuidang.campaigns.statistics import Counts, Period
from tuidang.campaigns.views.statistics import safe_cell
from tuidang.console.roles import Role
from tuidang.registry.choices import Rank, Sector

from .helpers import make_campaign, make_target

pytestmark = pytest.mark.django_db

D1 = datetime.date(2026, 3, 2)
D2 = datetime.date(2026, 3, 3)
D4 = datetime.date(2026, 3, 5)  # no call on 2026-03-04: the chart draws it empty
POLICE, EDUCATION, HEALTH = Sector.POLICE, Sector.EDUCATION, Sector.HEALTH
HIGH, MIDDLE, LOW = Rank.HIGH, Rank.MIDDLE, Rank.RANK_AND_FILE
# The second caller's username starts like a spreadsheet formula.
DORA = "@dora"

# (day, script version, sector, rank, caller, outcome, persons), numbered 1-11
# in the comments below, which the expected figures refer to.
CALLS = [
    (D1, 1, POLICE, HIGH, "carl", Outcome.NO_ANSWER, 0),  # 1
    (D1, 1, POLICE, HIGH, "carl", Outcome.AGREED, 1),  # 2
    (D1, 1, EDUCATION, MIDDLE, "carl", Outcome.HUNG_UP, 0),  # 3
    (D1, 2, POLICE, LOW, DORA, Outcome.LISTENED, 0),  # 4
    (D2, 2, POLICE, LOW, DORA, Outcome.AGREED_GROUP, 5),  # 5
    (D2, 2, "", "", DORA, Outcome.BUSY, 2),  # 6: persons of a non-agreement never count
    (D2, None, EDUCATION, MIDDLE, "carl", Outcome.CALLBACK, 0),  # 7
    (D4, 1, HEALTH, HIGH, DORA, Outcome.WRONG_NUMBER, 0),  # 8
    (D4, 2, HEALTH, HIGH, DORA, Outcome.AGREED, 1),  # 9
    (D4, 2, EDUCATION, LOW, "carl", Outcome.VOICEMAIL, 0),  # 10
    (D4, 1, POLICE, MIDDLE, None, Outcome.DO_NOT_CALL, 0),  # 11: the caller's account is gone
]
# Reached: 2 3 4 5 7 8 9 11; listened: 2 4 5 7 9; agreed: 2 5 9 (persons 1 + 5 + 1).
TOTALS = Counts(attempts=11, reached=8, listened=5, agreed=3, persons=7)
BY_SCRIPT = [
    (1, Counts(5, 4, 1, 1, 1)),  # 1 2 3 8 11
    (2, Counts(5, 3, 3, 2, 6)),  # 4 5 6 9 10
    (None, Counts(1, 1, 1, 0, 0)),  # 7
]
BY_SECTOR = [
    (POLICE, Counts(5, 4, 3, 2, 6)),  # 1 2 4 5 11
    (EDUCATION, Counts(3, 2, 1, 0, 0)),  # 3 7 10
    (HEALTH, Counts(2, 2, 1, 1, 1)),  # 8 9
    ("", Counts(1, 0, 0, 0, 0)),  # 6
]
BY_RANK = [
    (LOW, Counts(3, 2, 2, 1, 5)),  # 4 5 10
    (MIDDLE, Counts(3, 3, 1, 0, 0)),  # 3 7 11
    (HIGH, Counts(4, 3, 2, 2, 2)),  # 1 2 8 9
    ("", Counts(1, 0, 0, 0, 0)),  # 6
]
BY_DAY = [
    (D1, Counts(4, 3, 2, 1, 1)),  # 1 2 3 4
    (D2, Counts(3, 2, 2, 1, 5)),  # 5 6 7
    (D4, Counts(4, 3, 1, 1, 1)),  # 8 9 10 11
]
BY_CALLER = {
    "carl": Counts(5, 3, 2, 1, 1),  # 1 2 3 7 10
    DORA: Counts(5, 4, 3, 2, 6),  # 4 5 6 8 9
    None: Counts(1, 1, 0, 0, 0),  # 11
}
# The page: labels and conversions as shown (agreed / reached, "—" when none reached).
PAGE_TABLES = {
    "script": [
        ("Version 1", "5 4 1 1 1 25.0%"),
        ("Version 2", "5 3 3 2 6 66.7%"),
        ("No script", "1 1 1 0 0 0.0%"),
    ],
    "sector": [
        ("Police", "5 4 3 2 6 50.0%"),
        ("Education", "3 2 1 0 0 0.0%"),
        ("Health", "2 2 1 1 1 50.0%"),
        ("Not given", "1 0 0 0 0 —"),
    ],
    "rank": [
        ("Rank and file", "3 2 2 1 5 50.0%"),
        ("Middle rank", "3 3 1 0 0 0.0%"),
        ("High rank", "4 3 2 2 2 66.7%"),
        ("Not given", "1 0 0 0 0 —"),
    ],
    "day": [
        ("2026-03-02", "4 3 2 1 1 33.3%"),
        ("2026-03-03", "3 2 2 1 5 50.0%"),
        ("2026-03-05", "4 3 1 1 1 33.3%"),
    ],
    "caller": [
        ("carl", "5 3 2 1 1 33.3%"),
        (DORA, "5 4 3 2 6 50.0%"),
        ("Deleted account", "1 1 0 0 0 0.0%"),
    ],
}
# The CSV: one row per (day, script version, sector, rank, caller).
CSV_ROWS = {
    ("2026-03-02", "1", "police", "high", "carl", "2", "1", "1", "1", "1"),  # 1 2
    ("2026-03-02", "1", "education", "middle", "carl", "1", "1", "0", "0", "0"),  # 3
    ("2026-03-02", "2", "police", "rank_and_file", "'@dora", "1", "1", "1", "0", "0"),  # 4
    ("2026-03-03", "2", "police", "rank_and_file", "'@dora", "1", "1", "1", "1", "5"),  # 5
    ("2026-03-03", "2", "", "", "'@dora", "1", "0", "0", "0", "0"),  # 6
    ("2026-03-03", "", "education", "middle", "carl", "1", "1", "1", "0", "0"),  # 7
    ("2026-03-05", "1", "health", "high", "'@dora", "1", "1", "0", "0", "0"),  # 8
    ("2026-03-05", "2", "health", "high", "'@dora", "1", "1", "1", "1", "1"),  # 9
    ("2026-03-05", "2", "education", "rank_and_file", "carl", "1", "0", "0", "0", "0"),  # 10
    ("2026-03-05", "1", "police", "middle", "", "1", "1", "0", "0", "0"),  # 11
}
CSV_HEADER = [
    "day",
    "script version",
    "sector",
    "rank",
    "caller",
    "attempts",
    "reached",
    "listened",
    "agreed",
    "persons",
]


@pytest.fixture
def accounts(db):
    return {
        "carl": make_persona("carl"),
        "lena": make_persona("lena"),
        "ada": make_persona("ada"),
        DORA: make_persona(DORA, role=Role.CALLER),
    }


@pytest.fixture
def campaign(accounts):
    campaign = make_campaign("Spring calls")
    scripts = {
        version: ScriptVersion.objects.create(campaign=campaign, version=version, text="Hello")
        for version in (1, 2)
    }
    targets = [make_target(campaign, number) for number in (1, 2)]
    for number, (day, version, sector, rank, caller, outcome, persons) in enumerate(CALLS):
        Call.objects.create(
            campaign=campaign,
            target=targets[number % 2],
            caller=accounts[caller].user if caller else None,
            script=scripts.get(version),
            outcome=outcome,
            day=day,
            sector=sector,
            rank=rank,
            persons=persons,
        )
    # Another campaign's calls count nowhere here.
    other = make_campaign("Other")
    for day in (D1, D2, D4):
        Call.objects.create(
            campaign=other,
            caller=accounts["carl"].user,
            outcome=Outcome.AGREED,
            day=day,
            sector=POLICE,
            rank=HIGH,
            persons=3,
        )
    return campaign


def _rows(rows):
    return [(row.key, row.counts) for row in rows]


# The counting (campaigns/statistics.py).


def test_totals(campaign):
    totals = statistics.totals(statistics.calls(campaign))
    assert totals == TOTALS
    assert totals.conversion == 3 / 8
    assert totals.percent == 37.5


def test_every_breakdown(campaign):
    figures = statistics.campaign_statistics(campaign)
    assert figures.totals == TOTALS
    assert _rows(figures.by_script) == BY_SCRIPT
    assert _rows(figures.by_sector) == BY_SECTOR
    assert _rows(figures.by_rank) == BY_RANK
    assert _rows(figures.by_day) == BY_DAY
    # Usernames sort by the database's collation: compare without the order,
    # except that a deleted account comes last.
    assert dict(_rows(figures.by_caller)) == BY_CALLER
    assert figures.by_caller[-1].key is None


def test_one_query_per_breakdown(campaign, django_assert_num_queries):
    with django_assert_num_queries(6):
        statistics.campaign_statistics(campaign)


def test_no_call_no_conversion(accounts):
    empty = make_campaign("Empty")
    figures = statistics.campaign_statistics(empty)
    assert figures.totals == Counts()
    assert figures.totals.conversion is None
    assert figures.by_day == figures.by_caller == []


def test_day_filter(campaign):
    later = statistics.campaign_statistics(campaign, Period(first=D2, last=D4))
    # Calls 5-11: reached 5 7 8 9 11, listened 5 7 9, agreed 5 9.
    assert later.totals == Counts(attempts=7, reached=5, listened=3, agreed=2, persons=6)
    assert _rows(later.by_day) == BY_DAY[1:]
    assert _rows(statistics.campaign_statistics(campaign, Period(first=D4)).by_day) == BY_DAY[2:]
    first_day = statistics.campaign_statistics(campaign, Period(last=D1))
    assert _rows(first_day.by_day) == BY_DAY[:1]
    assert first_day.totals == BY_DAY[0][1]


def test_details(campaign):
    rows = statistics.details(statistics.calls(campaign))
    assert len(rows) == len(CSV_ROWS)
    assert sum(row["attempts"] for row in rows) == TOTALS.attempts
    assert sum(row["persons"] for row in rows) == TOTALS.persons


# The page.


def _table(page: str, slug: str) -> list[tuple[str, str]]:
    """The rows of the table after the heading `by-<slug>`: (label, figures)."""
    section = page.split(f'id="by-{slug}"', 1)[1].split("</table>", 1)[0]
    rows = []
    for label, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', section):
        figures = " ".join(html.unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", cells))
        rows.append((html.unescape(label), figures))
    return rows


def _totals(page: str) -> dict[str, str]:
    facts = page.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", facts))


def _url(campaign, csv=False) -> str:
    return f"/console/campaigns/{campaign.pk}/statistics" + (".csv" if csv else "/")


def test_the_page_shows_every_figure(campaign):
    response = sign_in("lena").get(_url(campaign))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Statistics: Spring calls" in page
    assert 'id="practice"' not in page
    assert _totals(page) == {
        "Attempts": "11",
        "Reached": "8",
        "Listened": "5",
        "Agreed": "3",
        "Persons": "7",
        "Conversion": "37.5%",
    }
    for slug, rows in PAGE_TABLES.items():
        shown = _table(page, slug)
        if slug == "caller":
            assert sorted(shown[:2]) == sorted(rows[:2]) and shown[2] == rows[2], shown
        else:
            assert shown == rows, slug


def test_the_day_chart(campaign):
    page = sign_in("lena").get(_url(campaign)).content.decode()
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg
    assert (
        '<title id="day-chart-title">Attempts and agreements per day, 2026-03-02 to 2026-03-05'
        in svg
    )
    days = re.findall(r"<g><title>(.*?)</title>", svg)
    assert days == [
        "2026-03-02: attempts 4, agreements 1",
        "2026-03-03: attempts 3, agreements 1",
        "2026-03-04: attempts 0, agreements 0",
        "2026-03-05: attempts 4, agreements 1",
    ]
    # To scale: the tallest day's attempts fill the height; one agreement is a quarter of it.
    assert 'height="100.0" fill="#8fa9c8"' in svg
    assert 'height="25.0" fill="#234"' in svg
    # The chart comes just before the table that carries its figures.
    assert page.index("</svg>") < page.index('aria-labelledby="by-day"')


def test_the_page_filters_by_day(campaign):
    client = sign_in("lena")
    page = client.get(_url(campaign), {"from": "2026-03-03", "to": "2026-03-05"})
    page = page.content.decode()
    assert "From 2026-03-03 to 2026-03-05." in page
    assert _totals(page)["Attempts"] == "7"
    assert _totals(page)["Conversion"] == "40.0%"
    assert _table(page, "day") == PAGE_TABLES["day"][1:]
    assert "statistics.csv?from=2026-03-03&amp;to=2026-03-05" in page
    page = client.get(_url(campaign), {"to": "2026-03-02"}).content.decode()
    assert "Until 2026-03-02." in page
    assert _table(page, "day") == PAGE_TABLES["day"][:1]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "yesterday"}, "“yesterday” is not a day: write it as YYYY-MM-DD."),
        ({"to": "2026-02-30"}, "“2026-02-30” is not a day: write it as YYYY-MM-DD."),
        (
            {"from": "2026-03-05", "to": "2026-03-02"},
            "The first day is after the last day.",
        ),
    ],
)
def test_bad_days_get_a_clear_message(campaign, params, message):
    client = sign_in("lena")
    response = client.get(_url(campaign), params)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert f'<p class="error" role="alert">{message}</p>' in page
    assert "Every day of the campaign." in page
    assert _totals(page)["Attempts"] == "11"
    response = client.get(_url(campaign, csv=True), params)
    assert response.status_code == 400
    assert response.content.decode() == message


def test_a_practice_campaign_is_marked(accounts):
    practice = make_campaign("Training", practice=True)
    page = sign_in("lena").get(_url(practice)).content.decode()
    assert page.index('id="practice"') < page.index("<h1>")
    assert "<mark>Practice</mark>" in page
    assert "No calls." in page


def test_the_page_is_translated(campaign):
    lena = make_persona("lena-zh", language="zh-hans", role=Role.CAMPAIGN_LEAD)
    page = sign_in(lena.user.username).get(_url(campaign)).content.decode()
    with translation.override("zh-hans"):
        assert str(Sector.POLICE.label) in page
    assert 'lang="zh-hans"' in page


# The CSV.


def _csv(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv(campaign):
    response = sign_in("lena").get(_url(campaign, csv=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="campaign-{campaign.pk}-statistics.csv"'
    )
    header, *rows = _csv(response)
    assert header == CSV_HEADER
    assert len(rows) == len(CSV_ROWS)
    assert {tuple(row) for row in rows} == CSV_ROWS


def test_the_csv_filters_by_day(campaign):
    response = sign_in("ada").get(_url(campaign, csv=True), {"from": "2026-03-05"})
    _header, *rows = _csv(response)
    assert {tuple(row) for row in rows} == {row for row in CSV_ROWS if row[0] == "2026-03-05"}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("carl", "carl"),
        ("a=b", "a=b"),
        (None, ""),
        (3, "3"),
    ],
)
def test_the_csv_injection_guard(value, cell):
    assert safe_cell(value) == cell


# Who may open them, and what they never show.


def test_only_campaign_leads_and_administrators(campaign):
    clients = {name: sign_in(name) for name in ("carl", "lena", "ada")}
    for name, status in (("carl", 403), ("lena", 200), ("ada", 200)):
        assert clients[name].get(_url(campaign)).status_code == status, name
        assert clients[name].get(_url(campaign, csv=True)).status_code == status, name
    assert clients["lena"].get("/console/campaigns/999999/statistics/").status_code == 404


def test_no_target_name_or_phone_anywhere(campaign):
    client = sign_in("lena")
    page = client.get(_url(campaign)).content.decode()
    download = client.get(_url(campaign, csv=True)).content.decode("utf-8-sig")
    for target in campaign.targets.all():
        for secret in (target.name_or_title, target.phone_e164, target.phone_key):
            assert secret and secret not in page and secret not in download
