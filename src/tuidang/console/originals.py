"""Originals that carry personal data (fax images, email text, photos of
banknotes and posters, hotline notes). Each is encrypted with age to the
custodians (as sealed fields are): a standard age file that custodians open
with `age -d`, kept in its `Original` row, never as a file on disk, whose
modification and change times would give the second of the intake. Its
`delete_on` day comes from the retention schedule (retention.py);
`tuidang retention` nulls it then."""

import pyrage
from django.utils import timezone

from tuidang.console import retention
from tuidang.console.models import Original
from tuidang.registry import sealing


def store(content: bytes, *, channel: str, kind: str, declaration_id: int | None) -> Original:
    today = timezone.now().date()
    return Original.objects.create(
        declaration_id=declaration_id,
        channel=channel,
        kind=kind,
        sealed_content=pyrage.encrypt(content, sealing.recipients()),
        day=today,
        delete_on=today + retention.period(channel),
    )


def sealed(original: Original) -> bytes | None:
    """The sealed original (an age file), or None once retention deleted it."""
    content = original.sealed_content
    return bytes(content) if content is not None else None
