import json

import pytest

from tuidang.registry import receipts
from tuidang.registry.models import Declaration

pytestmark = pytest.mark.django_db

URL = "/api/v1/declarations"
VALID = {
    "organisations": ["party"],
    "people": [{"naming": "generated_alias", "true_name": "接口测试名"}],
    "country": "CN",
    "province": "CN-BJ",
}


def post(client, body, **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", headers=headers)


def test_a_declaration_over_the_api_gets_a_receipt_and_goes_through_intake(client):
    response = post(client, VALID)
    assert response.status_code == 201
    body = response.json()
    declaration = Declaration.objects.get()
    assert declaration.receipt_hash == receipts.lookup_hash(body["receipt_code"])
    assert declaration.channel == "api" and body["status"] == "received"
    assert body["public_names"][0]["naming"] == "generated_alias"
    assert body["public_names"][0]["name"] != "接口测试名"


def test_the_api_needs_no_csrf_token_but_sets_no_cookie(client):
    response = post(client, VALID)
    assert response.status_code == 201
    assert not response.cookies


def test_a_retry_with_the_same_idempotency_key_counts_once(client):
    first = post(client, VALID, **{"Idempotency-Key": "retry-1"})
    second = post(client, VALID, **{"Idempotency-Key": "retry-1"})
    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["replayed"] is True
    assert second.json()["receipt_code"] == first.json()["receipt_code"] is not None
    assert Declaration.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ("{not json", 400, None),
        ("[]", 422, None),
        ({}, 422, "body.organisations"),
        ({**VALID, "organisations": []}, 422, "body.organisations"),
        ({**VALID, "organisations": ["politburo"]}, 422, "organisations"),
        ({**VALID, "people": [{"naming": "emperor"}]}, 422, "body.people.0.naming"),
        ({**VALID, "unnamed_persons": "many"}, 422, "body.unnamed_persons"),
        ({**VALID, "unnamed_persons": -3}, 422, "body.unnamed_persons"),
        ({**VALID, "country": "ZZ"}, 422, "country"),
        ({**VALID, "province": "CN-XX"}, 422, "province"),
        ({**VALID, "people": [], "unnamed_persons": 0}, 422, "people"),
        ({**VALID, "statement": "x" * 6000}, 422, "body.statement"),
        (
            {**VALID, "people": [{"naming": "true_name", "true_name": ""}]},
            422,
            "people.0.true_name",
        ),
    ],
)
def test_bad_input_gets_a_4xx_json_body_naming_the_field_and_writes_nothing(
    client, body, status, field
):
    response = post(client, body)
    assert response.status_code == status
    payload = response.json()
    assert payload["error"]
    if field:
        assert field in payload["fields"], payload
    assert Declaration.objects.count() == 0


def test_an_oversize_body_gets_413_json(client, settings):
    settings.TUIDANG_MAX_BODY_BYTES = 1024
    response = post(client, {**VALID, "statement": "x" * 2000})
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]


def test_a_wrong_method_or_path_gets_json(client):
    wrong_method = client.get(URL)
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]


def test_a_form_encoded_body_is_refused_with_json(client):
    response = client.post(URL, {"organisations": "party"})
    assert 400 <= response.status_code < 500
    assert response.json()["error"]


def test_error_messages_follow_accept_language(client):
    response = client.post(
        URL,
        data=json.dumps({**VALID, "country": "ZZ"}),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.json()["fields"]["country"] == ["Choose a country from the list."]
