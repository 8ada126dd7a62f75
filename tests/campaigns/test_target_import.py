"""CSV import of targets: all or nothing with an error per line and field;
duplicates within the file and against every campaign, and the do-not-call
list, skipped and counted, in this import and every later one. All names and
numbers are synthetic."""

import pytest

from tuidang.campaigns import phones
from tuidang.campaigns.choices import TimeZoneSource
from tuidang.campaigns.models import DoNotCall, Target
from tuidang.campaigns.target_import import import_targets

from .helpers import make_campaign

pytestmark = pytest.mark.django_db

HEADER = "name_or_title,unit,sector,rank,province_or_place,phone,time_zone,priority\n"


def csv(*lines: str) -> str:
    return HEADER + "".join(line + "\n" for line in lines)


def good(n: int, **overrides) -> str:
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


def errors_of(report):
    return {(error.line, error.field) for error in report.errors}


def test_a_good_file_is_imported_with_normalised_fields():
    campaign = make_campaign()
    text = csv(
        good(1),
        good(2, phone="+1 201-555-0150", sector="", rank="", province_or_place="Test town"),
        good(3, time_zone="Europe/Berlin", priority=""),
        good(4, phone="+7 912 345 67 89"),
    )
    report = import_targets(campaign, text)
    assert report.ok and report.created == 4 and report.lines == 4
    first = Target.objects.get(phone_e164="+861012345601")
    assert (first.campaign, first.name_or_title, first.unit) == (
        campaign,
        "Test official 1",
        "Test bureau",
    )
    assert (first.sector, first.rank, first.place, first.priority) == (
        "police",
        "middle",
        "CN-BJ",
        5,
    )
    assert (first.time_zone, first.time_zone_source) == ("Asia/Shanghai", TimeZoneSource.NUMBER)
    assert first.phone_key == phones.phone_key("+861012345601")
    us = Target.objects.get(phone_e164="+12015550150")
    assert (us.time_zone, us.sector, us.place) == ("America/New_York", "", "Test town")
    given = Target.objects.get(phone_e164="+861012345603")
    assert (given.time_zone, given.time_zone_source, given.priority) == (
        "Europe/Berlin",
        TimeZoneSource.FILE,
        0,
    )
    russian = Target.objects.get(phone_e164="+79123456789")
    assert (russian.time_zone, russian.time_zone_source) == (
        "Asia/Shanghai",
        TimeZoneSource.DEFAULT,
    )


def test_bytes_with_a_bom_and_crlf_and_quoted_fields_are_read():
    campaign = make_campaign()
    text = csv(good(1, name_or_title='"Director, Test office"'))
    report = import_targets(campaign, ("\ufeff" + text.replace("\n", "\r\n")).encode())
    assert report.ok and report.created == 1
    assert Target.objects.get().name_or_title == "Director, Test office"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "not a number"}, "phone"),
        ({"phone": ""}, "phone"),
        ({"time_zone": "Asia/Beijing"}, "time_zone"),
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
        ({"sector": "secret_police"}, "sector"),
        ({"rank": "general"}, "rank"),
        ({"priority": "high"}, "priority"),
        ({"priority": "-1"}, "priority"),
        ({"priority": "101"}, "priority"),
        ({"priority": "٣"}, "priority"),
        ({"name_or_title": ""}, "name_or_title"),
        ({"name_or_title": "x" * 201}, "name_or_title"),
        ({"province_or_place": "CN-ZZ"}, "province_or_place"),
    ],
)
def test_each_bad_field_is_named_with_its_line_and_nothing_is_written(bad, field):
    campaign = make_campaign()
    report = import_targets(campaign, csv(good(1), good(2), good(3, **bad), good(4)))
    assert not report.ok
    assert errors_of(report) == {(4, field)}
    assert report.created == 0
    assert not Target.objects.exists()


def test_every_bad_line_is_reported_not_only_the_first():
    campaign = make_campaign()
    text = csv(good(1, phone="1"), good(2), good(3, sector="x", time_zone="Mars/Base"))
    report = import_targets(campaign, text)
    assert errors_of(report) == {(2, "phone"), (4, "sector"), (4, "time_zone")}
    assert "line 4" in str(report.errors[-1])
    assert not Target.objects.exists()


