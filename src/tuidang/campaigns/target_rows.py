"""One line of a target list, checked field by field: the parsed target, or
an error per bad field. No database access; `target_import` does the rest."""

import dataclasses
import re

from django.utils.translation import gettext as _

from tuidang.campaigns import phones, zones
from tuidang.campaigns.choices import TimeZoneSource
from tuidang.campaigns.models import MAX_PRIORITY
from tuidang.registry.choices import Rank, Sector
from tuidang.registry.places import province_codes
from tuidang.registry.text import normalise_line

COLUMNS = (
    "name_or_title",
    "unit",
    "sector",
    "rank",
    "province_or_place",
    "phone",
    "time_zone",
    "priority",
)
MAX_NAME = 200
MAX_UNIT = 200
MAX_PLACE = 100
_PROVINCE_CODE = re.compile(r"CN-[A-Z]{2}")


@dataclasses.dataclass(frozen=True)
class LineError:
    line: int  # 1 is the header
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


@dataclasses.dataclass(frozen=True)
class TargetRow:
    line: int
    name_or_title: str
    unit: str
    sector: str
    rank: str
    place: str
    phone_e164: str
    phone_key: str
    time_zone: str
    time_zone_source: TimeZoneSource
    priority: int


def parse_row(line: int, values: dict[str, str], default_zone: str) -> TargetRow | list[LineError]:
    """The target of one line, or the list of its errors (one per bad field)."""
    errors: list[LineError] = []

    def fail(field: str, message: str) -> None:
        errors.append(LineError(line, field, message))

    name = normalise_line(values["name_or_title"])
    if not name:
        fail("name_or_title", _("A name or title is required."))
    elif len(name) > MAX_NAME:
        fail("name_or_title", _("At most %(n)d characters.") % {"n": MAX_NAME})
    unit = normalise_line(values["unit"])
    if len(unit) > MAX_UNIT:
        fail("unit", _("At most %(n)d characters.") % {"n": MAX_UNIT})

    sector = normalise_line(values["sector"]).lower()
    if sector and sector not in Sector.values:
        fail("sector", _("Unknown sector: %(value)s") % {"value": sector})
    rank = normalise_line(values["rank"]).lower()
    if rank and rank not in Rank.values:
        fail("rank", _("Unknown rank: %(value)s") % {"value": rank})

    place = normalise_line(values["province_or_place"])
    if _PROVINCE_CODE.fullmatch(place.upper()):
        place = place.upper()
        if place not in province_codes():
            fail("province_or_place", _("Unknown province code: %(value)s") % {"value": place})
    elif len(place) > MAX_PLACE:
        fail("province_or_place", _("At most %(n)d characters.") % {"n": MAX_PLACE})

    phone = ""
    try:
        phone = phones.normalise(normalise_line(values["phone"]))
    except phones.PhoneError:
        fail("phone", _("Not a possible phone number."))

    zone = normalise_line(values["time_zone"])
    if zone and not zones.is_known(zone):
        fail("time_zone", _("Unknown time zone: %(value)s") % {"value": zone})

    priority = 0
    raw_priority = normalise_line(values["priority"])
    if raw_priority:
        if raw_priority.isascii() and raw_priority.isdigit():
            priority = int(raw_priority)
        if not (raw_priority.isascii() and raw_priority.isdigit()) or priority > MAX_PRIORITY:
            fail("priority", _("A whole number from 0 to %(n)d.") % {"n": MAX_PRIORITY})

    if errors:
        return errors
    time_zone, source = phones.choose_zone(phone, zone, default_zone)
    return TargetRow(
        line=line,
        name_or_title=name,
        unit=unit,
        sector=sector,
        rank=rank,
        place=place,
        phone_e164=phone,
        phone_key=phones.phone_key(phone),
        time_zone=time_zone,
        time_zone_source=source,
        priority=priority,
    )
