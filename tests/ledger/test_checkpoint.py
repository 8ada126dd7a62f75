"""Tests of checkpoint: C2SP tlog-checkpoint v1.0.0."""

from __future__ import annotations

import base64

import pytest

from tuidang.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    WrongOriginError,
    open_checkpoint,
    sign_checkpoint,
)
from tuidang.ledger.note import Signer, UnverifiedNoteError

SPEC_TEXT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"


def test_the_example_of_the_specification_parses_and_formats_back():
    checkpoint = Checkpoint.from_text(SPEC_TEXT)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint.extensions == ()
    assert checkpoint.text() == SPEC_TEXT


def test_extension_lines_are_kept():
    text = SPEC_TEXT + "ext one\next two\n"
    assert Checkpoint.from_text(text).extensions == ("ext one", "ext two")
    assert Checkpoint.from_text(text).text() == text


@pytest.mark.parametrize(
    "text",
    [
        SPEC_TEXT[:-1],  # no final newline
        "example.com/behind-the-sofa\n20852163\n",  # no root hash
        "\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # empty origin
        SPEC_TEXT.replace("20852163", "020852163"),  # leading zero
        SPEC_TEXT.replace("20852163", "+20852163"),
        SPEC_TEXT.replace("20852163", "2085 2163"),
        SPEC_TEXT.replace("20852163", "-1"),
        SPEC_TEXT.replace("CsUY", "CsU_"),  # not base64
        SPEC_TEXT.replace("q2I=", "q2I"),  # missing padding
        SPEC_TEXT.replace("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", "AAAA"),  # not 32 bytes
        SPEC_TEXT + "\n",  # empty extension line
    ],
)
def test_malformed_checkpoints_are_rejected(text):
    with pytest.raises(CheckpointError):
        Checkpoint.from_text(text)


def test_the_size_zero_is_written_as_a_single_zero():
    checkpoint = Checkpoint("o", 0, bytes(32))
    assert checkpoint.text().split("\n")[1] == "0"
    assert Checkpoint.from_text(checkpoint.text()) == checkpoint


def test_a_signed_checkpoint_opens_only_with_its_key_and_origin():
    signer = Signer.generate("example.com/log")
    checkpoint = Checkpoint("example.com/log", 5, bytes(range(32)))
    signed = sign_checkpoint(checkpoint, signer)
    assert open_checkpoint(signed, signer.verifier, "example.com/log") == checkpoint
    with pytest.raises(WrongOriginError):
        open_checkpoint(signed, signer.verifier, "example.com/other")
    with pytest.raises(UnverifiedNoteError):
        open_checkpoint(signed, Signer.generate("example.com/log").verifier)
