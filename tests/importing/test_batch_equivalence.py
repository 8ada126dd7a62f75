"""The batch path's shortcuts give what the one intake path gives: validation
split per vocabulary == `_validate`, rows built as tuples == rows built from
`_new_declaration` / `_new_person`, receipt codes and normal text as
`registry.receipts` and `registry.text` make them."""

import dataclasses
import datetime
import json
import random

import pytest
from django.db import connection, transaction

from tuidang.importing import rows
from tuidang.ledger.entries import receipt_commitment
from tuidang.registry import batch_intake, bulk_rows, intake, receipts
from tuidang.registry.batch_intake import (
    BatchIntake,
    BatchIntakeError,
)
from tuidang.registry.choices import Channel, Naming
from tuidang.registry.intake import (
    MAX_NAMED_PERSONS,
    DeclarationInput,
    IntakeError,
    PersonInput,
)
from tuidang.registry.text import normalise_block, normalise_line

TRICKY = [
    "a",
    "Z",
    "1",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\x00",
    "\x1f",
    "\x7f",
    "\x85",
    "\u00a0",
    "\u3000",
    "\u2028",
    "\u2029",
    "\u200e",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\u200b",
    "\u1680",
    "\u2003",
    "e\u0301",  # NFD é
    "\u00e9",
    "\u212b",  # Angstrom sign, NFC → Å
    "清",
    "風",
    "測",
    "😀",
    "-",
    "@",
    ".",
]


def _text(rng: random.Random, most: int = 8) -> str:
    return "".join(rng.choice(TRICKY) for _ in range(rng.randint(0, most)))


def test_normal_text_shortcut_is_normalise_line_and_block():
    rng = random.Random(7)
    samples = [_text(rng) for _ in range(20_000)] + TRICKY + ["清风 明月", "a  b", " a", "a "]
    for text in samples:
        assert batch_intake._line(text) == normalise_line(text), repr(text)
        assert batch_intake._block(text) == normalise_block(text), repr(text)


def _pick(rng: random.Random, valid: list, invalid: list, odds: float = 0.04):
    """Mostly a valid value, sometimes an invalid (or doubtful) one."""
    return rng.choice(invalid if invalid and rng.random() < odds else valid)


def _person(rng: random.Random) -> PersonInput:
    naming = _pick(rng, list(Naming.values), ["", "nobody"])
    true_name = _pick(rng, ["", "张三", " 张三 ", "张\u0000三"], ["x" * 65, _text(rng, 4)], 0.2)
    alias = _pick(rng, ["清风", "别名 一"], ["", "张三", "y" * 33, " 清风", _text(rng, 4)], 0.2)
    return PersonInput(naming, true_name, alias)


def _inputs(seed: int, count: int) -> list[DeclarationInput]:
    rng = random.Random(seed)
    items = []
    for _ in range(count):
        people = [_person(rng) for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 3]))]
        if rng.random() < 0.01:
            people = [PersonInput(Naming.ALIAS, "", "别名")] * (MAX_NAMED_PERSONS + 1)
        by_proxy = rng.random() < 0.3
        items.append(
            DeclarationInput(
                channel=_pick(rng, [Channel.IMPORT, Channel.WEB], ["nope"]),
                organisations=_pick(
                    rng, [["party"], ["league", "party"], ["pioneers"]], [[], ["party"] * 2, ["x"]]
                ),
                people=people,
                unnamed_persons=_pick(rng, [0, 1, 3], [-1, 10_001, "2"]),
                by_proxy=by_proxy,
                proxy_relationship=_pick(
                    rng, ["", "relatives" if by_proxy else ""], ["friends", "enemies"]
                ),
                contact=_pick(rng, ["", "a@example.invalid", " b\r\nc "], ["c" * 501, _text(rng)]),
                country=_pick(rng, ["CN", "CN", "US"], ["XX", ""]),
                province=_pick(rng, ["", "CN-GD", "CN-SC"], ["CN-HK", "CN-XX"]),
                sector=_pick(rng, ["", "police", "education"], ["astronaut"]),
                rank=_pick(rng, ["", "middle"], ["general"]),
                statement=_pick(rng, ["", "我退出。", "a\n\n\n\nb"], ["s" * 5001, _text(rng, 12)]),
                idempotency_key=_pick(rng, ["", "import:k"], ["k" * 201]),
                day=rng.choice([None, datetime.date(2026, 3, 1)]),
            )
        )
    return items


