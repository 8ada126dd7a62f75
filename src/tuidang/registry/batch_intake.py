"""Batch intake: `declare()` for large batches of accepted declarations
(partner imports, `tuidang import`), with the same validation rules, in
chunks inside the caller's transaction (all or nothing).

The single path lives in `registry/intake.py`; this module reuses its
`_validate`, `_new_declaration` and `_new_person` and pays once, not per row,
for what repeats: how is written in the comment below the imports and in
docs/scaling.md ("Bulk import").
"""

import base64
import dataclasses
import datetime
import hashlib
import itertools
import operator
import os
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from tuidang.ledger.entries import RECEIPT_DOMAIN
from tuidang.registry import (
    aliases,
    bulk_rows,
    log_entries,
    organisations,
    receipts,
    scrubber,
    sealing,
    tally,
)
from tuidang.registry.choices import ALIAS_NAMINGS, Naming, StatementState, Status
from tuidang.registry.intake import (
    IDEMPOTENCY_KEY_MAX,
    MAX_NAMED_PERSONS,
    MAX_PERSONS,
    DeclarationInput,
    IntakeError,
    PersonInput,
    PublicName,
    Receipt,
    Sealer,
    _alias_taken,
    _Cleaned,
    _idempotency_hash,
    _new_declaration,
    _new_person,
    _validate,
)
from tuidang.registry.models import (
    ALIAS_MAX,
    CONTACT_MAX,
    NAME_MAX,
    STATEMENT_MAX,
    Declaration,
    PendingEntry,
    Person,
)
from tuidang.registry.text import normalise_block, normalise_line

# The batch path applies `_validate`'s rules and `_new_declaration`'s row, but
# pays once, not per row, for what repeats (docs/scaling.md, "Bulk import"):
#
# - validation is split. The vocabulary of a declaration — every input field
#   except the per-row ones below (channel, organisations, places, sector,
#   rank, group, day, and any field added later) — goes through `_validate`
#   itself, once per distinct combination in a batch (the organisations, too,
#   are read once per batch), on a probe whose per-row fields are neutral.
#   The per-row fields (`_PER_ROW_FIELDS`) are checked by `_check_row` with
#   `_validate`'s rules and helpers. A row that fails either, or that the split
#   cannot judge, goes through `_validate` whole, so every error a batch
#   reports is `_validate`'s own; tests/importing compare both on thousands of
#   inputs. A new rule in `_validate` about a per-row field, or one tying a
#   vocabulary field to a per-row field, must be added to `_check_row` too,
#   and inputs that break it to that test.
# - rows are built as plain tuples (`_TupleBuilder`). What depends only on the
#   declaration's shape — its counter contributions and its log line up to the
#   receipt — comes from `tally.contributions` and `log_entries.declare_line`
#   of a `_new_declaration` probe, once per distinct shape. If the models or
#   `DeclarationInput` have a field the tuple builder does not know, every row
#   is built with `_new_declaration` / `_new_person` instead (`_ModelBuilder`:
#   slower, same result; a test says so).
# - receipt codes come from one `os.urandom` call per chunk.
# - stored keys: on PostgreSQL one query per chunk finds them before its COPY.
#   On SQLite a chunk is inserted with `ON CONFLICT (idempotency_hash) DO
#   NOTHING` and its keys are looked up only if a row was skipped (the unique
#   index checks every key anyway); the skipped rows are then taken back out
#   of what the chunk counts, logs and answers (`_TupleBuilder.forget`), and
#   the next chunks are looked up first until one meets no stored key.
# - no sealed receipt code (`intake.seal_receipt_code`): a declaration of a
#   batch stores its code as a hash only, and a row replayed by its key comes
#   back without a code. An import's keys are the partner's row ids (e.g.
#   `TOR-2026-000123`, docs/import.md): readable, often sequential, not
#   secret, so a code sealed under one would be open to whoever holds the
#   database and guesses the ids. Partners keep their codes with `--receipts`.

