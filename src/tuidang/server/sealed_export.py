"""The custodians' export: the sealed values of an approved unsealing request's
scope — each person's sealed identity and each declaration's sealed contact, of
the listed declarations or of all of them — written into one tar file that
custodians carry to an offline machine and open with the standard `age` tool
(docs/custodians.md; the request and its approvals: console/unsealing.py):

    sealed/d<declaration>-contact.age          the sealed contact of a declaration
    sealed/d<declaration>-p<position>.age      the sealed identity of one person
    index.jsonl                                one line per file: declaration id, day,
                                               channel, status, person position, public name
    README.txt                                 how to open them

The server cannot open any of it: every value was encrypted to the custodian
recipients configured when it was sealed, and is copied here byte for byte.
Nothing is decrypted or re-encrypted, so a value sealed before a key rotation
opens with the key of that time (see docs/custodians.md, "Rotating keys").
No time finer than the day is written: every member of the tar and the file
itself carry the start of the export's UTC day as their modification time.
"""

import io
import json
import os
import tarfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from tuidang.registry.models import Declaration, Person

README = """\
Sealed values exported from the tuidang registry.

Each file under sealed/ is an age-encrypted JSON object. Open one with:

    age -d -i YOUR-IDENTITY-FILE sealed/d12-contact.age

or all of them:

    for f in sealed/*.age; do echo "$f"; age -d -i YOUR-IDENTITY-FILE "$f"; echo; done

index.jsonl tells which declaration (id, day, channel, status) and which person
(position, public name) each file belongs to. Keep this folder on the offline
machine only; see docs/custodians.md.
"""


def start_of_day(day: date) -> int:
    return int(datetime.combine(day, time(0), tzinfo=UTC).timestamp())


@dataclass
class ExportSummary:
    path: Path
    contacts: int
    identities: int


def _add(archive: tarfile.TarFile, name: str, data: bytes, mtime: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = mtime
    archive.addfile(info, io.BytesIO(data))


def _line(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _record(name, declaration_id, day, channel, status, field, **person) -> bytes:
    """The index line of one sealed file (`person` and `public_name` for identities)."""
    return _line(
        {
            "file": name,
            "declaration": declaration_id,
            "day": day.isoformat(),
            "channel": channel,
            "status": status,
            "field": field,
            **person,
        }
    )


def export_sealed(
    path: Path, declaration_ids: list[int] | None = None, *, heading: str = ""
) -> ExportSummary:
    """Write the export to `path`, a new file readable by its owner only: the
    sealed values of `declaration_ids`, or of every declaration when None."""
    mtime = start_of_day(datetime.now(UTC).date())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    index = io.BytesIO()
    contacts = identities = 0
    declarations = Declaration.objects.exclude(sealed_contact=None)
    people = Person.objects.exclude(sealed_identity=None)
    if declaration_ids is not None:
        declarations = declarations.filter(pk__in=declaration_ids)
        people = people.filter(declaration_id__in=declaration_ids)
    with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as archive:
        readme = (heading + "\n\n" if heading else "") + README
        _add(archive, "README.txt", readme.encode("utf-8"), mtime)
        rows = declarations.order_by("id").values_list(
            "id", "day", "channel", "status", "sealed_contact"
        )
        for declaration_id, day, channel, status, sealed in rows.iterator(2000):
            name = f"sealed/d{declaration_id}-contact.age"
            _add(archive, name, bytes(sealed), mtime)
            index.write(_record(name, declaration_id, day, channel, status, "contact"))
            contacts += 1
        rows = people.order_by("declaration_id", "position").values_list(
            "declaration_id",
            "position",
            "public_name",
            "declaration__day",
            "declaration__channel",
            "declaration__status",
            "sealed_identity",
        )
        for declaration_id, position, public_name, day, channel, status, sealed in rows.iterator(
            2000
        ):
            name = f"sealed/d{declaration_id}-p{position}.age"
            _add(archive, name, bytes(sealed), mtime)
            index.write(
                _record(
                    name, declaration_id, day, channel, status, "identity",
                    person=position, public_name=public_name,
                )
            )  # fmt: skip
            identities += 1
        _add(archive, "index.jsonl", index.getvalue(), mtime)
    os.utime(path, (mtime, mtime))
    return ExportSummary(path, contacts, identities)
