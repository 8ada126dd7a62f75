"""Tests of entries: the tuidang entry format v1 (docs/log-format.md)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuidang.ledger.entries import (
    CHANNELS,
    REVOKE_REASONS,
    Declaration,
    EntryChecker,
    EntryError,
    Revocation,
    declaration,
    normalise_receipt_code,
    parse_entry,
    receipt_commitment,
    revocation,
)

RECEIPT = "c6de97b929812fffb961ad8e6bef1f5b33e330eecfe74e5baa0224a48d68be8b"
EXAMPLE = (
    "declare 2026-11-25 orgs=league,party persons=3 channel=web by=proxy true_name=1 alias=1"
    " place=CN-GD receipt=" + RECEIPT
).encode()
REVOKE = b"revoke 2026-11-26 index=123 reason=duplicate"


def test_the_receipt_commitment_is_sha256_of_the_domain_and_the_code():
    # worked example of docs/log-format.md
    assert receipt_commitment("0123456789ABCDEF") == RECEIPT


def test_receipt_codes_are_normalised_the_crockford_way():
    assert normalise_receipt_code("0123-4567-89ab-cdef") == "0123456789ABCDEF"
    assert normalise_receipt_code("o123 4567 89ab cdef") == "0123456789ABCDEF"
    assert normalise_receipt_code("il23456789ABCDEF") == "1123456789ABCDEF"
    for bad in ["0123456789ABCDE", "0123456789ABCDEU", "0123456789ABCDEF0"]:
        with pytest.raises(EntryError):
            normalise_receipt_code(bad)
    with pytest.raises(EntryError):
        receipt_commitment("0123456789abcdef")  # not normalised


def test_the_example_declaration_is_built_from_its_fields():
    built = declaration(
        day=datetime.date(2026, 11, 25),
        organisations={"party", "league"},
        persons=3,
        channel="web",
        by="proxy",
        true_name=1,
        alias=1,
        place="CN-GD",
        receipt_code="0123456789ABCDEF",
    )
    assert built == EXAMPLE
    parsed = parse_entry(EXAMPLE)
    assert isinstance(parsed, Declaration)
    assert parsed.organisations == ("league", "party")
    assert (parsed.country, parsed.province, parsed.unnamed) == ("CN", "CN-GD", 1)


def test_the_example_revocation_is_built_from_its_fields():
    assert revocation(day="2026-11-26", index=123, reason="duplicate") == REVOKE
    assert parse_entry(REVOKE) == Revocation("2026-11-26", 123, "duplicate")


declarations = st.builds(
    Declaration,
    day=st.dates(datetime.date(2000, 1, 1), datetime.date(2999, 12, 31)),
    organisations=st.sets(
        st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=4
    ).map(tuple),
    persons=st.just(50),
    channel=st.sampled_from(CHANNELS),
    by=st.sampled_from(["self", "proxy"]),
    true_name=st.integers(0, 25),
    alias=st.integers(0, 25),
    place=st.sampled_from(["-", "CN", "US", "CN-GD", "CN-XZ"]),
    receipt=st.binary(min_size=32, max_size=32).map(bytes.hex),
)
revocations = st.builds(
    Revocation,
    day=st.dates(datetime.date(2000, 1, 1), datetime.date(2999, 12, 31)),
    index=st.integers(0, 10**12),
    reason=st.sampled_from(REVOKE_REASONS),
)


@given(st.one_of(declarations, revocations))
def test_encoding_then_parsing_gives_back_the_same_entry_and_bytes(entry):
    data = entry.encode()
    assert parse_entry(data) == entry
    assert parse_entry(data).encode() == data
    EntryChecker()(data)


@pytest.mark.parametrize(
    "line",
    [
        EXAMPLE + b"\n",  # trailing newline
        b" " + EXAMPLE,
        EXAMPLE.replace(b" orgs", b"  orgs"),
        EXAMPLE.replace(b"league,party", b"party,league"),  # not sorted
        EXAMPLE.replace(b"league,party", b"league,league,party"),  # repeated
        EXAMPLE.replace(b"league,party", b""),
        EXAMPLE.replace(b"league,party", b"League"),
        EXAMPLE.replace(b"persons=3", b"persons=03"),  # leading zero
        EXAMPLE.replace(b"persons=3", b"persons=0"),
        EXAMPLE.replace(b"persons=3", b"persons=+3"),
        EXAMPLE.replace(b"true_name=1", b"true_name=3"),  # 3 + 1 > 3
        EXAMPLE.replace(b"channel=web", b"channel=pigeon"),
        EXAMPLE.replace(b"by=proxy", b"by=other"),
        EXAMPLE.replace(b"2026-11-25", b"2026-02-30"),  # no such day
        EXAMPLE.replace(b"2026-11-25", b"2026-11-25T10:00"),  # a time of day
        EXAMPLE.replace(b"2026-11-25", b"26-11-25"),
        EXAMPLE.replace(b"place=CN-GD", b"place=cn-gd"),
        EXAMPLE.replace(b"place=CN-GD", b"place=US-CA"),  # subdivisions only for CN
        EXAMPLE.replace(b"place=CN-GD", b"place="),
        EXAMPLE.replace(RECEIPT.encode(), RECEIPT.upper().encode()),
        EXAMPLE[:-1],
        EXAMPLE.replace(b" alias=1", b""),  # a field missing
        EXAMPLE.replace(b"channel=web by=proxy", b"by=proxy channel=web"),  # order
        EXAMPLE + b" name=Zhang",  # unknown field
        REVOKE.replace(b"index=123", b"index=0123"),
        REVOKE.replace(b"duplicate", b"changed_my_mind"),
        REVOKE + b" ",
        b"Declare" + EXAMPLE[7:],
        EXAMPLE.replace(b"web", "w\u00e9b".encode()),  # not ASCII
        b"",
    ],
)
def test_non_canonical_or_invalid_lines_are_rejected(line):
    with pytest.raises(EntryError):
        parse_entry(line)
    with pytest.raises(EntryError):
        EntryChecker()(line)


def test_organisation_codes_can_be_restricted():
    assert parse_entry(EXAMPLE, organisations={"party", "league", "pioneers"})
    with pytest.raises(EntryError):
        parse_entry(EXAMPLE, organisations={"party"})


def test_the_checker_validates_each_new_shape_once_and_still_checks_the_receipt():
    check = EntryChecker()
    check(EXAMPLE)
    check(EXAMPLE.replace(RECEIPT.encode(), b"0" * 64))
    with pytest.raises(EntryError):
        check(EXAMPLE.replace(RECEIPT.encode(), b"g" * 64))


def test_checking_a_batch_accepts_and_refuses_exactly_what_checking_each_does():
    good = [EXAMPLE, REVOKE, EXAMPLE.replace(RECEIPT.encode(), b"0" * 64)] * 700
    EntryChecker().check_all(good)
    for bad in (
        EXAMPLE.replace(RECEIPT.encode(), b"g" * 64),  # its shape was seen: only the receipt is bad
        EXAMPLE.replace(RECEIPT.encode(), RECEIPT.upper().encode()),
        REVOKE + b" ",
        b"",
    ):
        for position in (0, 1500, len(good)):
            batch = good[:position] + [bad] + good[position:]
            with pytest.raises(EntryError):
                EntryChecker().check_all(batch)