_PER_ROW_FIELDS = ("people", "unnamed_persons", "contact", "statement", "idempotency_key")
_NEUTRAL = dict(people=(), unnamed_persons=1, contact="", statement="", idempotency_key="")
_INPUT_FIELDS = tuple(f.name for f in dataclasses.fields(DeclarationInput))
# Organisations (a list) apart, so the rest is hashable as it is.
_OTHER_VOCABULARY = tuple(
    name for name in _INPUT_FIELDS if name not in _PER_ROW_FIELDS and name != "organisations"
)
_other_vocabulary = operator.attrgetter(*_OTHER_VOCABULARY)
_NAMINGS = frozenset(Naming.values)
_VOCABULARIES_KEPT = 10_000
_LOG_SLICE = 20_000  # log entries per insert statement in finish()
_TRUE_NAME = Naming.TRUE_NAME.value
_ALIAS = Naming.ALIAS.value
_GENERATED = Naming.GENERATED_ALIAS.value


class BatchIntakeError(ValueError):
    """Declarations of a batch that failed validation: position → IntakeError."""

    def __init__(self, errors: dict[int, IntakeError]):
        self.errors = errors
        super().__init__(f"{len(errors)} invalid declaration(s) in the batch")


def batch_errors(items: Sequence[DeclarationInput]) -> dict[int, IntakeError]:
    """The validation errors of a batch by position, with `declare()`'s rules."""
    try:
        _validate_chunk(items)
    except BatchIntakeError as failure:
        return failure.errors
    return {}


@dataclass(frozen=True, slots=True, eq=False)
class _Vocabulary:
    """What a declaration's vocabulary fields decide, worked out once per batch.
    Compared and hashed by identity: rows share the one object of their
    vocabulary, and it is part of every row's shape key (`_TupleBuilder`)."""

    key: tuple | None  # None: unhashable, not shared with other rows
    province: str
    organisations: str  # stored form
    columns: tuple  # values of `_TupleBuilder.VOCABULARY_COLUMNS`


def _vocabulary(item: DeclarationInput, key: tuple | None, province: str) -> _Vocabulary:
    columns = _TupleBuilder.vocabulary_values(item) if _TupleBuilder.usable else ()
    return _Vocabulary(key, province, organisations.encode(item.organisations), columns)


def _already_normal(text: str) -> bool:
    """Whether `normalise_line` and `normalise_block` give back this (non-empty)
    text as it is: printable (no control, invisible, separator or special space
    character), NFC, no double space, no space at either end."""
    return (
        text.isprintable()
        and "  " not in text
        and text[0] != " "
        and text[-1] != " "
        and unicodedata.is_normalized("NFC", text)
    )


def _line(text: str) -> str:
    if not text:
        return ""
    return text if _already_normal(text) else normalise_line(text)


def _block(text: str) -> str:
    if not text:
        return ""
    return text if _already_normal(text) else normalise_block(text)


def _check_row(item: DeclarationInput) -> tuple | None:
    """`_validate`'s rules for the per-row fields: (people, contact, statement)
    cleaned as `_validate` cleans them, or None when the row may be invalid."""
    people = item.people
    named = []
    if people:
        if len(people) > MAX_NAMED_PERSONS:
            return None
        for person in people:
            naming = person.naming
            if naming not in _NAMINGS:
                return None
            true_name = _line(person.true_name)
            alias = _line(person.alias)
            if len(true_name) > NAME_MAX:
                return None
            if naming == _TRUE_NAME:
                if not true_name:
                    return None
            elif naming == _ALIAS and (not alias or len(alias) > ALIAS_MAX or alias == true_name):
                return None
            same = person.true_name == true_name and person.alias == alias
            if same and type(person) is PersonInput:
                named.append(person)  # already as _validate would clean it
            else:
                named.append(PersonInput(naming, true_name, alias))
    unnamed = item.unnamed_persons
    if not isinstance(unnamed, int) or unnamed < 0 or not 1 <= len(people) + unnamed <= MAX_PERSONS:
        return None
    contact = _block(item.contact)
    statement = _block(item.statement)
    if len(contact) > CONTACT_MAX or len(statement) > STATEMENT_MAX:
        return None
    if len(item.idempotency_key) > IDEMPOTENCY_KEY_MAX:
        return None
    return named, contact, statement


