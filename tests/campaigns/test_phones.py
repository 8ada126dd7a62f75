"""Phone numbers: E.164 normalisation (national numbers read as Chinese),
impossible numbers refused, a time zone from the file, the number or the
default, and the keyed hash that stands for a number."""

import hashlib

import pytest

from tuidang.campaigns import phones
from tuidang.campaigns.choices import TimeZoneSource


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("010 1234 5600", "+861012345600"),
        ("(010) 1234-5600", "+861012345600"),
        ("+86 10 1234 5600", "+861012345600"),
        ("0086 10 1234 5600", "+861012345600"),
        ("139 1234 5678", "+8613912345678"),
        ("+1 201-555-0150", "+12015550150"),
        ("+49 30 123456", "+4930123456"),
    ],
)
def test_numbers_are_normalised_to_e164(raw, e164):
    assert phones.normalise(raw) == e164


@pytest.mark.parametrize("raw", ["", "12345", "not a number", "+86 123", "+999 1234567", "0" * 30])
def test_impossible_numbers_are_refused(raw):
    with pytest.raises(phones.PhoneError):
        phones.normalise(raw)


def test_the_time_zone_comes_from_the_file_first():
    assert phones.choose_zone("+12015550150", "Europe/Berlin", "Asia/Shanghai") == (
        "Europe/Berlin",
        TimeZoneSource.FILE,
    )


@pytest.mark.parametrize(
    ("e164", "zone"),
    [
        ("+12015550150", "America/New_York"),
        ("+13105550142", "America/Los_Angeles"),
        ("+4930123456", "Europe/Berlin"),
        ("+861012345600", "Asia/Shanghai"),
    ],
)
def test_else_from_the_number(e164, zone):
    assert phones.choose_zone(e164, "", "Asia/Tokyo") == (zone, TimeZoneSource.NUMBER)


@pytest.mark.parametrize(
    "e164",
    [
        "+79123456789",  # a Russian mobile: eleven time zones
        "+18005550199",  # North American toll-free: the whole continent
        "+80012345678",  # international freephone: no zone at all
    ],
)
def test_else_the_default_when_the_number_gives_no_single_zone(e164):
    assert phones.choose_zone(e164, "", "Asia/Shanghai") == (
        "Asia/Shanghai",
        TimeZoneSource.DEFAULT,
    )


def test_the_phone_key_is_a_keyed_hash(settings):
    key = phones.phone_key("+861012345600")
    assert len(key) == 64 and int(key, 16) >= 0
    assert key == phones.phone_key("+861012345600")
    assert key != phones.phone_key("+861012345601")
    # Not a plain hash anyone could compute from the number.
    assert key != hashlib.sha256(b"+861012345600").hexdigest()
    assert "1012345600" not in key
    settings.SECRET_KEY = "another-test-secret"  # noqa: S105
    assert phones.phone_key("+861012345600") != key


def test_the_phone_key_is_separated_from_other_uses_of_the_secret_key():
    from django.utils.crypto import salted_hmac

    key = phones.phone_key("+861012345600")
    for salt in ("", "django.contrib.auth.tokens.PasswordResetTokenGenerator"):
        assert salted_hmac(salt, "+861012345600", algorithm="sha256").hexdigest() != key
