"""The caller's screens over HTTP (the real login, CSRF on): next call, the call
screen shown only to the caller holding the lease, outcomes and undo, and the
three ways an agreement is recorded: counted in the totals and in the public
log, with the target's identity sealed; practice mode records nothing."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from tests.console.personas import make_persona, post, sign_in
from tuidang.campaigns import scripts
from tuidang.campaigns.choices import Outcome
from tuidang.campaigns.models import Call, Target
from tuidang.registry import tally
from tuidang.registry.choices import Channel, Naming
from tuidang.registry.models import Declaration, LogEntry, PendingEntry, Person
from tuidang.transparency import published

from .helpers import make_open_campaign, make_target

pytestmark = pytest.mark.django_db

NAME = "测试处长甲"


@pytest.fixture
def callers(db):
    for name in ("carl", "cleo"):
        make_persona(name, role="caller")
    make_persona("mona", role="moderator")
    return {name: sign_in(name) for name in ("carl", "cleo")}


@pytest.fixture
def campaign():
    campaign = make_open_campaign(name="Letters to bureau chiefs")
    scripts.add_version(campaign, "# Hello\n\nWe call about **your future**. <b>raw</b>")
    make_target(
        campaign, 1, name_or_title=NAME, unit="某局", sector="police", rank="middle", place="CN-HB"
    )
    return campaign


def take_next(client, campaign=None):
    data = {"campaign": campaign.pk} if campaign else {}
    return post(client, "/console/calls/next/", data, form_url="/console/calls/")


def target_id(response) -> int:
    assert response.status_code == 302, response.content.decode()
    return int(re.search(r"/calls/(\d+)/", response["Location"]).group(1))


def test_next_call_shows_the_target_script_and_a_tel_link_to_its_caller_only(callers, campaign):
    pk = target_id(take_next(callers["carl"], campaign))
    page = callers["carl"].get(f"/console/calls/{pk}/").content.decode()
    assert NAME in page and 'href="tel:+861000000001"' in page
    assert "<strong>your future</strong>" in page and "&lt;b&gt;raw&lt;/b&gt;" in page
    assert "Hubei" in page  # the province code shown by its name
    other = callers["cleo"].get(f"/console/calls/{pk}/")
    assert other.status_code == 409 and NAME not in other.content.decode()
    # Nobody else gets the same target.
    assert take_next(callers["cleo"], campaign).status_code == 200
    assert "no-store" in other["Cache-Control"]


def test_a_second_next_call_while_one_is_leased_is_refused(callers, campaign):
    make_target(campaign, 2)
    target_id(take_next(callers["carl"]))
    with translation.override("en"):
        response = take_next(callers["carl"])
    assert response.status_code == 409
    assert Target.objects.filter(leased_to__username="carl").count() == 1


def test_an_outcome_then_undo_then_another_outcome(callers, campaign):
    client = callers["carl"]
    pk = target_id(take_next(client))
    script = scripts.current(campaign)
    page = post(
        client,
        f"/console/calls/{pk}/outcome/",
        {"outcome": "busy", "script": script.pk, "notes": "占线"},
        form_url=f"/console/calls/{pk}/",
    )
    assert page.status_code == 200
    call = Call.objects.get()
    assert (call.outcome, call.script, call.sector, call.rank) == (
        "busy",
        script,
        "police",
        "middle",
    )
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    undone = post(client, "/console/calls/undo/", {"token": token}, form_url="/console/calls/")
    assert undone.status_code == 302 and undone["Location"] == f"/console/calls/{pk}/"
    assert not Call.objects.exists()
    again = post(
        client,
        f"/console/calls/{pk}/outcome/",
        {"outcome": "listened"},
        form_url=undone["Location"],
    )
    assert again.status_code == 200 and Call.objects.get().outcome == "listened"


def test_an_outcome_for_a_target_not_leased_to_the_caller_gets_409_and_writes_nothing(
    callers, campaign
):
    pk = target_id(take_next(callers["carl"]))
    response = post(
        callers["cleo"],
        f"/console/calls/{pk}/outcome/",
        {"outcome": "busy"},
        form_url="/console/calls/",
    )
    assert response.status_code == 409 and not Call.objects.exists()


def test_a_callback_without_a_time_is_refused_beside_the_field(callers, campaign):
    client = callers["carl"]
    pk = target_id(take_next(client))
    response = post(
        client,
        f"/console/calls/{pk}/outcome/",
        {"outcome": "callback", "callback_local": "tomorrow"},
        form_url=f"/console/calls/{pk}/",
    )
    assert response.status_code == 400
    assert 'id="id_callback_local_error"' in response.content.decode()
    assert not Call.objects.exists()


def test_agreed_records_a_counted_declaration_in_the_log_and_seals_the_target(
    callers, campaign, publish
):
    client = callers["carl"]
    pk = target_id(take_next(client))
    form = client.get(f"/console/calls/{pk}/agreed/").content.decode()
    assert 'value="outbound_call"' in form and 'value="police" selected' in form
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    response = post(
        client,
        f"/console/calls/{pk}/agreed/",
        {
            "channel": "outbound_call",
            "organisations": ["party"],
            "on_behalf": "self",
            "country": "CN",
            "province": "CN-HB",
            "sector": "police",
            "rank": "middle",
            "slots": 1,
            "token": token,
            "p1_naming": "generated_alias",
            "unnamed_persons": 0,
        },
        form_url=f"/console/calls/{pk}/agreed/",
    )
    assert response.status_code == 200, response.content.decode()
    declaration = Declaration.objects.get()
    assert declaration.channel == Channel.OUTBOUND_CALL and declaration.persons == 1
    assert tally.total() == 1
    publish()
    entry = LogEntry.objects.get(declaration=declaration)
    assert entry.index < published.tree_size()
    assert published.latest()["totals"]["persons"] == 1
    target = Target.objects.get(pk=pk)
    assert target.closed and target.name_or_title == "" and target.sealed_identity
    call = Call.objects.get()
    assert (call.outcome, call.persons) == (Outcome.AGREED, 1)
    assert "declaration" not in {f.name for f in Call._meta.get_fields()}


def test_agreed_under_an_alias_we_make_in_one_step(callers, campaign):
    client = callers["carl"]
    pk = target_id(take_next(client))
    page = client.get(f"/console/calls/{pk}/agreed/").content.decode()
    token = re.findall(r'name="token" value="([^"]+)"', page)[0]
    response = post(
        client,
        f"/console/calls/{pk}/agreed/alias/",
        {"organisations": ["party"], "token": token},
        form_url=f"/console/calls/{pk}/agreed/",
    )
    assert response.status_code == 200
    person = Person.objects.get()
    assert person.naming == Naming.GENERATED_ALIAS and not person.sealed_identity
    assert 'class="alias-large"' in response.content.decode()
    assert person.public_name in response.content.decode()
    declaration = Declaration.objects.get()
    assert (declaration.sector, declaration.rank, declaration.province) == (
        "police",
        "middle",
        "CN-HB",
    )
    assert Call.objects.get().outcome == Outcome.AGREED
    # The same form sent twice records one declaration.
    post(
        client,
        f"/console/calls/{pk}/agreed/alias/",
        {"organisations": ["party"], "token": token},
        form_url="/console/calls/",
    )
    assert Declaration.objects.count() == 1 and Call.objects.count() == 1


def test_agreed_as_a_group_counts_the_persons(callers, campaign):
    client = callers["carl"]
    pk = target_id(take_next(client))
    page = client.get(f"/console/calls/{pk}/agreed/group/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = post(
        client,
        f"/console/calls/{pk}/agreed/group/",
        {
            "label": "某局办公室",
            "channel": "outbound_call",
            "organisations": ["party"],
            "on_behalf": "self",
            "country": "CN",
            "slots": 8,
            "token": token,
            "unnamed_persons": 6,
        },
        form_url=f"/console/calls/{pk}/agreed/group/",
    )
    assert response.status_code == 200, response.content.decode()
    assert Declaration.objects.get().persons == 6
    assert (Call.objects.get().outcome, Call.objects.get().persons) == (Outcome.AGREED_GROUP, 6)


def test_agreement_on_a_target_not_leased_to_the_caller_declares_nothing(callers, campaign):
    pk = target_id(take_next(callers["carl"]))
    response = post(
        callers["cleo"],
        f"/console/calls/{pk}/agreed/alias/",
        {"organisations": ["party"], "token": "x" * 20},
        form_url="/console/calls/",
    )
    assert response.status_code == 409
    assert not Declaration.objects.exists() and not Call.objects.exists()


def test_practice_mode_records_nothing_in_the_registry(callers, publish):
    practice = make_open_campaign(name="Training", practice=True)
    make_target(practice, 5, name_or_title="练习对象")
    client = callers["carl"]
    pk = target_id(take_next(client, practice))
    page = client.get(f"/console/calls/{pk}/").content.decode()
    assert 'class="practice"' in page
    agreed_page = client.get(f"/console/calls/{pk}/agreed/").content.decode()
    token = re.findall(r'name="token" value="([^"]+)"', agreed_page)[0]
    response = post(
        client,
        f"/console/calls/{pk}/agreed/alias/",
        {"organisations": ["party"], "token": token},
        form_url=f"/console/calls/{pk}/agreed/",
    )
    assert response.status_code == 200 and 'class="alias-large"' in response.content.decode()
    full = post(
        client,
        f"/console/calls/{pk}/agreed/",
        {
            "channel": "outbound_call",
            "organisations": ["party"],
            "on_behalf": "self",
            "country": "CN",
            "slots": 1,
            "token": token,
            "p1_naming": "generated_alias",
        },
        form_url=f"/console/calls/{pk}/agreed/",
    )
    assert full.status_code == 200
    publish()
    assert not Declaration.objects.exists() and not PendingEntry.objects.exists()
    assert not LogEntry.objects.exists() and tally.total() == 0
    assert published.tree_size() == 0


def test_a_moderator_cannot_reach_the_calls(callers, campaign):
    client = sign_in("mona")
    assert client.get("/console/calls/").status_code == 403


def test_times_on_the_call_screen_are_the_targets_local_times(callers, campaign):
    urumqi = make_target(campaign, 3, zone="Asia/Urumqi", priority=100)
    client = callers["carl"]
    pk = target_id(take_next(client))
    assert pk == urumqi.pk
    before = timezone.now().astimezone(ZoneInfo("Asia/Urumqi"))
    page = client.get(f"/console/calls/{pk}/").content.decode()
    after = timezone.now().astimezone(ZoneInfo("Asia/Urumqi"))
    assert before.strftime("%H:%M") in page or after.strftime("%H:%M") in page
    # A callback asked for at 15:30 their time is shown back as 15:30.
    day = (before + datetime.timedelta(days=2)).date()
    response = post(
        client,
        f"/console/calls/{pk}/outcome/",
        {"outcome": "callback", "callback_local": f"{day.isoformat()}T15:30"},
        form_url=f"/console/calls/{pk}/",
    )
    assert response.status_code == 200, response.content.decode()
    assert f"{day.isoformat()} 15:30" in response.content.decode()
    expected = datetime.datetime.combine(day, datetime.time(15, 30), ZoneInfo("Asia/Urumqi"))
    assert Target.objects.get(pk=pk).callback_at == expected
