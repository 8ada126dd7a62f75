"""The organisations one can withdraw from, as database rows: seeded from the
setting, changed by administrators, never deleted; intake accepts the active
ones, while stored declarations and the log keep verifying with every code."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tuidang.ledger.entries import EntryError
from tuidang.registry import checks, organisations, seeding, tally, transitions
from tuidang.registry.choices import RevokeReason
from tuidang.registry.intake import IntakeError
from tuidang.registry.models import Organisation
from tuidang.transparency import published

from ..factories import make_declaration

pytestmark = pytest.mark.django_db


def test_the_first_migration_seeds_the_setting_with_names_in_english_and_chinese():
    assert organisations.codes() == ["party", "league", "pioneers"]
    party = Organisation.objects.get(code="party")
    assert (party.name_en, party.name_zh_hans) == ("Chinese Communist Party", "中国共产党")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "共青团"), ("zh-hant", "共青團"), ("en", "Communist Youth League")],
)
def test_a_name_follows_the_active_language_and_traditional_is_derived(language, expected):
    with translation.override(language):
        assert organisations.name("league") == expected


def test_an_unknown_code_is_its_own_name():
    assert organisations.name("politburo") == "politburo"


def test_an_added_organisation_comes_last_and_is_offered():
    organisations.add("falun", "Test organisation", "测试组织")
    assert organisations.codes() == ["party", "league", "pioneers", "falun"]
    with translation.override("en"):
        assert organisations.choices()[-1] == ("falun", "Test organisation")


def test_moving_changes_the_order_and_stops_at_the_ends():
    assert organisations.move("pioneers", -1)
    assert organisations.codes() == ["party", "pioneers", "league"]
    assert not organisations.move("party", -1)
    assert not organisations.move("league", 1)


def test_a_deactivated_organisation_is_not_offered_but_is_still_known():
    organisations.set_active("pioneers", False)
    assert organisations.codes() == ["party", "league"]
    assert organisations.all_codes() == ["party", "league", "pioneers"]
    with translation.override("en"):
        assert organisations.name("pioneers") == "Young Pioneers"
    organisations.set_active("pioneers", True)
    assert organisations.codes() == ["party", "league", "pioneers"]


def test_the_last_active_organisation_cannot_be_deactivated():
    organisations.set_active("party", False)
    organisations.set_active("league", False)
    with pytest.raises(organisations.LastActiveOrganisation):
        organisations.set_active("pioneers", False)
    assert organisations.codes() == ["pioneers"]


def test_intake_accepts_an_added_organisation_and_refuses_a_deactivated_one():
    organisations.add("falun", "Test organisation", "测试组织")
    receipt = make_declaration(accept=True, organisations=["falun", "party"])
    assert tally.totals()["by_organisation"]["falun"] == 1
    organisations.set_active("falun", False)
    with pytest.raises(IntakeError) as refused:
        make_declaration(organisations=["falun"])
    assert "organisations" in refused.value.errors
    assert receipt.declaration_id


def test_declarations_of_a_deactivated_organisation_still_count_and_the_log_verifies(publish):
    organisations.add("falun", "Test organisation", "测试组织")
    kept = make_declaration(accept=True, organisations=["falun"], unnamed_persons=2)
    revoked = make_declaration(accept=True, organisations=["falun", "league"])
    publish()
    organisations.set_active("falun", False)
    transitions.revoke(revoked.declaration_id, RevokeReason.FRAUDULENT)
    publish()
    assert published.latest()["totals"]["by_organisation"] == {"falun": kept.persons}
    assert tally.check() == []
    assert tally.check_log() == []


def test_a_running_sequencer_accepts_an_organisation_added_after_it_started(publish):
    from tuidang.transparency import keys
    from tuidang.transparency.sequencer import Sequencer

    keys.create_signing_key()
    sequencer = Sequencer.open()
    try:
        organisations.add("falun", "Test organisation", "测试组织")
        make_declaration(accept=True, organisations=["falun"])
        assert sequencer.run_once() == 1
    finally:
        sequencer.close()
    assert tally.check_log() == []


def test_the_log_check_refuses_a_code_that_was_never_configured():
    from tuidang.ledger.entries import EntryChecker
    from tuidang.registry.models import PendingEntry

    make_declaration(accept=True, organisations=["party"])
    line = PendingEntry.objects.get().line.replace("orgs=party", "orgs=politburo")
    with pytest.raises(EntryError):
        EntryChecker(organisations.all_codes())(line.encode("ascii"))


def test_within_a_request_the_organisations_are_read_once(django_assert_num_queries):
    organisations.request_started()
    try:
        with django_assert_num_queries(1):
            for code in ("party", "league", "pioneers"):
                organisations.name(code)
            organisations.codes()
        organisations.add("falun", "Test organisation", "测试组织")
        assert "falun" in organisations.codes()
    finally:
        organisations.request_finished()
    with django_assert_num_queries(2):
        organisations.codes()
        organisations.codes()


def test_a_page_naming_the_organisations_of_many_declarations_reads_them_once(client, publish):
    for number in range(5):
        make_declaration(accept=True, organisations=["party", "league"], statement=f"声明{number}")
    publish()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/statements/").status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if "registry_organisation" in q["sql"]]
    assert len(reads) == 1


def test_an_emptied_table_is_seeded_again_from_the_setting_and_a_full_one_is_left_alone(
    settings,
):
    settings.TUIDANG_ORGANISATIONS = ["party", "other"]
    assert seeding.seed_organisations(Organisation) == 0
    Organisation.objects.all().delete()
    assert seeding.seed_organisations(Organisation) == 2
    assert organisations.codes() == ["party", "other"]
    assert organisations.name("other") == "other"


@pytest.mark.parametrize("codes", [[], ["Party"], ["1st"], ["x" * 33], ["a-b"]])
def test_the_system_check_refuses_a_bad_initial_setting(settings, codes):
    settings.TUIDANG_ORGANISATIONS = codes
    assert [error.id for error in checks.organisations_configured(None)] == ["tuidang.E002"]


def test_the_system_check_accepts_the_default_setting():
    assert checks.organisations_configured(None) == []
