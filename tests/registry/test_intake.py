import pytest
from django.db import connection

from tuidang.registry import receipts, tally
from tuidang.registry.choices import Channel, Naming, Status
from tuidang.registry.intake import IntakeError, declare
from tuidang.registry.models import Declaration, Person

from ..factories import declaration_input, make_declaration, person

pytestmark = pytest.mark.django_db


def test_a_declaration_is_received_with_a_receipt_code_stored_only_as_a_hash():
    receipt = make_declaration()
    declaration = Declaration.objects.get(pk=receipt.declaration_id)
    assert declaration.status == Status.RECEIVED
    assert declaration.receipt_hash == receipts.lookup_hash(receipt.code)
    assert receipts.normalise(receipt.code) not in str(list(Declaration.objects.values()))


def test_a_received_declaration_is_not_counted():
    make_declaration()
    assert tally.total() == 0


def test_a_trusted_channel_can_accept_at_once_and_the_total_moves():
    make_declaration(accept=True, channel=Channel.HOTLINE, unnamed_persons=2)
    assert tally.total() == 3


def test_true_name_and_contact_are_stored_only_sealed():
    receipt = make_declaration(
        people=[person(Naming.GENERATED_ALIAS, true_name="测试真名甲乙丙")],
        contact="+1 555 0100 test",
    )
    declaration = Declaration.objects.get(pk=receipt.declaration_id)
    stored = bytes(declaration.sealed_contact)
    assert stored.startswith(b"age-encryption.org/v1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_declaration")
        rows = repr(cursor.fetchall())
        cursor.execute("SELECT * FROM registry_person")
        rows += repr(cursor.fetchall())
    assert "测试真名甲乙丙" not in rows and "555 0100" not in rows


def test_the_sealed_identity_opens_with_the_custodian_identity(custodian_identity):
    import json

    import pyrage

    receipt = make_declaration(people=[person(Naming.GENERATED_ALIAS, true_name="测试真名")])
    sealed = bytes(Person.objects.get(declaration_id=receipt.declaration_id).sealed_identity)
    opened = json.loads(pyrage.decrypt(sealed, [custodian_identity]))
    assert opened == {"v": 1, "true_name": "测试真名"}


def test_an_empty_identity_seals_nothing():
    receipt = make_declaration(people=[person(Naming.GENERATED_ALIAS)])
    assert Person.objects.get(declaration_id=receipt.declaration_id).sealed_identity is None
    assert Declaration.objects.get(pk=receipt.declaration_id).sealed_contact is None


def test_a_true_name_chosen_for_publication_is_the_public_name():
    receipt = make_declaration(people=[person(Naming.TRUE_NAME, true_name="公开名")])
    assert receipt.public_names[0].name == "公开名"


def test_a_group_statement_counts_named_and_unnamed_persons():
    receipt = make_declaration(
        accept=True,
        people=[
            person(),
            person(Naming.ALIAS, alias="甲"),
            person(Naming.TRUE_NAME, true_name="乙"),
        ],
        unnamed_persons=5,
    )
    assert receipt.persons == 8
    totals = tally.totals()
    assert totals["by_naming"] == {"alias": 2, "true_name": 1, "unnamed": 5}


def test_text_is_normalised_before_it_is_stored():
    receipt = make_declaration(statement="  退出\u202e声明\x00  ")
    assert Declaration.objects.get(pk=receipt.declaration_id).statement == "退出声明"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"organisations": []}, "organisations"),
        ({"organisations": ["party", "politburo"]}, "organisations"),
        ({"organisations": ["party", "party"]}, "organisations"),
        ({"channel": "pigeon"}, "channel"),
        ({"people": [], "unnamed_persons": 0}, "people"),
        ({"unnamed_persons": -1}, "unnamed_persons"),
        ({"unnamed_persons": 10_000}, "unnamed_persons"),
        ({"people": [person(Naming.TRUE_NAME)]}, "people.0.true_name"),
        ({"people": [person(Naming.ALIAS)]}, "people.0.alias"),
        ({"people": [person(Naming.ALIAS, alias="x" * 33)]}, "people.0.alias"),
        ({"people": [person(Naming.ALIAS, true_name="同名", alias="同名")]}, "people.0.alias"),
        ({"people": [person(true_name="名" * 65)]}, "people.0.true_name"),
        ({"people": [person("nickname")]}, "people.0.naming"),
        ({"country": "XX"}, "country"),
        ({"country": "US", "province": "CN-GD"}, "province"),
        ({"province": "CN-TW"}, "province"),
        ({"sector": "astronaut"}, "sector"),
        ({"rank": "emperor"}, "rank"),
        ({"statement": "字" * 5001}, "statement"),
        ({"contact": "c" * 501}, "contact"),
        ({"proxy_relationship": "relatives"}, "proxy_relationship"),
        ({"by_proxy": True, "proxy_relationship": "enemies"}, "proxy_relationship"),
        ({"group_id": 999999}, "group"),
    ],
)
def test_invalid_input_names_the_field_and_writes_nothing(overrides, field):
    with pytest.raises(IntakeError) as raised:
        declare(declaration_input(**overrides))
    assert field in raised.value.errors
    assert all(raised.value.errors[field])
    assert Declaration.objects.count() == 0 and Person.objects.count() == 0


def test_a_repeated_idempotency_key_returns_the_first_declaration_and_its_code():
    first = make_declaration(idempotency_key="k-1")
    again = make_declaration(idempotency_key="k-1")
    assert again.replayed and again.code == first.code is not None
    assert again.declaration_id == first.declaration_id
    assert Declaration.objects.count() == 1


def test_intake_refuses_to_store_anything_when_no_custodian_is_configured(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.TUIDANG_CUSTODIAN_RECIPIENTS = []
    settings.DATA_DIR = tmp_path
    with pytest.raises(ImproperlyConfigured):
        make_declaration(contact="anything")
    assert Declaration.objects.count() == 0
