"""Phone numbers: normalised to E.164 with `phonenumbers` (national numbers
read as Chinese), a target's time zone, and the keyed hash that matches a
number without keeping it (targets' dedupe key, the do-not-call list)."""

import phonenumbers
from django.utils.crypto import salted_hmac
from phonenumbers import timezone as number_zones

from tuidang.campaigns import zones
from tuidang.campaigns.choices import TimeZoneSource

DEFAULT_REGION = "CN"
# Domain separation: this key is SECRET_KEY's, for this purpose only.
_KEY_SALT = "tuidang.campaigns.phone_key.v1"


class PhoneError(ValueError):
    """A number that cannot be a real phone number."""


def normalise(raw: str, region: str = DEFAULT_REGION) -> str:
    """The E.164 form of `raw` (`+8610…`); raises PhoneError if impossible."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise PhoneError(str(error)) from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneError("not a valid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def zone_of_number(e164: str) -> str | None:
    """The one time zone the number belongs to, or None when it spans several
    (a mobile number across Russia) or none is known."""
    candidates = number_zones.time_zones_for_number(phonenumbers.parse(e164))
    if len(candidates) == 1 and zones.is_known(candidates[0]):
        return candidates[0]
    return None


def choose_zone(e164: str, given: str, default: str) -> tuple[str, TimeZoneSource]:
    """A target's time zone: the file's if given (checked by the caller), else
    the number's, else the campaign's default."""
    if given:
        return given, TimeZoneSource.FILE
    from_number = zone_of_number(e164)
    if from_number is not None:
        return from_number, TimeZoneSource.NUMBER
    return default, TimeZoneSource.DEFAULT


def phone_key(e164: str) -> str:
    """HMAC-SHA256 of the E.164 number under a key derived from SECRET_KEY, hex."""
    return salted_hmac(_KEY_SALT, e164, algorithm="sha256").hexdigest()
