"""The one intake path. Every channel (web form, JSON API, console) builds a
`DeclarationInput` and calls `declare()`, which validates, normalises, seals,
creates the receipt and stores everything in one transaction. Partner batches
go through `registry/batch_intake.py`, which applies these same rules. The receipt code
is returned to the client and stored as its hash and, when the request has an
idempotency key, sealed under that key (`seal_receipt_code`), so that a retry whose
first answer was lost gets the same code back while the database alone yields none.

Errors are raised as `IntakeError`, a mapping from field path (e.g.
`people.0.true_name`) to translated messages, so each channel can show them
beside the right field.
"""

import datetime
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from tuidang.ledger.entries import receipt_commitment
from tuidang.registry import (
    aliases,
    bulk_rows,
    group_commit,
    organisations,
    places,
    receipts,
    scrubber,
    sealing,
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
    Person,
)
from tuidang.registry.text import normalise_block, normalise_line

MAX_PERSONS = 10_000
MAX_NAMED_PERSONS = 200
IDEMPOTENCY_KEY_MAX = 200
_IDEMPOTENCY_DOMAIN = b"tuidang idempotency v1\n"
# HKDF's info for the key that seals a receipt code (`seal_receipt_code`);
# another domain than the stored hash's.
_SEALED_CODE_INFO = b"tuidang receipt code sealed under the idempotency key v1"
_SEALED_CODE_VERSION = b"\x01"
_SEALED_CODE_NONCE = 12

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
    # Public intake without a valid proof of work (tuidang/web/proof_of_work.py).
    unproven: bool = False


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
    # The code to give the declarant. On a replay (a repeat of an earlier request
    # with the same idempotency key) the same code, opened with the retry's key;
    # None if it cannot be (stored by a batch import, or before codes were
    # sealed, or the sealed value does not open).
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


def _sealing_key(idempotency_key: str) -> ChaCha20Poly1305:
    return ChaCha20Poly1305(
        HKDF(algorithm=SHA256(), length=32, salt=None, info=_SEALED_CODE_INFO).derive(
            idempotency_key.encode("utf-8")
        )
    )


def seal_receipt_code(idempotency_key: str, code: str) -> bytes:
    """The receipt code sealed under the idempotency key, as stored in
    `Declaration.sealed_receipt_code` so that a retry with the same key can be
    given the same code (`open_receipt_code`).

    Key: HKDF-SHA256 (RFC 5869, no salt) of the idempotency key exactly as
    `declare()` gets it (with its channel's prefix, e.g. "api:" + the header),
    UTF-8, with the info string `_SEALED_CODE_INFO`: a domain apart from the
    stored hash's (`_IDEMPOTENCY_DOMAIN`, plain SHA-256), so the stored hash
    says nothing about the sealing key. Value: version byte 0x01, a random 12-byte nonce,
    then ChaCha20-Poly1305 of the code's 16 compact symbols (ASCII) with the
    version byte as associated data: 45 bytes. Each key seals one code (the
    key's hash is unique), and the nonce is random anyway.

    The server keeps no key: the database (or a backup) alone opens no code.
    But the code is only as secret as the idempotency key. The stored hash lets
    whoever holds the database test guesses of a key offline, and a guessed key
    opens its code. The web form and the console use 192-bit random tokens;
    API clients are told to use a random key of 128 bits or more (api.py).
    Batch imports store no sealed code (`batch_intake`): their keys are the
    partner's row ids, which are meant to be readable, not secret.
    """
    nonce = os.urandom(_SEALED_CODE_NONCE)
    compact = receipts.normalise(code).encode("ascii")
    sealed = _sealing_key(idempotency_key).encrypt(nonce, compact, _SEALED_CODE_VERSION)
    return _SEALED_CODE_VERSION + nonce + sealed


