"""CSV import of a target list into one campaign, all or nothing.

Every bad line gets an error naming its line number and field, and nothing is
written while any line is bad. Numbers already on this or any other campaign's
list, repeated within the file, or on the do-not-call list are skipped and
counted. Columns: see `target_rows.COLUMNS`.

The check against existing targets and the insert share one transaction; an
import racing another for the same number fails on the unique `phone_key`
and writes nothing."""

import csv
import dataclasses
import io
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.utils.translation import gettext as _

from tuidang.campaigns.models import Campaign, DoNotCall, Target
from tuidang.campaigns.target_rows import COLUMNS, LineError, TargetRow, parse_row

_QUERY_CHUNK = 500
_WRITE_BATCH = 1000


@dataclasses.dataclass(frozen=True)
class ImportReport:
    lines: int = 0  # data lines read (the header and blank lines not counted)
    created: int = 0
    duplicates_in_file: int = 0
    already_targeted: int = 0  # by this or any other campaign
    do_not_call: int = 0
    errors: tuple[LineError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


class _Refused(Exception):
    def __init__(self, error: LineError):
        self.error = error


def _decode(data: str | bytes) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise _Refused(LineError(line, "csv", _("Not UTF-8 text."))) from None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, fields) of every non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                yield start, fields
            start = reader.line_num + 1
    except csv.Error as error:
        raise _Refused(
            LineError(start, "csv", _("Malformed CSV: %(error)s") % {"error": error})
        ) from None


def _check_header(fields: list[str]) -> list[str]:
    names = [field.strip().lower() for field in fields]
    missing = [name for name in COLUMNS if name not in names]
    unknown = [name for name in names if name not in COLUMNS]
    if missing or unknown or len(set(names)) != len(names):
        raise _Refused(
            LineError(
                1,
                "header",
                _("The columns must be: %(columns)s") % {"columns": ", ".join(COLUMNS)},
            )
        )
    return names


def _parse(text: str, default_zone: str) -> tuple[list[TargetRow], list[LineError], int]:
    records = _records(text)
    header = next(records, None)
    if header is None:
        raise _Refused(LineError(1, "header", _("The file is empty.")))
    names = _check_header(header[1])
    rows: list[TargetRow] = []
    errors: list[LineError] = []
    lines = 0
    for line, fields in records:
        lines += 1
        if len(fields) != len(names):
            message = _("%(found)d fields instead of %(wanted)d.")
            errors.append(
                LineError(line, "csv", message % {"found": len(fields), "wanted": len(names)})
            )
            continue
        parsed = parse_row(line, dict(zip(names, fields, strict=True)), default_zone)
        if isinstance(parsed, TargetRow):
            rows.append(parsed)
        else:
            errors.extend(parsed)
    return rows, errors, lines


def _present(model: type, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), _QUERY_CHUNK):
        chunk = keys[i : i + _QUERY_CHUNK]
        found.update(model.objects.filter(phone_key__in=chunk).values_list("phone_key", flat=True))
    return found


def _targets(campaign: Campaign, rows: Iterable[TargetRow]) -> Iterator[Target]:
    for row in rows:
        yield Target(
            campaign=campaign,
            name_or_title=row.name_or_title,
            unit=row.unit,
            sector=row.sector,
            rank=row.rank,
            place=row.place,
            phone_e164=row.phone_e164,
            phone_key=row.phone_key,
            time_zone=row.time_zone,
            time_zone_source=row.time_zone_source,
            priority=row.priority,
        )


def import_targets(campaign: Campaign, data: str | bytes) -> ImportReport:
    """Import the CSV `data` into `campaign`; see the module's docstring."""
    try:
        rows, errors, lines = _parse(_decode(data), campaign.time_zone)
    except _Refused as refused:
        return ImportReport(errors=(refused.error,))
    if errors:
        return ImportReport(lines=lines, errors=tuple(errors))

    unique: dict[str, TargetRow] = {}
    for row in rows:
        unique.setdefault(row.phone_key, row)
    keys = list(unique)
    with transaction.atomic():
        barred = _present(DoNotCall, keys)
        taken = _present(Target, [key for key in keys if key not in barred])
        fresh = [row for key, row in unique.items() if key not in barred and key not in taken]
        Target.objects.bulk_create(_targets(campaign, fresh), batch_size=_WRITE_BATCH)
    return ImportReport(
        lines=lines,
        created=len(fresh),
        duplicates_in_file=len(rows) - len(unique),
        already_targeted=len(taken),
        do_not_call=len(barred),
    )
