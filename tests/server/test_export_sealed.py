"""`tuidang export sealed --request N`: custodians get one tar file whose sealed
values open with the real `age` tool and their own key, generated here with
`age-keygen`; only for a request another custodian approved (two others for
everything), exactly its scope, once, with no time finer than the day; every
step audited. Rotating the recipients seals new declarations to the new
custodians while old values still open with the old key (and not with the new
one)."""

import datetime
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.factories import make_declaration, person
from tuidang.console import unsealing
from tuidang.console.models import AuditEvent, UnsealRequest, Volunteer
from tuidang.console.roles import Role
from tuidang.registry.choices import Naming

pytestmark = pytest.mark.django_db

AGE = shutil.which("age") or "/usr/bin/age"
AGE_KEYGEN = shutil.which("age-keygen") or "/usr/bin/age-keygen"


def custodian_account(name: str):
    user = get_user_model().objects.create_user(username=name)
    Volunteer.objects.create(user=user, role=Role.CUSTODIAN)
    return user


@pytest.fixture
def accounts(db):
    """Three custodians' console accounts: the requester and two others."""
    return [custodian_account(name) for name in ("rita", "otto", "ines")]


def request(accounts, ids=None, approvals=None) -> UnsealRequest:
    """A request by rita for `ids` (everything when None), approved by the
    number of other custodians it needs unless `approvals` says otherwise."""
    scope = "everything" if ids is None else "declarations"
    made = unsealing.request_export(accounts[0], scope, ids or [], "test")
    needed = made.approvals_needed if approvals is None else approvals
    for approver in accounts[1 : 1 + needed]:
        unsealing.approve(approver, made.pk)
    return made


class Custodian:
    """A key pair made by age-keygen, as a custodian makes it on an offline machine."""

    def __init__(self, folder: Path, name: str):
        self.identity = folder / f"{name}-key.txt"
        subprocess.run([AGE_KEYGEN, "-o", str(self.identity)], check=True, capture_output=True)
        self.recipient = subprocess.run(
            [AGE_KEYGEN, "-y", str(self.identity)], check=True, capture_output=True, text=True
        ).stdout.strip()

    def open(self, path: Path) -> dict | None:
        result = subprocess.run(
            [AGE, "-d", "-i", str(self.identity), str(path)], capture_output=True
        )
        return json.loads(result.stdout) if result.returncode == 0 else None


def declare_with_secrets(name: str, contact: str):
    return make_declaration(
        people=[person(Naming.GENERATED_ALIAS, true_name=name)], contact=contact
    )


def export(request_id: int, output: Path) -> None:
    call_command("export", "sealed", "--request", str(request_id), "--output", str(output))


def export_and_unpack(
    tmp_path: Path, request_id: int, name="export.tar"
) -> tuple[Path, list[dict]]:
    output = tmp_path / name
    export(request_id, output)
    assert output.stat().st_mode & 0o077 == 0  # owner only
    unpacked = tmp_path / (name + ".d")
    with tarfile.open(output) as archive:
        archive.extractall(unpacked, filter="data")
    index = [json.loads(line) for line in (unpacked / "index.jsonl").read_text().splitlines()]
    return unpacked, index


def test_custodians_open_every_exported_value_with_age(settings, tmp_path, accounts):
    custodian = Custodian(tmp_path, "cora")
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = [custodian.recipient]
    receipt = declare_with_secrets("出口测试甲", "export-contact-1@example.invalid")
    make_declaration()  # nothing sealed: nothing exported
    folder, index = export_and_unpack(tmp_path, request(accounts).pk)
    assert sorted(entry["field"] for entry in index) == ["contact", "identity"]
    assert {entry["declaration"] for entry in index} == {receipt.declaration_id}
    opened = {entry["field"]: custodian.open(folder / entry["file"]) for entry in index}
    assert opened["identity"]["true_name"] == "出口测试甲"
    assert opened["contact"]["contact"] == "export-contact-1@example.invalid"
    assert "age -d -i" in (folder / "README.txt").read_text()
    raw = (tmp_path / "export.tar").read_bytes()
    assert "出口测试甲".encode() not in raw and b"export-contact-1" not in raw


