"""Sealing to the custodians (tuidang/registry/sealing.py): the parsed
recipients are kept between calls, yet a change to the settings or to
custodians.txt (a key rotation) takes effect on the very next seal."""

import os
from pathlib import Path

import pyrage
import pytest
from django.core.exceptions import ImproperlyConfigured

from tuidang.registry import sealing


def opens_with(identity: pyrage.x25519.Identity, sealed: bytes) -> bool:
    try:
        pyrage.decrypt(sealed, [identity])
    except pyrage.DecryptError:
        return False
    return True


@pytest.fixture
def from_file(settings, tmp_path):
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = []
    settings.DATA_DIR = tmp_path
    return tmp_path / sealing.CUSTODIANS_FILE


def write_keys(path: Path, *identities) -> None:
    text = "# custodians\n" + "".join(f"{i.to_public()}\n" for i in identities)
    path.write_text(text)


def test_a_rewritten_custodians_file_is_used_at_once(from_file):
    old, new = pyrage.x25519.Identity.generate(), pyrage.x25519.Identity.generate()
    write_keys(from_file, old)
    first = sealing.seal({"true_name": "甲"})
    assert sealing.recipients() is sealing.recipients()  # parsed once, not per call
    write_keys(from_file, new)
    os.utime(from_file, ns=(1, 1))  # even with a modification time from the past
    second = sealing.seal({"true_name": "乙"})
    assert opens_with(old, first) and not opens_with(new, first)
    assert opens_with(new, second) and not opens_with(old, second)


def test_changed_settings_are_used_at_once(settings):
    old, new = pyrage.x25519.Identity.generate(), pyrage.x25519.Identity.generate()
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = [str(old.to_public())]
    first = sealing.seal({"contact": "a@example.invalid"})
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = [str(new.to_public())]
    second = sealing.seal({"contact": "b@example.invalid"})
    assert opens_with(old, first) and opens_with(new, second) and not opens_with(old, second)


def test_no_custodians_is_refused_even_after_some_were_seen(from_file):
    write_keys(from_file, pyrage.x25519.Identity.generate())
    sealing.recipients()
    from_file.unlink()
    with pytest.raises(ImproperlyConfigured, match="No custodian recipients"):
        sealing.recipients()
