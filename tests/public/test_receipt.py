import pytest

from tuidang.registry import transitions
from tuidang.registry.choices import Naming

from ..factories import make_declaration, person
from .helpers import browser, submit

pytestmark = pytest.mark.django_db


def test_a_received_declaration_shows_only_its_status():
    receipt = make_declaration(people=[person(Naming.ALIAS, alias="查询化名")])
    html = submit(browser(), "/en/receipt/", {"code": receipt.code}).content.decode()
    assert "Received, awaiting review" in html
    assert "查询化名" not in html


def test_an_accepted_declaration_shows_day_and_public_name():
    receipt = make_declaration(people=[person(Naming.ALIAS, alias="查询化名")])
    transitions.accept(receipt.declaration_id)
    response = submit(browser(), "/en/receipt/", {"code": receipt.code.lower().replace("-", " ")})
    html = response.content.decode()
    assert "Accepted and counted" in html and "查询化名" in html
    assert "no-store" in response["Cache-Control"]


def test_a_code_in_the_url_is_never_looked_up():
    receipt = make_declaration(accept=True)
    html = browser().get("/en/receipt/", {"code": receipt.code}).content.decode()
    assert "Accepted and counted" not in html


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("nonsense", "A receipt code has 16 letters and digits"),
        ("0000-0000-0000-0000", "No declaration has this receipt code"),
    ],
)
def test_a_bad_code_gets_a_clear_message(code, message):
    response = submit(browser(), "/en/receipt/", {"code": code})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_lookup_form_posts_and_has_no_autocomplete():
    html = browser().get("/receipt/").content.decode()
    assert 'method="post"' in html and 'autocomplete="off"' in html


def test_an_accepted_declaration_not_yet_published_is_counted_and_comes_with_the_next_batch():
    receipt = make_declaration(accept=True)
    html = submit(browser(), "/en/receipt/", {"code": receipt.code}).content.decode()
    assert "It is accepted and counted." in html
    assert "with the next publication batch" in html
    assert "In the public log" not in html
