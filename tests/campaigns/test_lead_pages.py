"""The campaign leads' pages: campaigns with their default windows, settings,
status, spacing, windows and holidays; script versions rendered safely; the
target-list upload (all or nothing, kept in memory, never on disk); and the
do-not-call list. Lena the campaign lead and Ada the administrator may use
them, Carl the caller may not. Pages show counts, never a target's name or
number, and audit details carry neither. All names and numbers are synthetic."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from tuidang.campaigns import phones, scripts
from tuidang.campaigns.choices import DEFAULT_SPACING_MINUTES, CampaignStatus, RetryOutcome
from tuidang.campaigns.days import utc_today
from tuidang.campaigns.defaults import DEFAULT_HOURS, WORKDAYS
from tuidang.campaigns.models import Call, CallingWindow, Campaign, DoNotCall, Holiday, Target
from tuidang.campaigns.views import leads
from tuidang.console.models import AuditEvent

from ..console.personas import make_persona, post, sign_in
from .helpers import make_campaign, make_target

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/console/campaigns/"
DO_NOT_CALL = "/console/campaigns/do-not-call/"
HEADER = "name_or_title,unit,sector,rank,province_or_place,phone,time_zone,priority\n"
NEW_CAMPAIGN = {
    "name": "Test campaign",
    "purpose": "Synthetic test purpose",
    "start_day": "2026-03-01",
    "end_day": "2026-06-30",
    "attempt_limit": "5",
    "minimum_gap_minutes": "15",
    "time_zone": "Asia/Shanghai",
}


@pytest.fixture
def personas(db):
    return {name: make_persona(name) for name in ("lena", "ada", "carl")}


@pytest.fixture
def lena(personas):
    return sign_in("lena")


def page(campaign: Campaign, part: str = "") -> str:
    return f"/console/campaigns/{campaign.pk}/{part}"


def settings_data(campaign: Campaign, **changes) -> dict:
    data = {
        "name": campaign.name,
        "purpose": campaign.purpose,
        "start_day": campaign.start_day.isoformat(),
        "end_day": campaign.end_day.isoformat(),
        "attempt_limit": str(campaign.attempt_limit),
        "minimum_gap_minutes": str(campaign.minimum_gap_minutes),
        "time_zone": campaign.time_zone,
        "status": campaign.status,
        **changes,
    }
    return {"action": "settings", **{f"settings-{key}": value for key, value in data.items()}}


def csv_line(n: int, **overrides) -> str:
    """A valid line for the n-th synthetic number (+86 10 1234 56nn)."""
    fields = {
        "name_or_title": f"Test official {n}",
        "unit": "Test bureau",
        "sector": "police",
        "rank": "middle",
        "province_or_place": "CN-BJ",
        "phone": f"010 1234 56{n:02d}",
        "time_zone": "",
        "priority": "5",
    }
    fields.update(overrides)
    return ",".join(fields.values())


def csv_file(*lines: str) -> SimpleUploadedFile:
    text = HEADER + "".join(line + "\n" for line in lines)
    return SimpleUploadedFile("targets.csv", text.encode(), content_type="text/csv")


def upload(client, campaign: Campaign, file: SimpleUploadedFile):
    return post(client, page(campaign, "targets/"), {"file": file})


def error_beside(html: str, field_id: str) -> str:
    """The error shown right under the label of the field `field_id`."""
    match = re.search(
        rf'<label for="{field_id}">[^<]*</label>\s*<p class="error"[^>]*>([^<]*)</p>', html
    )
    return match.group(1) if match else ""


def audited(action: str) -> list[str]:
    events = AuditEvent.objects.filter(action=action).order_by("at", "id")
    return list(events.values_list("detail", flat=True))


# --- Access --------------------------------------------------------------------------------


def test_a_caller_gets_403_on_every_lead_page(personas):
    campaign = make_campaign()
    carl = sign_in("carl")
    urls = [CAMPAIGNS, DO_NOT_CALL, page(campaign), page(campaign, "script/")]
    urls.append(page(campaign, "targets/"))
    for url in urls:
        assert carl.get(url).status_code == 403, url
        response = post(carl, url, {"action": "settings"}, form_url="/console/")
        assert response.status_code == 403, url


def test_the_lead_and_the_administrator_open_every_lead_page(personas):
    campaign = make_campaign()
    for name in ("lena", "ada"):
        client = sign_in(name)
        for url in (CAMPAIGNS, DO_NOT_CALL, page(campaign), page(campaign, "script/")):
            assert client.get(url).status_code == 200, (name, url)
        assert client.get(page(campaign, "targets/")).status_code == 200
        assert client.get("/console/campaigns/999999/").status_code == 404


# --- Campaigns -----------------------------------------------------------------------------


def test_creating_a_campaign_makes_the_default_windows(lena):
    response = post(lena, CAMPAIGNS, NEW_CAMPAIGN)
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == page(campaign)
    assert (campaign.name, campaign.status, campaign.practice) == (
        "Test campaign",
        CampaignStatus.DRAFT,
        False,
    )
    windows = {(w.weekday, w.start, w.end) for w in campaign.windows.all()}
    assert windows == {(day, start, end) for day in WORKDAYS for start, end in DEFAULT_HOURS}
    assert audited("campaign_created") == [f"campaign {campaign.pk}"]
    listing = lena.get(CAMPAIGNS).content.decode()
    assert "Test campaign" in listing and "2026-03-01" in listing and "Draft" in listing


def test_the_administrator_creates_a_practice_campaign_marked_as_such(personas):
    ada = sign_in("ada")
    post(ada, CAMPAIGNS, {**NEW_CAMPAIGN, "practice": "on"})
    campaign = Campaign.objects.get()
    assert campaign.practice
    assert '<strong class="badge">Practice</strong>' in ada.get(CAMPAIGNS).content.decode()
    for part in ("", "script/", "targets/"):
        html = ada.get(page(campaign, part)).content.decode()
        assert '<strong class="badge">Practice</strong>' in html, part


def test_a_campaign_ending_before_it_starts_is_refused_beside_its_last_day(lena):
    response = post(lena, CAMPAIGNS, {**NEW_CAMPAIGN, "end_day": "2026-02-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert error_beside(html, "id_end_day") == "The campaign ends before it starts."
    assert not Campaign.objects.exists() and not CallingWindow.objects.exists()


def test_the_list_counts_open_and_closed_targets(lena):
    campaign = make_campaign()
    make_target(campaign, 1)
    make_target(campaign, 2)
    make_target(campaign, 3, closed=True)
    html = lena.get(CAMPAIGNS).content.decode()
    assert "2 open, 1 closed" in html
    assert "Target 1" not in html and "+8610" not in html


# --- Settings and status -------------------------------------------------------------------


def test_settings_are_saved_and_an_unknown_time_zone_is_refused(lena):
    campaign = make_campaign()
    data = settings_data(campaign, name="Renamed", attempt_limit="3", time_zone="Europe/Berlin")
    assert post(lena, page(campaign), data).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.attempt_limit, campaign.time_zone) == (
        "Renamed",
        3,
        "Europe/Berlin",
    )
    response = post(lena, page(campaign), settings_data(campaign, time_zone="Mars/Olympus"))
    assert response.status_code == 400
    html = response.content.decode()
    assert error_beside(html, "id_settings-time_zone") == "Unknown time zone: Mars/Olympus"
    campaign.refresh_from_db()
    assert campaign.time_zone == "Europe/Berlin"


def test_finishing_records_the_utc_day_and_leaving_finished_clears_it(lena):
    campaign = make_campaign()
    post(lena, page(campaign), settings_data(campaign, status="running"))
    campaign.refresh_from_db()
    assert (campaign.status, campaign.finished_day) == (CampaignStatus.RUNNING, None)
    post(lena, page(campaign), settings_data(campaign, status="finished"))
    campaign.refresh_from_db()
    assert (campaign.status, campaign.finished_day) == (CampaignStatus.FINISHED, utc_today())
    post(lena, page(campaign), settings_data(campaign, status="paused"))
    campaign.refresh_from_db()
    assert (campaign.status, campaign.finished_day) == (CampaignStatus.PAUSED, None)
    assert [detail.split("; ")[-1] for detail in audited("campaign_changed")] == [
        "status running",
        "status finished",
        "status paused",
    ]


def test_the_practice_flag_is_fixed_once_a_call_is_recorded(lena):
    campaign = make_campaign()
    Call.objects.create(campaign=campaign, outcome="busy")
    post(lena, page(campaign), {**settings_data(campaign), "settings-practice": "on"})
    campaign.refresh_from_db()
    assert not campaign.practice


def test_the_spacing_per_outcome_is_saved_and_checked(lena):
    campaign = make_campaign()
    spacing = {f"spacing-{o}": str(m) for o, m in DEFAULT_SPACING_MINUTES.items()}
    changed = {**spacing, "spacing-busy": "45", "spacing-hostile": "30000"}
    assert post(lena, page(campaign), {"action": "spacing", **changed}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.spacing_minutes == {
        **DEFAULT_SPACING_MINUTES,
        RetryOutcome.BUSY.value: 45,
        RetryOutcome.HOSTILE.value: 30000,
    }
    response = post(lena, page(campaign), {"action": "spacing", **spacing, "spacing-busy": "0"})
    assert response.status_code == 400
    assert "greater than or equal to 1" in error_beside(
        response.content.decode(), "id_spacing-busy"
    )
    campaign.refresh_from_db()
    assert campaign.spacing_minutes[RetryOutcome.BUSY.value] == 45


# --- Windows and holidays ------------------------------------------------------------------


def window(weekday: str, start: str, end: str) -> dict:
    return {
        "action": "add_window",
        "window-weekday": weekday,
        "window-start": start,
        "window-end": end,
    }


def test_a_window_ending_before_it_starts_is_refused_beside_its_end(lena):
    campaign = make_campaign()
    before = CallingWindow.objects.count()
    response = post(lena, page(campaign), window("5", "12:00", "09:00"))
    assert response.status_code == 400
    html = response.content.decode()
    assert error_beside(html, "id_window-end") == "The calling window ends before it starts."
    assert CallingWindow.objects.count() == before and not audited("calling_window_added")


def test_windows_are_added_and_removed(lena):
    campaign = make_campaign()
    assert post(lena, page(campaign), window("5", "09:00", "12:00")).status_code == 302
    saturday = campaign.windows.get(weekday=5)
    assert (saturday.start, saturday.end) == (datetime.time(9), datetime.time(12))
    assert "Saturday" in lena.get(page(campaign)).content.decode()
    overlapping = post(lena, page(campaign), window("5", "11:00", "13:00"))
    assert overlapping.status_code == 400
    assert "overlaps" in error_beside(overlapping.content.decode(), "id_window-start")
    removed = {"action": "remove_window", "id": str(saturday.pk)}
    assert post(lena, page(campaign), removed).status_code == 302
    assert not campaign.windows.filter(weekday=5).exists()
    assert audited("calling_window_removed") == [f"campaign {campaign.pk}: 5: 09:00-12:00"]


def test_holidays_are_added_and_removed(lena):
    campaign = make_campaign()
    add = {"action": "add_holiday", "holiday-day": "2026-10-01"}
    assert post(lena, page(campaign), add).status_code == 302
    holiday = Holiday.objects.get(campaign=campaign)
    assert holiday.day == datetime.date(2026, 10, 1)
    assert "2026-10-01" in lena.get(page(campaign)).content.decode()
    again = post(lena, page(campaign), add)
    assert again.status_code == 400
    assert (
        error_beside(again.content.decode(), "id_holiday-day") == "This day is already a holiday."
    )
    assert (
        post(lena, page(campaign), {"action": "remove_holiday", "id": str(holiday.pk)}).status_code
        == 302
    )
    assert not Holiday.objects.exists()
    assert (
        audited("holiday_added")
        == audited("holiday_removed")
        == [f"campaign {campaign.pk}: 2026-10-01"]
    )


def test_a_window_or_holiday_of_another_campaign_cannot_be_removed(lena):
    campaign, other = make_campaign(), make_campaign("Other campaign")
    foreign = other.windows.first()
    response = post(lena, page(campaign), {"action": "remove_window", "id": str(foreign.pk)})
    assert response.status_code == 404 and CallingWindow.objects.filter(pk=foreign.pk).exists()
    assert post(lena, page(campaign), {"action": "nonsense"}).status_code == 400


# --- Scripts -------------------------------------------------------------------------------


def test_script_versions_increase_and_render_safely(lena):
    campaign = make_campaign()
    url = page(campaign, "script/")
    assert "No script yet" in lena.get(url).content.decode()
    assert post(lena, url, {"text": "Hello, **friend**."}).status_code == 302
    hostile = 'Hi <script>alert("x")</script> <b>bold</b> [link](javascript:alert(1))'
    assert post(lena, url, {"text": hostile}).status_code == 302
    assert list(campaign.scripts.order_by("version").values_list("version", flat=True)) == [1, 2]
    html = lena.get(url).content.decode()
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert 'href="javascript:' not in html
    assert "Version 2 of " + utc_today().isoformat() in html
    first = lena.get(url + "?version=1").content.decode()
    assert "<strong>friend</strong>" in first
    assert audited("script_version_added") == [
        f"campaign {campaign.pk}: version 1",
        f"campaign {campaign.pk}: version 2",
    ]


def test_an_empty_or_unchanged_or_too_long_script_is_refused(lena):
    campaign = make_campaign()
    url = page(campaign, "script/")
    empty = post(lena, url, {"text": "   "})
    assert empty.status_code == 400
    assert error_beside(empty.content.decode(), "id_text") == "A script cannot be empty."
    post(lena, url, {"text": "Same text"})
    assert post(lena, url, {"text": "Same text"}).status_code == 400
    assert post(lena, url, {"text": "x" * 50_001}).status_code == 400
    assert campaign.scripts.count() == 1
    # A browser sends CRLF line breaks: each counts once, as the textarea counted it.
    lines = "ten chars.\r\n" * 4_500  # 54,000 characters sent, 49,500 once read
    assert post(lena, url, {"text": lines}).status_code == 302
    assert scripts.current(campaign).text == ("ten chars.\n" * 4_500).strip()


# --- Target upload -------------------------------------------------------------------------


def test_an_uploaded_list_creates_targets_and_the_page_shows_only_counts(lena):
    campaign = make_campaign()
    response = upload(lena, campaign, csv_file(csv_line(1), csv_line(2), csv_line(1)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 targets added" in html and "1 number repeated in the file, skipped" in html
    assert Target.objects.filter(campaign=campaign).count() == 2
    for secret in ("Test official", "+861012345601", "1234 5601", "Test bureau"):
        assert secret not in html
        assert all(secret not in detail for detail in audited("targets_imported"))
    counts = re.search(
        r"<dt>Open</dt><dd>(\d+)</dd>", lena.get(page(campaign, "targets/")).content.decode()
    )
    assert counts.group(1) == "2"


def test_a_bad_line_is_reported_with_its_line_number_and_nothing_is_written(lena):
    campaign = make_campaign()
    file = csv_file(csv_line(1), csv_line(2, phone="12"), csv_line(3, sector="nonsense"))
    response = upload(lena, campaign, file)
    assert response.status_code == 400
    html = response.content.decode()
    rows = re.findall(r"<tr><td>(\d+)</td><td><code>(\w+)</code></td><td>([^<]*)</td></tr>", html)
    assert rows == [
        ("3", "phone", "Not a possible phone number."),
        ("4", "sector", "Unknown sector: nonsense"),
    ]
    assert "Nothing was imported: 2 errors." in html
    assert not Target.objects.exists() and not audited("targets_imported")


def test_the_upload_stays_in_memory_even_above_the_memory_threshold(lena, settings, monkeypatch):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1

    def no_disk(*args, **kwargs):
        raise AssertionError("the target list went to a temporary file")

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", no_disk)
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", no_disk)
    campaign = make_campaign()
    response = upload(lena, campaign, csv_file(*(csv_line(n) for n in range(1, 30))))
    assert response.status_code == 200
    assert Target.objects.filter(campaign=campaign).count() == 29


def test_a_file_over_the_limit_is_refused_with_a_clear_message(lena, monkeypatch):
    monkeypatch.setattr(leads, "MAX_UPLOAD_BYTES", 200)
    campaign = make_campaign()
    response = upload(lena, campaign, csv_file(*(csv_line(n) for n in range(1, 30))))
    assert response.status_code == 413
    assert "The file is larger than 200 bytes." in response.content.decode()
    assert not Target.objects.exists()


def test_an_upload_without_a_file_is_refused_beside_the_field(lena):
    campaign = make_campaign()
    response = post(lena, page(campaign, "targets/"), {})
    assert response.status_code == 400
    assert error_beside(response.content.decode(), "id_file") == "Choose a CSV file."


def test_the_upload_checks_csrf(lena):
    campaign = make_campaign()
    response = lena.post(page(campaign, "targets/"), {"file": csv_file(csv_line(1))})
    assert response.status_code == 403 and not Target.objects.exists()


# --- Do-not-call list ----------------------------------------------------------------------


def test_numbers_added_to_the_do_not_call_list_close_their_open_targets(lena):
    campaign = make_campaign()
    upload(lena, campaign, csv_file(csv_line(1), csv_line(2)))
    response = post(lena, DO_NOT_CALL, {"numbers": "010 1234 5601\n\n+86 10 1234 5699\n"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 numbers added" in html and "1 open target closed" in html
    assert "2 numbers are on the list." in html
    assert "+861012345601" not in html and "1234 5601" not in html
    key = phones.phone_key("+861012345601")
    assert DoNotCall.objects.filter(phone_key=key).exists()
    target = Target.objects.get(phone_key=key)
    assert target.closed and target.leased_to is None and target.next_attempt_at is None
    assert not Target.objects.get(phone_key=phones.phone_key("+861012345602")).closed
    assert audited("do_not_call_added") == ["2 added, 0 listed already, 1 closed"]
    again = post(lena, DO_NOT_CALL, {"numbers": "+861012345601"}).content.decode()
    assert "1 number was listed already" in again and DoNotCall.objects.count() == 2


def test_bad_lines_are_named_and_nothing_is_added(lena):
    response = post(lena, DO_NOT_CALL, {"numbers": "010 1234 5601\nnot a number\n12\n"})
    assert response.status_code == 400
    message = error_beside(response.content.decode(), "id_numbers")
    assert message == (
        "Line 2 is not a possible phone number. Line 3 is not a possible phone number."
    )
    assert not DoNotCall.objects.exists() and not audited("do_not_call_added")
