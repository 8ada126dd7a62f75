"""The organisations one can withdraw from. Configurable with
TUIDANG_ORGANISATIONS (codes); the three defaults have translated names."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

KNOWN_NAMES = {
    "party": _("Chinese Communist Party"),
    "league": _("Communist Youth League"),
    "pioneers": _("Young Pioneers"),
}


def codes() -> list[str]:
    return list(settings.TUIDANG_ORGANISATIONS)


def name(code: str) -> str:
    return str(KNOWN_NAMES.get(code, code))


def choices() -> list[tuple[str, str]]:
    return [(code, name(code)) for code in codes()]


def encode(selected) -> str:
    """Stored form: sorted codes between commas, e.g. ',league,party,' — the outer
    commas let SQL match one code exactly with LIKE '%,party,%'."""
    return "," + ",".join(sorted(set(selected))) + ","


def decode(stored: str) -> list[str]:
    return [code for code in stored.strip(",").split(",") if code]