def test_after_rotation_new_values_go_to_the_new_custodians_and_old_ones_stay_readable(
    settings, tmp_path, accounts
):
    old, new = Custodian(tmp_path, "old"), Custodian(tmp_path, "new")
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = [old.recipient]
    before = declare_with_secrets("轮换前", "before@example.invalid").declaration_id
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = [new.recipient]  # the rotation
    after = declare_with_secrets("轮换后", "after@example.invalid").declaration_id
    folder, index = export_and_unpack(tmp_path, request(accounts).pk)
    files = {(e["declaration"], e["field"]): folder / e["file"] for e in index}
    assert old.open(files[before, "identity"])["true_name"] == "轮换前"
    assert new.open(files[before, "identity"]) is None
    assert new.open(files[after, "identity"])["true_name"] == "轮换后"
    assert old.open(files[after, "contact"]) is None


def test_during_an_overlap_both_custodians_open_new_values(settings, tmp_path, accounts):
    old, new = Custodian(tmp_path, "old"), Custodian(tmp_path, "new")
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = [old.recipient, new.recipient]
    declare_with_secrets("交接期", "")
    folder, index = export_and_unpack(tmp_path, request(accounts).pk)
    (entry,) = index
    assert old.open(folder / entry["file"]) == new.open(folder / entry["file"])


def test_the_export_never_overwrites_a_file_and_keeps_the_request(tmp_path, accounts):
    approved = request(accounts)
    existing = tmp_path / "export.tar"
    existing.write_text("keep me")
    with pytest.raises(CommandError, match="never overwrites"):
        export(approved.pk, existing)
    assert existing.read_text() == "keep me"
    assert UnsealRequest.objects.get().state == "approved"  # not used up


def test_no_export_without_a_second_custodians_approval(tmp_path, accounts):
    made = request(accounts, [make_declaration().declaration_id], approvals=0)
    with pytest.raises(unsealing.UnsealError, match="own request"):
        unsealing.approve(accounts[0], made.pk)  # the requester's own approval
    output = tmp_path / "export.tar"
    with pytest.raises(CommandError, match="not approved"):
        export(made.pk, output)
    with pytest.raises(CommandError, match="no request 999"):
        export(999, output)
    assert not output.exists()
    assert UnsealRequest.objects.get().approvals.count() == 0


def test_exactly_the_approved_scope_is_exported_and_opens_with_age(settings, tmp_path, accounts):
    custodian = Custodian(tmp_path, "cora")
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = [custodian.recipient]
    wanted = declare_with_secrets("要打开的", "wanted@example.invalid").declaration_id
    other = declare_with_secrets("别打开", "other@example.invalid").declaration_id
    also = declare_with_secrets("也要", "").declaration_id
    folder, index = export_and_unpack(tmp_path, request(accounts, [also, wanted]).pk)
    with tarfile.open(tmp_path / "export.tar") as archive:
        names = sorted(archive.getnames())
    assert names == sorted(
        [
            "README.txt",
            "index.jsonl",
            f"sealed/d{wanted}-contact.age",
            f"sealed/d{wanted}-p0.age",
            f"sealed/d{also}-p0.age",
        ]
    )
    assert {entry["declaration"] for entry in index} == {wanted, also}
    assert all(f"d{other}-" not in name for name in names)
    opened = custodian.open(folder / f"sealed/d{wanted}-p0.age")
    assert opened["true_name"] == "要打开的"
    assert f"request {UnsealRequest.objects.get().pk}" in (folder / "README.txt").read_text()


def test_a_request_is_exported_once(tmp_path, accounts):
    made = request(accounts, [make_declaration().declaration_id])
    export(made.pk, tmp_path / "first.tar")
    with pytest.raises(CommandError, match="exported already"):
        export(made.pk, tmp_path / "second.tar")
    assert not (tmp_path / "second.tar").exists()
    assert UnsealRequest.objects.get().state == "exported"


