"""Concurrent writes of one process share a transaction (registry/group_commit.py):
each still returns only once committed, a failing write fails alone, and
inside a caller's transaction a write stays in that transaction."""

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction

from tuidang.registry import group_commit
from tuidang.registry.models import MilestoneThreshold


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_are_committed_together_and_each_fails_alone():
    MilestoneThreshold.objects.create(value=5, label="taken")
    writers = 8
    committers: dict[int, int] = {}  # value -> thread that ran its write
    outcomes: dict[int, object] = {}
    first_running = threading.Event()

    def write(value: int):
        def work():
            committers[value] = threading.get_ident()
            if value == 1:  # the first leader is slow: the others queue meanwhile
                first_running.set()
                time.sleep(0.3)
            MilestoneThreshold.objects.create(value=value, label=f"w{value}")
            return value * 10

        return work

    def caller(value: int):
        if value != 1:
            first_running.wait(5)
        try:
            outcomes[value] = group_commit.run(write(value))
        except Exception as error:  # noqa: BLE001 - asserted below
            outcomes[value] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=caller, args=(value,)) for value in range(1, writers + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert isinstance(outcomes[5], IntegrityError)  # value 5 was taken: only it fails
    assert {v: r for v, r in outcomes.items() if v != 5} == {
        v: v * 10 for v in range(1, writers + 1) if v != 5
    }
    stored = set(
        MilestoneThreshold.objects.filter(value__lte=writers).values_list("label", flat=True)
    )
    assert stored == {"taken"} | {f"w{v}" for v in range(1, writers + 1) if v != 5}
    # The seven writes queued behind the slow one ran in one batch, by one thread.
    assert len({committers[v] for v in range(2, writers + 1)}) == 1


@pytest.mark.django_db
def test_inside_a_transaction_the_write_belongs_to_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        group_commit.run(lambda: MilestoneThreshold.objects.create(value=77))
        raise RuntimeError("the caller gives up")
    assert not MilestoneThreshold.objects.filter(value=77).exists()


@pytest.mark.django_db
def test_a_failed_write_inside_a_transaction_leaves_it_usable():
    MilestoneThreshold.objects.create(value=9)
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            group_commit.run(lambda: MilestoneThreshold.objects.create(value=9))
        MilestoneThreshold.objects.create(value=10)
    assert MilestoneThreshold.objects.filter(value=10).exists()
