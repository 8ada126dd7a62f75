"""Recomputing the published totals from log entries, tuidang log format
version 1 (docs/log-format.md, "Totals").

``Tally`` consumes entries in log order and returns the totals as a plain
dict of the documented JSON shape (``tuidang-totals-v1``).  A revoke entry
subtracts exactly the contributions of the declare entry it names; revoking
anything but an earlier, not yet revoked declare entry is an error.

Speed: declarations that differ only in their receipt share one parsed
"contribution"; per entry the work is a suffix check and a dict lookup, and
per index four bytes of memory.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Iterable

from .entries import HEX_DIGITS, RECEIPT_FIELD, Declaration, EntryError, Revocation, parse_entry

TOTALS_FORMAT = "tuidang-totals-v1"
_REVOKE_MARK = -1
_TAIL = len(RECEIPT_FIELD) + 64


class TallyError(ValueError):
    """An entry cannot be counted (malformed, or an invalid revoke)."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(f"entry {index}: {reason}")
        self.index = index
        self.reason = reason


class Tally:
    """Running totals over a log, fed entry by entry in index order."""

    def __init__(self, organisations: Collection[str] | None = None) -> None:
        self._organisations = organisations
        self._ids: dict[bytes, int] = {}
        self._contributions: list[Declaration] = []
        self._counts: list[int] = []
        self._kind = array("i")  # per index: contribution id, or _REVOKE_MARK
        self._revoked: set[int] = set()
        self.revocations = 0

    @property
    def size(self) -> int:
        """Number of entries counted so far."""
        return len(self._kind)

    def add(self, entry: bytes) -> None:
        """Count the next entry (index ``self.size``)."""
        self.add_many((entry,))

    def add_many(self, entries: Iterable[bytes]) -> None:
        """Count entries in order; raise TallyError naming the first bad one."""
        ids, counts, kind = self._ids, self._counts, self._kind
        tail = _TAIL
        for entry in entries:
            n = len(entry)
            if (
                n > tail
                and entry[n - tail : n - 64] == RECEIPT_FIELD
                and not entry[n - 64 :].translate(None, HEX_DIGITS)
                and (cid := ids.get(entry[: n - 64])) is not None
            ):
                counts[cid] += 1
                kind.append(cid)
            else:
                self._add_slow(bytes(entry))

    def _add_slow(self, entry: bytes) -> None:
        index = len(self._kind)
        try:
            parsed = parse_entry(entry, self._organisations)
        except EntryError as exc:
            raise TallyError(index, str(exc)) from None
        if isinstance(parsed, Declaration):
            prefix = entry[: len(entry) - 64]
            cid = len(self._contributions)
            self._ids[prefix] = cid
            self._contributions.append(parsed)
            self._counts.append(1)
            self._kind.append(cid)
            return
        assert isinstance(parsed, Revocation)
        target = parsed.index
        if target >= index:
            raise TallyError(index, f"revokes entry {target}, which is not before it")
        cid = self._kind[target]
        if cid == _REVOKE_MARK:
            raise TallyError(index, f"revokes entry {target}, which is a revoke entry")
        if target in self._revoked:
            raise TallyError(index, f"revokes entry {target}, which is already revoked")
        self._revoked.add(target)
        self._counts[cid] -= 1
        self._kind.append(_REVOKE_MARK)
        self.revocations += 1

    def totals(self) -> dict:
        """Return the totals (JSON shape ``tuidang-totals-v1``)."""
        declarations = persons = 0
        maps: dict[str, dict[str, int]] = {
            "by_organisation": {},
            "by_day": {},
            "by_channel": {},
            "by_country": {},
            "by_province": {},
            "by_filer": {},
            "by_naming": {},
        }

        def bump(name: str, key: str, amount: int) -> None:
            table = maps[name]
            table[key] = table.get(key, 0) + amount

        for decl, count in zip(self._contributions, self._counts, strict=True):
            if not count:
                continue
            declarations += count
            people = decl.persons * count
            persons += people
            for org in decl.organisations:
                bump("by_organisation", org, people)
            bump("by_day", decl.day, people)
            bump("by_channel", decl.channel, people)
            bump("by_country", decl.country, people)
            if decl.province:
                bump("by_province", decl.province, people)
            bump("by_filer", decl.by, people)
            bump("by_naming", "true_name", decl.true_name * count)
            bump("by_naming", "alias", decl.alias * count)
            bump("by_naming", "unnamed", decl.unnamed * count)
        result: dict = {
            "format": TOTALS_FORMAT,
            "entries": self.size,
            "declarations": declarations,
            "revocations": self.revocations,
            "persons": persons,
        }
        for name, table in maps.items():
            result[name] = {k: v for k, v in sorted(table.items()) if v}
        return result


def compute_totals(entries: Iterable[bytes], organisations: Collection[str] | None = None) -> dict:
    """Return the totals of a whole log given its entries in order."""
    tally = Tally(organisations)
    tally.add_many(entries)
    return tally.totals()
