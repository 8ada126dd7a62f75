"""The one intake path. Every channel (web form, JSON API, console, import) builds
a `DeclarationInput` and calls `declare()`, which validates, normalises, seals,
creates the receipt and stores everything in one transaction. The receipt code
is returned once and never stored; only its hash is.

Errors are raised as `IntakeError`, a mapping from field path (e.g.
`people.0.true_name`) to translated messages, so each channel can show them
beside the right field.
"""

import datetime
import hashlib
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuidang.ledger.entries import receipt_commitment
from tuidang.registry import (
    aliases,
    bulk_rows,
    log_entries,
    milestones,
    organisations,
    places,
    receipts,
    scrubber,
    sealing,
    tally,
    transitions,
)
from tuidang.registry.choices import (
    ALIAS_NAMINGS,
    Channel,
    Naming,
    ProxyRelationship,
    Rank,
    Sector,
    StatementState,
    Status,
)
from tuidang.registry.models import (
    ALIAS_MAX,
    CONTACT_MAX,
    NAME_MAX,
    STATEMENT_MAX,
    Declaration,
    Group,
    LogEntry,
    Person,
)
from tuidang.registry.text import normalise_block, normalise_line

MAX_PERSONS = 10_000
MAX_NAMED_PERSONS = 200
IDEMPOTENCY_KEY_MAX = 200
_IDEMPOTENCY_DOMAIN = b"tuidang idempotency v1\n"

Sealer = Callable[[dict[str, str]], bytes | None]


@dataclass(frozen=True)
class PersonInput:
    """One person named in public. `true_name` is sealed (and also public when
    naming is true_name); `alias` is used when naming is alias."""

    naming: str
    true_name: str = ""
    alias: str = ""


@dataclass(frozen=True)
class DeclarationInput:
    channel: str
    organisations: Sequence[str]
    people: Sequence[PersonInput] = ()
    unnamed_persons: int = 0
    by_proxy: bool = False
    proxy_relationship: str = ""
    contact: str = ""
    country: str = places.CHINA
    province: str = ""
    sector: str = ""
    rank: str = ""
    statement: str = ""
    group_id: int | None = None
    idempotency_key: str = ""
    day: datetime.date | None = None


@dataclass(frozen=True)
class PublicName:
    name: str
    latin: str
    naming: str


@dataclass(frozen=True)
class Receipt:
    declaration_id: int
    status: str
    persons: int
    public_names: list[PublicName]
    # The code to give the declarant; None when this was a repeat of an earlier
    # request with the same idempotency key (the code was given the first time).
    code: str | None
    replayed: bool = False


class IntakeError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass
class _Cleaned:
    people: list[PersonInput] = field(default_factory=list)
    contact: str = ""
    statement: str = ""
    province: str = ""


