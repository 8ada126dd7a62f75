"""The migration that moves originals into the database: every existing file
under DATA_DIR/originals/ ends up, byte for byte, in its row and is deleted
(with the folder); a file no row names is left in place; the rows of deleted
originals stay empty. Backwards, the files come back."""

import datetime
import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

NAME = "0002_original_in_database"
MIGRATION = importlib.import_module(f"tuidang.console.migrations.{NAME}").Migration
BEFORE = [dep for dep in MIGRATION.dependencies if dep[0] == "console"]
AFTER = [("console", NAME)]
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return Path(settings.DATA_DIR)


@pytest.mark.django_db(transaction=True)
def test_existing_files_move_into_their_rows_and_are_deleted(data_dir):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        Original = apps.get_model("console", "Original")
        folder = data_dir / "originals"
        folder.mkdir(parents=True)
        sealed = b"age-encryption.org/v1\n-> X25519 fake\n--- mac\n\x00\x01binary"
        (folder / "a.age").write_bytes(sealed)
        (folder / "stray.age").write_bytes(b"named by no row")
        kept = Original.objects.create(
            channel="fax", kind="image", file_name="a.age", day=DAY, delete_on=DAY
        )
        gone = Original.objects.create(
            channel="email", kind="text", file_name="", day=DAY, delete_on=DAY, deleted_on=DAY
        )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        Original = apps.get_model("console", "Original")
        assert bytes(Original.objects.get(pk=kept.pk).sealed_content) == sealed
        assert Original.objects.get(pk=gone.pk).sealed_content is None
        assert sorted(p.name for p in folder.iterdir()) == ["stray.age"]
        (folder / "stray.age").unlink()

        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        apps = executor.loader.project_state(BEFORE).apps
        back = apps.get_model("console", "Original").objects.get(pk=kept.pk)
        assert (folder / back.file_name).read_bytes() == sealed

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        again = apps.get_model("console", "Original").objects.get(pk=kept.pk)
        assert bytes(again.sealed_content) == sealed
        assert not folder.exists()  # emptied, then removed
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    assert settings.DATA_DIR == data_dir
