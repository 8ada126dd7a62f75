"""Backups and restores (`tuidang backup DIR`, `tuidang restore DIR`).

A backup folder holds:

    manifest.json          format, database engine, log size, SHA-256 of every file
    database.sqlite3       a consistent online copy (SQLite's backup API), or
    database.pgdump        `pg_dump --format=custom` (PostgreSQL)
    log/                   the public log: checkpoint, tiles, entry bundles
    keys/custodians.txt    the custodians' age recipients (public)
    keys/log-verifier-key.txt   the log's verifier key (public)

The log is copied before the database, so the database copy holds at least
every entry of the copied log (the sequencer then catches up after a restore).
Secret keys are not in a backup: the log-signing key and the custodians'
identities are kept apart (docs/log-keys.md).

A restore refuses a backup whose log is older than the latest published
checkpoint (the one in the log folder, or one given with `checkpoint=`) unless
told to, checks that the backup's log is consistent with that checkpoint, and
verifies the restored log and counters.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from tuidang.ledger.client import DirectorySource
from tuidang.ledger.storage import LOCK_PATH
from tuidang.ledger.verify import verify_log
from tuidang.registry import sealing, tally
from tuidang.registry.models import LogEntry
from tuidang.transparency import keys

FORMAT = "tuidang-backup-v1"
MANIFEST = "manifest.json"
VERIFIER_KEY = "keys/log-verifier-key.txt"
CUSTODIANS = "keys/custodians.txt"


class BackupError(RuntimeError):
    """The backup or restore cannot go on; nothing more was changed."""


@dataclass
class RestoreResult:
    log_size: int
    database_entries: int
    problems: list[str] = field(default_factory=list)
    older_than_published: bool = False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _checkpoint_size(checkpoint: bytes) -> int:
    return int(checkpoint.split(b"\n")[1])


def _copy_log(source: Path, target: Path) -> bytes:
    """Copy the log: the checkpoint first, then every tile (a superset of what
    the checkpoint covers; a partial tile replaced meanwhile is skipped)."""
    checkpoint = (source / "checkpoint").read_bytes()
    for folder, _dirs, files in os.walk(source):
        for name in files:
            path = Path(folder) / name
            relative = path.relative_to(source)
            if name in (LOCK_PATH, "checkpoint") or name.startswith("."):
                continue
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(path, target / relative)
            except FileNotFoundError:
                continue
    (target / "checkpoint").write_bytes(checkpoint)
    return checkpoint


def _pg_args() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    return args, env


def _database_file() -> str:
    return "database.pgdump" if connection.vendor == "postgresql" else "database.sqlite3"


def backup(target: Path) -> dict:
    """Write a backup into `target` (new or empty); returns the manifest."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    log_dir = Path(settings.TUIDANG_LOG_DIR)
    size = 0
    if (log_dir / "checkpoint").exists():
        for _attempt in range(3):
            shutil.rmtree(target / "log", ignore_errors=True)
            checkpoint = _copy_log(log_dir, target / "log")
            try:
                verify_log(DirectorySource(target / "log"), keys.verifier_key())
                break
            except Exception as error:  # a tile replaced while copying: copy again
                last = error
        else:
            raise BackupError(f"the copied log does not verify: {last}")
        size = _checkpoint_size(checkpoint)
    database = target / _database_file()
    if connection.vendor == "postgresql":
        args, env = _pg_args()
        name = settings.DATABASES["default"]["NAME"]
        subprocess.run(
            ["pg_dump", *args, "--format=custom", "--no-owner", "-f", str(database), name],
            env=env,
            check=True,
            capture_output=True,
        )
    else:
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        copy = sqlite3.connect(database)
        with copy:
            source.backup(copy)
        copy.close()
        source.close()
    (target / "keys").mkdir()
    (target / CUSTODIANS).write_text("".join(r + "\n" for r in sealing.recipient_strings()))
    (target / VERIFIER_KEY).write_text(keys.verifier_key() + "\n")
    files = sorted(p for p in target.rglob("*") if p.is_file())
    manifest = {
        "format": FORMAT,
        "database": connection.vendor,
        "log_size": size,
        "files": {str(p.relative_to(target)): _sha256(p) for p in files},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def _read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"no readable {MANIFEST} in {source}: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"not a {FORMAT} backup")
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"the backup is of a {manifest['database']} database, this one is {connection.vendor}"
        )
    for name, digest in manifest["files"].items():
        path = source / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{name} is missing or damaged")
    return manifest


def restore(
    source: Path, *, allow_older: bool = False, checkpoint: bytes | None = None
) -> RestoreResult:
    """Restore a backup over the configured database and log folder. The web
    server and sequencer must be stopped."""
    manifest = _read_manifest(source)
    vkey = (source / VERIFIER_KEY).read_text().strip()
    log_dir = Path(settings.TUIDANG_LOG_DIR)
    if checkpoint is None and (log_dir / "checkpoint").exists():
        checkpoint = (log_dir / "checkpoint").read_bytes()
    backup_size = manifest["log_size"]
    older = checkpoint is not None and backup_size < _checkpoint_size(checkpoint)
    if older and not allow_older:
        raise BackupError(
            f"the backup's log has {backup_size} entries, the published checkpoint "
            f"{_checkpoint_size(checkpoint)}: restoring it would take the log back "
            "(use --allow-older only if the published checkpoint is lost anyway)"
        )
    if backup_size:
        since = checkpoint if checkpoint is not None and not older else None
        try:
            verify_log(DirectorySource(source / "log"), vkey, since=since)
        except Exception as error:
            raise BackupError(f"the backup's log does not verify: {error}") from None
    _restore_database(source / _database_file())
    if log_dir.exists():
        shutil.rmtree(log_dir)
    if backup_size:
        shutil.copytree(source / "log", log_dir)
    return _check_restored(vkey, backup_size, older)


def _restore_database(dump: Path) -> None:
    if connection.vendor == "postgresql":
        args, env = _pg_args()
        connection.close()
        subprocess.run(
            [
                "pg_restore",
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                settings.DATABASES["default"]["NAME"],
                str(dump),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        return
    connection.close()
    backup_db = sqlite3.connect(dump)
    live = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    with live:
        backup_db.backup(live)
    live.close()
    backup_db.close()


def _check_restored(vkey: str, size: int, older: bool) -> RestoreResult:
    log_dir = Path(settings.TUIDANG_LOG_DIR)
    result = RestoreResult(size, LogEntry.objects.count(), older_than_published=older)
    if size:
        try:
            verify_log(DirectorySource(log_dir), vkey)
        except Exception as error:
            result.problems.append(f"restored log: {error}")
    if result.database_entries < size:
        result.problems.append(
            f"the database holds {result.database_entries} log entries, the log {size}"
        )
    result.problems += tally.check() + tally.check_log()
    return result
