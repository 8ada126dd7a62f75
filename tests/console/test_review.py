"""Volunteer entries are accepted at once and listed for a moderator's review."""

import pytest

from tuidang.console.models import VolunteerEntry
from tuidang.registry import tally
from tuidang.registry.choices import Naming, Status
from tuidang.registry.models import Declaration

from .helpers import submit
from .personas import post, sign_in

pytestmark = pytest.mark.django_db

CALL = {
    "channel": "hotline",
    "organisations": ["party"],
    "on_behalf": "self",
    "p1_naming": Naming.GENERATED_ALIAS,
    "country": "CN",
}


def test_an_entry_is_listed_until_reviewed(personas):
    submit(sign_in("olga"), "/console/hotline/", CALL)
    mona = sign_in("mona")
    entry = VolunteerEntry.objects.get()
    page = mona.get("/console/review/").content.decode()
    assert f"#{entry.declaration_id}" in page and "olga" in page
    post(mona, f"/console/review/{entry.pk}/", {"action": "reviewed"}, form_url="/console/review/")
    assert f"#{entry.declaration_id}" not in mona.get("/console/review/").content.decode()


def test_a_wrong_entry_is_revoked_and_uncounted(personas):
    submit(sign_in("olga"), "/console/hotline/", CALL)
    assert tally.total() == 1
    mona = sign_in("mona")
    entry = VolunteerEntry.objects.get()
    post(
        mona,
        f"/console/review/{entry.pk}/",
        {"action": "revoke", "reason": "error"},
        form_url="/console/review/",
    )
    assert Declaration.objects.get().status == Status.REVOKED
    assert tally.total() == 0
