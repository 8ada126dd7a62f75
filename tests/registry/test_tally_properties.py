"""Property: after any sequence of intake, accept, reject and revoke, every
maintained counter equals a recount of the rows."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuidang.registry import places, tally, transitions
from tuidang.registry.choices import Channel, Naming, RevokeReason

from ..factories import declaration_input, person

pytestmark = pytest.mark.django_db

people = st.lists(
    st.sampled_from([Naming.TRUE_NAME, Naming.ALIAS, Naming.GENERATED_ALIAS]).map(
        lambda naming: person(
            naming,
            true_name="某人" if naming == Naming.TRUE_NAME else "",
            alias="化名" if naming == Naming.ALIAS else "",
        )
    ),
    max_size=3,
)
inputs = st.builds(
    lambda orgs, ppl, unnamed, channel, proxy, province, day: declaration_input(
        organisations=orgs,
        people=ppl,
        unnamed_persons=unnamed if (ppl or unnamed) else 1,
        channel=channel,
        by_proxy=proxy,
        province=province,
        day=day,
    ),
    st.lists(st.sampled_from(["party", "league", "pioneers"]), min_size=1, max_size=3, unique=True),
    people,
    st.integers(0, 4),
    st.sampled_from(Channel.values),
    st.booleans(),
    st.sampled_from(["", *sorted(places.province_codes())[:4]]),
    st.dates(min_value=datetime.date(2004, 1, 1), max_value=datetime.date(2030, 12, 31)),
)
actions = st.lists(
    st.tuples(st.sampled_from(["accept", "reject", "revoke"]), st.integers(0, 30)), max_size=40
)


@given(st.lists(inputs, min_size=1, max_size=12), actions)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_counters_equal_row_counts_after_any_sequence_of_changes(declarations, steps):
    from tuidang.registry.intake import declare

    with transaction.atomic():
        ids = [declare(data).declaration_id for data in declarations]
        for action, pick in steps:
            target = ids[pick % len(ids)]
            try:
                if action == "accept":
                    transitions.accept(target)
                elif action == "reject":
                    transitions.reject(target, "duplicate")
                else:
                    transitions.revoke(target, RevokeReason.DUPLICATE)
            except transitions.TransitionError:
                pass
        assert tally.check() == []
        transaction.set_rollback(True)


def test_a_counter_that_drifts_is_reported_by_check():
    from tuidang.registry.models import Tally

    from ..factories import make_declaration

    make_declaration(accept=True)
    Tally.objects.filter(dimension="total").update(count=999)
    problems = tally.check()
    assert problems == ["total[]: counter 999, rows 1"]


def test_a_revoked_declaration_is_no_longer_counted_but_still_stored():
    from tuidang.registry.models import Declaration

    from ..factories import make_declaration

    receipt = make_declaration(accept=True, unnamed_persons=1)
    transitions.revoke(receipt.declaration_id, RevokeReason.RETRACTED)
    assert tally.total() == 0
    assert Declaration.objects.get(pk=receipt.declaration_id).revoke_reason == "retracted"


@pytest.mark.parametrize("action", ["reject", "revoke-received", "accept-twice"])
def test_a_transition_from_the_wrong_status_is_refused(action):
    from ..factories import make_declaration

    receipt = make_declaration()
    with pytest.raises(transitions.TransitionError):
        if action == "reject":
            transitions.accept(receipt.declaration_id)
            transitions.reject(receipt.declaration_id, "abuse")
        elif action == "revoke-received":
            transitions.revoke(receipt.declaration_id, RevokeReason.ERROR)
        else:
            transitions.accept(receipt.declaration_id)
            transitions.accept(receipt.declaration_id)
