"""Reading a partner centre's file (docs/import.md): CSV or JSON Lines, one
declaration per record, streamed. Each record becomes a `DeclarationInput` for
the one intake path, or `LineError`s naming its line, field and reason. Only
the file's shape is checked here (columns, numbers, booleans, dates); every
rule about a declaration's content is `registry.intake`'s.
"""

import csv
import datetime
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from tuidang.registry import places
from tuidang.registry.choices import Channel
from tuidang.registry.intake import IDEMPOTENCY_KEY_MAX, DeclarationInput, PersonInput

KEY_PREFIX = "import:"
KEY_MAX = IDEMPOTENCY_KEY_MAX - len(KEY_PREFIX)
TEXT_COLUMNS = (
    "proxy_relationship",
    "contact",
    "country",
    "province",
    "sector",
    "rank",
    "statement",
)
PERSON_COLUMNS = ("naming", "true_name", "alias")
COLUMNS = (
    "key",
    "day",
    "organisations",
    *PERSON_COLUMNS,
    "unnamed_persons",
    "by_proxy",
    *TEXT_COLUMNS,
)
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"", "0", "false", "no", "n"}


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


@dataclass(frozen=True)
class Row:
    line: int
    key: str
    declaration: DeclarationInput


class _Bad(ValueError):
    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


def file_format(path: Path, given: str | None = None) -> str:
    if given:
        return given
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise ValueError(f"{path.name}: name the format with --format csv|jsonl")