def _validate_chunk(
    items: Sequence[DeclarationInput], vocabularies: dict | None = None
) -> list[tuple]:
    """Each item validated with `_validate`'s rules, as (people, contact,
    statement, _Vocabulary); raises BatchIntakeError with `_validate`'s errors.
    `vocabularies` keeps the vocabularies judged so far (by the batch)."""
    vocabularies = {} if vocabularies is None else vocabularies
    cleaned: list[tuple] = []
    errors: dict[int, IntakeError] = {}
    for position, item in enumerate(items):
        try:
            key = (tuple(item.organisations), _other_vocabulary(item))
            vocabulary = vocabularies[key]
        except KeyError:
            try:
                province = _validate(dataclasses.replace(item, **_NEUTRAL)).province
                vocabulary = _vocabulary(item, key, province)
            except IntakeError:
                vocabulary = None  # the whole row goes through _validate
            vocabularies[key] = vocabulary
        except TypeError:  # an unhashable value: this row on its own
            key = vocabulary = None
        row = _check_row(item) if vocabulary is not None else None
        if row is None:
            try:
                whole = _validate(item)
            except IntakeError as error:
                errors[position] = error
                continue
            row = (whole.people, whole.contact, whole.statement)
            if vocabulary is None:
                vocabulary = _vocabulary(item, key, whole.province)
        cleaned.append((*row, vocabulary))
    if errors:
        raise BatchIntakeError(errors)
    return cleaned


# Receipt codes: `receipts.new_code()` draws BITS random bits and writes them in
# Crockford base32; base32 of the same bytes with the alphabet swapped is the
# same code, so one urandom and one b32encode serve a whole chunk.
_CODE_BYTES = receipts.BITS // 8
_FAST_CODES = receipts.BITS == 80 and receipts.format_code("0" * 16) == "0000-0000-0000-0000"
_TO_CROCKFORD = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", receipts.ALPHABET.encode("ascii")
)
_LOOKUP_DOMAIN = receipts.LOOKUP_DOMAIN  # receipts.lookup_hash, without re-parsing the code


def _compact_codes(count: int) -> list[bytes]:
    """`count` fresh receipt codes, compact (16 symbols, ASCII)."""
    if not _FAST_CODES:
        return [receipts.normalise(receipts.new_code()).encode("ascii") for _ in range(count)]
    symbols = base64.b32encode(os.urandom(_CODE_BYTES * count)).translate(_TO_CROCKFORD)
    return [symbols[i : i + receipts.SYMBOLS] for i in range(0, len(symbols), receipts.SYMBOLS)]


def _receipt_columns(compact: bytes) -> tuple[str, str, str]:
    """(code as given to the declarant, receipt_hash, receipt_commitment)."""
    t = compact.decode("ascii")
    return (
        f"{t[:4]}-{t[4:8]}-{t[8:12]}-{t[12:]}" if _FAST_CODES else receipts.format_code(t),
        hashlib.sha256(_LOOKUP_DOMAIN + compact).hexdigest(),
        hashlib.sha256(RECEIPT_DOMAIN + compact).hexdigest(),
    )


@dataclass
class _Built:
    """One chunk's rows, ready to insert, and what they add to the counters."""

    declaration_columns: Sequence[str]
    declarations: list[tuple]
    person_columns: Sequence[str]
    people: list[tuple]
    codes: list[str]  # receipt code of each declaration, as given to the declarant
    persons: list[int]  # persons of each declaration
    changes: Counter  # to the counters (more from the builder's take_changes())
    log_lines: list[str]  # "id line" of each declaration
    # What each declaration adds to the counters, as `_TupleBuilder.forget` needs
    # it: its shape key, or its own contributions when not shared.
    shapes: list = dataclasses.field(default_factory=list)


