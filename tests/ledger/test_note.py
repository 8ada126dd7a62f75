"""Tests of note: C2SP signed-note v1.0.0 with Ed25519, and the key strings
of golang.org/x/mod/sumdb/note (whose published test vector is used)."""

from __future__ import annotations

import base64

import pytest

from tuidang.ledger.note import (
    InvalidSignatureError,
    NoteError,
    Signer,
    UnverifiedNoteError,
    Verifier,
    key_id,
    open_note,
    parse_note,
    sign_note,
)

# golang.org/x/mod/sumdb/note: the PeterNeumann example.
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIG = (
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
)
GO_NOTE = (GO_TEXT + "\n\u2014 PeterNeumann " + GO_SIG + "\n").encode()
# The Ed25519 seed of that published example key, as a fixed test seed.
GO_SEED = bytes.fromhex("810a1402d5146c8d84f2443330f54080ebf98ee17d9c74f6252fc5d5c7283173")
# Other published verifier keys of the same test suite and of
# transparency-dev/formats (the latter's base64 contains a '+').
OTHER_VKEYS = [
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop",
    "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6",
]


def test_the_go_verifier_key_parses_and_its_key_id_is_recomputed():
    verifier = Verifier.from_key_string(GO_VKEY)
    assert verifier.name == "PeterNeumann"
    assert verifier.key_id == 0xC74F20A3
    assert key_id("PeterNeumann", verifier.public_key) == 0xC74F20A3
    assert verifier.key_string() == GO_VKEY


@pytest.mark.parametrize("vkey", OTHER_VKEYS)
def test_other_published_verifier_keys_round_trip(vkey):
    assert Verifier.from_key_string(vkey).key_string() == vkey


def test_the_go_signed_note_verifies():
    note = open_note(GO_NOTE, Verifier.from_key_string(GO_VKEY))
    assert note.text == GO_TEXT


def test_signing_the_go_text_with_its_seed_reproduces_the_published_note_byte_for_byte():
    signer = Signer("PeterNeumann", GO_SEED)
    assert signer.verifier.key_string() == GO_VKEY
    assert sign_note(GO_TEXT, signer) == GO_NOTE


def test_signer_key_strings_round_trip_and_carry_the_key_id():
    signer = Signer.generate("example.com/log")
    skey = signer.key_string()
    assert skey.startswith(f"PRIVATE+KEY+example.com/log+{signer.key_id:08x}+")
    again = Signer.from_key_string(skey)
    assert again.verifier == signer.verifier
    assert (
        Signer("PeterNeumann", GO_SEED)
        .key_string()
        .endswith("+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
    )


def test_a_changed_text_fails_verification():
    with pytest.raises(InvalidSignatureError):
        open_note(
            GO_NOTE.replace(b"cryptography", b"cryptographY"), Verifier.from_key_string(GO_VKEY)
        )


def test_signatures_from_unknown_keys_are_ignored_but_one_from_the_known_key_is_required():
    mine, other = Signer.generate("example.com/log"), Signer.generate("example.com/witness")
    signed = sign_note("hello\n", other, mine)
    assert open_note(signed, mine.verifier).text == "hello\n"
    with pytest.raises(UnverifiedNoteError):
        open_note(sign_note("hello\n", other), mine.verifier)
    # same name, different key (so a different key ID): unknown, ignored
    impostor = Signer.generate("example.com/log")
    with pytest.raises(UnverifiedNoteError):
        open_note(sign_note("hello\n", impostor), mine.verifier)


def test_a_known_key_id_with_a_bad_signature_rejects_the_note():
    mine = Signer.generate("example.com/log")
    blob = base64.b64encode(mine.key_id.to_bytes(4, "big") + bytes(64)).decode()
    bad = f"hello\n\n\u2014 example.com/log {blob}\n".encode()
    with pytest.raises(InvalidSignatureError):
        open_note(bad, mine.verifier)


@pytest.mark.parametrize(
    "data",
    [
        "no blank line\n\u2014 a AAAAAAA=\n".encode(),
        GO_NOTE[:-1],  # no final newline
        GO_NOTE.replace(b"\n\n", b"\n"),  # no separating blank line
        GO_NOTE + b"\n",  # empty line after the signatures
        GO_NOTE.replace("\u2014 ".encode(), b"- "),  # hyphen, not em dash
        GO_NOTE.replace(b"PeterNeumann ", b"Peter+Neumann "),  # '+' in a key name
        GO_NOTE.replace(b"x08go", b"x08g!"),  # bad base64
        GO_NOTE.replace(b"If you", b"If\tyou"),  # control character
        GO_TEXT.encode() + b"\n",  # no signature lines
        b"\xff\xfe\n\n" + GO_NOTE.split(b"\n\n")[1],  # not UTF-8
    ],
)
def test_malformed_notes_are_rejected(data):
    with pytest.raises(NoteError):
        open_note(data, Verifier.from_key_string(GO_VKEY))


@pytest.mark.parametrize(
    "vkey",
    [
        GO_VKEY.replace("c74f20a3", "c74f20a4"),  # wrong key ID
        GO_VKEY.replace("c74f20a3", "C74F20A3"),  # upper-case hex
        GO_VKEY.replace("+ARpc", "+AhPc"),  # not type 0x01
        GO_VKEY[:-4],  # truncated key
        "PeterNeumann+c74f20a3",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_malformed_verifier_keys_are_rejected(vkey):
    with pytest.raises(NoteError):
        Verifier.from_key_string(vkey)


def test_a_note_with_many_signatures_parses_up_to_the_limit():
    signers = [Signer.generate(f"w{i}.example") for i in range(20)]
    note = parse_note(sign_note("text\n", *signers))
    assert len(note.signatures) == 20
