import pytest

from ..factories import make_declaration

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_total_per_organisation_and_today(client, publish):
    make_declaration(accept=True, organisations=["party", "league"], unnamed_persons=1233)
    make_declaration(accept=False, unnamed_persons=5)
    publish()
    html = client.get("/en/").content.decode()
    assert '<p class="number">1,234</p>' in html
    assert "Today: 1,234" in html
    assert '<th scope="row">Chinese Communist Party</th><td>1,234</td>' in html
    assert '<th scope="row">Young Pioneers</th><td>0</td>' in html


def test_the_home_page_lists_crossed_milestones(client, settings, publish):
    settings.TUIDANG_MILESTONE_STEP = 10
    make_declaration(accept=True, unnamed_persons=10)
    publish()
    html = client.get("/en/").content.decode()
    assert "Next: 20" in html
    assert "<li>10 — " in html


def test_the_home_page_refuses_a_post(client):
    assert client.post("/").status_code == 405


def test_the_home_page_names_the_checkpoint_and_key_its_numbers_come_from(client, publish):
    from tuidang.transparency import keys, published

    make_declaration(accept=True)
    publish()
    html = client.get("/en/").content.decode()
    assert published.latest()["root_hash"] in html
    assert keys.verifier_key() in html
