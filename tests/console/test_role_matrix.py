"""The role matrix of docs/roles.md, checked for every console URL, every role
and an anonymous visitor: anonymous → login page, wrong role → 403, right role
→ through the guard (200, 405 for a POST-only URL visited with GET, or 409 for
a call screen whose target is not leased to the visitor)."""

import re
from pathlib import Path

import pytest
from django.urls import URLResolver, get_resolver

from tests.campaigns.helpers import make_open_campaign, make_target
from tests.factories import make_declaration
from tuidang.console.models import UnsealRequest, VolunteerEntry
from tuidang.registry.choices import Channel

from .personas import PERSONAS, browser, sign_in

pytestmark = pytest.mark.django_db

ROLES_DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"
ROLE_COLUMNS = [
    "operator",
    "caller",
    "campaign_lead",
    "moderator",
    "administrator",
    "custodian",
]
ONE_PERSONA = {role: name for name, role in reversed(PERSONAS.items())}


def documented_matrix() -> dict[str, dict[str, str]]:
    rows = {}
    for line in ROLES_DOC.read_text().splitlines():
        match = re.match(r"\| `(/console/[^`]*)` \|(.*)\|$", line)
        if match:
            cells = [cell.strip() for cell in match.group(2).split("|")]
            rows[match.group(1)] = dict(zip(ROLE_COLUMNS, cells, strict=True))
    return rows


def console_routes() -> list[str]:
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "console":
            return ["/console/" + str(p.pattern) for p in entry.url_patterns]
    raise AssertionError("console not mounted")


def test_every_console_url_is_in_the_documented_matrix_and_nothing_else():
    assert sorted(documented_matrix()) == sorted(
        re.sub(r"<\w+:(\w+)>", r"<\1>", route) for route in console_routes()
    )


def _concrete(route: str, samples: dict) -> str:
    return re.sub(r"<(\w+)>", lambda m: str(samples[m.group(1)]), route)


def test_every_role_reaches_exactly_the_urls_the_matrix_gives_it(personas):
    receipt = make_declaration(channel=Channel.HOTLINE, accept=True)
    entry = VolunteerEntry.objects.create(
        declaration_id=receipt.declaration_id, entered_by=personas["olga"].user, day="2024-01-01"
    )
    unseal = UnsealRequest.objects.create(
        requested_by=personas["cora"].user,
        scope="everything",
        reason="key rotation",
        requested_at="2024-01-01T00:00Z",
    )
    campaign = make_open_campaign()
    samples = {
        "campaign_id": campaign.pk,
        "target_id": make_target(campaign, 1).pk,
        "request_id": unseal.pk,
        "token": "no-such-invitation",
        "channel": "fax",
        "declaration_id": receipt.declaration_id,
        "entry_id": entry.pk,
        "volunteer_id": personas["olga"].pk,
    }
    clients = {role: sign_in(name) for role, name in ONE_PERSONA.items()}
    checked = 0
    for route, access in documented_matrix().items():
        url = _concrete(route, samples)
        anonymous = browser().get(url)
        if set(access.values()) == {"public"}:
            assert anonymous.status_code in (200, 302, 404), url
            if anonymous.status_code == 302:
                assert anonymous["Location"] == "/console/login/"
            continue
        assert anonymous.status_code == 302 and anonymous["Location"] == "/console/login/", url
        for role, allowed in access.items():
            status = clients[role].get(url).status_code
            if allowed == "yes":
                assert status in (200, 405, 409), f"{role} {url} {status}"
            else:
                assert status == 403, f"{role} {url} {status}"
            checked += 1
    assert checked >= 80
