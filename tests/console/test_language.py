"""Each account picks its console language; most volunteers work in Chinese."""

import pytest

from tuidang.console.models import Volunteer

from .personas import post, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "save_button"),
    [("zh-hans", "保存并接受"), ("zh-hant", "保存並接受"), ("en", "Save and accept")],
)
def test_the_console_speaks_the_account_language(personas, language, save_button):
    Volunteer.objects.filter(user__username="olga").update(language=language)
    page = sign_in("olga").get("/console/hotline/")
    assert save_button in page.content.decode()
    assert f'<html lang="{language}">' in page.content.decode()


def test_a_volunteer_switches_their_own_language(personas):
    client = sign_in("olga")
    post(client, "/console/account/", {"language": "zh-hans"})
    assert Volunteer.objects.get(user__username="olga").language == "zh-hans"
    assert "热线登记" in client.get("/console/hotline/").content.decode()
    assert Volunteer.objects.get(user__username="mona").language == "en"
