"""Every place name the site shows, in every language, is the one this audience
writes: Taiwan never a province of China, Hong Kong and Macau by their own
names, every mainland division in Chinese on Chinese pages (never in pinyin),
and the same on the rendered pages."""

import re

import pycountry
import pytest

from tuidang.registry import places
from tuidang.registry.place_names import COUNTRIES, PROVINCES
from tuidang.registry.script import to_traditional

from ..factories import make_declaration

LANGUAGES = ["en", "zh-hans", "zh-hant"]
CHINESE = ["zh-hans", "zh-hant"]
PREFIX = {"zh-hans": "", "zh-hant": "/zh-hant", "en": "/en"}
TAIWAN = {"zh-hans": "台湾", "zh-hant": "臺灣", "en": "Taiwan"}
NINGXIA = {"zh-hans": "宁夏", "zh-hant": "寧夏", "en": "Ningxia"}
NINGXIA_COUNTRY = {"zh-hans": "中国", "zh-hant": "中國", "en": "China"}

# The regime's naming of Taiwan, in either script and in English.
PROVINCE_OF_CHINA = re.compile(
    r"[台臺][湾灣]省|中[国國][台臺][湾灣]|Taiwan,? Province|Province of China|Taiwan Sheng"
)
LATIN = re.compile(r"[A-Za-z]")
MAINLAND = {
    division.code
    for division in pycountry.subdivisions.get(country_code="CN")
    if division.code not in {"CN-HK", "CN-MO", "CN-TW"}
}


def names(language: str) -> dict[str, str]:
    """Every country and province name shown in `language`, by code."""
    shown = {code: places.country_name(code, language) for code in places.country_codes()}
    shown |= {code: places.province_name(code, language) for code in places.province_codes()}
    return shown


def pinyin_provinces() -> set[str]:
    """Every Latin spelling of a mainland division: ours and the library's."""
    spellings = {names.en for names in PROVINCES.values()} | {"Xizang", "Nei Mongol"}
    for division in pycountry.subdivisions.get(country_code="CN"):
        if division.code in MAINLAND:
            spellings |= {division.name, division.name.split()[0]}
    return spellings


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_name_makes_taiwan_a_province_of_china(language):
    for code, name in names(language).items():
        assert not PROVINCE_OF_CHINA.search(name), (code, name)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("TW", ("台湾", "臺灣", "Taiwan")),
        ("HK", ("香港", "香港", "Hong Kong")),
        ("MO", ("澳门", "澳門", "Macau")),
        ("CN", ("中国", "中國", "China")),
    ],
)
def test_taiwan_hong_kong_and_macau_by_their_own_names(code, expected):
    shown = tuple(places.country_name(code, language) for language in CHINESE + ["en"])
    assert shown == expected


def test_hong_kong_macau_and_taiwan_are_no_provinces():
    assert places.province_codes() == MAINLAND
    assert len(MAINLAND) == 31
    assert {"CN-HK", "CN-MO", "CN-TW"}.isdisjoint(code for code, _ in places.province_choices())


@pytest.mark.parametrize("language", CHINESE)
def test_every_name_on_a_chinese_page_is_chinese(language):
    for code, name in names(language).items():
        assert name and not LATIN.search(name), (code, name)


def test_the_table_names_every_mainland_division():
    assert set(PROVINCES) == MAINLAND
    for code, table in PROVINCES.items():
        shown = tuple(places.province_name(code, language) for language in CHINESE + ["en"])
        assert shown == (table.zh_hans, table.zh_hant, table.en)
        # The Traditional name is the Simplified one in the other script.
        assert to_traditional(table.zh_hans) == table.zh_hant, code


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("CN-NX", ("宁夏", "寧夏", "Ningxia")),
        ("CN-XZ", ("西藏", "西藏", "Tibet")),
        ("CN-NM", ("内蒙古", "內蒙古", "Inner Mongolia")),
        ("CN-XJ", ("新疆", "新疆", "Xinjiang")),
        ("CN-GX", ("广西", "廣西", "Guangxi")),
        ("CN-BJ", ("北京", "北京", "Beijing")),
        ("CN-HE", ("河北", "河北", "Hebei")),
        ("CN-HB", ("湖北", "湖北", "Hubei")),
    ],
)
def test_divisions_by_the_short_names_people_write(code, expected):
    assert tuple(places.province_name(code, language) for language in CHINESE + ["en"]) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_province_carries_the_regimes_title(language):
    titles = re.compile(r"(省|市|自治[区區]|Zizhiqu| Sheng| Shi|Xizang)$|Zizhiqu")
    for code in places.province_codes():
        name = places.province_name(code, language)
        assert not titles.search(name), (code, name)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("KP", ("朝鲜", "北韓", "North Korea")),
        ("KR", ("韩国", "韓國", "South Korea")),
        ("LA", ("老挝", "寮國", "Laos")),
        ("KH", ("柬埔寨", "柬埔寨", "Cambodia")),
    ],
)
def test_countries_by_their_common_names_not_the_party_states_titles(code, expected):
    assert tuple(places.country_name(code, language) for language in CHINESE + ["en"]) == expected


def test_the_table_only_names_real_codes():
    assert set(COUNTRIES) <= places.country_codes()


@pytest.mark.parametrize("language", LANGUAGES)
def test_choices_put_china_first_then_every_place_once(language):
    countries = places.country_choices(language)
    assert countries[0] == ("CN", places.country_name("CN", language))
    assert sorted(code for code, _ in countries) == sorted(places.country_codes())
    provinces = places.province_choices(language)
    assert sorted(code for code, _ in provinces) == sorted(MAINLAND)
    assert dict(countries)["TW"] == places.country_name("TW", language)


def test_choices_are_in_the_pages_order():
    english = [name for _, name in places.country_choices("en")[1:]]
    assert english.index("Afghanistan") < english.index("Åland Islands") < english.index("Zambia")
    simplified = [name for _, name in places.province_choices("zh-hans")]
    assert simplified[:3] == ["安徽", "北京", "重庆"] and simplified[-1] == "浙江"
    traditional = [name for _, name in places.province_choices("zh-hant")]
    assert traditional[:3] == ["安徽", "北京", "重慶"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_the_regimes_names(client, publish, language):
    make_declaration(accept=True, country="TW", province="", statement="在台北声明退出")
    make_declaration(accept=True, country="CN", province="CN-NX", statement="在银川声明退出")
    publish()
    prefix = PREFIX[language]
    pages = {
        path: client.get(prefix + path).content.decode()
        for path in ("/declare/", "/declare/for-others/", "/statements/")
    }
    taiwan, ningxia = TAIWAN[language], NINGXIA[language]
    pinyin = re.compile(r"\b(" + "|".join(map(re.escape, sorted(pinyin_provinces()))) + r")\b")
    for path, html in pages.items():
        assert not PROVINCE_OF_CHINA.search(html), (path, PROVINCE_OF_CHINA.search(html))
        if language in CHINESE:
            assert not pinyin.search(html), (path, pinyin.search(html))
    for path in ("/declare/", "/declare/for-others/"):
        assert f'<option value="TW">{taiwan}</option>' in pages[path], path
        assert f'<option value="CN-NX">{ningxia}</option>' in pages[path], path
    statements = pages["/statements/"]
    assert f"· {taiwan}</p>" in statements
    assert f"· {NINGXIA_COUNTRY[language]} · {ningxia}</p>" in statements
