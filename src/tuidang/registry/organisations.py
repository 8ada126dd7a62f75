"""The organisations one can withdraw from: `Organisation` rows, first seeded
from TUIDANG_ORGANISATIONS (registry/seeding.py), then added, renamed,
reordered and deactivated by administrators in the console. Never deleted.

- `codes()`: the active codes in order — what intake accepts and forms offer;
- `all_codes()`: every code ever configured — what stored declarations and log
  entries may hold; use it wherever they are checked or decoded;
- `name(code)`: the name in the active language (Traditional Chinese derived
  from the Simplified name with OpenCC), the code itself if unknown.

Reading costs one small query, made at most once per request: the rows are
kept for the rest of the request (`request_started` and `request_finished`
forget them, see apps.py), so names shown per declaration cost nothing more.
Outside a request every call reads the table.
"""

import threading
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import translation

from tuidang.registry import script


class Entry(NamedTuple):
    code: str
    name_en: str
    name_zh_hans: str
    active: bool


class LastActiveOrganisation(ValueError):
    """Deactivating it would leave nothing one can withdraw from."""


_request = threading.local()


def request_started(**kwargs) -> None:
    _request.active = True
    _request.rows = None


def request_finished(**kwargs) -> None:
    _request.active = False
    _request.rows = None


def _forget() -> None:
    _request.rows = None


def entries() -> tuple[Entry, ...]:
    """Every organisation, active or not, in their order (one query, kept for
    the current request)."""
    rows = getattr(_request, "rows", None)
    if rows is None:
        # Plain SQL: every intake request reads this, and building the ORM
        # query cost more than running it.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT code, name_en, name_zh_hans, active FROM registry_organisation"
                " ORDER BY position, code"
            )
            rows = tuple(Entry(code, en, zh, bool(active)) for code, en, zh, active in cursor)
        if getattr(_request, "active", False):
            _request.rows = rows
    return rows


def codes() -> list[str]:
    return [entry.code for entry in entries() if entry.active]


def all_codes() -> list[str]:
    return [entry.code for entry in entries()]


def name(code: str) -> str:
    entry = next((entry for entry in entries() if entry.code == code), None)
    if entry is None:
        return code
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language.startswith("zh"):
        return script.for_language(entry.name_zh_hans, language) or code
    return entry.name_en or code


def choices() -> list[tuple[str, str]]:
    return [(code, name(code)) for code in codes()]


def encode(selected) -> str:
    """Stored form: sorted codes between commas, e.g. ',league,party,' — the outer
    commas let SQL match one code exactly with LIKE '%,party,%'."""
    return "," + ",".join(sorted(set(selected))) + ","


def decode(stored: str) -> list[str]:
    return [code for code in stored.strip(",").split(",") if code]


# --- Changes (the console's administration) -----------------------------------------


def add(code: str, name_en: str, name_zh_hans: str) -> None:
    """A new active organisation, last in the order. The caller checks that the
    code is free and well formed (the model's validators and check constraint)."""
    from tuidang.registry.models import Organisation

    with transaction.atomic():
        last = Organisation.objects.aggregate(last=Max("position"))["last"]
        Organisation.objects.create(
            code=code,
            name_en=name_en,
            name_zh_hans=name_zh_hans,
            position=0 if last is None else last + 1,
        )
    _forget()


def rename(code: str, name_en: str, name_zh_hans: str) -> None:
    from tuidang.registry.models import Organisation

    Organisation.objects.filter(code=code).update(name_en=name_en, name_zh_hans=name_zh_hans)
    _forget()


def move(code: str, offset: int) -> bool:
    """Move an organisation one place up (offset -1) or down (+1); False at an end."""
    from tuidang.registry.models import Organisation

    with transaction.atomic():
        rows = list(Organisation.objects.select_for_update().order_by("position", "code"))
        index = next(i for i, row in enumerate(rows) if row.code == code)
        other = index + offset
        if not 0 <= other < len(rows):
            return False
        rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
    _forget()
    return True


def set_active(code: str, active: bool) -> None:
    """Deactivate or reactivate an organisation; refuses to deactivate the last
    active one (LastActiveOrganisation)."""
    from tuidang.registry.models import Organisation

    with transaction.atomic():
        rows = list(Organisation.objects.select_for_update().order_by("position", "code"))
        if not active and not any(row.active for row in rows if row.code != code):
            raise LastActiveOrganisation(code)
        Organisation.objects.filter(code=code).update(active=active)
    _forget()
