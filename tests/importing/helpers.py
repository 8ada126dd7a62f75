"""Writing small partner files for import tests."""

import csv
from pathlib import Path

from tuidang.importing.rows import COLUMNS

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def row(key: str, **overrides) -> dict:
    values = {"key": key, "organisations": "party", "naming": "alias", "alias": f"别名{key}"}
    values.update(overrides)
    return values