def test_everything_needs_two_approvals_neither_the_requesters(tmp_path, accounts):
    made = request(accounts, approvals=1)
    assert UnsealRequest.objects.get().state == "pending"
    with pytest.raises(CommandError, match="not approved"):
        export(made.pk, tmp_path / "export.tar")
    with pytest.raises(unsealing.UnsealError):
        unsealing.approve(accounts[1], made.pk)  # the same second custodian again
    with pytest.raises(unsealing.UnsealError):
        unsealing.approve(accounts[0], made.pk)  # nor the requester
    assert not (tmp_path / "export.tar").exists()
    unsealing.approve(accounts[2], made.pk)
    export(made.pk, tmp_path / "export.tar")
    assert (tmp_path / "export.tar").exists()


def test_refused_and_cancelled_requests_export_nothing(tmp_path, accounts):
    declaration = make_declaration().declaration_id
    refused = request(accounts, [declaration])
    unsealing.refuse(accounts[2], refused.pk)  # approved, then refused: ends it
    cancelled = request(accounts, [declaration], approvals=0)
    with pytest.raises(unsealing.UnsealError):
        unsealing.cancel(accounts[1], cancelled.pk)  # only the requester cancels
    unsealing.cancel(accounts[0], cancelled.pk)
    for made in (refused, cancelled):
        with pytest.raises(CommandError, match="not approved"):
            export(made.pk, tmp_path / "export.tar")
    assert not (tmp_path / "export.tar").exists()


def test_every_step_is_audited_with_requester_and_approvers(tmp_path, accounts):
    made = request(accounts)
    export(made.pk, tmp_path / "export.tar")
    declined = request(accounts, [make_declaration().declaration_id], approvals=0)
    unsealing.refuse(accounts[1], declined.pk)
    events = [
        (e.action, e.actor.username if e.actor else None, e.detail)
        for e in AuditEvent.objects.filter(action__startswith="unseal").order_by("id")
    ]
    assert [(action, actor) for action, actor, _ in events] == [
        ("unseal_requested", "rita"),
        ("unseal_approved", "otto"),
        ("unseal_approved", "ines"),
        ("unseal_exported", None),  # made on the server, by the operator
        ("unseal_requested", "rita"),
        ("unseal_refused", "otto"),
    ]
    assert f"request {made.pk} by rita: everything" in events[0][2]
    assert "approved by otto, ines" in events[3][2]
    assert all(e.at is not None for e in AuditEvent.objects.all())


def test_the_export_carries_no_time_finer_than_the_day(tmp_path, accounts):
    declare_with_secrets("时间", "time@example.invalid")
    output = tmp_path / "export.tar"
    export(request(accounts).pk, output)
    today = datetime.datetime.now(datetime.UTC).date()
    midnight = datetime.datetime.combine(today, datetime.time(0), tzinfo=datetime.UTC)
    with tarfile.open(output) as archive:
        members = archive.getmembers()
    assert len(members) == 4
    assert {member.mtime for member in members} == {int(midnight.timestamp())}
    assert output.stat().st_mtime == midnight.timestamp()
    assert output.stat().st_mode & 0o077 == 0


def test_a_failed_export_keeps_no_file_and_uses_the_request_up(tmp_path, accounts, monkeypatch):
    from tuidang.server.management.commands import export as command

    def fail_half_way(path, *args, **kwargs):
        path.write_bytes(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(command, "export_sealed", fail_half_way)
    made = request(accounts)
    with pytest.raises(CommandError, match="make a new request"):
        export(made.pk, tmp_path / "export.tar")
    assert not (tmp_path / "export.tar").exists()
    assert UnsealRequest.objects.get().state == "exported"
    assert AuditEvent.objects.filter(action="unseal_export_failed").count() == 1
