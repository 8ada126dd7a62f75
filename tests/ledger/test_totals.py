"""Tests of totals: recomputing the published totals (tuidang-totals-v1)."""

from __future__ import annotations

import json

import pytest

from tuidang.ledger.entries import Declaration, Revocation
from tuidang.ledger.totals import Tally, TallyError, compute_totals

from .helpers import make_entries

R = "ab" * 32


def decl(
    day="2026-11-25", orgs=("party",), persons=1, channel="web", by="self", t=0, a=0, place="-"
):
    return Declaration(day, orgs, persons, channel, by, t, a, place, R).encode()


def rev(index, day="2026-11-30"):
    return Revocation(day, index, "duplicate").encode()


def test_an_empty_log_has_zero_totals_and_empty_breakdowns():
    assert compute_totals([]) == {
        "format": "tuidang-totals-v1",
        "entries": 0,
        "declarations": 0,
        "revocations": 0,
        "persons": 0,
        "by_organisation": {},
        "by_day": {},
        "by_channel": {},
        "by_country": {},
        "by_province": {},
        "by_filer": {},
        "by_naming": {},
    }


def test_every_breakdown_counts_persons():
    totals = compute_totals(
        [
            decl(orgs=("league", "party"), persons=3, by="proxy", t=1, a=1, place="CN-GD"),
            decl(
                day="2026-11-26", orgs=("pioneers",), persons=2, channel="hotline", place="US", t=2
            ),
            decl(persons=1),
        ]
    )
    assert totals == {
        "format": "tuidang-totals-v1",
        "entries": 3,
        "declarations": 3,
        "revocations": 0,
        "persons": 6,
        "by_organisation": {"league": 3, "party": 4, "pioneers": 2},
        "by_day": {"2026-11-25": 4, "2026-11-26": 2},
        "by_channel": {"hotline": 2, "web": 4},
        "by_country": {"-": 1, "CN": 3, "US": 2},
        "by_province": {"CN-GD": 3},
        "by_filer": {"proxy": 3, "self": 3},
        "by_naming": {"alias": 1, "true_name": 3, "unnamed": 2},
    }
    json.dumps(totals)  # plain JSON


def test_a_revoke_subtracts_exactly_the_revoked_declaration_from_its_own_day():
    entries = [
        decl(persons=3, place="CN-GD", t=3),
        decl(day="2026-11-26", persons=2),
        rev(0, day="2026-11-27"),
    ]
    totals = compute_totals(entries)
    assert totals["persons"] == 2
    assert totals["declarations"] == 1 and totals["revocations"] == 1 and totals["entries"] == 3
    assert totals["by_day"] == {"2026-11-26": 2}
    assert totals["by_province"] == {} and totals["by_country"] == {"-": 2}
    assert totals["by_naming"] == {"unnamed": 2}
    assert totals == compute_totals(entries[1:2]) | {"entries": 3, "revocations": 1}


@pytest.mark.parametrize(
    "entries,message",
    [
        ([decl(), rev(1)], "not before it"),
        ([decl(), rev(5)], "not before it"),
        ([decl(), rev(0), rev(1)], "revoke entry"),
        ([decl(), rev(0), rev(0)], "already revoked"),
        ([decl(), b"declare nonsense"], "not a declare or revoke entry"),
    ],
)
def test_invalid_revokes_and_bad_entries_are_errors_naming_the_entry(entries, message):
    with pytest.raises(TallyError, match=message) as info:
        compute_totals(entries)
    assert info.value.index == len(entries) - 1


def test_feeding_entries_one_by_one_or_in_bulk_gives_the_same_totals():
    entries = make_entries(3000, seed=3, revoke_every=7)
    one = Tally()
    for e in entries:
        one.add(e)
    assert one.totals() == compute_totals(entries)
    assert one.size == 3000


def test_the_totals_match_a_naive_recount():
    from tuidang.ledger.entries import parse_entry

    entries = make_entries(2000, seed=5, revoke_every=5)
    parsed = [parse_entry(e) for e in entries]
    revoked = {p.index for p in parsed if isinstance(p, Revocation)}
    live = [p for i, p in enumerate(parsed) if isinstance(p, Declaration) and i not in revoked]
    totals = compute_totals(entries)
    assert totals["persons"] == sum(p.persons for p in live)
    assert totals["declarations"] == len(live)
    assert totals["by_organisation"]["party"] == sum(
        p.persons for p in live if "party" in p.organisations
    )
    assert sum(totals["by_naming"].values()) == totals["persons"]
    assert sum(totals["by_day"].values()) == totals["persons"]
