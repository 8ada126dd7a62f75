"""Hotline intake: one screen, one submit; self, proxy for several relatives."""

import re

import pytest

from tuidang.console.models import AuditEvent, DeclarationEvent, Original, VolunteerEntry
from tuidang.registry import receipts, tally
from tuidang.registry.choices import Naming, StatementState, Status
from tuidang.registry.models import Declaration, Person

from .helpers import read_back_names, receipt_code, submit
from .personas import sign_in

pytestmark = pytest.mark.django_db

CALL = {
    "channel": "hotline",
    "organisations": ["party", "league"],
    "on_behalf": "self",
    "p1_naming": Naming.GENERATED_ALIAS,
    "p1_true_name": "电话真名",
    "contact": "call back via the centre",
    "country": "CN",
    "province": "CN-HB",
    "sector": "police",
    "rank": "middle",
    "statement": "我自愿退出中共。",
    "notes": "caller sounded nervous",
}


def test_a_hotline_intake_is_accepted_at_once_and_reads_back_alias_and_code(personas):
    client = sign_in("olga")
    response = submit(client, "/console/hotline/", CALL)
    assert response.status_code == 200, response.content.decode()
    page = response.content.decode()
    code = receipt_code(page)
    declaration = Declaration.objects.get()
    assert declaration.receipt_hash == receipts.lookup_hash(code)
    assert declaration.status == Status.ACCEPTED and declaration.channel == "hotline"
    assert declaration.sector == "police" and declaration.rank == "middle"
    assert declaration.statement_state == StatementState.PUBLISHED
    person = Person.objects.get()
    assert read_back_names(page) == [person.public_name]
    assert person.naming == Naming.GENERATED_ALIAS and "电话" not in person.public_name
    assert tally.total() == 1
    assert VolunteerEntry.objects.get().declaration == declaration
    assert "no-store" in response["Cache-Control"]


def test_true_name_contact_and_notes_are_stored_only_sealed(personas, custodian_identity):
    import pyrage

    submit(sign_in("olga"), "/console/hotline/", CALL)
    person = Person.objects.get()
    assert b"\xe7\x94\xb5\xe8\xaf\x9d" not in bytes(person.sealed_identity)
    assert (
        "电话真名" in pyrage.decrypt(bytes(person.sealed_identity), [custodian_identity]).decode()
    )
    original = Original.objects.get()
    assert original.kind == "text" and original.channel == "hotline"


def test_true_name_and_contact_may_both_be_empty(personas):
    data = {**CALL, "p1_true_name": "", "contact": ""}
    response = submit(sign_in("olga"), "/console/hotline/", data)
    assert response.status_code == 200
    assert Declaration.objects.get().sealed_contact is None


def test_the_audit_event_of_an_intake_keeps_the_day_only(personas):
    submit(sign_in("olga"), "/console/hotline/", CALL)
    event = DeclarationEvent.objects.get(action="intake")
    assert event.day is not None and not hasattr(event, "at")
    assert event.declaration_id == Declaration.objects.get().pk
    assert event.actor.username == "olga"
    assert not AuditEvent.objects.filter(action="intake").exists()  # not among timed events


def test_an_intake_error_is_shown_beside_the_person_field(personas):
    data = {**CALL, "p1_naming": Naming.TRUE_NAME, "p1_true_name": ""}
    response = submit(sign_in("olga"), "/console/hotline/", data)
    assert response.status_code == 400
    assert 'id="id_p1_true_name_error"' in response.content.decode()
    assert Declaration.objects.count() == 0


def test_a_proxy_declares_for_three_relatives_in_one_go(personas):
    data = {
        **CALL,
        "on_behalf": "proxy",
        "relationship": "relatives",
        "p1_naming": Naming.GENERATED_ALIAS,
        "p1_true_name": "",
        "p2_naming": Naming.ALIAS,
        "p2_alias": "觉醒的母亲",
        "p3_naming": Naming.TRUE_NAME,
        "p3_true_name": "王大明",
    }
    response = submit(sign_in("olga"), "/console/hotline/", data)
    assert response.status_code == 200, response.content.decode()
    declaration = Declaration.objects.get()
    assert declaration.by_proxy and declaration.proxy_relationship == "relatives"
    assert declaration.persons == 3 and declaration.status == Status.ACCEPTED
    names = read_back_names(response.content.decode())
    assert names[1:] == ["觉醒的母亲", "王大明"] and len(names) == 3
    assert tally.total() == 3


def test_a_proxy_without_a_relationship_is_refused_beside_the_field(personas):
    data = {**CALL, "on_behalf": "proxy", "relationship": ""}
    response = submit(sign_in("olga"), "/console/hotline/", data)
    assert response.status_code == 400
    assert 'id="id_relationship_error"' in response.content.decode()


def test_sending_the_same_form_twice_records_one_declaration(personas):
    client = sign_in("olga")
    from .helpers import form_fields

    fields = form_fields(client, "/console/hotline/")
    first = client.post("/console/hotline/", {**fields, **CALL})
    again = client.post("/console/hotline/", {**fields, **CALL})
    code = re.compile(r'class="receipt-code">([0-9A-Z-]+)<')
    # The repeat gives the same code back (sealed under the form's key), once declared.
    assert again.status_code == 200
    assert code.search(again.content.decode()).group(1) == code.search(
        first.content.decode()
    ).group(1)
    assert Declaration.objects.count() == 1


def test_a_caller_registers_an_outbound_call(personas):
    data = {**CALL, "channel": "outbound_call"}
    assert submit(sign_in("carl"), "/console/hotline/", data).status_code == 200
    assert Declaration.objects.get().channel == "outbound_call"


def test_the_hotline_screen_works_without_javascript(personas):
    page = sign_in("olga").get("/console/hotline/").content.decode()
    assert "<script" not in page and '<form method="post"' in page