def test_a_line_with_the_wrong_number_of_fields_is_refused():
    campaign = make_campaign()
    report = import_targets(campaign, csv(good(1), "Test official,Test bureau", good(3)))
    assert errors_of(report) == {(3, "csv")}
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    "malformed",
    [
        '"Test official,x,police,middle,CN-BJ,010 1234 5603,,1',  # quote never closed
        '"Test" official,x,police,middle,CN-BJ,010 1234 5603,,1',  # text after a quote
    ],
)
def test_malformed_csv_names_the_line_it_starts_on(malformed):
    campaign = make_campaign()
    text = csv(good(1), good(2), malformed, good(5))
    report = import_targets(campaign, text)
    assert errors_of(report) == {(4, "csv")}
    assert not Target.objects.exists()


def test_a_wrong_header_or_empty_file_is_refused():
    campaign = make_campaign()
    report = import_targets(campaign, "name,phone\nTest,010 1234 5601\n")
    assert errors_of(report) == {(1, "header")}
    assert errors_of(import_targets(campaign, "")) == {(1, "header")}
    assert not Target.objects.exists()


def test_text_that_is_not_utf8_is_refused_with_its_line():
    campaign = make_campaign()
    data = csv(good(1)).encode() + "测试,x,,,,010 1234 5602,,\n".encode("gb18030")
    report = import_targets(campaign, data)
    assert errors_of(report) == {(3, "csv")}
    assert not Target.objects.exists()


def test_duplicates_within_the_file_are_skipped_and_counted():
    campaign = make_campaign()
    text = csv(good(1), good(1, phone="+86 10 1234 5601"), good(2), good(1, phone="01012345601"))
    report = import_targets(campaign, text)
    assert report.ok
    assert (report.created, report.duplicates_in_file) == (2, 2)
    # The first line with a number wins.
    assert Target.objects.get(phone_e164="+861012345601").name_or_title == "Test official 1"


def test_numbers_already_targeted_by_any_campaign_are_skipped_and_counted():
    first, second = make_campaign("first"), make_campaign("second")
    assert import_targets(first, csv(good(1), good(2))).created == 2
    report = import_targets(second, csv(good(2, phone="+861012345602"), good(3)))
    assert (report.created, report.already_targeted) == (1, 1)
    assert Target.objects.get(phone_e164="+861012345602").campaign == first
    again = import_targets(first, csv(good(1), good(3)))
    assert (again.created, again.already_targeted) == (0, 2)
    assert Target.objects.count() == 3


def test_the_do_not_call_list_holds_for_every_campaign_and_later_import():
    first, second = make_campaign("first"), make_campaign("second")
    DoNotCall.objects.create(phone_key=phones.phone_key("+861012345601"))
    report = import_targets(first, csv(good(1), good(2)))
    assert (report.created, report.do_not_call) == (1, 1)
    # Added after the first import: later imports into any campaign skip it.
    DoNotCall.objects.create(phone_key=phones.phone_key("+12015550150"))
    report = import_targets(second, csv(good(1), good(5, phone="+1 (201) 555-0150"), good(6)))
    assert (report.created, report.do_not_call, report.already_targeted) == (1, 2, 0)
    assert set(Target.objects.values_list("phone_e164", flat=True)) == {
        "+861012345602",
        "+861012345606",
    }


def test_the_do_not_call_list_and_dedupe_are_counted_once_per_number():
    campaign = make_campaign()
    DoNotCall.objects.create(phone_key=phones.phone_key("+861012345601"))
    report = import_targets(campaign, csv(good(1), good(1)))
    assert (report.created, report.duplicates_in_file, report.do_not_call) == (0, 1, 1)


def test_errors_win_over_duplicates_nothing_is_written():
    campaign = make_campaign()
    report = import_targets(campaign, csv(good(1), good(1), good(2, priority="x")))
    assert errors_of(report) == {(4, "priority")}
    assert report.created == 0 and not Target.objects.exists()
