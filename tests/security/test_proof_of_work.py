"""The optional proof of work on public intake (THREAT_MODEL C35,
tuidang/web/proof_of_work.py): a signed, stateless, single-use challenge tied to
nobody; a declaration without a valid solution is still recorded (no JavaScript
keeps working) but marked unproven and moderated after the proven ones; the
declare pages then run our own script and nothing else. The browser test that
solves a challenge with JavaScript is tests/public/test_browser_proof_of_work.py."""

import re
import time

import pytest
from django.core import signing
from django.test import Client

from tests.console.personas import make_persona, sign_in
from tests.console.personas import post as console_post
from tests.factories import make_declaration
from tests.public.helpers import browser, get_form, receipt_code
from tuidang.console.models import DeclarationEvent
from tuidang.registry.choices import Status
from tuidang.registry.models import Declaration
from tuidang.web import proof_of_work
from tuidang.web.proof_of_work import (
    BAD_SIGNATURE,
    EXPIRED,
    MALFORMED,
    MISSING,
    PROVEN,
    REUSED,
    TOO_EASY,
    check,
    new_challenge,
    solve,
    work,
)

from .conftest import CLIENT, NEEDLES

pytestmark = pytest.mark.django_db

BITS = 8
DECLARATION = {"organisations": "party", "naming": "generated_alias", "country": "CN"}
CHALLENGE = re.compile(r'name="proof_of_work" value="" data-challenge="([^"]+)" data-bits="(\d+)"')


@pytest.fixture
def on(settings):
    settings.TUIDANG_PROOF_OF_WORK = BITS
    return settings


def solved(challenge: str, bits: int = BITS) -> str:
    return f"{challenge}:{solve(challenge, bits)}"


def failing_counter(challenge: str, bits: int = BITS) -> str:
    """A counter whose hash has fewer than `bits` leading zero bits."""
    counter = 0
    while work(challenge, str(counter)) >= bits:
        counter += 1
    return str(counter)


# --- The challenge ------------------------------------------------------------


def test_a_signed_challenge_round_trips(on):
    challenge = new_challenge()
    assert check(solved(challenge)) == PROVEN


def test_a_challenge_holds_a_nonce_and_a_coarse_expiry_and_nothing_of_the_client(on):
    response = Client().get("/declare/", **CLIENT)
    challenge = CHALLENGE.search(response.content.decode()).group(1)
    payload = signing.Signer(salt=proof_of_work.SALT, algorithm="sha256").unsign(challenge)
    version, bits, expires, nonce = payload.split(".")
    assert (version, int(bits)) == ("pow1", BITS)
    assert int(expires) % proof_of_work.ROUNDING == 0  # a quarter of an hour, not a time
    assert int(expires) - time.time() >= proof_of_work.LIFETIME - 5
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", nonce)
    # The four fields above are the whole payload; the client's address and
    # agent (whole strings: a random nonce may hold any short digit run) are not.
    for needle in NEEDLES.values():
        assert needle not in payload
    assert new_challenge() != new_challenge()


def test_a_wrong_counter_is_refused(on):
    challenge = new_challenge()
    assert check(f"{challenge}:{failing_counter(challenge)}") == TOO_EASY


def test_a_forged_or_tampered_challenge_is_refused(on, settings):
    challenge = new_challenge()
    payload, signature = challenge.rsplit(":", 1)
    harder = payload.replace(f"pow1.{BITS}.", "pow1.9.")
    forged = f"{harder}:{signature}"
    assert check(solved(forged, 9)) == BAD_SIGNATURE
    settings.SECRET_KEY = "another-key-another-deployment"  # noqa: S105
    assert check(solved(challenge)) == BAD_SIGNATURE


def test_an_expired_challenge_is_refused(on):
    challenge = new_challenge(now=time.time() - 2 * 3600)
    assert check(solved(challenge)) == EXPIRED


def test_a_solved_challenge_is_used_only_once(on):
    proof = solved(new_challenge())
    assert check(proof) == PROVEN
    assert check(proof) == REUSED
    # another counter for the same challenge is the same challenge
    challenge, counter = proof.rsplit(":", 1)
    other = str(int(counter) + 1)
    while work(challenge, other) < BITS:
        other = str(int(other) + 1)
    assert check(f"{challenge}:{other}") == REUSED


def test_a_too_easy_challenge_or_solution_is_refused(on):
    easy = new_challenge(bits=2)  # e.g. issued before the difficulty was raised
    counter = 0
    while not (2 <= work(easy, str(counter)) < BITS):
        counter += 1
    assert check(f"{easy}:{counter}") == TOO_EASY


@pytest.mark.parametrize(
    "proof",
    ["", "no-colon", "abc:12x", ":123", "x" * 400 + ":1", "pow1.8.1.abc:1", "挑战:1"],
)
def test_a_malformed_proof_is_refused_without_an_error(on, proof):
    assert check(proof) in (MISSING, MALFORMED, BAD_SIGNATURE)


