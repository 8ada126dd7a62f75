"""The receipt lookup: a code only from a POST body, clear messages for a bad
code, the status in plain words first, and the proof for experts (log line,
hashes, command) only inside a <details> after it."""

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
    assert "<details" not in html and "Proof for experts" not in html


def _status_then_details(html: str) -> tuple[str, str]:
    """The page before the proof's <details> and the <details> itself."""
    start = html.index('<details class="proof">')
    return html[:start], html[start : html.index("</details>", start)]


def test_a_published_declaration_says_so_in_plain_words_before_the_proof(publish):
    receipt = make_declaration(accept=True)
    make_declaration(accept=True)
    publish()
    html = submit(browser(), "/en/receipt/", {"code": receipt.code}).content.decode()
    before, details = _status_then_details(html)
    assert "Accepted and counted" in before
    assert "It is accepted and counted, and it is in the public log that anyone can check." in (
        before
    )
    assert "<summary>Proof for experts</summary>" in details


def test_the_log_line_hashes_and_command_are_inside_the_details_only(publish):
    from tuidang.registry.models import LogEntry
    from tuidang.transparency import keys

    receipt = make_declaration(accept=True)
    publish()
    entry = LogEntry.objects.get(declaration_id=receipt.declaration_id)
    html = submit(browser(), "/en/receipt/", {"code": receipt.code}).content.decode()
    before, details = _status_then_details(html)
    assert entry.line in details and entry.line not in before
    assert 'class="hash"' not in before
    assert f"Entry {entry.index} of a log of 1 entries." in details
    assert "Root hash" in details and "Leaf hash" in details
    command = f"--index {entry.index} --log http://testserver/log --vkey '{keys.verifier_key()}'"
    assert "tuidang receipt YOUR-CODE " + command in details
    assert 'href="/en/check/"' in details
    assert receipt.code not in details


def test_a_declaration_waiting_for_its_batch_has_no_proof_yet():
    receipt = make_declaration(accept=True)
    html = submit(browser(), "/en/receipt/", {"code": receipt.code}).content.decode()
    assert "<details" not in html
    assert "Accepted and counted" in html


def test_a_received_declaration_says_it_is_not_counted_yet():
    receipt = make_declaration()
    html = submit(browser(), "/zh-hant/receipt/", {"code": receipt.code}).content.decode()
    assert "我們已收到這份聲明。它還沒有計入總數" in html
    assert "<details" not in html


def test_a_rejected_declaration_says_it_is_not_counted():
    from tuidang.registry.choices import RejectReason

    receipt = make_declaration()
    transitions.reject(receipt.declaration_id, RejectReason.DUPLICATE)
    html = submit(browser(), "/en/receipt/", {"code": receipt.code}).content.decode()
    assert "Not accepted" in html
    assert "reviewed and not accepted. It is not counted" in html


def test_a_revoked_declaration_says_it_was_taken_out_of_the_count(publish):
    from tuidang.registry.choices import RevokeReason

    receipt = make_declaration(accept=True)
    publish()
    transitions.revoke(receipt.declaration_id, RevokeReason.DUPLICATE)
    html = submit(browser(), "/en/receipt/", {"code": receipt.code}).content.decode()
    assert "Taken out of the count" in html
    assert "will appear in the public log with the next publication batch" in html
    assert "<details" not in html
    publish()
    html = submit(browser(), "/en/receipt/", {"code": receipt.code}).content.decode()
    assert "The public log records that it was taken out." in html
