"""Oversize and malformed bodies, uploads and headers: every one gets a 4xx —
never a 500 — and under /api/ the answer is always a JSON body. Nothing is
recorded from any of them."""

import json

import pytest
from django.test import Client

from tests.console.helpers import form_fields
from tests.console.personas import make_persona, sign_in
from tests.public.helpers import browser, get_form
from tuidang.registry.models import Declaration

pytestmark = pytest.mark.django_db

API = "/api/v1/declarations"
GARBAGE_MULTIPART = (
    b'--XYZ\r\nContent-Disposition: form-data; name="organisations"\r\n\r\nparty\r\n'
    b'--XYZ\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n'
    b"Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\x00garbage"  # no closing boundary
)
API_BODIES = [
    ("{", "application/json"),
    ("[]", "application/json"),
    ("null", "application/json"),
    ('"a string"', "application/json"),
    ('{"organisations": "party"}', "application/json"),
    ('{"organisations": ["party"], "unnamed_persons": 1e309}', "application/json"),
    ('{"organisations": ["party"], "unnamed_persons": -1}', "application/json"),
    ('{"organisations": [' + "[" * 2000 + "]" * 2000 + "]}", "application/json"),
    ('{"organisations": ["party"], "statement": "\\ud800"}', "application/json"),
    (b'{"organisations": ["\xff\xfe"]}', "application/json"),
    ("organisations=party", "application/x-www-form-urlencoded"),
    ("<xml/>", "application/xml"),
    ("", "application/json"),
    (GARBAGE_MULTIPART, "multipart/form-data; boundary=XYZ"),
    ('{"organisations": ["party"]}', "text/plain"),
]


def assert_json_4xx(response):
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    assert "error" in json.loads(response.content)


@pytest.mark.parametrize(("body", "content_type"), API_BODIES)
def test_the_api_answers_a_malformed_body_with_a_json_4xx(body, content_type):
    assert_json_4xx(Client().post(API, body, content_type=content_type))
    assert Declaration.objects.count() == 0


def test_the_api_answers_an_oversize_body_with_json_413():
    body = json.dumps({"organisations": ["party"], "statement": "x" * 100_000})
    response = Client().post(API, body, content_type="application/json")
    assert response.status_code == 413
    assert_json_4xx(response)


@pytest.mark.parametrize("length", ["abc", "-1", "1e6", "99999999999999999999"])
def test_a_malformed_or_huge_content_length_is_refused(length):
    for path in ("/declare/", API):
        response = Client().generic("POST", path, b"{}", CONTENT_LENGTH=length)
        assert 400 <= response.status_code < 500, (path, length, response.status_code)
        if path == API:
            assert_json_4xx(response)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_other_methods_on_the_api_get_json_405(method):
    assert_json_4xx(Client().generic(method, API, b"{}", content_type="application/json"))
    assert_json_4xx(Client().generic(method, "/api/v1/tally"))


def test_unknown_api_paths_get_json_404():
    for path in ("/api/v1/nothing", "/api/v1/declarations/../tally", "/api/v2/tally"):
        assert_json_4xx(Client().get(path))


def test_a_header_bomb_in_the_api_is_refused_as_json():
    response = Client().post(
        API,
        '{"organisations": ["party"]}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k" * 5000,
    )
    assert_json_4xx(response)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (GARBAGE_MULTIPART, "multipart/form-data; boundary=XYZ"),
        (b"--", "multipart/form-data"),  # no boundary at all
        (b"organisations=party&" * 300, "application/x-www-form-urlencoded"),  # too many fields
        (b"\xff\xfe\x00garbage=%%%", "application/x-www-form-urlencoded"),
        (b'{"organisations": ["party"]}', "application/json"),
        (b"x" * 70_000, "text/plain"),
    ],
)
def test_the_declaration_form_refuses_malformed_bodies_with_a_4xx(body, content_type):
    client = browser()
    token = get_form(client, "/declare/")["csrfmiddlewaretoken"]
    response = client.post("/declare/", body, content_type=content_type, HTTP_X_CSRFTOKEN=token)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert Declaration.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (GARBAGE_MULTIPART, "multipart/form-data; boundary=XYZ"),
        (b"--", "multipart/form-data"),
        (b"\x89PNG garbage", "image/png"),
        (b"x" * 100, "application/octet-stream"),
    ],
)
def test_the_upload_screen_refuses_malformed_uploads_with_a_4xx(body, content_type):
    make_persona("olga")
    client = sign_in("olga")
    token = form_fields(client, "/console/transcribe/banknote-poster/")["csrfmiddlewaretoken"]
    response = client.post(
        "/console/transcribe/banknote-poster/",
        body,
        content_type=content_type,
        HTTP_X_CSRFTOKEN=token,
    )
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert Declaration.objects.count() == 0


def test_the_upload_screen_refuses_an_oversize_upload_before_reading_it():
    make_persona("olga")
    client = sign_in("olga")
    response = client.generic(
        "POST",
        "/console/transcribe/banknote-poster/",
        b"",
        content_type="multipart/form-data; boundary=XYZ",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
