"""IANA time zone names: which ones exist (zoneinfo), checked without ever
opening a file named by user input."""

import functools
import zoneinfo


@functools.cache
def _known() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known(name: str) -> bool:
    """Whether `name` is an IANA time zone this machine knows."""
    return name in _known()
