"""The tuidang log entry format, version 1 (docs/log-format.md, "Entries").

An entry is one canonical ASCII line without a trailing newline::

    declare 2026-11-25 orgs=league,party persons=3 channel=web by=proxy true_name=1 alias=1
        place=CN-GD receipt=<64 hex>          (one line, wrapped here)
    revoke 2026-11-26 index=123 reason=duplicate

Parsing is strict: a line is accepted only if encoding what was parsed gives
back the very same bytes, so every accepted entry has one spelling.
Entries hold nothing but public counts and categories: no name, no statement,
no time of day; the receipt is committed to by a hash only.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

CHANNELS = (
    "web",
    "api",
    "hotline",
    "outbound_call",
    "fax",
    "email",
    "in_person",
    "banknote_poster",
    "import",
)
FILERS = ("self", "proxy")
REVOKE_REASONS = ("retracted", "duplicate", "fraudulent", "error")
DEFAULT_ORGANISATIONS = ("party", "league", "pioneers")
UNKNOWN_PLACE = "-"

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford base32 digits."""
RECEIPT_CODE_LENGTH = 16
RECEIPT_DOMAIN = b"tuidang receipt commitment v1\n"

_ORG = re.compile(r"[a-z][a-z0-9_]{0,31}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLACE = re.compile(r"-|[A-Z]{2}|CN-[A-Z]{2}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_NUMBER = r"(0|[1-9][0-9]{0,17})"
_DECLARE = re.compile(
    r"declare ([0-9]{4}-[0-9]{2}-[0-9]{2}) orgs=([a-z0-9_,]+) persons="
    + _NUMBER
    + r" channel=([a-z_]+) by=(self|proxy) true_name="
    + _NUMBER
    + r" alias="
    + _NUMBER
    + r" place=(-|[A-Z]{2}|CN-[A-Z]{2}) receipt=([0-9a-f]{64})"
)
_REVOKE = re.compile(r"revoke ([0-9]{4}-[0-9]{2}-[0-9]{2}) index=" + _NUMBER + r" reason=([a-z]+)")
HEX_DIGITS = b"0123456789abcdef"
RECEIPT_FIELD = b" receipt="
"""Separator before the last field of a declaration (used by totals)."""


class EntryError(ValueError):
    """An entry is malformed, non-canonical or out of range."""


def _check_day(day: str | datetime.date) -> str:
    if isinstance(day, datetime.date) and not isinstance(day, datetime.datetime):
        day = day.isoformat()
    if not isinstance(day, str) or not _DAY.fullmatch(day):
        raise EntryError(f"day must be YYYY-MM-DD, got {day!r}")
    try:
        datetime.date.fromisoformat(day)
    except ValueError as exc:
        raise EntryError(f"no such day {day!r}") from exc
    return day


def _check_count(name: str, value: int, minimum: int) -> None:
    if type(value) is not int or value < minimum or value >= 10**18:
        raise EntryError(f"{name} must be an integer >= {minimum}, got {value!r}")


@dataclass(frozen=True, slots=True)
class Declaration:
    """A declare entry: one accepted declaration."""

    day: str
    organisations: tuple[str, ...]
    persons: int
    channel: str
    by: str
    true_name: int
    alias: int
    place: str
    receipt: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "day", _check_day(self.day))
        orgs = self.organisations
        if isinstance(orgs, str):
            raise EntryError("organisations must be a collection of codes")
        orgs = tuple(sorted(set(orgs)))
        if not orgs or not all(isinstance(o, str) and _ORG.fullmatch(o) for o in orgs):
            raise EntryError(f"organisations must be non-empty codes [a-z][a-z0-9_]*, got {orgs!r}")
        object.__setattr__(self, "organisations", orgs)
        _check_count("persons", self.persons, 1)
        if self.channel not in CHANNELS:
            raise EntryError(f"unknown channel {self.channel!r}")
        if self.by not in FILERS:
            raise EntryError(f"by must be self or proxy, got {self.by!r}")
        _check_count("true_name", self.true_name, 0)
        _check_count("alias", self.alias, 0)
        if self.true_name + self.alias > self.persons:
            raise EntryError("true_name + alias must not exceed persons")
        if not isinstance(self.place, str) or not _PLACE.fullmatch(self.place):
            raise EntryError(f"place must be -, XX or CN-XX, got {self.place!r}")
        if not isinstance(self.receipt, str) or not _HEX64.fullmatch(self.receipt):
            raise EntryError("receipt must be 64 lowercase hex digits")

    @property
    def unnamed(self) -> int:
        """Persons only counted, named neither by true name nor alias."""
        return self.persons - self.true_name - self.alias

    @property
    def country(self) -> str:
        """ISO 3166-1 alpha-2 country, or '-' when not given."""
        return self.place[:2] if self.place != UNKNOWN_PLACE else UNKNOWN_PLACE

    @property
    def province(self) -> str | None:
        """ISO 3166-2:CN subdivision, or None."""
        return self.place if len(self.place) == 5 else None

    def encode(self) -> bytes:
        return (
            f"declare {self.day} orgs={','.join(self.organisations)} persons={self.persons}"
            f" channel={self.channel} by={self.by} true_name={self.true_name}"
            f" alias={self.alias} place={self.place} receipt={self.receipt}"
        ).encode("ascii")