class _ModelBuilder:
    """Rows through `_new_declaration` / `_new_person` (model instances): the
    reference, and the fallback when `_TupleBuilder` is not usable."""

    def __init__(self, batch: "BatchIntake"):
        self.batch = batch

    def take_changes(self) -> Counter:
        return Counter()  # each chunk's are in its _Built

    def build(self, items, cleaned, hashes, positions, ids) -> _Built:
        built = _Built(_DECLARATION_COLUMNS, [], _PERSON_COLUMNS, [], [], [], Counter(), [])
        seal = self.batch.seal
        for position, pk, compact in zip(positions, ids, _compact_codes(len(ids)), strict=True):
            item = items[position]
            named, contact, statement, vocabulary = cleaned[position]
            code = _receipt_columns(compact)[0]
            declaration = _new_declaration(
                item,
                _Cleaned(list(named), contact, statement, vocabulary.province),
                hashes[position],
                code,
                seal,
                Status.ACCEPTED,
            )
            declaration.pk = pk
            people = [
                _new_person(declaration, index, person, seal, self.batch._alias_taken)
                for index, person in enumerate(named)
            ]
            namings = [person.naming for person in people]
            built.declarations.append(tuple(_row(declaration, _DECLARATION_FIELDS)))
            built.people.extend(tuple(_row(person, _PERSON_FIELDS)) for person in people)
            built.codes.append(code)
            built.persons.append(declaration.persons)
            built.changes.update(tally.contributions(declaration, namings))
            line = log_entries.declare_line(declaration, namings).decode("ascii")
            built.log_lines.append(f"{pk} {line}\n")
        return built


