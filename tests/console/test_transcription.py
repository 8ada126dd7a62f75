"""Transcription channels: the photo of a banknote comes out with no metadata,
encrypted to the custodians; email text is kept as an original; an original is
kept in its row, never as a file whose times would date the intake, and the
standard `age` tool opens it; limits hold."""

import io
import shutil
import subprocess
from pathlib import Path

import pyrage
import pytest
from django.conf import settings
from PIL import Image

from tuidang.console import originals
from tuidang.console.models import Original
from tuidang.registry.choices import Naming, Status
from tuidang.registry.models import Declaration

from .helpers import submit
from .personas import sign_in

pytestmark = pytest.mark.django_db

BANKNOTE = {
    "organisations": ["party", "league", "pioneers"],
    "on_behalf": "self",
    "p1_naming": Naming.GENERATED_ALIAS,
    "country": "CN",
    "statement": "三退保平安",
}


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0132] = "2024:05:01 10:11:12"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (39.0, 54.0, 27.0)
    gps[3] = "E"
    gps[4] = (116.0, 23.0, 30.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://ns.adobe.com/xap/1.0/"/></x:xmpmeta>'
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"shot at home", xmp=xmp)
    data = out.getvalue()
    assert b"GPS" in data or Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    return data


def upload(data: bytes, name="note.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_banknote_photo_with_gps_comes_out_clean(personas, custodian_identity):
    original_bytes = photo_with_gps()
    assert Image.open(io.BytesIO(original_bytes)).getexif().get_ifd(0x8825)
    client = sign_in("olga")
    response = submit(
        client,
        "/console/transcribe/banknote-poster/",
        {**BANKNOTE, "channel": "banknote_poster", "photo": upload(original_bytes)},
    )
    assert response.status_code == 200, response.content.decode()
    declaration = Declaration.objects.get()
    assert declaration.channel == "banknote_poster" and declaration.status == Status.ACCEPTED
    stored = Original.objects.get()
    sealed = originals.sealed(stored)
    assert b"\xff\xd8" not in sealed[:4]  # encrypted, not a JPEG
    clean = pyrage.decrypt(sealed, [custodian_identity])
    image = Image.open(io.BytesIO(clean))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert len(image.getexif()) == 0
    assert "icc_profile" not in image.info and "comment" not in image.info
    for marker in (b"Exif", b"GPS", b"http://ns.adobe.com/xap", b"PhoneMaker", b"shot at home"):
        assert marker not in clean


def test_a_file_that_is_not_an_image_is_refused_beside_the_photo_field(personas):
    response = submit(
        sign_in("olga"),
        "/console/transcribe/fax/",
        {**BANKNOTE, "channel": "fax", "photo": upload(b"%PDF-1.4 not an image", "fax.pdf")},
    )
    assert response.status_code == 400
    assert 'id="id_photo_error"' in response.content.decode()
    assert Declaration.objects.count() == 0 and Original.objects.count() == 0


def test_a_gif_is_refused(personas):
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="GIF")
    response = submit(
        sign_in("olga"),
        "/console/transcribe/fax/",
        {**BANKNOTE, "channel": "fax", "photo": upload(out.getvalue(), "x.gif")},
    )
    assert response.status_code == 400
    assert Declaration.objects.count() == 0


def test_an_oversize_upload_is_refused_before_it_is_read(personas):
    client = sign_in("olga")
    response = client.post(
        "/console/transcribe/fax/", data=b"x", content_type="text/plain", CONTENT_LENGTH="99999999"
    )
    assert response.status_code == 413


def test_the_hotline_keeps_the_small_body_limit(personas):
    client = sign_in("olga")
    response = client.post(
        "/console/hotline/", data=b"x", content_type="text/plain", CONTENT_LENGTH="200000"
    )
    assert response.status_code == 413


def test_an_email_is_transcribed_and_its_text_kept_as_an_original(personas, custodian_identity):
    response = submit(
        sign_in("olga"),
        "/console/transcribe/email/",
        {**BANKNOTE, "channel": "email", "original": "From: someone\n我要退党"},
    )
    assert response.status_code == 200
    stored = Original.objects.get()
    assert stored.channel == "email" and stored.kind == "text"
    text = pyrage.decrypt(originals.sealed(stored), [custodian_identity])
    assert "我要退党" in text.decode()


def test_the_channel_of_a_transcription_screen_cannot_be_swapped(personas):
    response = submit(sign_in("olga"), "/console/transcribe/fax/", {**BANKNOTE, "channel": "web"})
    assert response.status_code == 400
    assert Declaration.objects.count() == 0


def test_an_unknown_transcription_channel_is_404(personas):
    assert sign_in("olga").get("/console/transcribe/pigeon/").status_code == 404


def files_of_the_data_folder() -> dict[Path, tuple[int, int]]:
    """Every file under the data folders, with its modification and change time."""
    folders = {Path(settings.DATA_DIR), Path(settings.TUIDANG_LOG_DIR)}
    return {
        path: (path.stat().st_mtime_ns, path.stat().st_ctime_ns)
        for folder in folders
        if folder.exists()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_an_intake_with_an_upload_writes_no_file_and_age_opens_the_original(
    personas, custodian_identity, tmp_path
):
    """A file written for an original would carry the second of the intake in
    its modification and change times; the original goes into its row."""
    client = sign_in("olga")
    data = {**BANKNOTE, "channel": "banknote_poster", "photo": upload(photo_with_gps())}
    database = Path(settings.DATABASES["default"]["NAME"]).name
    before = files_of_the_data_folder()
    assert submit(client, "/console/transcribe/banknote-poster/", data).status_code == 200
    after = files_of_the_data_folder()
    touched = {path for path, times in after.items() if before.get(path) != times}
    assert {path for path in touched if not path.name.startswith(database)} == set()
    assert not (Path(settings.DATA_DIR) / "originals").exists()

    stored = Original.objects.get()
    sealed = tmp_path / "original.age"
    sealed.write_bytes(originals.sealed(stored))
    key = tmp_path / "custodian.txt"
    key.write_text(str(custodian_identity) + "\n")
    opened = subprocess.run(
        [shutil.which("age") or "age", "-d", "-i", str(key), str(sealed)],
        capture_output=True,
        check=True,
    ).stdout
    image = Image.open(io.BytesIO(opened))
    assert image.format == "JPEG" and len(image.getexif()) == 0
