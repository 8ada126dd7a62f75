"""`tuidang export sealed`: custodians get one tar file whose sealed values open
with the real `age` tool and their own key, generated here with `age-keygen`;
rotating the recipients seals new declarations to the new custodians while old
values still open with the old key (and not with the new one)."""

import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_declaration, person
from tuidang.registry.choices import Naming

pytestmark = pytest.mark.django_db

AGE = shutil.which("age") or "/usr/bin/age"
AGE_KEYGEN = shutil.which("age-keygen") or "/usr/bin/age-keygen"


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


def export_and_unpack(tmp_path: Path, name="export.tar") -> tuple[Path, list[dict]]:
    output = tmp_path / name
    call_command("export", "sealed", "--output", str(output))
    assert output.stat().st_mode & 0o077 == 0  # owner only
    unpacked = tmp_path / (name + ".d")
    with tarfile.open(output) as archive:
        archive.extractall(unpacked, filter="data")
    index = [json.loads(line) for line in (unpacked / "index.jsonl").read_text().splitlines()]
    return unpacked, index


def test_custodians_open_every_exported_value_with_age(settings, tmp_path):
    custodian = Custodian(tmp_path, "cora")
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = [custodian.recipient]
    receipt = declare_with_secrets("出口测试甲", "export-contact-1@example.invalid")
    make_declaration()  # nothing sealed: nothing exported
    folder, index = export_and_unpack(tmp_path)
    assert sorted(entry["field"] for entry in index) == ["contact", "identity"]
    assert {entry["declaration"] for entry in index} == {receipt.declaration_id}
    opened = {entry["field"]: custodian.open(folder / entry["file"]) for entry in index}
    assert opened["identity"]["true_name"] == "出口测试甲"
    assert opened["contact"]["contact"] == "export-contact-1@example.invalid"
    assert "age -d -i" in (folder / "README.txt").read_text()
    raw = (tmp_path / "export.tar").read_bytes()
    assert "出口测试甲".encode() not in raw and b"export-contact-1" not in raw


def test_after_rotation_new_values_go_to_the_new_custodians_and_old_ones_stay_readable(
    settings, tmp_path
):
    old, new = Custodian(tmp_path, "old"), Custodian(tmp_path, "new")
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = [old.recipient]
    before = declare_with_secrets("轮换前", "before@example.invalid").declaration_id
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = [new.recipient]  # the rotation
    after = declare_with_secrets("轮换后", "after@example.invalid").declaration_id
    folder, index = export_and_unpack(tmp_path)
    files = {(e["declaration"], e["field"]): folder / e["file"] for e in index}
    assert old.open(files[before, "identity"])["true_name"] == "轮换前"
    assert new.open(files[before, "identity"]) is None
    assert new.open(files[after, "identity"])["true_name"] == "轮换后"
    assert old.open(files[after, "contact"]) is None


def test_during_an_overlap_both_custodians_open_new_values(settings, tmp_path):
    old, new = Custodian(tmp_path, "old"), Custodian(tmp_path, "new")
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = [old.recipient, new.recipient]
    declare_with_secrets("交接期", "")
    folder, index = export_and_unpack(tmp_path)
    (entry,) = index
    assert old.open(folder / entry["file"]) == new.open(folder / entry["file"])


def test_the_export_never_overwrites_a_file(tmp_path):
    existing = tmp_path / "export.tar"
    existing.write_text("keep me")
    with pytest.raises(CommandError):
        call_command("export", "sealed", "--output", str(existing))
    assert existing.read_text() == "keep me"
