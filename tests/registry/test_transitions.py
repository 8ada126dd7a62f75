import pytest

from tuidang.registry import transitions
from tuidang.registry.choices import RejectReason, StatementState, Status
from tuidang.registry.models import Declaration

from ..factories import make_declaration

pytestmark = pytest.mark.django_db

IDENTIFYING = "我是张某，电话13812345678"


def state(receipt):
    return Declaration.objects.get(pk=receipt.declaration_id).statement_state


def test_accepting_publishes_a_clean_statement():
    receipt = make_declaration(statement="我声明退出。")
    assert state(receipt) == StatementState.PENDING
    transitions.accept(receipt.declaration_id)
    assert state(receipt) == StatementState.PUBLISHED


def test_a_statement_with_a_phone_number_is_held_even_after_acceptance():
    receipt = make_declaration(statement=IDENTIFYING)
    transitions.accept(receipt.declaration_id)
    assert state(receipt) == StatementState.FLAGGED


def test_an_edit_that_removes_the_detail_publishes_the_statement():
    receipt = make_declaration(accept=True, statement=IDENTIFYING)
    transitions.edit_statement(receipt.declaration_id, "我是张某，声明退出。")
    assert state(receipt) == StatementState.PUBLISHED
    transitions.edit_statement(receipt.declaration_id, "邮件 a@b.example")
    assert state(receipt) == StatementState.FLAGGED


def test_a_withheld_statement_stays_unpublished_but_counted():
    receipt = make_declaration(accept=True, statement="内容")
    transitions.withhold_statement(receipt.declaration_id)
    assert state(receipt) == StatementState.WITHHELD
    assert Declaration.objects.get(pk=receipt.declaration_id).status == Status.ACCEPTED


def test_a_rejection_records_its_coded_reason_and_note():
    receipt = make_declaration()
    transitions.reject(receipt.declaration_id, RejectReason.OTHER, "写的是别的事")
    declaration = Declaration.objects.get(pk=receipt.declaration_id)
    assert (declaration.status, declaration.reject_reason, declaration.reject_note) == (
        Status.REJECTED,
        "other",
        "写的是别的事",
    )


@pytest.mark.parametrize(("reason", "note"), [("other", ""), ("because", "")])
def test_a_rejection_without_a_known_reason_or_needed_note_is_refused(reason, note):
    receipt = make_declaration()
    with pytest.raises(transitions.TransitionError):
        transitions.reject(receipt.declaration_id, reason, note)
    assert Declaration.objects.get(pk=receipt.declaration_id).status == Status.RECEIVED
