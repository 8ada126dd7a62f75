"""Withdrawal of a declaration by its declarant with the receipt code: POST only,
a confirmation step, counted out with a revoke entry for the public log (or, not
yet reviewed, rejected and never counted), shown on the receipt lookup; wrong,
reused or unconfirmed requests change nothing, and no code is read from a URL."""

import re

import pytest

from tuidang.registry import tally, transitions
from tuidang.registry.choices import RejectReason, RevokeReason, Status
from tuidang.registry.models import Declaration, LogEntry

from ..factories import make_declaration
from .helpers import TOKEN, browser, submit

pytestmark = pytest.mark.django_db

WITHDRAW = "/en/receipt/withdraw/"


def hidden_fields(page: str, action: str) -> dict:
    """The hidden fields of the page's POST form to `action`, as a browser sends them."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S)
    assert form is not None, f"no form to {action}"
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))


def lookup(client, code, prefix="/en/"):
    return submit(client, f"{prefix}receipt/", {"code": code})


def ask(client, code, prefix="/en/"):
    """The receipt page's "Withdraw this declaration" button: the confirmation page."""
    page = lookup(client, code, prefix).content.decode()
    return client.post(
        f"{prefix}receipt/withdraw/", hidden_fields(page, f"{prefix}receipt/withdraw/")
    )


def confirm(client, code, prefix="/en/", **changes):
    """Tick the box and press the confirmation page's button."""
    page = ask(client, code, prefix).content.decode()
    data = {**hidden_fields(page, f"{prefix}receipt/withdraw/"), "confirm": "yes"}
    data["action"] = "withdraw"
    data.update(changes)
    return client.post(
        f"{prefix}receipt/withdraw/", {k: v for k, v in data.items() if v is not None}
    )


def snapshot():
    """Everything a withdrawal could change."""
    return (
        list(
            Declaration.objects.order_by("pk").values_list("status", "revoke_reason", "reject_note")
        ),
        tally.totals(),
        LogEntry.objects.count(),
    )


def test_the_full_flow_counts_an_accepted_declaration_out_and_the_lookup_says_so(publish):
    receipt = make_declaration(accept=True)
    publish()
    before = tally.totals()
    client = browser()
    page = lookup(client, receipt.code).content.decode()
    assert "Withdraw this declaration" in page
    assert hidden_fields(page, WITHDRAW)["code"] == receipt.code

    asked = ask(client, receipt.code)
    text = asked.content.decode()
    assert asked.status_code == 200
    assert "It stops being counted" in text and "cannot be undone" in text
    assert "next publication batch" in text and "Nothing else about you is published" in text
    assert Declaration.objects.get().status == Status.ACCEPTED  # asking changes nothing

    done = confirm(client, receipt.code)
    assert done.status_code == 200
    assert "Your declaration is withdrawn." in done.content.decode()
    assert done["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    declaration = Declaration.objects.get()
    assert declaration.status == Status.REVOKED
    assert declaration.revoke_reason == RevokeReason.RETRACTED
    after = tally.totals()
    assert after["persons"] == before["persons"] - declaration.persons
    assert after["declarations"] == before["declarations"] - 1
    assert after["revocations"] == before["revocations"] + 1
    assert tally.check() == []

    page = lookup(browser(), receipt.code).content.decode()
    assert "Withdrawn by the declarant" in page
    assert "will appear in the public log with the next publication batch" in page
    assert "Withdraw this declaration" not in page
    publish()
    assert LogEntry.objects.filter(declaration=declaration, kind="revoke").count() == 1
    page = lookup(browser(), receipt.code).content.decode()
    assert "The withdrawal is in the public log." in page


def test_a_declaration_not_yet_reviewed_is_withdrawn_without_ever_being_counted():
    receipt = make_declaration()
    before = tally.totals()
    client = browser()
    asked = ask(client, receipt.code).content.decode()
    assert "never counted" in asked
    done = confirm(client, receipt.code)
    assert done.status_code == 200
    assert "never counted" in done.content.decode()
    declaration = Declaration.objects.get()
    assert declaration.status == Status.REJECTED
    assert declaration.reject_reason == RejectReason.OTHER
    assert declaration.reject_note == "withdrawn by the declarant"
    assert tally.totals() == before
    assert not LogEntry.objects.exists()
    page = lookup(browser(), receipt.code).content.decode()
    assert "withdrawn with its receipt code before it was reviewed" in page


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("0000-0000-0000-0000", "No declaration has this receipt code"),
        ("nonsense", "A receipt code has 16 letters and digits"),
        ("", "This field is required"),
    ],
)
def test_a_wrong_code_is_refused_and_changes_nothing(code, message):
    make_declaration(accept=True)
    before = snapshot()
    client = browser()
    for data in ({"code": code}, {"code": code, "confirm": "yes", "action": "withdraw"}):
        response = submit(client, WITHDRAW, {**data, "seen": "accepted"})
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page
        assert f'value="{code}"' in page if code else 'name="code"' in page  # kept as typed
    assert snapshot() == before


