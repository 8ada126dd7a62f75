"""Small typed readers for `TUIDANG_*` environment variables.

They fail closed: a malformed value raises `ImproperlyConfigured` naming the
variable, instead of quietly falling back to a default.
"""

import os

from django.core.exceptions import ImproperlyConfigured

PREFIX = "TUIDANG_"


def _raw(name: str) -> str | None:
    value = os.environ.get(PREFIX + name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def string(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = _raw(name)
    if value is None:
        if required:
            raise ImproperlyConfigured(f"Set the environment variable {PREFIX}{name}.")
        return default
    return value


def boolean(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{PREFIX}{name} must be true or false, not {value!r}.")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be an integer, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be at least {minimum}.")
    return number


def word_list(name: str, default: list[str]) -> list[str]:
    """A list separated by commas and/or whitespace."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item for item in value.replace(",", " ").split() if item]


def off_or_integer(name: str, *, on: int, minimum: int, maximum: int) -> int:
    """`off` (or `0`, `false`, `no`, unset) → 0; `on` (`true`, `yes`) → `on`;
    otherwise an integer from `minimum` to `maximum`."""
    value = _raw(name)
    if value is None or value.lower() in ("0", "off", "false", "no"):
        return 0
    if value.lower() in ("1", "on", "true", "yes"):
        return on
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{PREFIX}{name} must be off, on or a number, not {value!r}."
        ) from None
    if not minimum <= number <= maximum:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be from {minimum} to {maximum}.")
    return number


def time_of_day(name: str, default: str) -> int:
    """`HH:MM` (24-hour clock) → seconds after midnight."""
    value = _raw(name) or default
    hours, colon, minutes = value.partition(":")
    if (
        colon
        and hours.isdigit()
        and minutes.isdigit()
        and len(minutes) == 2
        and int(hours) < 24
        and int(minutes) < 60
    ):
        return int(hours) * 3600 + int(minutes) * 60
    raise ImproperlyConfigured(f"{PREFIX}{name} must be a time of day HH:MM, not {value!r}.")
