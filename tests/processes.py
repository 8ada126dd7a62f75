"""The environment of a separate process that shares the suite's database
(a fresh SQLite file or a PostgreSQL database), for the concurrency tests."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def process_env(database_url: str, data_dir: Path, recipient: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUIDANG_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tuidang.settings.test",
        TUIDANG_DATABASE_URL=database_url,
        TUIDANG_DATA_DIR=str(data_dir),
        TUIDANG_CUSTODIAN_RECIPIENTS=recipient,
        PYTHONPATH=str(ROOT / "src"),
    )
    return env