class _TupleBuilder:
    """Rows as plain tuples, without model instances; same values as
    `_ModelBuilder` (tests/importing compare them)."""

    # Columns copied from the DeclarationInput field of the same name.
    COPIED = tuple(
        name
        for name in (
            "channel",
            "by_proxy",
            "proxy_relationship",
            "group_id",
            "country",
            "sector",
            "rank",
            "unproven",
        )
        if name in _INPUT_FIELDS
    )
    # Columns `_new_declaration` leaves at the model's default.
    DEFAULTS = ("revoke_reason", "reject_reason", "reject_note")
    VOCABULARY_COLUMNS = ("status", *COPIED, *DEFAULTS)
    ROW_COLUMNS = (
        "id",
        "receipt_hash",
        "receipt_commitment",
        "idempotency_hash",
        "day",
        "organisations",
        "persons",
        "province",
        "statement",
        "statement_state",
        "sealed_contact",
        "sealed_receipt_code",  # always null here (see the comment below the imports)
    )
    DECLARATION_COLUMNS = (*ROW_COLUMNS, *VOCABULARY_COLUMNS)
    PERSON_COLUMNS = (
        "declaration_id",
        "position",
        "naming",
        "public_name",
        "public_name_latin",
        "sealed_identity",
    )
    KNOWN_INPUT_FIELDS = {
        *COPIED,
        *_PER_ROW_FIELDS,
        "organisations",
        "province",
        "day",
    }
    usable = (
        set(DECLARATION_COLUMNS) == {f.column for f in Declaration._meta.concrete_fields}
        and set(PERSON_COLUMNS) == {f.column for f in Person._meta.concrete_fields} - {"id"}
        and set(_INPUT_FIELDS) == KNOWN_INPUT_FIELDS
    )
    _copied = operator.attrgetter(*COPIED)
    _defaults = tuple(Declaration._meta.get_field(name).get_default() for name in DEFAULTS)
    _probe_code = receipts.code_for(0)
    _SHAPES_KEPT = 10_000

    @classmethod
    def vocabulary_values(cls, item: DeclarationInput) -> tuple:
        values = (Status.ACCEPTED, *cls._copied(item), *cls._defaults)
        # Choices as plain str: the database driver binds those fastest.
        return tuple(str.__str__(v) if isinstance(v, str) else v for v in values)

    def __init__(self, batch: "BatchIntake"):
        self.batch = batch
        # shape → (log line without its receipt, counter contributions)
        self._shapes: dict[tuple, tuple[str, Counter]] = {}
        self._counts: dict[tuple, int] = {}  # declarations stored, by shape
        self._changes: Counter = Counter()  # of shapes no longer kept

    def take_changes(self) -> Counter:
        """What the declarations built so far add to the counters."""
        changes, self._changes = self._changes, Counter()
        for shape, count in self._counts.items():
            for key, value in self._shapes[shape][1].items():
                changes[key] += value * count
        self._counts.clear()
        return changes

    def build(self, items, cleaned, hashes, positions, ids) -> _Built:
        if len(self._shapes) > self._SHAPES_KEPT:  # memory stays bounded whatever the batch
            self._changes = self.take_changes()
            self._shapes.clear()
        seal = self.batch.seal
        today = timezone.now().date()
        days: dict[datetime.date, str] = {}
        shapes = self._shapes
        counts = self._counts
        changes: Counter = Counter()  # of rows whose shape is not kept
        declarations, people, codes, persons_of, lines, row_shapes = [], [], [], [], [], []
        generated = []  # (index in people, true name) of each generated alias
        published, flagged, pending = (
            StatementState.PUBLISHED.value,
            StatementState.FLAGGED.value,
            StatementState.PENDING.value,
        )
        find = scrubber.find_identifying_details
        for position, pk, compact in zip(positions, ids, _compact_codes(len(ids)), strict=True):
            item = items[position]
            named, contact, statement, vocabulary = cleaned[position]
            code, receipt_hash, commitment = _receipt_columns(compact)
            persons = len(named) + item.unnamed_persons
            day = item.day or today
            day_text = days.get(day)
            if day_text is None:
                day_text = days[day] = day.isoformat()
            if statement:
                state = flagged if find(statement) else published
            else:
                state = pending
            declarations.append(
                (
                    pk,
                    receipt_hash,
                    commitment,
                    hashes[position],
                    day_text,
                    vocabulary.organisations,
                    persons,
                    vocabulary.province,
                    statement,
                    state,
                    seal({"contact": contact}) if contact else None,
                    None,  # sealed_receipt_code
                    *vocabulary.columns,
                )
            )
            if named:
                for index, person in enumerate(named):
                    naming = person.naming
                    if naming == _GENERATED:
                        generated.append((len(people), person.true_name))
                        public = ""
                    else:
                        public = person.true_name if naming == _TRUE_NAME else person.alias
                    sealed = seal({"true_name": person.true_name}) if person.true_name else None
                    people.append((pk, index, naming, public, "", sealed))
                namings = tuple(person.naming for person in named)
            else:
                namings = ()
            if vocabulary.key is None:  # not comparable with other rows
                head, contributions = self._shape(item, day, named, contact, statement, vocabulary)
                changes.update(contributions)
                row_shapes.append(contributions)
            else:
                shape = (vocabulary, day, persons, namings)
                known = shapes.get(shape)
                if known is None:
                    known = self._shape(item, day, named, contact, statement, vocabulary)
                    shapes[shape] = known
                counts[shape] = counts.get(shape, 0) + 1
                head = known[0]
                row_shapes.append(shape)
            lines.append(f"{pk} {head}{commitment}\n")
            codes.append(code)
            persons_of.append(persons)
        if generated:
            self._generate_aliases(people, generated)
        return _Built(
            self.DECLARATION_COLUMNS,
            declarations,
            self.PERSON_COLUMNS,
            people,
            codes,
            persons_of,
            changes,
            lines,
            row_shapes,
        )

    def forget(self, built: _Built, dropped: set[int]) -> _Built:
        """`built` without the declarations of ids `dropped`, and what they added
        to the counters taken back."""
        keep = [i for i, row in enumerate(built.declarations) if row[0] not in dropped]
        for index, row in enumerate(built.declarations):
            if row[0] in dropped:
                shape = built.shapes[index]
                if isinstance(shape, Counter):
                    built.changes.subtract(shape)
                else:
                    self._counts[shape] -= 1
                    if not self._counts[shape]:
                        del self._counts[shape]
        return _Built(
            built.declaration_columns,
            [built.declarations[i] for i in keep],
            built.person_columns,
            [row for row in built.people if row[0] not in dropped],
            [built.codes[i] for i in keep],
            [built.persons[i] for i in keep],
            +built.changes,
            [built.log_lines[i] for i in keep],
            [built.shapes[i] for i in keep],
        )

    def _shape(self, item, day, named, contact, statement, vocabulary) -> tuple[str, Counter]:
        """The log line up to its receipt and the counter contributions of any
        declaration of this shape, from a `_new_declaration` probe."""
        probe = _new_declaration(
            item if item.day else dataclasses.replace(item, day=day),
            _Cleaned(list(named), contact, statement, vocabulary.province),
            None,
            self._probe_code,
            lambda fields: None,
            Status.ACCEPTED,
        )
        namings = [person.naming for person in named]
        line = log_entries.declare_line(probe, namings).decode("ascii")
        if not line.endswith(" receipt=" + probe.receipt_commitment):
            raise AssertionError("the declare entry no longer ends with its receipt")
        head = line[: -len(probe.receipt_commitment)]
        return head, tally.contributions(probe, namings)

    def _generate_aliases(self, people: list[tuple], generated: list[tuple[int, str]]) -> None:
        """Generated aliases of a chunk: candidates checked against the registry
        in one query, then `_new_person`'s way for the few that were taken."""
        batch = self.batch
        candidates = [
            aliases.generate(true_name, is_taken=batch._alias_taken_here)
            for _index, true_name in generated
        ]
        taken = set(
            Person.objects.filter(
                public_name__in=[alias.name for alias in candidates], naming__in=ALIAS_NAMINGS
            ).values_list("public_name", flat=True)
        )
        for (index, true_name), alias in zip(generated, candidates, strict=True):
            if alias.name in taken:
                alias = aliases.generate(true_name, is_taken=batch._alias_taken)
            pk, position, naming, _public, _latin, sealed = people[index]
            people[index] = (pk, position, naming, alias.name, alias.latin, sealed)


