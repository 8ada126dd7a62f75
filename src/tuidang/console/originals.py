"""Originals that carry personal data (fax images, email text, photos of
banknotes and posters, hotline notes). Each is encrypted with age to the
custodians (as sealed fields are) and written under DATA_DIR/originals/, a
folder no URL serves. Its `delete_on` day comes from the retention schedule
(retention.py); `tuidang retention` deletes it then."""

import secrets
from pathlib import Path

import pyrage
from django.conf import settings
from django.utils import timezone

from tuidang.console import retention
from tuidang.console.models import Original
from tuidang.registry import sealing

FOLDER = "originals"


def folder() -> Path:
    path = Path(settings.DATA_DIR) / FOLDER
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def store(content: bytes, *, channel: str, kind: str, declaration_id: int | None) -> Original:
    today = timezone.now().date()
    name = secrets.token_hex(16) + ".age"
    (folder() / name).write_bytes(pyrage.encrypt(content, sealing.recipients()))
    return Original.objects.create(
        declaration_id=declaration_id,
        channel=channel,
        kind=kind,
        file_name=name,
        day=today,
        delete_on=today + retention.period(channel),
    )


def path_of(original: Original) -> Path | None:
    return folder() / original.file_name if original.file_name else None
