import pytest

from tuidang.registry import receipts, tally
from tuidang.registry.choices import Naming, Status
from tuidang.registry.models import Declaration, Person

from .helpers import browser, get_form, receipt_code, submit

pytestmark = pytest.mark.django_db

SELF = {
    "organisations": ["party", "league"],
    "naming": Naming.GENERATED_ALIAS,
    "true_name": "网页测试名",
    "country": "CN",
    "province": "CN-SC",
    "statement": "我声明退出。",
}


def test_a_declaration_without_javascript_gives_a_receipt_code_once():
    client = browser()
    response = submit(client, "/declare/", SELF)
    assert response.status_code == 200
    html = response.content.decode()
    code = receipt_code(html)
    declaration = Declaration.objects.get()
    assert declaration.receipt_hash == receipts.lookup_hash(code)
    assert declaration.status == Status.RECEIVED and declaration.channel == "web"
    assert declaration.organisation_codes == ["league", "party"]
    assert "no-store" in response["Cache-Control"]
    assert code not in response.get("Location", "")


def test_the_total_moves_once_the_declaration_is_accepted():
    from tuidang.registry import transitions

    submit(browser(), "/declare/", SELF)
    assert tally.total() == 0
    transitions.accept(Declaration.objects.get().pk)
    assert tally.total() == 1


def test_a_post_without_the_csrf_token_is_refused_and_saves_nothing():
    response = browser().post("/declare/", {**SELF, "token": "x" * 20})
    assert response.status_code == 403
    assert Declaration.objects.count() == 0


def test_a_missing_organisation_is_reported_beside_the_field_in_chinese():
    response = submit(browser(), "/declare/", {**SELF, "organisations": []})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    assert Declaration.objects.count() == 0


def test_an_intake_error_is_shown_beside_its_field_in_the_page_language():
    response = submit(
        browser(), "/en/declare/", {**SELF, "naming": Naming.TRUE_NAME, "true_name": ""}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_true_name_error">Enter the true name, or choose an alias.</p>' in html
    assert Declaration.objects.count() == 0


def test_sending_the_same_form_twice_records_one_declaration():
    client = browser()
    form = get_form(client, "/declare/")
    first = client.post("/declare/", {**form, **SELF})
    second = client.post("/declare/", {**form, **SELF})
    code = receipt_code(first.content.decode())
    assert code
    # The second answer says so, and gives the same code (sealed under the form's key).
    assert receipt_code(second.content.decode()) == code
    assert "早已收到" in second.content.decode()
    assert Declaration.objects.count() == 1


def test_a_proxy_declares_for_three_relatives_each_named_differently():
    data = {
        "organisations": ["pioneers"],
        "relationship": "relatives",
        "p1_naming": Naming.TRUE_NAME,
        "p1_true_name": "亲属一",
        "p2_naming": Naming.ALIAS,
        "p2_alias": "小明白",
        "p3_naming": Naming.GENERATED_ALIAS,
        "p3_true_name": "亲属三",
        "unnamed_persons": "2",
        "country": "CN",
    }
    response = submit(browser(), "/declare/for-others/", data)
    assert response.status_code == 200, response.content.decode()[-2000:]
    declaration = Declaration.objects.get()
    assert declaration.by_proxy and declaration.proxy_relationship == "relatives"
    assert declaration.persons == 5
    namings = list(Person.objects.values_list("naming", "public_name"))
    assert namings[0] == ("true_name", "亲属一") and namings[1] == ("alias", "小明白")
    assert namings[2][0] == "generated_alias" and namings[2][1] != "亲属三"


def test_a_proxy_error_on_the_second_person_is_shown_on_that_persons_field():
    data = {
        "organisations": ["party"],
        "relationship": "colleagues",
        "p1_naming": Naming.GENERATED_ALIAS,
        "p3_naming": Naming.ALIAS,
        "p3_alias": "",
        "country": "CN",
    }
    html = submit(browser(), "/en/declare/for-others/", data).content.decode()
    assert 'id="id_p3_alias_error">Enter an alias, or let us make one.' in html


def test_identity_fields_have_autocomplete_off():
    html = browser().get("/declare/").content.decode()
    assert 'name="true_name"' in html
    true_name_input = html[
        html.index('name="true_name"') - 200 : html.index('name="true_name"') + 200
    ]
    assert 'autocomplete="off"' in true_name_input


def test_an_oversize_body_is_refused(settings):
    settings.TUIDANG_MAX_BODY_BYTES = 2048
    response = browser().post("/declare/", {**SELF, "statement": "字" * 5000})
    assert response.status_code == 413
