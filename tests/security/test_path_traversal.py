"""Path traversal: no path under /log/, /static/ or the console's upload
routes reaches a file outside its folder — not the database, not the keys, not
the settings — whether written plainly, percent-encoded or with backslashes;
and an uploaded file's name is never used to store it."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.console.helpers import submit
from tests.console.personas import make_persona, sign_in
from tuidang.console.models import Original

pytestmark = pytest.mark.django_db

ESCAPES = (
    "../",
    "..%2f",
    "%2e%2e/",
    "%2e%2e%2f",
    "..%5c",
    "..\\",
    "%252e%252e%252f",
    "....//",
    "..;/",
)
TARGETS = ("tuidang.sqlite3", "log-signing-key", "demo-secret-key", "etc/passwd")
SECRET_MARKERS = (b"SQLite format 3", b"PRIVATE KEY", b"root:", b"test-only-not-secret")


@pytest.fixture
def planted_files(publish):
    """Files a traversal would like to reach, in the data and log folders' parents."""
    publish()
    data = Path(settings.DATA_DIR)
    (data / "demo-secret-key").write_text("test-only-not-secret")
    for folder in (Path(settings.TUIDANG_LOG_DIR).parent, data):
        (folder / "etc").mkdir(exist_ok=True)
        (folder / "etc" / "passwd").write_text("root:x:0:0")
    return data


def hostile_paths(base: str):
    for escape in ESCAPES:
        for depth in (1, 2, 4):
            for target in TARGETS:
                yield base + escape * depth + target


def assert_nothing_leaks(client, path):
    response = client.get(path)
    assert response.status_code in (301, 302, 400, 403, 404), (path, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert not any(marker in body for marker in SECRET_MARKERS), path


@pytest.mark.parametrize("base", ["/log/", "/log/tile/", "/log/tile/0/", "/log/tile/entries/"])
def test_the_log_routes_serve_no_other_file(planted_files, base):
    client = Client()
    assert client.get("/log/checkpoint").status_code == 200
    for path in hostile_paths(base):
        assert_nothing_leaks(client, path)


@pytest.mark.parametrize("base", ["/static/", "/static/public/"])
def test_the_static_route_serves_no_other_file(planted_files, base):
    client = Client()
    assert client.get("/static/public/site.css").status_code == 200
    for path in hostile_paths(base):
        assert_nothing_leaks(client, path)


def test_the_upload_routes_take_no_path_in_their_channel():
    make_persona("olga")
    client = sign_in("olga")
    for escape in ESCAPES:
        for target in TARGETS:
            assert_nothing_leaks(client, f"/console/transcribe/{escape}{target}")
            assert_nothing_leaks(client, f"/console/transcribe/fax/{escape}{target}")


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(buffer, "JPEG")
    return buffer.getvalue()


def test_an_uploaded_file_name_is_never_used_to_store_it(tmp_path):
    make_persona("olga")
    client = sign_in("olga")
    upload = SimpleUploadedFile("../../../../escaped-upload.jpg", jpeg(), content_type="image/jpeg")
    response = submit(
        client,
        "/console/transcribe/banknote-poster/",
        {
            "channel": "banknote_poster",
            "organisations": ["party"],
            "on_behalf": "self",
            "p1_naming": "generated_alias",
            "country": "CN",
            "photo": upload,
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    original = Original.objects.get()
    assert original.sealed_content  # kept in its row: no name of any kind on disk
    data = Path(settings.DATA_DIR)
    for folder in (data, data.parent, tmp_path):
        assert not list(folder.rglob("escaped-upload*"))