def _expected(item: DeclarationInput):
    try:
        cleaned = intake._validate(item)
    except IntakeError as error:
        return error.errors
    return (list(cleaned.people), cleaned.contact, cleaned.statement, cleaned.province)


@pytest.mark.django_db
def test_batch_validation_is_validate_row_by_row():
    items = _inputs(seed=1, count=3000)
    expected = [_expected(item) for item in items]
    assert 300 < sum(isinstance(e, tuple) for e in expected) < 2700  # both kinds covered
    vocabularies: dict = {}
    for start in range(0, len(items), 250):
        positions = list(range(start, min(start + 250, len(items))))
        try:
            cleaned = batch_intake._validate_chunk([items[p] for p in positions], vocabularies)
            errors = {}
        except BatchIntakeError as failure:
            errors = failure.errors
            good = [p for i, p in enumerate(positions) if i not in errors]
            cleaned = batch_intake._validate_chunk([items[p] for p in good], vocabularies)
        else:
            good = positions
        for index, position in enumerate(positions):
            if index in errors:
                assert errors[index].errors == expected[position], items[position]
        for position, (people, contact, statement, vocabulary) in zip(good, cleaned, strict=True):
            assert (list(people), contact, statement, vocabulary.province) == expected[position]


def _valid_inputs(count: int, generated: bool = False) -> list[DeclarationInput]:
    rng = random.Random(3)
    items = []
    for i in range(count):
        kind = i % 4
        people = [
            [],
            [PersonInput(Naming.ALIAS, "", f"别名{i}")],
            [PersonInput(Naming.TRUE_NAME, f"测试{i}", "")],
            [PersonInput(Naming.GENERATED_ALIAS, f"测{i}", "")] if generated else [],
        ][kind]
        items.append(
            DeclarationInput(
                channel=Channel.IMPORT,
                organisations=rng.choice([["party"], ["league", "party"], ["pioneers"]]),
                people=people,
                unnamed_persons=0 if people else 1 + i % 3,
                by_proxy=kind == 0,
                proxy_relationship="friends" if kind == 0 and i % 8 == 0 else "",
                contact=f"  c{i}@example.invalid\r\n" if kind == 2 else "",
                country="CN" if i % 5 else "US",
                province=rng.choice(["CN-GD", "CN-SC", ""]) if i % 5 else "",
                sector=rng.choice(["", "police"]),
                rank=rng.choice(["", "high"]),
                statement=rng.choice(["", "我退出。", "电话 13812345678"]),
                idempotency_key=f"import:eq{i}",
                day=rng.choice([None, datetime.date(2026, 3, 1), datetime.date(2026, 3, 2)]),
            )
        )
    return items


def _seal(fields):
    present = {k: v for k, v in fields.items() if v}
    return json.dumps(present, ensure_ascii=False).encode() if present else None


def _as_dicts(columns, rows):
    return [dict(zip(columns, row, strict=True)) for row in rows]


@pytest.mark.django_db(transaction=True)
def test_tuple_rows_are_the_rows_of_new_declaration(monkeypatch):
    assert batch_intake._TupleBuilder.usable, (
        "a field of Declaration, Person or DeclarationInput is unknown to the batch "
        "path's _TupleBuilder (registry/batch_intake.py): teach it the field, or imports "
        "fall back to building model instances (several times slower)"
    )
    items = _valid_inputs(200)
    cleaned = batch_intake._validate_chunk(items)
    hashes = [intake._idempotency_hash(item.idempotency_key) for item in items]
    positions, ids = list(range(len(items))), list(range(1000, 1000 + len(items)))
    codes = [receipts.normalise(receipts.new_code()).encode() for _ in items]
    with transaction.atomic():
        batch = BatchIntake(_seal)
        built, changes = {}, {}
        for name, kind in (
            ("models", batch_intake._ModelBuilder),
            ("tuples", batch_intake._TupleBuilder),
        ):
            monkeypatch.setattr(batch_intake, "_compact_codes", lambda count: list(codes))
            builder = kind(batch)
            built[name] = builder.build(items, cleaned, hashes, positions, ids)
            changes[name] = built[name].changes + builder.take_changes()
    models, tuples = built["models"], built["tuples"]
    assert _as_dicts(tuples.declaration_columns, tuples.declarations) == _as_dicts(
        models.declaration_columns, models.declarations
    )
    assert _as_dicts(tuples.person_columns, tuples.people) == _as_dicts(
        models.person_columns, models.people
    )
    assert changes["tuples"] == changes["models"] and changes["models"]["total", ""] > 200
    assert tuples.log_lines == models.log_lines
    assert tuples.codes == models.codes and tuples.persons == models.persons
    rows = _as_dicts(tuples.declaration_columns, tuples.declarations)
    assert {row["statement_state"] for row in rows} == {"pending", "published", "flagged"}


