"""Configuration by an administrator: the organisations one can withdraw from
(add, rename, reorder, deactivate, reactivate) and the named milestone
thresholds (add, remove), each change audited; refusals beside their fields.
Who may open these pages is checked by test_role_matrix.py."""

import json
import re

import pytest

from tuidang.console.models import AuditEvent
from tuidang.registry import organisations, tally
from tuidang.registry.models import Declaration, Milestone, MilestoneThreshold, Organisation
from tuidang.transparency import published

from ..factories import make_declaration
from ..public.helpers import browser, receipt_code
from ..public.helpers import submit as submit_public
from .personas import post, sign_in

pytestmark = pytest.mark.django_db

ORGANISATIONS = "/console/admin/organisations/"
MILESTONES = "/console/admin/milestones/"
NEW = {"action": "add", "new-code": "test_org", "new-name_en": "Test Association"}
NEW["new-name_zh_hans"] = "测试协会"
DECLARE = {"naming": "generated_alias", "true_name": "网页测试名", "country": "CN"}


def add_test_org(client):
    return post(client, ORGANISATIONS, NEW)


def act(client, code, action, **data):
    return post(client, ORGANISATIONS, {"action": action, "code": code, **data})


def offered(html: str) -> list[str]:
    return re.findall(r'name="organisations" value="([a-z0-9_]+)"', html)


def api_declare(client, codes):
    body = {"organisations": codes, "people": [{"naming": "generated_alias"}], "country": "CN"}
    return client.post(
        "/api/v1/declarations", data=json.dumps(body), content_type="application/json"
    )


def audited(action: str) -> list[str]:
    return list(AuditEvent.objects.filter(action=action).values_list("detail", flat=True))


# --- Organisations -----------------------------------------------------------------


def test_the_page_lists_every_organisation_with_its_three_names(personas):
    html = sign_in("ada").get(ORGANISATIONS).content.decode()
    assert "中国共产党" in html and "中國共產黨" in html and "Chinese Communist Party" in html
    assert "<code>pioneers</code>" in html


def test_an_added_organisation_is_offered_by_the_public_form_and_accepted_by_intake(personas):
    ada = sign_in("ada")
    assert add_test_org(ada)["Location"] == ORGANISATIONS
    assert audited("organisation_added") == ["test_org Test Association / 测试协会"]
    public = browser()
    assert offered(public.get("/en/declare/").content.decode())[-1] == "test_org"
    assert "Test Association" in public.get("/en/declare/").content.decode()
    assert "测试协会" in public.get("/declare/for-others/").content.decode()
    page = submit_public(public, "/declare/", {**DECLARE, "organisations": ["test_org"]})
    assert page.status_code == 200, page.content.decode()
    receipt_code(page.content.decode())
    assert api_declare(public, ["test_org", "party"]).status_code == 201
    assert [d.organisation_codes for d in Declaration.objects.order_by("pk")] == [
        ["test_org"],
        ["party", "test_org"],
    ]
    assert "test_org" in offered(sign_in("olga").get("/console/hotline/").content.decode())


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"new-code": "Test"}, "new-code", "Lowercase letters, digits and _"),
        ({"new-code": "9lives"}, "new-code", "Lowercase letters, digits and _"),
        ({"new-code": "a" * 33}, "new-code", "at most 32 characters"),
        ({"new-code": "party"}, "new-code", "This code is taken"),
        ({"new-name_en": "  "}, "new-name_en", "This field is required"),
        ({"new-name_zh_hans": "\u202e "}, "new-name_zh_hans", "This field is required"),
    ],
)
def test_a_bad_new_organisation_is_refused_beside_its_field(personas, data, field, message):
    response = post(sign_in("ada"), ORGANISATIONS, {**NEW, **data})
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(rf'<p class="error" id="id_{field}_error">([^<]*)</p>', html)
    assert error and message in error.group(1), html
    assert Organisation.objects.count() == 3 and not audited("organisation_added")


def test_a_renamed_organisation_shows_its_new_name_on_the_home_page_in_each_language(
    personas,
):
    ada = sign_in("ada")
    response = act(
        ada,
        "league",
        "rename",
        **{"league-name_en": "Youth League", "league-name_zh_hans": "青年团"},
    )
    assert response.status_code == 302
    assert audited("organisation_renamed") == ["league Youth League / 青年团"]
    public = browser()
    assert '<th scope="row">Youth League</th>' in public.get("/en/").content.decode()
    assert '<th scope="row">青年团</th>' in public.get("/").content.decode()
    assert '<th scope="row">青年團</th>' in public.get("/zh-hant/").content.decode()


def test_a_rename_without_a_name_is_refused_beside_the_field(personas):
    response = act(
        sign_in("ada"), "league", "rename", **{"league-name_en": "", "league-name_zh_hans": "x"}
    )
    assert response.status_code == 400
    assert 'id="id_league-name_en_error"' in response.content.decode()
    assert Organisation.objects.get(code="league").name_en == "Communist Youth League"


def test_moving_an_organisation_changes_the_order_the_forms_offer(personas):
    ada = sign_in("ada")
    act(ada, "pioneers", "up")
    act(ada, "pioneers", "up")
    assert offered(browser().get("/declare/").content.decode()) == ["pioneers", "party", "league"]
    assert audited("organisation_moved") == ["pioneers up", "pioneers up"]


