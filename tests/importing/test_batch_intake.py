"""`batch_intake.BatchIntake` / `declare_many`: the batch variant of the one intake
path — same rules as `declare()`, counters and log exact, all or nothing."""

import pytest
from django.db import transaction

from tuidang.registry import batch_intake, bulk_rows, intake, tally
from tuidang.registry.batch_intake import (
    BatchIntake,
    BatchIntakeError,
    declare_many,
)
from tuidang.registry.choices import Channel, Naming, Status
from tuidang.registry.models import Declaration, LogEntry, PendingEntry, Person

from ..factories import declaration_input, person

pytestmark = pytest.mark.django_db(transaction=True)


def _inputs(count, **overrides):
    return [
        declaration_input(
            channel=Channel.IMPORT,
            idempotency_key=f"import:k{i}",
            people=[person(Naming.ALIAS, alias=f"别名{i}")] if i % 2 else [],
            unnamed_persons=0 if i % 2 else 1 + i % 3,
            **overrides,
        )
        for i in range(count)
    ]


def test_a_batch_is_accepted_counted_and_logged_exactly(publish):
    receipts = declare_many(_inputs(10))
    assert all(r.code and r.status == Status.ACCEPTED for r in receipts)
    assert Declaration.objects.filter(status=Status.ACCEPTED).count() == 10
    assert tally.check() == [] and tally.check_log() == []
    assert PendingEntry.objects.count() == 10 and not LogEntry.objects.exists()
    publish()
    assert list(LogEntry.objects.values_list("index", flat=True)) == list(range(10))
    assert tally.check_log() == []


def test_batch_and_single_intake_count_the_same():
    declare_many(_inputs(6, province="CN-SC"))
    batch_totals = tally.totals()
    batch_ids = set(Declaration.objects.values_list("id", flat=True))
    lines = [
        line.split(" receipt=")[0]
        for line in PendingEntry.objects.order_by("id").values_list("line", flat=True)
    ]
    for item in _inputs(6, province="CN-SC"):
        intake.declare(
            intake.DeclarationInput(
                **{**vars(item), "idempotency_key": "single:" + item.idempotency_key}
            ),
            accept=True,
        )
    after = tally.totals()
    assert after["persons"] == 2 * batch_totals["persons"]
    assert after["by_naming"] == {k: 2 * v for k, v in batch_totals["by_naming"].items()}
    single = [
        line.split(" receipt=")[0]
        for line in PendingEntry.objects.exclude(declaration_id__in=batch_ids)
        .order_by("id")
        .values_list("line", flat=True)
    ]
    assert single == lines
    assert tally.check() == [] and tally.check_log() == []


def test_one_invalid_declaration_refuses_the_whole_batch_and_writes_nothing():
    items = _inputs(3)
    items[1] = declaration_input(organisations=["nope"], idempotency_key="import:bad")
    with pytest.raises(BatchIntakeError) as refused:
        declare_many(items)
    assert list(refused.value.errors) == [1]
    assert "organisations" in refused.value.errors[1].errors
    assert (
        Declaration.objects.count() == 0
        and PendingEntry.objects.count() == LogEntry.objects.count() == 0
    )
    assert tally.total() == 0


def test_a_key_already_stored_is_not_stored_again():
    declare_many(_inputs(3))
    again = declare_many(_inputs(4))
    assert [r.replayed for r in again] == [True, True, True, False]
    assert again[0].code is None
    assert Declaration.objects.count() == 4
    assert tally.check() == [] and tally.check_log() == []


def test_a_key_twice_in_one_chunk_is_stored_once_and_the_batch_knows():
    items = _inputs(2)
    with transaction.atomic():
        batch = BatchIntake()
        receipts = batch.add([items[0], items[1], items[0]])
        batch.finish()
    assert receipts[2].replayed and batch.stored_here(receipts[2].declaration_id)
    assert Declaration.objects.count() == 2


def test_generated_aliases_stay_unique_within_a_batch():
    items = [
        declaration_input(
            channel=Channel.IMPORT, people=[person(Naming.GENERATED_ALIAS, true_name="测")]
        )
        for _ in range(50)
    ]
    declare_many(items)
    names = list(Person.objects.values_list("public_name", flat=True))
    assert len(names) == len(set(names)) == 50


def test_the_batch_needs_the_callers_transaction():
    with pytest.raises(RuntimeError):
        BatchIntake()


def test_the_bulk_columns_are_every_column_of_the_models():
    assert batch_intake._DECLARATION_COLUMNS == [
        f.column for f in Declaration._meta.concrete_fields
    ]
    assert "id" not in bulk_rows.columns(Person, with_pk=False)


def test_milestones_are_crossed_by_a_batch(settings, publish):
    settings.TUIDANG_MILESTONE_STEP = 5
    declare_many(_inputs(12))
    publish()
    from tuidang.registry.models import Milestone

    assert sorted(Milestone.objects.values_list("threshold", flat=True)) == [5, 10, 15]
