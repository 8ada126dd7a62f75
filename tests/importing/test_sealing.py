"""Batch sealing: one file key per batch, and still standard age files."""

import hmac
import json
import os
import shutil
import subprocess

import pyrage
import pytest

from tuidang.importing import sealing
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


def test_the_plaintext_is_what_single_intake_seals():
    for text in ["测试名", 'a "quoted" \\ name', "tab\tnew\nline\x00", "\u2028\ud7ff😀", " "]:
        fields = {"true_name": text, "contact": text[::-1]}
        assert sealing._plaintext(fields) == json.dumps(
            {"v": 1, **fields}, ensure_ascii=False
        ).encode("utf-8")


def test_the_written_out_hmac_is_hmac_sha256():
    for length in range(65):
        key, message = os.urandom(length), os.urandom(length % 40)
        assert sealing._hmac_sha256(key, message) == hmac.digest(key, message, "sha256")


def test_payload_nonces_are_fresh_across_refills(monkeypatch):
    monkeypatch.setattr(sealing, "_NONCES_DRAWN", 3)
    sealer = BatchSealer()
    header = len(sealer.header)
    nonces = [sealer.seal({"a": "x"})[header : header + 16] for _ in range(10)]
    assert len(set(nonces)) == 10