def open_receipt_code(idempotency_key: str, sealed: bytes | None, receipt_hash: str) -> str | None:
    """The receipt code `seal_receipt_code` sealed under this idempotency key,
    formatted (e.g. `7GQ4-M2XD-0KTB-9ZRC`); None when there is none or it does
    not open (another key, a damaged or altered value), or when what it opens is
    not the code of `receipt_hash` (the declaration's): never a wrong code."""
    if not idempotency_key or not sealed:
        return None
    sealed = bytes(sealed)  # a memoryview from some database drivers
    head, nonce = sealed[:1], sealed[1 : 1 + _SEALED_CODE_NONCE]
    if head != _SEALED_CODE_VERSION or len(nonce) != _SEALED_CODE_NONCE:
        return None
    try:
        compact = _sealing_key(idempotency_key).decrypt(
            nonce, sealed[1 + _SEALED_CODE_NONCE :], _SEALED_CODE_VERSION
        )
        code = receipts.format_code(receipts.normalise(compact.decode("ascii")))
    except (InvalidTag, UnicodeDecodeError, receipts.InvalidReceiptCode):
        return None
    return code if receipts.lookup_hash(code) == receipt_hash else None


def _alias_taken(name: str) -> bool:
    return Person.objects.filter(public_name=name, naming__in=ALIAS_NAMINGS).exists()


def _replay(idempotency_hash: str, idempotency_key: str) -> Receipt | None:
    """The declaration stored with this key, with its receipt code opened with
    the key (None if it cannot be: `open_receipt_code`)."""
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
        code=open_receipt_code(
            idempotency_key, declaration.sealed_receipt_code, declaration.receipt_hash
        ),
        replayed=True,
    )


def check(data: DeclarationInput) -> None:
    """Raise IntakeError where `declare` would; write nothing (the console's
    practice mode uses it to train callers without touching the registry)."""
    _validate(data)


def declare(data: DeclarationInput, *, accept: bool = False) -> Receipt:
    """Record a declaration; `accept=True` for trusted channels (volunteers).

    Raises IntakeError for invalid input; nothing is written in that case.
    """
    cleaned = _validate(data)
    idempotency_hash = _idempotency_hash(data.idempotency_key)
    sealing.recipients()  # fail before doing any work if sealing is not configured
    for _attempt in range(3):
        try:
            return _store(data, cleaned, idempotency_hash, accept)
        except IntegrityError:
            # The idempotency key's hash is unique: a retry (or a concurrent
            # request with the same key) fails here and is answered with the
            # first declaration, and its receipt code (sealed under the key).
            # Retries are rare, so they are not looked up before the insert.
            # Otherwise a generated alias was taken meanwhile: try again.
            if idempotency_hash and (earlier := _replay(idempotency_hash, data.idempotency_key)):
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
        unproven=data.unproven,
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


def _store(
    data: DeclarationInput, cleaned: _Cleaned, idempotency_hash: str | None, accept: bool
) -> Receipt:
    # Sealing, the receipt and aliases are worked out before the write
    # transaction starts: writers queue for it (one at a time on SQLite), so it
    # holds only the inserts, which concurrent requests commit together
    # (registry/group_commit.py). A generated alias taken meanwhile fails the
    # insert on its unique index and `declare` tries again.
    code = receipts.new_code()
    declaration = _new_declaration(data, cleaned, idempotency_hash, code, sealing.seal)
    if idempotency_hash:  # for a retry whose answer was lost (`seal_receipt_code`)
        declaration.sealed_receipt_code = seal_receipt_code(data.idempotency_key, code)
    people = [
        _new_person(declaration, position, person, sealing.seal, _alias_taken)
        for position, person in enumerate(cleaned.people)
    ]

    def insert() -> None:
        bulk_rows.insert_new([declaration])
        for person in people:
            person.declaration_id = declaration.pk
        bulk_rows.insert_new(people)
        if accept:
            transitions.accept_locked(declaration)

    group_commit.run(insert)
    return Receipt(
        declaration_id=declaration.pk,
        status=declaration.status,
        persons=declaration.persons,
        public_names=[PublicName(p.public_name, p.public_name_latin, p.naming) for p in people],
        code=code,
    )