def test_a_deactivated_organisation_is_refused_but_its_declarations_still_count_and_verify(
    personas, publish
):
    ada = sign_in("ada")
    add_test_org(ada)
    kept = make_declaration(
        accept=True, organisations=["test_org"], statement="我退出测试协会", unnamed_persons=4
    )
    publish()
    assert act(ada, "test_org", "deactivate").status_code == 302
    assert audited("organisation_deactivated") == ["test_org"]
    public = browser()
    assert "test_org" not in offered(public.get("/declare/").content.decode())
    assert "test_org" not in offered(sign_in("olga").get("/console/hotline/").content.decode())
    refused = api_declare(public, ["test_org"])
    assert refused.status_code == 422 and "organisations" in refused.json()["fields"]
    page = submit_public(public, "/declare/", {**DECLARE, "organisations": ["test_org"]})
    assert page.status_code == 400
    assert Declaration.objects.count() == 1
    make_declaration(accept=True, organisations=["party"])
    publish()
    assert published.latest()["totals"]["by_organisation"]["test_org"] == kept.persons
    assert tally.check() == [] and tally.check_log() == []
    home = public.get("/en/").content.decode()
    assert f'<th scope="row">Test Association</th><td>{kept.persons}</td>' in home
    assert "测试协会" in public.get("/statements/").content.decode()


def test_a_reactivated_organisation_is_offered_again(personas):
    ada = sign_in("ada")
    act(ada, "pioneers", "deactivate")
    assert act(ada, "pioneers", "reactivate").status_code == 302
    assert organisations.codes() == ["party", "league", "pioneers"]
    assert audited("organisation_reactivated") == ["pioneers"]


def test_the_last_active_organisation_cannot_be_deactivated(personas):
    ada = sign_in("ada")
    act(ada, "party", "deactivate")
    act(ada, "league", "deactivate")
    response = act(ada, "pioneers", "deactivate")
    assert response.status_code == 400
    assert "At least one organisation must stay active." in response.content.decode()
    assert organisations.codes() == ["pioneers"]


def test_an_unknown_code_or_action_changes_nothing(personas):
    ada = sign_in("ada")
    assert act(ada, "politburo", "deactivate").status_code == 404
    assert act(ada, "party", "delete").status_code == 400
    assert organisations.codes() == ["party", "league", "pioneers"]
    assert not AuditEvent.objects.filter(action__startswith="organisation").exists()


def test_a_change_without_the_csrf_token_is_refused(personas):
    response = sign_in("ada").post(ORGANISATIONS, NEW)
    assert response.status_code == 403
    assert Organisation.objects.count() == 3


def test_no_other_role_may_change_the_configuration(personas):
    for name in ("olga", "carl", "mona", "cora"):
        client = sign_in(name)
        token = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"',
            client.get("/console/account/").content.decode(),
        ).group(1)
        assert client.post(ORGANISATIONS, {"csrfmiddlewaretoken": token, **NEW}).status_code == 403
        data = {"csrfmiddlewaretoken": token, "action": "add", "value": "7"}
        assert client.post(MILESTONES, data).status_code == 403
    assert Organisation.objects.count() == 3 and MilestoneThreshold.objects.count() == 2


def test_the_administrator_sees_both_pages_in_the_console_navigation(personas):
    html = sign_in("ada").get("/console/").content.decode()
    assert f'href="{ORGANISATIONS}"' in html and f'href="{MILESTONES}"' in html
    assert ORGANISATIONS not in sign_in("cora").get("/console/").content.decode()


def test_the_page_speaks_the_administrators_language(personas):
    personas["ada"].language = "zh-hant"
    personas["ada"].save()
    html = sign_in("ada").get(ORGANISATIONS).content.decode()
    assert "停用" in html


# --- Milestones --------------------------------------------------------------------


def test_a_threshold_added_in_the_console_is_recorded_when_crossed(personas, settings, publish):
    settings.TUIDANG_MILESTONE_STEP = 1_000_000
    ada = sign_in("ada")
    response = post(ada, MILESTONES, {"action": "add", "value": "7", "label": "第一周"})
    assert response["Location"] == MILESTONES
    assert audited("milestone_added") == ["7 第一周"]
    make_declaration(accept=True, unnamed_persons=5)
    publish()
    assert not Milestone.objects.exists()
    make_declaration(accept=True, unnamed_persons=3)
    publish()
    assert list(Milestone.objects.values_list("threshold", flat=True)) == [7]
    html = ada.get(MILESTONES).content.decode()
    assert "第一周" in html and "1000000" in html and "TUIDANG_MILESTONE_STEP" in html


def test_removing_a_threshold_keeps_its_crossing(personas, settings, publish):
    settings.TUIDANG_MILESTONE_STEP = 1_000_000
    ada = sign_in("ada")
    post(ada, MILESTONES, {"action": "add", "value": "2"})
    make_declaration(accept=True, unnamed_persons=2)
    publish()
    threshold = MilestoneThreshold.objects.get(value=2)
    assert post(ada, MILESTONES, {"action": "remove", "id": threshold.pk}).status_code == 302
    assert not MilestoneThreshold.objects.filter(value=2).exists()
    assert Milestone.objects.filter(threshold=2).exists()
    assert audited("milestone_removed") == ["2"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "greater than or equal to 1"),
        ("many", "Enter a whole number"),
        ("100000", "This threshold is already named."),
        ("2000000", "Every multiple of 1000000 is a milestone already."),
    ],
)
def test_a_bad_threshold_is_refused_beside_its_field(personas, value, message):
    response = post(sign_in("ada"), MILESTONES, {"action": "add", "value": value})
    assert response.status_code == 400
    error = re.search(
        r'<p class="error" id="id_value_error">([^<]*)</p>', response.content.decode()
    )
    assert error and message in error.group(1)
    assert MilestoneThreshold.objects.count() == 2


def test_removing_an_unknown_threshold_is_not_found(personas):
    ada = sign_in("ada")
    assert post(ada, MILESTONES, {"action": "remove", "id": "999999"}).status_code == 404
    assert post(ada, MILESTONES, {"action": "remove", "id": "x"}).status_code == 404
    assert MilestoneThreshold.objects.count() == 2
