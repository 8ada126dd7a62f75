"""Cross-site scripting: hostile text in every field a person can fill and a
page shows — statement, chosen alias, true name published by choice, a
moderator's rejection note, a volunteer's login — appears on every page that
shows it only escaped, in every language."""

import pytest
from django.contrib.auth import get_user_model

from tests.console.personas import make_persona, sign_in
from tests.factories import make_declaration, person
from tests.public.helpers import browser, submit
from tuidang.console.models import Volunteer
from tuidang.console.roles import Role
from tuidang.registry import transitions
from tuidang.registry.choices import Naming

pytestmark = pytest.mark.django_db

# Short enough for an alias (32) and a login; each breaks out of text or of an attribute.
PAYLOADS = (
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
)
RAW_MARKERS = ("<script>alert", "<img src=x", "<svg onload")
ESCAPED_MARKERS = ("&lt;script&gt;alert", "&lt;img src=x", "&lt;svg onload")


def assert_only_escaped(page: str, where: str, *, expect_shown: bool = True):
    for marker in RAW_MARKERS:
        assert marker not in page, f"{marker!r} unescaped on {where}"
    if expect_shown:
        assert any(marker in page for marker in ESCAPED_MARKERS), f"payload not shown on {where}"


@pytest.fixture
def hostile_declarations(publish):
    made = []
    for payload in PAYLOADS:
        receipt = make_declaration(
            statement=f"我声明退出。{payload}",
            people=[
                person(Naming.ALIAS, alias=payload),
                person(Naming.TRUE_NAME, true_name=f"张{payload}"),
            ],
        )
        transitions.accept(receipt.declaration_id)
        made.append(receipt)
    rejected = make_declaration(statement=PAYLOADS[0])
    transitions.reject(rejected.declaration_id, "other", note=PAYLOADS[1])
    publish()
    return made, rejected


@pytest.mark.parametrize("prefix", ["", "/zh-hant", "/en"])
def test_statements_and_public_names_are_escaped_on_the_statements_page(
    hostile_declarations, prefix
):
    page = browser().get(f"{prefix}/statements/").content.decode()
    assert_only_escaped(page, f"{prefix}/statements/")
    assert page.count("&lt;script&gt;") >= 3  # statement, alias and true name


def test_public_names_are_escaped_on_the_receipt_page(hostile_declarations):
    made, _rejected = hostile_declarations
    for receipt in made:
        page = submit(browser(), "/receipt/", {"code": receipt.code}).content.decode()
        assert_only_escaped(page, "the receipt page")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_public_names_are_escaped_on_the_page_after_a_declaration(payload):
    form = {"organisations": "party", "naming": "alias", "alias": payload, "country": "CN"}
    page = submit(browser(), "/declare/", form).content.decode()
    assert "receipt-code" in page
    assert_only_escaped(page, "the page after a declaration")


def test_a_form_sent_back_with_errors_shows_the_hostile_values_escaped():
    form = {"naming": "alias", "alias": PAYLOADS[1], "statement": PAYLOADS[0], "country": "CN"}
    response = submit(browser(), "/declare/", form)  # no organisation: refused
    assert response.status_code == 400
    assert_only_escaped(response.content.decode(), "the refused form")


def test_the_console_shows_statements_names_notes_and_logins_escaped(hostile_declarations):
    made, rejected = hostile_declarations
    make_persona("mona")
    make_persona("ada")
    hostile = get_user_model().objects.create_user(username=PAYLOADS[2], password="x" * 20)
    Volunteer.objects.create(user=hostile, role=Role.CALLER, language="en")
    moderator = sign_in("mona")
    for declaration_id in [r.declaration_id for r in made] + [rejected.declaration_id]:
        page = moderator.get(f"/console/moderation/{declaration_id}/").content.decode()
        assert_only_escaped(page, f"moderation page {declaration_id}")
    queue = moderator.get("/console/moderation/?show=received&channel=web").content.decode()
    assert_only_escaped(queue, "the queue", expect_shown=False)
    administrator = sign_in("ada")
    volunteers = administrator.get("/console/admin/volunteers/").content.decode()
    assert_only_escaped(volunteers, "the volunteers page")
    audit = administrator.get("/console/audit/").content.decode()
    assert_only_escaped(audit, "the audit log", expect_shown=False)
