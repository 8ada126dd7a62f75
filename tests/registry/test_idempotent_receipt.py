"""A retry with the same idempotency key gets the same receipt code, while the
database alone yields no code: the code is stored only as its hash and sealed
under a key derived from the idempotency key (registry/intake.py,
`seal_receipt_code`; THREAT_MODEL C5; docs/scaling.md, "Retries")."""

import dataclasses
import json

import pytest
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import connection

from tuidang.registry import intake, receipts
from tuidang.registry.batch_intake import declare_many
from tuidang.registry.models import Declaration

from ..factories import declaration_input, make_declaration

pytestmark = pytest.mark.django_db

URL = "/api/v1/declarations"
BODY = {
    "organisations": ["party", "league"],
    "people": [{"naming": "generated_alias", "true_name": "重试测试"}],
    "country": "CN",
    "province": "CN-SC",
}
KEY = "9f1c6a0e-52d4-4c3b-a7e1-6b0d2f8e4a17"


def post(client, key: str | None = KEY, body=BODY):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


def variants(code: str) -> list[bytes]:
    """The ways a code could sit in a database or a dump of it."""
    compact = receipts.normalise(code)
    found = []
    for text in (code, compact, code.lower(), compact.lower()):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            found.append(text.encode(encoding))
        found += [text.encode().hex().encode(), text.encode().hex().upper().encode()]
    return found