# --- The declare forms --------------------------------------------------------


def challenge_of(client, url="/declare/") -> tuple[dict, str]:
    page = client.get(url).content.decode()
    return get_form(client, url), CHALLENGE.search(page).group(1)


def declare(client, proof: str | None, url="/declare/", data=DECLARATION):
    fields, challenge = challenge_of(client, url)
    if proof is not None:
        fields["proof_of_work"] = proof.replace("{challenge}", challenge)
    return client.post(url, {**fields, **data})


def latest() -> Declaration:
    return Declaration.objects.latest("id")


@pytest.mark.parametrize("url", ["/declare/", "/en/declare/for-others/"])
def test_the_declare_forms_carry_a_challenge_and_run_only_our_own_script(on, url):
    response = Client().get(url)
    page = response.content.decode()
    match = CHALLENGE.search(page)
    assert match and int(match.group(2)) == BITS
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts == [(' src="/static/public/proof-of-work.js" defer', "")]
    assert not re.search(r"\son[a-z]+\s*=", page)  # no inline handlers
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "default-src 'none'" in csp
    for word in ("unsafe-inline", "unsafe-eval", "unsafe-hashes", "nonce-", "sha256-", "*"):
        assert word not in csp
    assert 'role="status"' in page and "<noscript>" in page