@dataclass(frozen=True, slots=True)
class Revocation:
    """A revoke entry: it cancels the declare entry at ``index``."""

    day: str
    index: int
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "day", _check_day(self.day))
        _check_count("index", self.index, 0)
        if self.reason not in REVOKE_REASONS:
            raise EntryError(f"unknown revoke reason {self.reason!r}")

    def encode(self) -> bytes:
        return f"revoke {self.day} index={self.index} reason={self.reason}".encode("ascii")


Entry = Declaration | Revocation


def encode_entry(entry: Entry) -> bytes:
    """Return the canonical bytes of an entry (no trailing newline)."""
    return entry.encode()


def parse_entry(data: bytes, organisations: Collection[str] | None = None) -> Entry:
    """Parse one entry strictly; raise EntryError unless it is canonical.

    ``organisations``, if given, is the set of organisation codes allowed.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise EntryError("an entry is bytes")
    data = bytes(data)
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise EntryError("entry is not ASCII") from exc
    entry: Entry
    if match := _DECLARE.fullmatch(text):
        day, orgs, persons, channel, by, true_name, alias, place, receipt = match.groups()
        entry = Declaration(
            day,
            tuple(orgs.split(",")),
            int(persons),
            channel,
            by,
            int(true_name),
            int(alias),
            place,
            receipt,
        )
        if organisations is not None and not set(entry.organisations) <= set(organisations):
            raise EntryError(f"unknown organisation in {orgs!r}")
    elif match := _REVOKE.fullmatch(text):
        day, index, reason = match.groups()
        entry = Revocation(day, int(index), reason)
    else:
        raise EntryError(f"not a declare or revoke entry: {text[:80]!r}")
    if entry.encode() != data:
        raise EntryError(f"entry is not in canonical form: {text[:80]!r}")
    return entry


def declaration(
    *,
    day: str | datetime.date,
    organisations: Iterable[str],
    persons: int,
    channel: str,
    by: str,
    true_name: int = 0,
    alias: int = 0,
    place: str = UNKNOWN_PLACE,
    receipt_code: str,
) -> bytes:
    """Build the canonical declare entry bytes from fields and a receipt code."""
    return Declaration(
        day,
        tuple(organisations),
        persons,
        channel,
        by,
        true_name,
        alias,
        place,
        receipt_commitment(receipt_code),
    ).encode()


def revocation(*, day: str | datetime.date, index: int, reason: str) -> bytes:
    """Build the canonical revoke entry bytes."""
    return Revocation(day, index, reason).encode()


def normalise_receipt_code(text: str) -> str:
    """Return the 16-character Crockford base32 receipt code of what a person
    typed: case folded, hyphens and spaces dropped, O read as 0, I and L as 1."""
    code = text.upper().replace("-", "").replace(" ", "")
    code = code.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(code) != RECEIPT_CODE_LENGTH or any(c not in RECEIPT_ALPHABET for c in code):
        raise EntryError("a receipt code is 16 Crockford base32 characters")
    return code


def receipt_commitment(code: str) -> str:
    """Return hex SHA-256("tuidang receipt commitment v1\\n" || code).

    ``code`` must already be normalised (16 upper-case Crockford base32
    characters), so that one receipt has exactly one commitment.
    """
    if len(code) != RECEIPT_CODE_LENGTH or any(c not in RECEIPT_ALPHABET for c in code):
        raise EntryError("receipt code must be normalised: 16 Crockford base32 characters")
    return hashlib.sha256(RECEIPT_DOMAIN + code.encode("ascii")).hexdigest()


class EntryChecker:
    """A callable that raises EntryError unless its argument is a canonical
    entry; declarations differing only in their receipt are parsed once.
    ``check_all`` checks a whole batch the same way, faster."""

    def __init__(
        self, organisations: Collection[str] | None = None, cache_size: int = 1 << 16
    ) -> None:
        self._organisations = organisations
        self._seen: set[bytes] = set()
        self._cache_size = cache_size

    def __call__(self, entry: bytes) -> None:
        n = len(entry)
        tail = len(RECEIPT_FIELD) + 64
        if (
            n > tail
            and entry[: n - 64] in self._seen
            and not entry[n - 64 :].translate(None, HEX_DIGITS)
        ):
            return
        parsed = parse_entry(entry, self._organisations)
        if isinstance(parsed, Declaration):
            if len(self._seen) >= self._cache_size:
                self._seen.clear()
            self._seen.add(bytes(entry[: n - 64]))

    def check_all(self, entries: Sequence[bytes]) -> None:
        """Raise EntryError unless every entry is canonical, as calling the
        checker on each would, but faster: the receipts of declarations
        whose other fields were seen already are checked together, 1,024
        entries at a time (small buffers are reused; touching fresh memory
        costs page faults)."""
        seen = self._seen
        for start in range(0, len(entries), 1024):
            part = entries[start : start + 1024]
            receipts = []
            for entry in part:
                if entry[:-64] in seen:
                    receipts.append(entry[-64:])
                else:
                    self(entry)
            if b"".join(receipts).translate(None, HEX_DIGITS):
                for entry in part:  # raises for the first bad one
                    self(entry)