def every_row_of_every_table() -> list[bytes]:
    """Each value of each row of each table, as bytes (a whole database scan,
    on either engine)."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, bytearray, memoryview)):
                        values.append(bytes(value))
                    elif value is not None:
                        values.append(str(value).encode("utf-8"))
    return values


def in_the_database(code: str) -> list[str]:
    needles = variants(code)
    hits = [value[:80] for value in every_row_of_every_table() for n in needles if n in value]
    if connection.vendor == "sqlite":  # and a dump, as `sqlite3 .dump` would write it
        dump = "\n".join(connection.connection.iterdump()).encode("utf-8")
        hits += [b"dump: " + n for n in needles if n in dump]
    return [repr(hit) for hit in hits]


def test_an_api_retry_with_the_same_key_gets_the_same_code_and_declaration(client):
    first = post(client)
    assert first.status_code == 201
    code = first.json()["receipt_code"]
    declaration = Declaration.objects.get()
    again = post(client)
    assert again.status_code == 200
    assert again.json() == {**first.json(), "replayed": True}
    assert again.json()["receipt_code"] == code
    assert Declaration.objects.get() == declaration  # the same one, no second
    assert declaration.receipt_hash == receipts.lookup_hash(code)


def test_a_retry_with_another_body_still_answers_the_first_declaration(client):
    code = post(client).json()["receipt_code"]
    other = post(client, body={**BODY, "organisations": ["pioneers"]})
    assert other.status_code == 200 and other.json()["receipt_code"] == code
    assert Declaration.objects.count() == 1


def test_another_key_makes_another_declaration_with_another_code(client):
    first = post(client).json()
    second = post(client, key=KEY.replace("9f1c", "0e27"))
    assert second.status_code == 201 and not second.json()["replayed"]
    assert second.json()["receipt_code"] not in (None, first["receipt_code"])
    assert Declaration.objects.count() == 2


def test_no_key_no_sealed_code_and_nothing_to_replay(client):
    first, second = post(client, key=None), post(client, key=None)
    assert first.status_code == second.status_code == 201
    assert first.json()["receipt_code"] != second.json()["receipt_code"]
    assert list(Declaration.objects.values_list("sealed_receipt_code", flat=True)) == [None, None]


def test_the_database_holds_no_code_in_the_clear(client):
    codes = [post(client, key=f"{KEY}-{n}").json()["receipt_code"] for n in range(3)]
    codes.append(post(client, key=None).json()["receipt_code"])
    assert post(client, key=f"{KEY}-0").json()["receipt_code"] == codes[0]
    for code in codes:
        assert in_the_database(code) == [], code
    sealed = list(Declaration.objects.order_by("pk").values_list("sealed_receipt_code", flat=True))
    assert sealed[3] is None  # no key
    for value, code in zip(sealed[:3], codes[:3], strict=True):
        value = bytes(value)
        assert len(value) == 45 and value[:1] == b"\x01"
        assert receipts.normalise(code).encode() not in value


def test_the_scan_would_find_a_code_stored_in_the_clear():
    receipt = make_declaration(idempotency_key="api:control")
    Declaration.objects.update(
        reject_note=receipt.code, sealed_receipt_code=b"x" + receipt.code.encode()
    )
    assert in_the_database(receipt.code)


def test_a_tampered_sealed_code_answers_no_code_not_an_error(client):
    first = post(client).json()
    declaration = Declaration.objects.get()
    sealed = bytes(declaration.sealed_receipt_code)
    for tampered in (
        sealed[:20] + bytes([sealed[20] ^ 1]) + sealed[21:],  # a bit of the ciphertext
        sealed[:-1] + bytes([sealed[-1] ^ 0x80]),  # the tag
        b"\x02" + sealed[1:],  # another format version
        sealed[:10],  # cut short
        b"",
        None,  # stored before sealed codes existed
    ):
        Declaration.objects.update(sealed_receipt_code=tampered)
        again = post(client)
        assert again.status_code == 200, tampered
        assert again.json() == {**first, "receipt_code": None, "replayed": True}
    assert Declaration.objects.count() == 1


def test_a_sealed_code_that_is_not_the_declarations_is_never_given():
    receipt = make_declaration(idempotency_key="api:swap")
    other = receipts.new_code()
    Declaration.objects.update(sealed_receipt_code=intake.seal_receipt_code("api:swap", other))
    again = make_declaration(idempotency_key="api:swap")
    assert again.replayed and again.declaration_id == receipt.declaration_id
    assert again.code is None


def test_sealing_round_trips_only_with_the_same_key():
    code = receipts.new_code()
    sealed = intake.seal_receipt_code("api:" + KEY, code)
    digest = receipts.lookup_hash(code)
    assert intake.open_receipt_code("api:" + KEY, sealed, digest) == code
    assert intake.open_receipt_code("api:" + KEY, memoryview(sealed), digest) == code
    assert intake.open_receipt_code("web:" + KEY, sealed, digest) is None
    assert intake.open_receipt_code("", sealed, digest) is None
    # A random nonce per seal: the same code under the same key seals differently.
    assert intake.seal_receipt_code("api:" + KEY, code) != sealed
    # Accepts the code as typed, stores its compact form.
    assert (
        intake.open_receipt_code("k", intake.seal_receipt_code("k", code.lower()), digest) == code
    )


def test_the_sealing_key_is_hkdf_of_the_key_in_another_domain_than_its_hash():
    key = "api:" + KEY
    derived = HKDF(algorithm=SHA256(), length=32, salt=None, info=intake._SEALED_CODE_INFO).derive(
        key.encode()
    )
    code = receipts.new_code()
    sealed = intake.seal_receipt_code(key, code)
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    opened = ChaCha20Poly1305(derived).decrypt(sealed[1:13], sealed[13:], b"\x01")
    assert opened == receipts.normalise(code).encode()
    assert intake._SEALED_CODE_INFO != intake._IDEMPOTENCY_DOMAIN
    assert intake._idempotency_hash(key) != derived.hex()


def test_every_keyed_channel_gets_its_code_back():
    for key in ("web:form-token", "console:form-token", "api:header"):
        first = make_declaration(idempotency_key=key)
        again = make_declaration(idempotency_key=key)
        assert again.replayed and again.code == first.code is not None


def test_accepted_intake_in_the_callers_transaction_keeps_the_code_too():
    """The console declares accepted, inside its own transaction."""
    from django.db import transaction

    with transaction.atomic():
        first = make_declaration(accept=True, idempotency_key="console:t")
    with transaction.atomic():
        again = make_declaration(accept=True, idempotency_key="console:t")
    assert again.replayed and again.code == first.code and again.status == "accepted"


def test_batch_imports_seal_no_code():
    items = [
        declaration_input(channel="import", idempotency_key=f"import:TOR-{i}") for i in range(3)
    ]
    stored = declare_many(items)
    assert all(receipt.code for receipt in stored)
    assert set(Declaration.objects.values_list("sealed_receipt_code", flat=True)) == {None}
    again = declare_many([dataclasses.replace(items[0])])
    assert again[0].replayed and again[0].code is None