def _validate(data: DeclarationInput) -> _Cleaned:
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    cleaned = _Cleaned()
    if data.channel not in Channel.values:
        error("channel", _("Unknown channel."))
    chosen = list(data.organisations)
    if not chosen:
        error("organisations", _("Choose at least one organisation."))
    elif any(code not in organisations.codes() for code in chosen):
        error("organisations", _("Unknown organisation."))
    elif len(set(chosen)) != len(chosen):
        error("organisations", _("An organisation is listed twice."))

    if len(data.people) > MAX_NAMED_PERSONS:
        error(
            "people",
            _("At most %(n)d named persons in one declaration.") % {"n": MAX_NAMED_PERSONS},
        )
    for index, person in enumerate(data.people[:MAX_NAMED_PERSONS]):
        prefix = f"people.{index}"
        true_name = normalise_line(person.true_name)
        alias = normalise_line(person.alias)
        if person.naming not in Naming.values:
            error(f"{prefix}.naming", _("Choose how to be named."))
            continue
        if len(true_name) > NAME_MAX:
            error(f"{prefix}.true_name", _("At most %(n)d characters.") % {"n": NAME_MAX})
        if person.naming == Naming.TRUE_NAME and not true_name:
            error(f"{prefix}.true_name", _("Enter the true name, or choose an alias."))
        if person.naming == Naming.ALIAS:
            if not alias:
                error(f"{prefix}.alias", _("Enter an alias, or let us make one."))
            elif len(alias) > ALIAS_MAX:
                error(f"{prefix}.alias", _("At most %(n)d characters.") % {"n": ALIAS_MAX})
            elif true_name and alias == true_name:
                error(f"{prefix}.alias", _("The alias must not be the true name."))
        cleaned.people.append(PersonInput(person.naming, true_name, alias))

    if not isinstance(data.unnamed_persons, int) or data.unnamed_persons < 0:
        error("unnamed_persons", _("Enter a number of persons, 0 or more."))
    elif len(data.people) + data.unnamed_persons < 1:
        error("people", _("A declaration is for at least one person."))
    elif len(data.people) + data.unnamed_persons > MAX_PERSONS:
        error(
            "unnamed_persons", _("At most %(n)d persons in one declaration.") % {"n": MAX_PERSONS}
        )

    if data.proxy_relationship and data.proxy_relationship not in ProxyRelationship.values:
        error("proxy_relationship", _("Unknown relationship."))
    if data.proxy_relationship and not data.by_proxy:
        error("proxy_relationship", _("Only a declaration by proxy has a relationship."))

    cleaned.contact = normalise_block(data.contact)
    if len(cleaned.contact) > CONTACT_MAX:
        error("contact", _("At most %(n)d characters.") % {"n": CONTACT_MAX})
    cleaned.statement = normalise_block(data.statement)
    if len(cleaned.statement) > STATEMENT_MAX:
        error("statement", _("At most %(n)d characters.") % {"n": STATEMENT_MAX})

    if data.country not in places.country_codes():
        error("country", _("Choose a country from the list."))
    cleaned.province = data.province or ""
    if cleaned.province:
        if data.country != places.CHINA:
            error("province", _("A province is given only for China."))
        elif cleaned.province not in places.province_codes():
            error("province", _("Choose a province from the list."))
    if data.sector and data.sector not in Sector.values:
        error("sector", _("Choose a sector from the list."))
    if data.rank and data.rank not in Rank.values:
        error("rank", _("Choose a rank from the list."))
    if data.group_id is not None and not Group.objects.filter(pk=data.group_id).exists():
        error("group", _("No such group."))
    if len(data.idempotency_key) > IDEMPOTENCY_KEY_MAX:
        error("idempotency_key", _("At most %(n)d characters.") % {"n": IDEMPOTENCY_KEY_MAX})
    if errors:
        raise IntakeError(errors)
    return cleaned


def _idempotency_hash(key: str) -> str | None:
    if not key:
        return None
    return hashlib.sha256(_IDEMPOTENCY_DOMAIN + key.encode("utf-8")).hexdigest()


def _alias_taken(name: str) -> bool:
    return Person.objects.filter(public_name=name, naming__in=ALIAS_NAMINGS).exists()


def _replay(idempotency_hash: str) -> Receipt | None:
    declaration = Declaration.objects.filter(idempotency_hash=idempotency_hash).first()
    if declaration is None:
        return None
    return Receipt(
        declaration_id=declaration.pk,
        status=declaration.status,
        persons=declaration.persons,
        public_names=[
            PublicName(p.public_name, p.public_name_latin, p.naming)
            for p in declaration.people.all()
        ],
        code=None,
        replayed=True,
    )


def declare(data: DeclarationInput, *, accept: bool = False) -> Receipt:
    """Record a declaration; `accept=True` for trusted channels (volunteers).

    Raises IntakeError for invalid input; nothing is written in that case.
    """
    cleaned = _validate(data)
    idempotency_hash = _idempotency_hash(data.idempotency_key)
    if idempotency_hash and (earlier := _replay(idempotency_hash)):
        return earlier
    sealing.recipients()  # fail before doing any work if sealing is not configured
    for _attempt in range(3):
        try:
            return _store(data, cleaned, idempotency_hash, accept)
        except IntegrityError:
            # Either a concurrent request with the same idempotency key won, or a
            # generated alias was taken meanwhile: replay, or try again.
            if idempotency_hash and (earlier := _replay(idempotency_hash)):
                return earlier
    raise IntakeError({"people": [_("Could not record the declaration; please try again.")]})


