"""Status changes of a declaration: received → accepted | rejected, and accepted →
revoked. Each runs in one transaction with the tally change and the queued log
entry (published with the next batch, `registry.log_batches`), so counters,
log and statuses can never disagree. Nothing is ever deleted."""

from django.db import transaction
from django.utils import timezone

from tuidang.registry import log_entries, scrubber, tally
from tuidang.registry.choices import RejectReason, RevokeReason, StatementState, Status
from tuidang.registry.models import STATEMENT_MAX, Declaration
from tuidang.registry.text import normalise_block


class TransitionError(ValueError):
    """The declaration is not in a status that allows this change."""


def _locked(declaration_id: int) -> Declaration:
    return Declaration.objects.select_for_update().get(pk=declaration_id)


def accept_locked(declaration: Declaration) -> None:
    """Accept a declaration already locked inside the caller's transaction."""
    if declaration.status != Status.RECEIVED:
        raise TransitionError(
            f"Only a received declaration can be accepted, not {declaration.status}."
        )
    declaration.status = Status.ACCEPTED
    if declaration.statement and declaration.statement_state == StatementState.PENDING:
        declaration.statement_state = StatementState.PUBLISHED
    declaration.save(update_fields=["status", "statement_state"])
    tally.count_in(declaration)
    log_entries.append_declare(declaration)


@transaction.atomic
def accept(declaration_id: int) -> Declaration:
    declaration = _locked(declaration_id)
    accept_locked(declaration)
    return declaration


@transaction.atomic
def reject(declaration_id: int, reason: str, note: str = "") -> Declaration:
    if reason not in RejectReason.values:
        raise TransitionError(f"Unknown rejection reason {reason!r}.")
    note = normalise_block(note)[:200]
    if reason == RejectReason.OTHER and not note:
        raise TransitionError("A rejection for another reason needs a note.")
    declaration = _locked(declaration_id)
    if declaration.status != Status.RECEIVED:
        raise TransitionError(
            f"Only a received declaration can be rejected, not {declaration.status}."
        )
    declaration.status = Status.REJECTED
    declaration.reject_reason = reason
    declaration.reject_note = note
    declaration.save(update_fields=["status", "reject_reason", "reject_note"])
    return declaration


@transaction.atomic
def edit_statement(declaration_id: int, text: str) -> Declaration:
    """Replace the public statement text (a moderator's edit). It is scrubbed
    again: still identifying → held; clean → published once accepted."""
    text = normalise_block(text)
    if len(text) > STATEMENT_MAX:
        raise TransitionError(f"A statement has at most {STATEMENT_MAX} characters.")
    declaration = _locked(declaration_id)
    declaration.statement = text
    if scrubber.find_identifying_details(text):
        declaration.statement_state = StatementState.FLAGGED
    elif declaration.status == Status.ACCEPTED and text:
        declaration.statement_state = StatementState.PUBLISHED
    else:
        declaration.statement_state = StatementState.PENDING
    declaration.save(update_fields=["statement", "statement_state"])
    return declaration


@transaction.atomic
def withhold_statement(declaration_id: int) -> Declaration:
    """Keep the statement text from the public (the declaration still counts)."""
    declaration = _locked(declaration_id)
    declaration.statement_state = StatementState.WITHHELD
    declaration.save(update_fields=["statement_state"])
    return declaration


@transaction.atomic
def revoke(declaration_id: int, reason: str) -> Declaration:
    if reason not in RevokeReason.values:
        raise TransitionError(f"Unknown revocation reason {reason!r}.")
    declaration = _locked(declaration_id)
    if declaration.status != Status.ACCEPTED:
        raise TransitionError(
            f"Only an accepted declaration can be revoked, not {declaration.status}."
        )
    declaration.status = Status.REVOKED
    declaration.revoke_reason = reason
    declaration.save(update_fields=["status", "revoke_reason"])
    tally.count_out(declaration)
    log_entries.append_revoke(declaration, timezone.now().date())
    return declaration
