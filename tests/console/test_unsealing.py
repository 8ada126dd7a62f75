"""Unsealing in the console: a custodian requests an export with its scope and
reason; the requester can neither approve it nor see an approve button; another
custodian approves (the page then shows the one export command) or refuses;
the requester may cancel; every step is an account event of the audit log."""

import re

import pytest

from tests.factories import make_declaration
from tuidang.console.models import AuditEvent, UnsealRequest
from tuidang.console.roles import Role

from .personas import make_persona, post, sign_in

pytestmark = pytest.mark.django_db

PAGE = "/console/unsealing/"


@pytest.fixture
def custodians(personas):
    """Cora (of the personas) and two more custodians."""
    make_persona("kai", role=Role.CUSTODIAN)
    make_persona("lin", role=Role.CUSTODIAN)
    return {name: sign_in(name) for name in ("cora", "kai", "lin")}


def ask(client, **data):
    return post(client, PAGE, {"scope": "declarations", "reason": "a court order", **data})


def step(client, request_id, action):
    url = f"{PAGE}{request_id}/"
    return post(client, url, {"action": action})


def test_a_custodian_requests_and_another_approves(custodians):
    first, second = make_declaration().declaration_id, make_declaration().declaration_id
    response = ask(custodians["cora"], declarations=f"#{second}, {first}")
    assert response.status_code == 302, response.content.decode()
    made = UnsealRequest.objects.get()
    assert made.declaration_ids == [first, second] and made.requested_by.username == "cora"
    page = custodians["cora"].get(response["Location"]).content.decode()
    assert "Approve this export" not in page and "Cancel my request" in page
    refused = step(custodians["cora"], made.pk, "approve")  # the requester's own approval
    assert refused.status_code == 400
    assert "cannot approve their own request" in refused.content.decode()
    assert made.approvals.count() == 0
    assert "Approve this export" in custodians["kai"].get(f"{PAGE}{made.pk}/").content.decode()
    assert step(custodians["kai"], made.pk, "approve").status_code == 302
    made.refresh_from_db()
    assert made.state == "approved"
    page = custodians["lin"].get(f"{PAGE}{made.pk}/").content.decode()
    assert f"tuidang export sealed --request {made.pk} --output FILE" in page
    assert "Approve this export" not in page  # approved already: nothing more to approve


def test_everything_waits_for_two_approvals(custodians):
    assert ask(custodians["cora"], scope="everything", declarations="").status_code == 302
    made = UnsealRequest.objects.get()
    step(custodians["kai"], made.pk, "approve")
    made.refresh_from_db()
    assert made.state == "pending"
    assert step(custodians["kai"], made.pk, "approve").status_code == 400  # not twice
    step(custodians["lin"], made.pk, "approve")
    made.refresh_from_db()
    assert made.state == "approved"


def test_a_request_can_be_refused_by_another_and_cancelled_by_its_requester(custodians):
    declaration = make_declaration().declaration_id
    ask(custodians["cora"], declarations=str(declaration))
    ask(custodians["cora"], declarations=str(declaration))
    refused, cancelled = sorted(UnsealRequest.objects.values_list("pk", flat=True))
    assert step(custodians["cora"], refused, "refuse").status_code == 400
    assert step(custodians["kai"], refused, "refuse").status_code == 302
    assert step(custodians["kai"], cancelled, "cancel").status_code == 400
    assert step(custodians["cora"], cancelled, "cancel").status_code == 302
    states = dict(UnsealRequest.objects.values_list("pk", "state"))
    assert states == {refused: "refused", cancelled: "cancelled"}
    assert step(custodians["lin"], refused, "approve").status_code == 400  # closed
    actions = list(
        AuditEvent.objects.filter(action__startswith="unseal")
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("unseal_requested", "cora"),
        ("unseal_requested", "cora"),
        ("unseal_refused", "kai"),
        ("unseal_cancelled", "cora"),
    ]
    audit_page = custodians["lin"].get("/console/audit/").content.decode()
    account = re.search(r'id="account-events">(.*?)</table>', audit_page, re.S).group(1)
    assert "unseal_refused" in account and f"request {refused} by cora" in account


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"declarations": ""}, "Name at least one declaration."),
        ({"declarations": "12; drop"}, "Only declaration numbers, please."),
        ({"declarations": "999999"}, "No such declaration: #999999"),
        ({"declarations": "1", "reason": ""}, "This field is required."),
    ],
)
def test_a_request_without_a_known_scope_or_a_reason_is_refused(custodians, data, message):
    make_declaration()
    response = ask(custodians["cora"], **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not UnsealRequest.objects.exists()