def _new_declaration(
    data: DeclarationInput,
    cleaned: _Cleaned,
    idempotency_hash: str | None,
    code: str,
    seal: Sealer,
    status: str = Status.RECEIVED,
) -> Declaration:
    """The (unsaved) row of a validated declaration; shared by both paths."""
    flagged = bool(scrubber.find_identifying_details(cleaned.statement))
    if flagged:
        statement_state = StatementState.FLAGGED
    elif status == Status.ACCEPTED and cleaned.statement:
        statement_state = StatementState.PUBLISHED
    else:
        statement_state = StatementState.PENDING
    return Declaration(
        receipt_hash=receipts.lookup_hash(code),
        receipt_commitment=receipt_commitment(receipts.normalise(code)),
        idempotency_hash=idempotency_hash,
        status=status,
        day=data.day or timezone.now().date(),
        organisations=organisations.encode(data.organisations),
        persons=len(cleaned.people) + data.unnamed_persons,
        channel=data.channel,
        by_proxy=data.by_proxy,
        proxy_relationship=data.proxy_relationship,
        group_id=data.group_id,
        country=data.country,
        province=cleaned.province,
        sector=data.sector,
        rank=data.rank,
        statement=cleaned.statement,
        statement_state=statement_state,
        sealed_contact=seal({"contact": cleaned.contact}),
    )


def _new_person(
    declaration: Declaration,
    position: int,
    person: PersonInput,
    seal: Sealer,
    is_taken: Callable[[str], bool],
) -> Person:
    if person.naming == Naming.TRUE_NAME:
        public = aliases.Alias(person.true_name, "")
    elif person.naming == Naming.ALIAS:
        public = aliases.Alias(person.alias, "")
    else:
        public = aliases.generate(person.true_name, is_taken=is_taken)
    return Person(
        declaration=declaration,
        position=position,
        naming=person.naming,
        public_name=public.name,
        public_name_latin=public.latin,
        sealed_identity=seal({"true_name": person.true_name}),
    )


@transaction.atomic
def _store(
    data: DeclarationInput, cleaned: _Cleaned, idempotency_hash: str | None, accept: bool
) -> Receipt:
    code = receipts.new_code()
    declaration = _new_declaration(data, cleaned, idempotency_hash, code, sealing.seal)
    declaration.save(force_insert=True)
    people = [
        _new_person(declaration, position, person, sealing.seal, _alias_taken)
        for position, person in enumerate(cleaned.people)
    ]
    Person.objects.bulk_create(people)
    if accept:
        transitions.accept_locked(declaration)
    return Receipt(
        declaration_id=declaration.pk,
        status=declaration.status,
        persons=declaration.persons,
        public_names=[PublicName(p.public_name, p.public_name_latin, p.naming) for p in people],
        code=code,
    )


# --- Batches (bulk import) --------------------------------------------------------


class BatchIntakeError(ValueError):
    """Declarations of a batch that failed validation: position → IntakeError."""

    def __init__(self, errors: dict[int, IntakeError]):
        self.errors = errors
        super().__init__(f"{len(errors)} invalid declaration(s) in the batch")


def batch_errors(items: Sequence[DeclarationInput]) -> dict[int, IntakeError]:
    """The validation errors of a batch by position, with `declare()`'s rules."""
    errors = {}
    for position, item in enumerate(items):
        try:
            _validate(item)
        except IntakeError as error:
            errors[position] = error
    return errors


