"""Coarse places: ISO 3166-1 countries and, for China, ISO 3166-2:CN provinces,
with names in the page's language.

Names come from the project's own table first (`place_names.py`: Taiwan,
Hong Kong, Macau, every mainland division, and the few countries the library
names wrongly for this audience), and from pycountry's translations after
(zh_CN for Simplified, zh_TW for Traditional country names; Simplified
converted with OpenCC for any division the table lacks).

Hong Kong, Macau and Taiwan are chosen by their own ISO 3166-1 codes (HK, MO,
TW), so the province list holds the 31 mainland divisions only.

Choices are sorted by the name the page shows, so a reader finds a place where
they expect it: English alphabetically (accents ignored), Chinese by pinyin
(of the Simplified form, on Traditional pages too: the one order every reader
from the mainland learnt). China, where most declarants are, comes first.
"""

import functools
import gettext
import unicodedata

import pycountry
from django.utils.translation import get_language
from pypinyin import Style, lazy_pinyin

from tuidang.registry.place_names import COUNTRIES, PROVINCES
from tuidang.registry.script import to_simplified, to_traditional

CHINA = "CN"
_NOT_PROVINCES = {"CN-HK", "CN-MO", "CN-TW"}
_ENGLISH_SUFFIXES = (" Sheng", " Shi")
_CHINESE = ("zh-hans", "zh-hant")


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


def _language(language: str | None) -> str:
    return language or get_language() or "en"


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
    language = _language(language)
    if code in COUNTRIES:
        return COUNTRIES[code].in_language(language)
    if language not in _CHINESE:
        return getattr(country, "common_name", None) or country.name
    return _translate("iso3166-1", country.name, language)


def province_name(code: str, language: str | None = None) -> str:
    english = _province_english().get(code)
    if english is None:
        return code
    language = _language(language)
    if code in PROVINCES:
        return PROVINCES[code].in_language(language)
    if language not in _CHINESE:
        for suffix in _ENGLISH_SUFFIXES:
            if english.endswith(suffix):
                return english[: -len(suffix)]
        return english
    return _translate("iso3166-2", english, language)


def _sort_key(name: str, language: str) -> tuple[tuple[str, ...], str]:
    """Pinyin syllables (with tone numbers) for Chinese, accent-free letters otherwise."""
    if language in _CHINESE:
        spelled = tuple(lazy_pinyin(to_simplified(name), style=Style.TONE3))
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        spelled = ("".join(c for c in decomposed if not unicodedata.combining(c)).casefold(),)
    return spelled, name


def _by_name(named: list[tuple[str, str]], language: str) -> list[tuple[str, str]]:
    return sorted(named, key=lambda pair: (_sort_key(pair[1], language), pair[0]))


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """China first (most declarants), then every other country by its name on the page."""
    return list(_country_choices(_language(language)))


@functools.cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    others = [(code, country_name(code, language)) for code in country_codes() - {CHINA}]
    return ((CHINA, country_name(CHINA, language)), *_by_name(others, language))


def province_choices(language: str | None = None) -> list[tuple[str, str]]:
    """The 31 mainland divisions by their name on the page."""
    return list(_province_choices(_language(language)))


@functools.cache
def _province_choices(language: str) -> tuple[tuple[str, str], ...]:
    named = [(code, province_name(code, language)) for code in _province_english()]
    return tuple(_by_name(named, language))
