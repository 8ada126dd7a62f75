"""API answers that carry a receipt code (or a sealed value) are never stored by
a browser or a proxy: `Cache-Control: no-store` (THREAT_MODEL C5). The OpenAPI
document is walked, so an operation added later whose answers carry a receipt
code or a sealed value fails here until it is listed and checked."""

import json

import pytest

from tuidang.api.api import api

pytestmark = pytest.mark.django_db

URL = "/api/v1/declarations"
VALID = {"organisations": ["party"], "people": [{"naming": "generated_alias"}], "country": "CN"}
CARRYING = {("post", "/api/v1/declarations")}  # operations checked below


def post(client, body, **headers):
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


def assert_no_store(response):
    assert "no-store" in response.get("Cache-Control", ""), response.headers
    assert "public" not in response.get("Cache-Control", "")


def test_the_answer_with_a_receipt_code_is_no_store(client):
    first = post(client, VALID, **{"Idempotency-Key": "no-store-1"})
    assert first.status_code == 201 and first.json()["receipt_code"]
    assert_no_store(first)
    replay = post(client, VALID, **{"Idempotency-Key": "no-store-1"})
    assert replay.status_code == 200 and replay.json()["replayed"]
    assert replay.json()["receipt_code"] == first.json()["receipt_code"]
    assert_no_store(replay)  # a replay carries the same code: same rule


def test_a_refused_declaration_is_no_store_too(client):
    refused = post(client, {"organisations": ["party"], "people": []})
    assert refused.status_code == 422
    assert_no_store(refused)


def _schemas_with_secrets(document: dict) -> set[str]:
    schemas = document["components"]["schemas"]
    text = {name: json.dumps(schema) for name, schema in schemas.items()}
    return {
        f"#/components/schemas/{name}"
        for name, body in text.items()
        if "receipt_code" in body or "sealed" in body
    }


def test_every_operation_whose_answer_carries_a_receipt_code_is_checked_here():
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    secret_refs = _schemas_with_secrets(document)
    assert secret_refs, "ReceiptOut carries receipt_code"
    carrying = {
        (method, path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(ref in json.dumps(operation.get("responses", {})) for ref in secret_refs)
    }
    assert carrying == CARRYING