class BatchIntake:
    """`declare()` for large batches of accepted declarations (partner imports),
    in chunks, inside the caller's transaction (all or nothing).

    `add(chunk)` validates a chunk with `declare()`'s rules, then stores it as
    accepted with reserved ids (COPY on PostgreSQL); a declaration whose
    idempotency key is already stored is not stored again (its receipt comes
    back `replayed`, without a code). `finish()` then changes the counters once
    with the summed contributions and appends the batch's declare entries to
    the log with a range of indices allocated at once — so the counters' row
    locks are held only for that last step. Until `finish()` runs nothing is
    counted; log lines wait in a temporary file, so memory stays constant.
    """

    def __init__(self, seal: Sealer = sealing.seal):
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("BatchIntake runs inside the caller's transaction")
        sealing.recipients()  # fail before doing any work if sealing is not configured
        self.seal = seal
        self.accepted = 0
        self.persons = 0
        self._changes: Counter = Counter()
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115  "id line" per declaration
        self._id_ranges: list[tuple[int, int]] = []
        self._aliases: set[str] = set()

    def stored_here(self, declaration_id: int) -> bool:
        """Whether this batch stored that declaration (e.g. a key repeated in it)."""
        return any(low <= declaration_id <= high for low, high in self._id_ranges)

    def add(self, items: Sequence[DeclarationInput]) -> list[Receipt]:
        errors: dict[int, IntakeError] = {}
        cleaned: list[_Cleaned] = []
        for position, item in enumerate(items):
            try:
                cleaned.append(_validate(item))
            except IntakeError as error:
                errors[position] = error
        if errors:
            raise BatchIntakeError(errors)
        hashes = [_idempotency_hash(item.idempotency_key) for item in items]
        earlier = {
            h: (pk, status, persons)
            for h, pk, status, persons in Declaration.objects.filter(
                idempotency_hash__in=[h for h in hashes if h]
            ).values_list("idempotency_hash", "pk", "status", "persons")
        }
        fresh = [p for p, h in enumerate(hashes) if h is None or h not in earlier]
        fresh_hashes: dict[str, int] = {}
        ids = iter(bulk_rows.reserve_ids(Declaration, len(fresh)))
        receipts_out: list[Receipt | None] = [None] * len(items)
        declarations, people = [], []
        for position in fresh:
            h = hashes[position]
            if h is not None and h in fresh_hashes:  # the same key twice in this chunk
                continue
            code = receipts.new_code()
            declaration = _new_declaration(
                items[position], cleaned[position], h, code, self.seal, Status.ACCEPTED
            )
            declaration.pk = next(ids)
            if h is not None:
                fresh_hashes[h] = declaration.pk
            named = [
                _new_person(declaration, index, person, self.seal, self._alias_taken)
                for index, person in enumerate(cleaned[position].people)
            ]
            self._count(declaration, [person.naming for person in named])
            declarations.append(declaration)
            people.extend(named)
            receipts_out[position] = Receipt(
                declaration_id=declaration.pk,
                status=declaration.status,
                persons=declaration.persons,
                public_names=[
                    PublicName(p.public_name, p.public_name_latin, p.naming) for p in named
                ],
                code=code,
            )
        if declarations:
            self._id_ranges.append((declarations[0].pk, declarations[-1].pk))
        self._insert(declarations, people)
        self._aliases.clear()
        for position, h in enumerate(hashes):
            if receipts_out[position] is None:
                pk, status, persons = earlier.get(h) or (fresh_hashes[h], Status.ACCEPTED, 0)
                receipts_out[position] = Receipt(pk, status, persons, [], None, replayed=True)
        return receipts_out  # type: ignore[return-value]

    def finish(self) -> range:
        """Count the batch and append its log entries; returns their indices."""
        if not self.accepted:
            return range(0)
        before = tally.total()
        tally.count_in_many(self._changes, self.accepted)
        end = tally.counter("entries", "")
        start = end - self.accepted
        self._spool.seek(0)
        rows = (
            (start + offset, int(pk), log_entries.DECLARE, line)
            for offset, (pk, line) in enumerate(
                raw.decode("ascii").rstrip("\n").split(" ", 1) for raw in self._spool
            )
        )
        bulk_rows.insert(LogEntry, ["index", "declaration_id", "kind", "line"], rows)
        self._spool.close()
        milestones.record_crossings(before, before + self.persons, timezone.now().date())
        return range(start, end)

    def _alias_taken(self, name: str) -> bool:
        if name in self._aliases or _alias_taken(name):
            return True
        self._aliases.add(name)
        return False

    def _count(self, declaration: Declaration, namings: list[str]) -> None:
        self.accepted += 1
        self.persons += declaration.persons
        self._changes.update(tally.contributions(declaration, namings))
        line = log_entries.declare_line(declaration, namings).decode("ascii")
        self._spool.write(f"{declaration.pk} {line}\n".encode("ascii"))

    @staticmethod
    def _insert(declarations: list[Declaration], people: list[Person]) -> None:
        bulk_rows.insert(
            Declaration,
            _DECLARATION_COLUMNS,
            (_row(d, _DECLARATION_FIELDS) for d in declarations),
        )
        bulk_rows.insert(Person, _PERSON_COLUMNS, (_row(p, _PERSON_FIELDS) for p in people))


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