def test_the_script_is_served_from_this_site(on):
    response = Client().get("/static/public/proof-of-work.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "crypto.subtle.digest" in body and "SHA-256" in body


def test_other_pages_still_run_no_script_while_it_is_on(on):
    for path in ("/", "/receipt/", "/statements/", "/console/login/"):
        response = Client().get(path)
        assert "script-src" not in response["Content-Security-Policy"], path
        assert "<script" not in response.content.decode()


def test_a_declaration_with_a_valid_solution_is_recorded_as_proven(on):
    client = browser()
    fields, challenge = challenge_of(client)
    response = client.post(
        "/declare/", {**fields, **DECLARATION, "proof_of_work": solved(challenge)}
    )
    assert response.status_code == 200 and receipt_code(response.content.decode())
    assert latest().unproven is False
    assert latest().status == Status.RECEIVED


def test_a_declaration_without_javascript_is_still_recorded_but_unproven(on):
    response = declare(browser(), None)
    assert response.status_code == 200
    assert receipt_code(response.content.decode())
    assert latest().unproven is True


@pytest.mark.parametrize(
    "proof",
    ["", "{challenge}", "{challenge}:0x10", "not-a-challenge:5", "{challenge}:" + "9" * 40],
)
def test_a_broken_proof_records_the_declaration_unproven_not_an_error_page(on, proof):
    response = declare(browser(), proof)
    assert response.status_code == 200, response.content.decode()[:500]
    assert receipt_code(response.content.decode())
    assert latest().unproven is True


def test_a_wrong_expired_reused_or_too_easy_solution_is_recorded_unproven(on):
    client = browser()
    fields, challenge = challenge_of(client)
    wrong = f"{challenge}:{failing_counter(challenge)}"
    expired = solved(new_challenge(now=time.time() - 2 * 3600))
    easy = new_challenge(bits=2)
    too_easy = f"{easy}:{failing_counter(easy)}"
    good = solved(challenge)
    assert check(good) == PROVEN  # used here, so the form's use is a reuse
    for proof in (wrong, expired, too_easy, good):
        fields = get_form(client, "/declare/")
        response = client.post("/declare/", {**fields, **DECLARATION, "proof_of_work": proof})
        assert response.status_code == 200
        assert receipt_code(response.content.decode())
        assert latest().unproven is True, proof


def test_the_declaration_for_others_is_checked_too(on):
    data = {
        "organisations": "league",
        "relationship": "relatives",
        "p1_naming": "generated_alias",
        "country": "CN",
    }
    url = "/declare/for-others/"
    assert declare(browser(), None, url, data).status_code == 200
    assert latest().unproven is True
    client = browser()
    fields, challenge = challenge_of(client, url)
    client.post(url, {**fields, **data, "proof_of_work": solved(challenge)})
    assert latest().unproven is False and latest().by_proxy


def test_a_refused_form_gets_a_fresh_challenge(on):
    client = browser()
    fields, challenge = challenge_of(client)
    response = client.post("/declare/", {**fields, "proof_of_work": solved(challenge)})
    assert response.status_code == 400
    again = CHALLENGE.search(response.content.decode()).group(1)
    assert again != challenge
    assert not Declaration.objects.exists()


def test_with_the_setting_off_nothing_changes(settings):
    settings.TUIDANG_PROOF_OF_WORK = 0
    response = Client().get("/declare/")
    page = response.content.decode()
    assert "proof_of_work" not in page and "<script" not in page
    assert "script-src" not in response["Content-Security-Policy"]
    response = declare_without_challenge(browser())
    assert response.status_code == 200
    assert latest().unproven is False  # every declaration counts as proven


def declare_without_challenge(client):
    return client.post("/declare/", {**get_form(client, "/declare/"), **DECLARATION})


# --- The API ------------------------------------------------------------------


def api_declare(client, **headers):
    return client.post(
        "/api/v1/declarations",
        {"organisations": ["party"], "people": [{"naming": "generated_alias"}]},
        content_type="application/json",
        headers=headers,
    )


def test_the_api_hands_out_challenges_only_when_on(settings):
    settings.TUIDANG_PROOF_OF_WORK = 0
    body = Client().get("/api/v1/proof-of-work").json()
    assert body == {"enabled": False, "bits": 0, "challenge": None}
    settings.TUIDANG_PROOF_OF_WORK = BITS
    response = Client().get("/api/v1/proof-of-work")
    assert response.json()["enabled"] is True and response.json()["bits"] == BITS
    assert "no-store" in response["Cache-Control"]  # a shared cache would hand out one challenge
    assert check(solved(response.json()["challenge"])) == PROVEN


def test_an_api_declaration_with_a_valid_proof_is_proven_and_without_is_unproven(on):
    client = Client()
    challenge = client.get("/api/v1/proof-of-work").json()["challenge"]
    proof = solved(challenge)
    assert api_declare(client, **{"Proof-Of-Work": proof}).status_code == 201
    assert latest().unproven is False
    assert api_declare(client, **{"Proof-Of-Work": proof}).status_code == 201  # reused
    assert latest().unproven is True
    assert api_declare(client).status_code == 201
    assert latest().unproven is True
    assert api_declare(client, **{"Proof-Of-Work": "garbage"}).status_code == 201
    assert latest().unproven is True


def test_an_oversize_proof_header_gets_a_json_4xx(on):
    response = api_declare(Client(), **{"Proof-Of-Work": "x" * 1000})
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert "error" in response.json()
    assert not Declaration.objects.exists()


def test_the_openapi_document_describes_the_challenge_and_the_header():
    document = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/proof-of-work" in document["paths"]
    parameters = document["paths"]["/api/v1/declarations"]["post"]["parameters"]
    assert any(p["name"] == "Proof-Of-Work" and p["in"] == "header" for p in parameters)


# --- Moderation ---------------------------------------------------------------


@pytest.fixture
def moderator(db):
    make_persona("mona")
    return sign_in("mona")


def queue_numbers(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/console/moderation/(\d+)/"', page)]


def test_the_queue_puts_unproven_declarations_after_proven_ones_and_labels_them(moderator):
    import datetime

    old_day = datetime.date.today() - datetime.timedelta(days=5)
    flood = [make_declaration(unproven=True, day=old_day).declaration_id for _ in range(3)]
    proven = [make_declaration().declaration_id for _ in range(2)]
    page = moderator.get("/console/moderation/").content.decode()
    assert queue_numbers(page) == proven + flood
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    labelled = [bool(re.search("no proof of work", row)) for row in rows]
    assert labelled == [False, False, True, True, True]
    detail = moderator.get(f"/console/moderation/{flood[0]}/").content.decode()
    assert "no proof of work" in detail


def test_unproven_declarations_can_be_rejected_as_a_block(moderator):
    proven = make_declaration().declaration_id
    flood = [make_declaration(unproven=True).declaration_id for _ in range(4)]
    url = "/console/moderation/?show=unproven"
    page = moderator.get(url).content.decode()
    assert queue_numbers(page) == flood
    response = console_post(
        moderator,
        url,
        {"declaration": flood[:3], "block-reason": "abuse", "block-note": ""},
    )
    assert response.status_code == 302
    statuses = dict(Declaration.objects.values_list("id", "status"))
    assert [statuses[n] for n in flood] == [Status.REJECTED] * 3 + [Status.RECEIVED]
    assert statuses[proven] == Status.RECEIVED
    assert Declaration.objects.get(pk=flood[0]).reject_reason == "abuse"
    events = DeclarationEvent.objects.filter(action="reject")  # the day only
    assert sorted(e.declaration_id for e in events) == flood[:3]


def test_a_block_rejection_never_touches_a_proven_declaration(moderator):
    proven = make_declaration().declaration_id
    console_post(
        moderator,
        "/console/moderation/?show=unproven",
        {"declaration": [proven], "block-reason": "abuse"},
        form_url="/console/moderation/",
    )
    assert Declaration.objects.get(pk=proven).status == Status.RECEIVED


def test_a_block_rejection_needs_a_valid_reason(moderator):
    flood = make_declaration(unproven=True).declaration_id
    url = "/console/moderation/?show=unproven"
    response = console_post(moderator, url, {"declaration": [flood], "block-reason": "other"})
    assert response.status_code == 400
    assert Declaration.objects.get(pk=flood).status == Status.RECEIVED