def read(path: Path, kind: str) -> Iterator[Row | LineError]:
    """Every record of the file, in order, as a Row or a LineError."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        if kind == "csv":
            records, row = _csv_records(handle), _csv_row
        else:
            records, row = _jsonl_records(handle), _row
        for line, record in records:
            if isinstance(record, LineError):
                yield record
                continue
            try:
                yield row(line, record)
            except _Bad as bad:
                yield LineError(line, bad.field, bad.reason)


def _csv_records(handle: io.TextIOBase) -> Iterator[tuple[int, dict | LineError]]:
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        return
    except (csv.Error, UnicodeDecodeError) as error:
        yield 1, LineError(1, "header", str(error))
        return
    header = [name.strip() for name in header]
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in ("key", "organisations") if name not in header]
    if unknown or missing or len(set(header)) != len(header):
        reason = "; ".join(
            part
            for part in (
                f"unknown column(s) {', '.join(unknown)}" if unknown else "",
                f"missing column(s) {', '.join(missing)}" if missing else "",
                "a column is named twice" if len(set(header)) != len(header) else "",
            )
            if part
        )
        yield 1, LineError(1, "header", reason)
        return
    previous_end = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as error:
            yield previous_end + 1, LineError(previous_end + 1, "record", str(error))
            return
        line = previous_end + 1
        previous_end = reader.line_num
        if not values:
            continue  # a blank line
        if len(values) != len(header):
            yield (
                line,
                LineError(line, "record", f"{len(values)} fields, the header has {len(header)}"),
            )
            continue
        yield line, dict(zip(header, values, strict=True))


def _jsonl_records(handle: io.TextIOBase) -> Iterator[tuple[int, dict | LineError]]:
    line = 0
    while True:
        try:
            text = handle.readline()
        except UnicodeDecodeError as error:
            yield line + 1, LineError(line + 1, "record", f"not UTF-8 ({error.reason})")
            return
        if not text:
            return
        line += 1
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except ValueError as error:
            yield line, LineError(line, "record", f"not JSON ({error})")
            continue
        if not isinstance(record, dict):
            yield line, LineError(line, "record", "not a JSON object")
            continue
        unknown = sorted(set(record) - set(COLUMNS) - {"people"})
        if unknown:
            yield line, LineError(line, unknown[0], "unknown field")
            continue
        yield line, record


_UNSTRIPPED = frozenset(("statement", "contact"))
_BOOLEANS = _TRUE | _FALSE
_IMPORT = Channel.IMPORT
# Day texts already found valid (a valid day stays valid), so that a file of a
# few distinct days parses each once.
_valid_days: dict[str, datetime.date] = {}
_VALID_DAYS_KEPT = 10_000


def _text(record: dict, name: str) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Bad(name, "must be text")
    return value if name in _UNSTRIPPED else value.strip()


def _organisations(record: dict) -> list[str]:
    value = record.get("organisations")
    if isinstance(value, list) and all(isinstance(code, str) for code in value):
        return value
    if isinstance(value, str):
        return value.replace(",", " ").split()
    raise _Bad("organisations", "a list of organisation codes, e.g. party league")


def _integer(record: dict, name: str) -> int:
    value = record.get(name)
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _Bad(name, "must be a whole number")
    try:
        return int(value)
    except ValueError:
        raise _Bad(name, "must be a whole number") from None


def _boolean(record: dict, name: str) -> bool:
    value = record.get(name)
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _BOOLEANS:
            return word in _TRUE
    raise _Bad(name, "must be true or false (or 1 / 0)")


def _day(record: dict) -> datetime.date | None:
    value = _text(record, "day")
    if not value:
        return None
    day = _valid_days.get(value)
    if day is not None:
        return day
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise _Bad("day", "a date YYYY-MM-DD") from None
    if len(value) != 10 or day > timezone.now().date():
        raise _Bad("day", "a date YYYY-MM-DD, not in the future")
    if len(_valid_days) >= _VALID_DAYS_KEPT:
        _valid_days.clear()
    _valid_days[value] = day
    return day


def _people(record: dict) -> list[PersonInput]:
    if "people" in record:
        people = record["people"]
        if not isinstance(people, list) or not all(isinstance(p, dict) for p in people):
            raise _Bad("people", "a list of objects with naming, true_name, alias")
        result = []
        for index, person in enumerate(people):
            if set(person) - set(PERSON_COLUMNS):
                raise _Bad(f"people.{index}", "only naming, true_name and alias")
            values = [_text(person, name) for name in PERSON_COLUMNS]
            result.append(PersonInput(*values))
        return result
    naming = _text(record, "naming")
    true_name = _text(record, "true_name")
    alias = _text(record, "alias")
    if not (naming or true_name or alias):
        return []
    return [PersonInput(naming, true_name, alias)]


def _key(key: str) -> str:
    if not key:
        raise _Bad("key", "every row needs a key (unique across all your batches)")
    if len(key) > KEY_MAX:
        raise _Bad("key", f"at most {KEY_MAX} characters")
    return key


def _row(line: int, record: dict) -> Row:
    text = _text
    key = _key(text(record, "key"))
    # Fields are read in this order; the first bad one is reported.
    declaration = DeclarationInput(
        channel=_IMPORT,
        organisations=_organisations(record),
        people=_people(record),
        unnamed_persons=_integer(record, "unnamed_persons"),
        by_proxy=_boolean(record, "by_proxy"),
        idempotency_key=KEY_PREFIX + key,
        day=_day(record),
        proxy_relationship=text(record, "proxy_relationship"),
        contact=text(record, "contact"),
        province=text(record, "province"),
        sector=text(record, "sector"),
        rank=text(record, "rank"),
        statement=text(record, "statement"),
        country=text(record, "country") or places.CHINA,
    )
    return Row(line, key, declaration)


def _csv_row(line: int, record: dict[str, str]) -> Row:
    """`_row` for a CSV record, whose values are all text: the same result (a
    test compares them), with fewer steps per row."""
    get = record.get
    key = _key(get("key", "").strip())
    naming = get("naming", "").strip()
    true_name = get("true_name", "").strip()
    alias = get("alias", "").strip()
    unnamed = get("unnamed_persons", "")
    if unnamed:
        try:
            unnamed = int(unnamed)
        except ValueError:
            raise _Bad("unnamed_persons", "must be a whole number") from None
    else:
        unnamed = 0
    declaration = DeclarationInput(
        channel=_IMPORT,
        organisations=get("organisations", "").replace(",", " ").split(),
        people=[PersonInput(naming, true_name, alias)] if naming or true_name or alias else [],
        unnamed_persons=unnamed,
        by_proxy=_boolean(record, "by_proxy"),
        idempotency_key=KEY_PREFIX + key,
        day=_day(record),
        proxy_relationship=get("proxy_relationship", "").strip(),
        contact=get("contact", ""),
        province=get("province", "").strip(),
        sector=get("sector", "").strip(),
        rank=get("rank", "").strip(),
        statement=get("statement", ""),
        country=get("country", "").strip() or places.CHINA,
    )
    return Row(line, key, declaration)
