"""Originals move from files under DATA_DIR/originals/ into their rows.

A file's modification and change times gave the second of the intake, and its
row named the declaration. Each existing file is read, unchanged (a standard
age file sealed to the custodians), into `Original.sealed_content`, then
deleted; `file_name` goes. A file named by no row is left where it is and
reported. Backwards, every sealed original is written out to a file again.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

FOLDER = "originals"


def _folder() -> Path:
    return Path(settings.DATA_DIR) / FOLDER


def files_into_rows(apps, schema_editor):
    Original = apps.get_model("console", "Original")
    folder = _folder()
    if not folder.is_dir():
        return
    moved = []
    for original in Original.objects.exclude(file_name="").iterator():
        path = folder / original.file_name
        if path.parent != folder or not path.is_file():
            continue  # deleted already, or a name that is not a plain file name
        original.sealed_content = path.read_bytes()
        original.save(update_fields=["sealed_content"])
        moved.append(path)
    # Only once every row holds its original (the migration's transaction
    # commits after this): a failure before here leaves every file in place.
    schema_editor.connection.on_commit(lambda: _delete(moved, folder))


def _delete(paths: list[Path], folder: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
    left = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    if left:
        print(f"\n  {len(left)} file(s) under {folder} belong to no original; left in place.")
    else:
        folder.rmdir()


def rows_into_files(apps, schema_editor):
    Original = apps.get_model("console", "Original")
    folder = _folder()
    for original in Original.objects.exclude(sealed_content=None).iterator():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = secrets.token_hex(16) + ".age"
        (folder / name).write_bytes(bytes(original.sealed_content))
        original.file_name = name
        original.save(update_fields=["file_name"])


class Migration(migrations.Migration):
    dependencies = [("console", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="original",
            name="sealed_content",
            field=models.BinaryField(editable=False, null=True),
        ),
        migrations.RunPython(files_into_rows, rows_into_files),
        migrations.RemoveField(model_name="original", name="file_name"),
    ]
