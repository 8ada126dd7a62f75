"""What the console shows of registry codes is in the account's language: the
place of a declaration by name (not "CN CN-BJ"), each detail the scrubber
marked by what it is (title and hidden text, not only a tooltip), and the
channels of the retention table by their labels."""

import re

import pytest

from tests.factories import make_declaration
from tuidang.console import retention
from tuidang.console.models import Volunteer
from tuidang.console.views.moderation import FINDING_LABELS
from tuidang.registry.choices import Channel
from tuidang.registry.scrubber import PATTERNS

from .personas import sign_in

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"


def in_language(name: str, language: str):
    Volunteer.objects.filter(user__username=name).update(language=language)
    return sign_in(name)


def test_every_kind_of_finding_has_a_label():
    assert set(FINDING_LABELS) == set(PATTERNS)


@pytest.mark.parametrize(
    ("language", "place", "label"),
    [
        ("zh-hans", "中国 · 北京", "居民身份证号"),
        ("zh-hant", "中國 · 北京", "居民身份證號"),
        ("en", "China · Beijing", "Resident ID number"),
    ],
)
def test_the_declaration_page_names_the_place_and_the_marked_details(
    personas, language, place, label
):
    receipt = make_declaration(province="CN-BJ", statement=f"身份证{ID_NUMBER}，QQ 123456789")
    page = in_language("mona", language).get(f"/console/moderation/{receipt.declaration_id}/")
    page = page.content.decode()
    assert f"<dd>{place}</dd>" in page
    assert "CN-BJ" not in page
    mark = re.search(r'<mark title="([^"]+)" data-kind="resident_id">([^<]+)<span', page)
    assert mark and mark.group(1).startswith(label) and mark.group(2) == ID_NUMBER
    assert f'<span class="visually-hidden"> ({mark.group(1)})</span></mark>' in page
    assert 'data-kind="qq"' in page
    assert 'title="qq"' not in page and 'title="resident_id"' not in page


def test_the_retention_table_names_channels(personas):
    page = in_language("cora", "zh-hans").get("/console/custodians/").content.decode()
    table = re.search(r"<table class=\"list\">(.*?)</table>", page, re.S).group(1)
    cells = re.findall(r"<tr><td>([^<]+)</td><td>\d+</td></tr>", table)
    assert len(cells) == len(retention.CHANNELS_WITH_ORIGINALS)
    codes = {str(channel.value) for channel in Channel}
    assert not codes & set(cells)
    assert "传真" in cells
