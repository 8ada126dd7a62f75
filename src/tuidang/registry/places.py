"""Coarse places: ISO 3166-1 countries and, for China, ISO 3166-2:CN provinces,
with names in the page's language from pycountry's translations.

Hong Kong, Macao and Taiwan are chosen by their own ISO 3166-1 codes (HK, MO,
TW), so the province list holds the 31 mainland divisions only.
"""

import functools
import gettext

import pycountry
from django.utils.translation import get_language

from tuidang.registry.script import to_traditional

CHINA = "CN"
_NOT_PROVINCES = {"CN-HK", "CN-MO", "CN-TW"}
_ENGLISH_SUFFIXES = (" Sheng", " Shi")


@functools.cache
def _catalogue(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _translate(domain: str, english: str, language: str) -> str:
    if language == "zh-hans":
        return _catalogue(domain, "zh_CN").gettext(english)
    if language == "zh-hant":
        if domain == "iso3166-1":
            return _catalogue(domain, "zh_TW").gettext(english)
        return to_traditional(_catalogue(domain, "zh_CN").gettext(english))
    return english


def country_codes() -> frozenset[str]:
    return _country_codes()


@functools.cache
def _country_codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


@functools.cache
def _province_english() -> dict[str, str]:
    names = {}
    for division in pycountry.subdivisions.get(country_code=CHINA):
        if division.code not in _NOT_PROVINCES:
            names[division.code] = division.name
    return names


def province_codes() -> frozenset[str]:
    return frozenset(_province_english())


def country_name(code: str, language: str | None = None) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    language = language or get_language() or "en"
    if language == "en":
        return getattr(country, "common_name", None) or country.name
    return _translate("iso3166-1", country.name, language)


def province_name(code: str, language: str | None = None) -> str:
    english = _province_english().get(code)
    if english is None:
        return code
    language = language or get_language() or "en"
    if language == "en":
        for suffix in _ENGLISH_SUFFIXES:
            if english.endswith(suffix):
                return english[: -len(suffix)]
        return english
    return _translate("iso3166-2", english, language)


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """China first (most declarants), then every country by code."""
    codes = sorted(country_codes() - {CHINA})
    return [(CHINA, country_name(CHINA, language))] + [
        (code, country_name(code, language)) for code in codes
    ]


def province_choices(language: str | None = None) -> list[tuple[str, str]]:
    return [(code, province_name(code, language)) for code in sorted(_province_english())]