def test_a_reused_code_is_refused():
    receipt = make_declaration(accept=True)
    client = browser()
    assert confirm(client, receipt.code).status_code == 200
    before = snapshot()
    again = browser()
    for data in ({}, {"confirm": "yes", "action": "withdraw", "seen": "accepted"}):
        response = submit(again, WITHDRAW, {"code": receipt.code, **data})
        assert response.status_code == 400
        assert "already withdrawn" in response.content.decode()
    assert snapshot() == before


def test_without_the_confirmation_nothing_changes():
    receipt = make_declaration(accept=True)
    before = snapshot()
    client = browser()
    unticked = confirm(client, receipt.code, confirm=None)
    assert unticked.status_code == 400
    page = unticked.content.decode()
    assert "Tick the box to confirm" in page
    assert hidden_fields(page, WITHDRAW)["code"] == receipt.code  # can try again
    no_button = confirm(client, receipt.code, action=None)
    assert no_button.status_code == 200 and "Withdraw it for good" in no_button.content.decode()
    assert snapshot() == before


def test_a_declaration_reviewed_after_the_confirmation_page_is_not_withdrawn_unseen():
    receipt = make_declaration()
    client = browser()
    page = ask(client, receipt.code).content.decode()
    transitions.accept(receipt.declaration_id)  # a moderator, meanwhile
    before = snapshot()
    data = {**hidden_fields(page, WITHDRAW), "confirm": "yes", "action": "withdraw"}
    response = client.post(WITHDRAW, data)
    assert response.status_code == 400
    assert "reviewed in the meantime" in response.content.decode()
    assert "It stops being counted" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda pk: transitions.reject(pk, RejectReason.ABUSE), "was not accepted"),
        (
            lambda pk: (transitions.accept(pk), transitions.revoke(pk, RevokeReason.DUPLICATE)),
            "was revoked by the centre",
        ),
    ],
)
def test_a_rejected_or_revoked_declaration_cannot_be_withdrawn(change, message):
    receipt = make_declaration()
    change(receipt.declaration_id)
    before = snapshot()
    assert "Withdraw this declaration" not in lookup(browser(), receipt.code).content.decode()
    response = submit(
        browser(), WITHDRAW, {"code": receipt.code, "confirm": "yes", "action": "withdraw"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_get_never_withdraws_and_a_code_in_a_url_is_never_used():
    receipt = make_declaration(accept=True)
    before = snapshot()
    client = browser()
    query = {"code": receipt.code, "confirm": "yes", "action": "withdraw", "seen": "accepted"}
    response = client.get(WITHDRAW, query)
    assert response.status_code == 200
    assert receipt.code not in response.content.decode()
    assert 'name="code"' in response.content.decode()  # it asks for the code
    url = WITHDRAW + "?" + "&".join(f"{key}={value}" for key, value in query.items())
    posted = client.post(url, {"csrfmiddlewaretoken": TOKEN.search(response.content.decode())[1]})
    assert posted.status_code == 400
    assert receipt.code not in posted.content.decode()
    assert snapshot() == before


def test_no_page_of_the_flow_puts_the_code_in_a_url_or_is_stored_or_indexed():
    receipt = make_declaration(accept=True)
    client = browser()
    pages = [
        client.get(WITHDRAW),
        lookup(client, receipt.code),
        ask(client, receipt.code),
        submit(client, WITHDRAW, {"code": "0000-0000-0000-0000"}),
        confirm(client, receipt.code, confirm=None),
        confirm(client, receipt.code),
        submit(client, WITHDRAW, {"code": receipt.code}),
    ]
    for response in pages:
        assert "no-store" in response["Cache-Control"]
        assert "noindex" in response["X-Robots-Tag"]
        assert "<script" not in response.content.decode()
        for url in re.findall(r'(?:href|action|src)="([^"]*)"', response.content.decode()):
            assert receipt.code not in url
    assert "Disallow: /en/receipt/" in client.get("/robots.txt").content.decode()


@pytest.mark.parametrize("prefix", ["/", "/zh-hant/", "/en/"])
def test_the_flow_works_in_every_language(prefix):
    receipt = make_declaration(accept=True)
    client = browser()
    page = client.get(f"{prefix}receipt/withdraw/")
    assert page.status_code == 200
    assert f'action="{prefix}receipt/withdraw/"' in page.content.decode()
    assert confirm(client, receipt.code, prefix).status_code == 200
    assert Declaration.objects.get().status == Status.REVOKED


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing():
    receipt = make_declaration(accept=True)
    before = snapshot()
    client = browser()
    client.get(WITHDRAW)  # a CSRF cookie, but no token in the body
    data = {"code": receipt.code, "confirm": "yes", "action": "withdraw", "seen": "accepted"}
    assert client.post(WITHDRAW, data).status_code == 403
    assert snapshot() == before


def test_the_statement_of_a_withdrawn_declaration_is_no_longer_shown(publish):
    statement = "三退之后，心里踏实了。"
    receipt = make_declaration(accept=True, statement=statement)
    publish()
    client = browser()
    assert statement in client.get("/en/statements/").content.decode()
    assert "Its statement is no longer shown." in ask(client, receipt.code).content.decode()
    assert confirm(client, receipt.code).status_code == 200
    assert statement not in browser().get("/en/statements/").content.decode()