class BatchIntake:
    """`declare()` for large batches of accepted declarations (partner imports),
    in chunks, inside the caller's transaction (all or nothing).

    `add(chunk)` (or `store(chunk)`, lighter) validates a chunk with
    `declare()`'s rules, then stores it as accepted with reserved ids (COPY on
    PostgreSQL); a declaration whose idempotency key is already stored is not
    stored again (its receipt comes back `replayed`, without a code: a batch
    stores no sealed code, see the comment below the imports).
    `finish()` then changes the counters once with the summed contributions and
    queues the batch's declare entries for the next publication batch — so
    the counters' row locks are held only for that last step. Until
    `finish()` runs nothing is counted; log lines wait in a temporary file, so
    memory stays constant.

    On PostgreSQL the batch sets the caller's transaction's constraints
    IMMEDIATE (see `__init__`): rows inserted after it in that transaction
    must come after the rows they refer to.
    """

    def __init__(self, seal: Sealer = sealing.seal):
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("BatchIntake runs inside the caller's transaction")
        sealing.recipients()  # fail before doing any work if sealing is not configured
        if connection.vendor == "postgresql":
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: each row
            # inserted would queue its checks until the commit (millions of
            # events held by the server for a big batch). The batch inserts
            # parents before children, so checking at the end of each
            # statement suffices; this lasts until the caller's transaction ends.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.seal = seal
        self.accepted = 0
        self.persons = 0
        self._changes: Counter = Counter()
        # "id line" per declaration (ASCII), until finish()
        self._spool = tempfile.TemporaryFile("w+", encoding="ascii", newline="\n")  # noqa: SIM115
        self._id_ranges: list[tuple[int, int]] = []
        self._aliases: set[str] = set()
        # Vocabularies judged by _validate in this batch (the organisations
        # are read once per batch too); bounded.
        self._vocabularies: dict[tuple, _Vocabulary | None] = {}
        self._builder = (_TupleBuilder if _TupleBuilder.usable else _ModelBuilder)(self)
        # SQLite: a chunk is inserted without looking up its keys first
        # (`_insert_declarations`) while no chunk has met a stored key.
        self._insert_first = connection.vendor == "sqlite" and _TupleBuilder.usable
        self._look_up_keys = not self._insert_first

    def stored_here(self, declaration_id: int) -> bool:
        """Whether this batch stored that declaration (e.g. a key repeated in it)."""
        return any(low <= declaration_id <= high for low, high in self._id_ranges)

    def add(self, items: Sequence[DeclarationInput]) -> list[Receipt]:
        ids, codes, built, earlier = self._add(items)
        names: dict[int, list[PublicName]] = {}
        person_columns = list(built.person_columns)
        at = [person_columns.index(name) for name in ("declaration_id", "naming")]
        name_at = [person_columns.index(name) for name in ("public_name", "public_name_latin")]
        for row in built.people:
            names.setdefault(row[at[0]], []).append(
                PublicName(row[name_at[0]], row[name_at[1]], row[at[1]])
            )
        id_at = list(built.declaration_columns).index("id")
        persons = dict(zip((row[id_at] for row in built.declarations), built.persons, strict=True))
        result = []
        for pk, code in zip(ids, codes, strict=True):
            if code is not None:
                result.append(Receipt(pk, Status.ACCEPTED, persons[pk], names.get(pk, []), code))
            else:
                status, count = earlier.get(pk, (Status.ACCEPTED, 0))
                result.append(Receipt(pk, status, count, [], None, replayed=True))
        return result

    def store(self, items: Sequence[DeclarationInput]) -> tuple[list[int], list[str | None]]:
        """Like `add`: the declaration id of each item and its receipt code (None
        when replayed: its key was stored earlier, or earlier in this chunk)."""
        ids, codes, _built, _earlier = self._add(items)
        return ids, codes

    def _add(self, items):
        if len(self._vocabularies) > _VOCABULARIES_KEPT:
            self._vocabularies.clear()
        cleaned = _validate_chunk(items, self._vocabularies)
        hashes = [_idempotency_hash(item.idempotency_key) for item in items]
        looked_up = self._look_up_keys
        earlier = self._stored_keys(hashes) if looked_up else {}
        fresh, first = [], {}  # positions to store; hash → position storing it
        for position, h in enumerate(hashes):
            if h is None:
                fresh.append(position)
            elif h not in earlier and h not in first:
                first[h] = position
                fresh.append(position)
        ids = bulk_rows.reserve_ids(Declaration, len(fresh))
        built = self._builder.build(items, cleaned, hashes, fresh, ids)
        if looked_up:
            bulk_rows.insert(Declaration, built.declaration_columns, built.declarations)
            # Back to inserting first once a chunk meets no stored key.
            self._look_up_keys = bool(earlier) or not self._insert_first
        else:
            earlier = self._insert_declarations(built, hashes)
            if earlier:  # not stored: their keys were
                dropped = {
                    pk
                    for position, pk in zip(fresh, ids, strict=True)
                    if hashes[position] in earlier
                }
                built = self._builder.forget(built, dropped)
                kept = [
                    (position, pk)
                    for position, pk in zip(fresh, ids, strict=True)
                    if pk not in dropped
                ]
                fresh, ids = [position for position, _ in kept], [pk for _, pk in kept]
                self._look_up_keys = True
        if ids:
            self._id_ranges.append((min(ids), max(ids)))
        bulk_rows.insert(Person, built.person_columns, built.people)
        self._aliases.clear()  # stored now: _alias_taken finds them
        self.accepted += len(ids)
        self.persons += sum(built.persons)
        self._changes.update(built.changes)
        self._spool.write("".join(built.log_lines))
        id_of = dict(zip(fresh, ids, strict=True))
        code_of = dict(zip(fresh, built.codes, strict=True))
        out_ids, out_codes, replayed = [], [], {}
        for position, h in enumerate(hashes):
            if position in id_of:
                out_ids.append(id_of[position])
                out_codes.append(code_of[position])
            else:
                pk, status, persons = earlier.get(h) or (id_of[first[h]], Status.ACCEPTED, 0)
                replayed[pk] = (status, persons)
                out_ids.append(pk)
                out_codes.append(None)
        return out_ids, out_codes, built, replayed

    @staticmethod
    def _stored_keys(hashes: list[str | None]) -> dict[str, tuple]:
        """hash → (id, status, persons) of the declarations stored with these keys."""
        stored = bulk_rows.lookup(
            Declaration, "idempotency_hash", [h for h in hashes if h], ["id", "status", "persons"]
        )
        return {h: (pk, status, persons) for h, pk, status, persons in stored}

    def _insert_declarations(self, built: _Built, hashes: list[str | None]) -> dict[str, tuple]:
        """Insert a chunk's declarations (tuple rows, SQLite) without looking
        up their keys first: a row whose key is already stored is skipped by
        the insert itself (the key's unique index answers). Usually all are
        stored; otherwise returns the stored keys that are not this chunk's,
        as `_stored_keys` does, and the caller takes those rows back out."""
        rows = built.declarations
        inserted = bulk_rows.insert_unless_stored(
            Declaration, built.declaration_columns, rows, "idempotency_hash"
        )
        if inserted == len(rows):
            return {}
        ours = {row[0] for row in rows}  # "id" is the tuple rows' first column
        return {h: row for h, row in self._stored_keys(hashes).items() if row[0] not in ours}

    def finish(self) -> int:
        """Count the batch and queue its declare entries for the next
        publication batch (`log_batches.cut` gives them their indices);
        returns how many were queued."""
        if not self.accepted:
            return 0
        self._changes.update(self._builder.take_changes())
        tally.count_in_many(self._changes, self.accepted)
        self._spool.seek(0)
        rows = (
            (int(pk), log_entries.DECLARE, line[:-1])
            for pk, _, line in (text.partition(" ") for text in self._spool)
        )
        # In slices, so that each statement's foreign-key checks stay few.
        while slice_ := list(itertools.islice(rows, _LOG_SLICE)):
            bulk_rows.insert(PendingEntry, ["declaration_id", "kind", "line"], slice_)
        self._spool.close()
        return self.accepted

    def _alias_taken_here(self, name: str) -> bool:
        """Taken earlier in this chunk (not yet stored); reserves it if not."""
        if name in self._aliases:
            return True
        self._aliases.add(name)
        return False

    def _alias_taken(self, name: str) -> bool:
        if name in self._aliases or _alias_taken(name):
            return True
        self._aliases.add(name)
        return False


_DECLARATION_FIELDS = [f.attname for f in Declaration._meta.concrete_fields]
_DECLARATION_COLUMNS = bulk_rows.columns(Declaration)
_PERSON_FIELDS = [f.attname for f in Person._meta.concrete_fields if not f.primary_key]
_PERSON_COLUMNS = bulk_rows.columns(Person, with_pk=False)


def _row(instance, attnames: list[str]) -> list:
    row = [getattr(instance, name) for name in attnames]
    return [v.isoformat() if isinstance(v, datetime.date) else v for v in row]


def declare_many(
    items: Sequence[DeclarationInput], *, seal: Sealer = sealing.seal
) -> list[Receipt]:
    """Record and accept a batch in one transaction (trusted channels only);
    raises BatchIntakeError and writes nothing if any declaration is invalid."""
    with transaction.atomic():
        batch = BatchIntake(seal)
        result = batch.add(items)
        batch.finish()
    return result
