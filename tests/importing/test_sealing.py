"""Batch sealing: one file key per batch, and still standard age files."""

import shutil
import subprocess

import pyrage
import pytest

from tuidang.importing.sealing import BatchSealer, recipient_bytes


def test_a_batch_sealed_value_opens_with_pyrage(custodian_identity):
    sealer = BatchSealer()
    sealed = sealer.seal({"true_name": "测试名"})
    assert (
        pyrage.decrypt(sealed, [custodian_identity]) == '{"v": 1, "true_name": "测试名"}'.encode()
    )


def test_a_batch_sealed_value_opens_with_the_standard_age_tool(tmp_path, custodian_identity):
    assert shutil.which("age"), "Debian's age is installed by scripts/install-system-packages"
    key = tmp_path / "identity.txt"
    key.write_text(str(custodian_identity) + "\n")
    value = tmp_path / "value.age"
    value.write_bytes(BatchSealer().seal({"contact": "+1 555 0100"}))
    opened = subprocess.run(
        ["age", "-d", "-i", str(key), str(value)], capture_output=True, check=True
    )
    assert opened.stdout == b'{"v": 1, "contact": "+1 555 0100"}'


def test_values_of_one_batch_share_the_header_but_not_the_payload_nonce():
    sealer = BatchSealer()
    first, second = sealer.seal({"a": "x"}), sealer.seal({"a": "x"})
    header = sealer.header
    assert first.startswith(header) and second.startswith(header)
    assert first[len(header) : len(header) + 16] != second[len(header) : len(header) + 16]
    assert first != second
    assert BatchSealer().header != header  # a new batch, a new file key


def test_every_custodian_can_open_it(settings, custodian_identity):
    other = pyrage.x25519.Identity.generate()
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = [
        str(custodian_identity.to_public()),
        str(other.to_public()),
    ]
    sealed = BatchSealer().seal({"true_name": "甲"})
    for identity in (custodian_identity, other):
        assert b"true_name" in pyrage.decrypt(sealed, [identity])


def test_empty_fields_are_not_sealed():
    assert BatchSealer().seal({"contact": ""}) is None


def test_no_custodian_no_sealer(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.TUIDANG_CUSTODIAN_RECIPIENTS = []
    settings.DATA_DIR = tmp_path
    with pytest.raises(ImproperlyConfigured):
        BatchSealer()


def test_a_recipient_is_decoded_to_its_32_byte_key(custodian_identity):
    assert len(recipient_bytes(str(custodian_identity.to_public()))) == 32