@pytest.mark.django_db(transaction=True)
def test_generated_aliases_are_unique_against_the_registry_and_the_chunk():
    items = _valid_inputs(40, generated=True)
    batch_intake.declare_many(items[:20])
    receipts_out = batch_intake.declare_many(
        [dataclasses.replace(item, idempotency_key=item.idempotency_key + "b") for item in items]
    )
    from tuidang.registry.models import Person

    generated = list(
        Person.objects.filter(naming=Naming.GENERATED_ALIAS).values_list("public_name", flat=True)
    )
    assert len(generated) == len(set(generated)) == 15
    named = [name for receipt in receipts_out for name in receipt.public_names]
    assert all(name.latin for name in named if name.naming == Naming.GENERATED_ALIAS)


def test_receipt_codes_are_those_of_registry_receipts(monkeypatch):
    raw = bytes(range(250, 256)) + bytes(range(14)) + b"\xff" * 10
    monkeypatch.setattr(batch_intake.os, "urandom", lambda n: raw[:n])
    compact = batch_intake._compact_codes(3)
    for index, symbols in enumerate(compact):
        number = int.from_bytes(raw[10 * index : 10 * index + 10], "big")
        code, lookup, commitment = batch_intake._receipt_columns(symbols)
        assert code == receipts.code_for(number)
        assert lookup == receipts.lookup_hash(code)
        assert commitment == receipt_commitment(receipts.normalise(code))


@pytest.mark.django_db
def test_the_bulk_page_cache_is_set_and_given_back():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")

    def cache_size():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    before = cache_size()
    with bulk_rows.bulk_connection():
        assert cache_size() == -262144
    assert cache_size() == before


def _outcome(read, line, record):
    try:
        return read(line, record)
    except rows._Bad as bad:
        return (bad.field, bad.reason)


def test_csv_rows_are_read_as_the_general_reader_reads_them():
    rng = random.Random(11)
    values = {
        "key": ["K1", " K2 ", "", "   ", "k" * 194, "k" * 193],
        "day": ["", "2026-03-01", " 2026-03-02 ", "2026-3-1", "2999-01-01", "yesterday"],
        "organisations": ["party", "party,league", " league  party ", "", ","],
        "naming": ["", "alias", " true_name ", "generated_alias", "x"],
        "true_name": ["", "张三", " 张三 "],
        "alias": ["", "清风", " 清风 "],
        "unnamed_persons": ["", "0", "3", " 3 ", "-1", "three", " ", "٣"],
        "by_proxy": ["", "true", "FALSE", " yes ", "1", "n", "maybe"],
        "proxy_relationship": ["", "friends", " friends "],
        "contact": ["", " c@example.invalid "],
        "country": ["", "CN", " US "],
        "province": ["", "CN-GD", " CN-SC "],
        "sector": ["", "police "],
        "rank": ["", " high"],
        "statement": ["", " 我退出。 "],
    }
    assert set(values) == set(rows.COLUMNS)
    for line in range(3000):
        columns = rng.sample(sorted(values), rng.randint(2, len(values)))
        record = {name: rng.choice(values[name]) for name in {"key", "organisations", *columns}}
        assert _outcome(rows._csv_row, line, record) == _outcome(rows._row, line, record), record
