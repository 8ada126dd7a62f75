"""The moderation queue: claims, accept, coded rejections, duplicates, and
statements held by the scrubber until a moderator edits them."""

import pytest

from tests.factories import make_declaration
from tests.public.helpers import browser as public_browser
from tests.public.helpers import submit as public_submit
from tuidang.console.models import AuditEvent, DeclarationEvent, DuplicateLink
from tuidang.registry import tally
from tuidang.registry.choices import StatementState, Status
from tuidang.registry.models import Declaration

from .personas import post, sign_in

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"


def act(client, declaration_id, action, **data):
    page = f"/console/moderation/{declaration_id}/"
    return post(client, page + "act/", {"action": action, **data}, form_url=page)


def claimed(name, declaration_id):
    client = sign_in(name)
    assert act(client, declaration_id, "claim").status_code == 302
    return client


def test_the_queue_lists_web_declarations_with_days_waited(personas):
    import datetime

    old = make_declaration(day=datetime.date.today() - datetime.timedelta(days=3))
    make_declaration(accept=True)
    page = sign_in("mona").get("/console/moderation/").content.decode()
    assert f"#{old.declaration_id}" in page and "3 days" in page
    assert page.count("/console/moderation/") >= 1


def test_a_moderator_must_claim_before_acting(personas):
    receipt = make_declaration()
    client = sign_in("mona")
    assert act(client, receipt.declaration_id, "accept").status_code == 409
    assert Declaration.objects.get().status == Status.RECEIVED


def test_two_moderators_never_work_on_the_same_declaration(personas):
    receipt = make_declaration()
    claimed("mona", receipt.declaration_id)
    vera = sign_in("vera")
    assert act(vera, receipt.declaration_id, "claim").status_code == 409
    assert act(vera, receipt.declaration_id, "accept").status_code == 409
    assert Declaration.objects.get().status == Status.RECEIVED


def test_accepting_counts_the_declaration_and_audits_the_day_only(personas):
    receipt = make_declaration()
    client = claimed("mona", receipt.declaration_id)
    assert act(client, receipt.declaration_id, "accept").status_code == 302
    assert Declaration.objects.get().status == Status.ACCEPTED
    assert tally.total() == 1
    event = DeclarationEvent.objects.get(action="accept")
    assert event.declaration_id == receipt.declaration_id and not hasattr(event, "at")
    assert not AuditEvent.objects.filter(action="accept").exists()


def test_a_rejection_has_a_coded_reason_and_is_counted_in_the_queue(personas):
    receipt = make_declaration()
    client = claimed("mona", receipt.declaration_id)
    act(client, receipt.declaration_id, "reject", reason="abuse")
    declaration = Declaration.objects.get()
    assert declaration.status == Status.REJECTED and declaration.reject_reason == "abuse"
    page = client.get("/console/moderation/").content.decode()
    assert "<th>Abuse</th><td>1</td>" in page


def test_another_reason_needs_a_note(personas):
    receipt = make_declaration()
    client = claimed("mona", receipt.declaration_id)
    response = act(client, receipt.declaration_id, "reject", reason="other", note="")
    assert response.status_code == 400
    assert Declaration.objects.get().status == Status.RECEIVED


def test_a_received_duplicate_is_rejected_and_linked_to_its_original(personas):
    original = make_declaration(accept=True)
    copy = make_declaration()
    client = claimed("mona", copy.declaration_id)
    act(client, copy.declaration_id, "duplicate", original=str(original.declaration_id))
    duplicate = Declaration.objects.get(pk=copy.declaration_id)
    assert duplicate.status == Status.REJECTED and duplicate.reject_reason == "duplicate"
    assert DuplicateLink.objects.get().original_id == original.declaration_id
    assert tally.total() == 1


def test_an_accepted_duplicate_is_revoked_and_the_count_stays_right(personas):
    original = make_declaration(accept=True)
    copy = make_declaration(accept=True)
    assert tally.total() == 2
    client = claimed("mona", copy.declaration_id)
    act(client, copy.declaration_id, "duplicate", original=str(original.declaration_id))
    duplicate = Declaration.objects.get(pk=copy.declaration_id)
    assert duplicate.status == Status.REVOKED and duplicate.revoke_reason == "duplicate"
    assert tally.total() == 1


def test_a_declaration_cannot_duplicate_itself(personas):
    receipt = make_declaration()
    client = claimed("mona", receipt.declaration_id)
    response = act(
        client, receipt.declaration_id, "duplicate", original=str(receipt.declaration_id)
    )
    assert response.status_code == 400
    assert Declaration.objects.get().status == Status.RECEIVED


def test_a_web_statement_with_an_id_number_is_flagged_and_blocked_until_edited(personas, publish):
    public_submit(
        public_browser(),
        "/declare/",
        {
            "organisations": ["party"],
            "naming": "generated_alias",
            "country": "CN",
            "statement": f"我的身份证号是{ID_NUMBER}，我退党。",
        },
    )
    declaration = Declaration.objects.get()
    assert declaration.statement_state == StatementState.FLAGGED
    client = claimed("mona", declaration.pk)
    page = client.get(f"/console/moderation/{declaration.pk}/").content.decode()
    assert f'<mark title="Resident ID number" data-kind="resident_id">{ID_NUMBER}' in page
    act(client, declaration.pk, "accept")
    declaration.refresh_from_db()
    assert declaration.status == Status.ACCEPTED
    assert declaration.statement_state == StatementState.FLAGGED
    assert ID_NUMBER not in public_browser().get("/statements/").content.decode()
    act(client, declaration.pk, "edit", statement=f"我还是写{ID_NUMBER}")
    declaration.refresh_from_db()
    assert declaration.statement_state == StatementState.FLAGGED
    act(client, declaration.pk, "edit", statement="我退党。")
    declaration.refresh_from_db()
    assert declaration.statement_state == StatementState.PUBLISHED
    publish()
    assert "我退党。" in public_browser().get("/statements/").content.decode()


def test_the_flagged_filter_lists_held_statements(personas):
    receipt = make_declaration(statement="电话13812345678", accept=True)
    make_declaration(statement="干净的声明", accept=True)
    page = sign_in("mona").get("/console/moderation/?show=flagged").content.decode()
    assert f">#{receipt.declaration_id}<" in page
    assert page.count('href="/console/moderation/') - page.count('href="/console/moderation/"') == 1


def test_a_moderator_may_withhold_a_statement(personas):
    receipt = make_declaration(statement="微信号abcdef123", accept=True)
    client = claimed("mona", receipt.declaration_id)
    act(client, receipt.declaration_id, "withhold")
    declaration = Declaration.objects.get()
    assert declaration.statement_state == StatementState.WITHHELD
    assert declaration.status == Status.ACCEPTED


def test_a_channel_far_above_its_norm_raises_a_flood_alert_in_the_queue(personas):
    for _ in range(60):
        make_declaration(channel="api")
    page = sign_in("mona").get("/console/moderation/").content.decode()
    assert "60" in page and 'class="error"' in page
    assert page.count('<p class="error">') == 1


def test_an_ordinary_day_raises_no_flood_alert(personas):
    make_declaration(channel="api")
    page = sign_in("mona").get("/console/moderation/").content.decode()
    assert '<p class="error">' not in page
