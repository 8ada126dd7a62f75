"""`tuidang import FILE`: partner batches in CSV and JSON Lines, all or nothing,
idempotent, every bad line reported, accepted rows counted and logged."""

import io
import json

import pyrage
import pytest
from django.core.management import call_command

from tuidang.importing import runner
from tuidang.importing.models import ImportBatch
from tuidang.importing.progress import Progress
from tuidang.ledger.client import DirectorySource
from tuidang.ledger.verify import verify_log
from tuidang.registry import tally
from tuidang.registry.choices import Channel, Status
from tuidang.registry.models import Declaration, LogEntry, PendingEntry, Person
from tuidang.transparency import keys, published

from .helpers import EXAMPLES, row, write_csv

pytestmark = pytest.mark.django_db


def _import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", str(path), "--no-progress", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


def test_the_sample_csv_is_imported_counted_and_logged():
    code, out, _ = _import(EXAMPLES / "import-sample.csv")
    assert code == 0, out
    assert "4 declaration(s) accepted (6 persons)" in out
    assert set(Declaration.objects.values_list("channel", "status").distinct()) == {
        (Channel.IMPORT, Status.ACCEPTED)
    }
    assert tally.check() == [] and tally.check_log() == []
    assert PendingEntry.objects.count() == 4


def test_the_sample_jsonl_is_imported_and_the_log_verifies(publish):
    code, out, _ = _import(EXAMPLES / "import-sample.jsonl")
    assert code == 0, out
    assert tally.total() == 1 + 1 + 4
    publish()
    latest = published.latest()
    result = verify_log(DirectorySource(keys_dir()), keys.verifier_key(), tally=latest)
    assert result.checkpoint.size == 3


def keys_dir():
    from django.conf import settings

    return settings.TUIDANG_LOG_DIR


def test_importing_the_same_file_twice_changes_nothing():
    _import(EXAMPLES / "import-sample.csv")
    before = (tally.totals(), Declaration.objects.count(), LogEntry.objects.count())
    code, out, _ = _import(EXAMPLES / "import-sample.csv")
    assert code == 0 and "already imported: nothing changed" in out
    assert (tally.totals(), Declaration.objects.count(), LogEntry.objects.count()) == before


def test_rows_an_earlier_batch_imported_are_skipped_in_a_new_batch(tmp_path):
    write_csv(tmp_path / "a.csv", [row("A1"), row("A2")])
    write_csv(tmp_path / "b.csv", [row("A2"), row("A3")])
    assert _import(tmp_path / "a.csv")[0] == 0
    code, out, _ = _import(tmp_path / "b.csv")
    assert code == 0 and "1 declaration(s) accepted" in out and "1 already present" in out
    assert Declaration.objects.count() == 3
    assert tally.check() == [] and tally.check_log() == []


def test_rows_already_imported_anywhere_in_a_long_file_are_skipped_and_counted_once(
    tmp_path, monkeypatch, publish
):
    # Chunks of 2: all new, half old, all new, all old, old then new. On SQLite
    # a chunk is inserted before its keys are looked up, so this walks both ways.
    monkeypatch.setattr(runner, "CHUNK", 2)
    old = ["B", "D", "E", "F", "G"]
    write_csv(tmp_path / "a.csv", [row(key) for key in old])
    assert _import(tmp_path / "a.csv")[0] == 0
    keys = ["A1", "A2", "B", "C", "C2", "C3", "D", "E", "F", "H"]
    receipts = tmp_path / "codes.csv"
    write_csv(tmp_path / "b.csv", [row(key) for key in keys])
    code, out, _ = _import(tmp_path / "b.csv", "--receipts", str(receipts))
    assert code == 0, out
    assert "6 declaration(s) accepted" in out and "4 already present" in out
    assert Declaration.objects.count() == 11 and Person.objects.count() == 11
    assert [line.split(",")[0] for line in receipts.read_text().splitlines()[1:]] == [
        "A1",
        "A2",
        "C",
        "C2",
        "C3",
        "H",
    ]
    assert tally.check() == [] and tally.check_log() == []
    publish()
    assert list(LogEntry.objects.order_by("index").values_list("index", flat=True)) == list(
        range(11)
    )


def test_a_failure_while_storing_leaves_nothing_of_the_batch(tmp_path, monkeypatch):
    from tuidang.registry import bulk_rows

    monkeypatch.setattr(runner, "CHUNK", 2)
    insert, calls = bulk_rows.insert, []

    def failing_insert(model, names, rows):
        calls.append(model)
        if len(calls) == 3:  # a later chunk's rows, after some were stored
            raise OSError("disk full (injected)")
        return insert(model, names, rows)

    monkeypatch.setattr(bulk_rows, "insert", failing_insert)
    path = write_csv(tmp_path / "a.csv", [row(f"K{i}") for i in range(6)])
    with pytest.raises(OSError, match="injected"):
        _import(path)
    assert Declaration.objects.count() == 0 and Person.objects.count() == 0
    assert (
        PendingEntry.objects.count() == LogEntry.objects.count() == 0
        and ImportBatch.objects.count() == 0
    )
    assert tally.total() == 0


def test_a_batch_id_reused_for_another_file_is_refused(tmp_path):
    from django.core.management import CommandError

    write_csv(tmp_path / "a.csv", [row("A1")])
    write_csv(tmp_path / "b.csv", [row("B1")])
    _import(tmp_path / "a.csv", "--batch", "centre-7")
    with pytest.raises(CommandError, match="imported from another file"):
        _import(tmp_path / "b.csv", "--batch", "centre-7")
    assert Declaration.objects.count() == 1


def test_every_bad_line_is_reported_and_nothing_is_written(tmp_path):
    path = write_csv(
        tmp_path / "bad.csv",
        [
            row("K1"),
            row("K2", organisations="party nope"),
            row("K3", unnamed_persons="three"),
            row("K4"),
            row("", alias="x"),
            row("K6", day="2999-01-01"),
            row("K1"),
            row("K8", naming="true_name", alias=""),
        ],
    )
    code, out, err = _import(path)
    assert code == 1
    assert "6 bad line(s) of 8; nothing was imported" in out
    assert err.splitlines() == [
        "line 3: organisations: Unknown organisation.",
        "line 4: unnamed_persons: must be a whole number",
        "line 6: key: every row needs a key (unique across all your batches)",
        "line 7: day: a date YYYY-MM-DD, not in the future",
        "line 8: key: repeats the key of an earlier line",
        "line 9: people.0.true_name: Enter the true name, or choose an alias.",
    ]
    assert (
        Declaration.objects.count() == 0
        and PendingEntry.objects.count() == LogEntry.objects.count() == 0
    )
    assert ImportBatch.objects.count() == 0 and tally.total() == 0


def test_a_bad_line_far_down_rolls_back_the_chunks_already_stored(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "CHUNK", 3)
    rows = [row(f"R{i}") for i in range(10)]
    rows[8]["country"] = "XX"
    code, out, err = _import(write_csv(tmp_path / "late.csv", rows))
    assert code == 1 and err.strip() == "line 10: country: Choose a country from the list."
    assert Declaration.objects.count() == 0 and Person.objects.count() == 0


def test_a_key_repeated_in_a_later_chunk_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "CHUNK", 2)
    rows = [row("A"), row("B"), row("C"), row("A")]
    code, _, err = _import(write_csv(tmp_path / "again.csv", rows))
    assert code == 1 and err.strip() == "line 5: key: repeats the key of an earlier line"


def test_jsonl_errors_name_the_line_and_the_field(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"key": "J1", "organisations": ["party"], "unnamed_persons": 1}\n'
        "not json\n"
        '{"key": "J3", "organisations": ["party"], "colour": "red"}\n'
        "[1, 2]\n"
        '{"key": "J5", "organisations": "party", "people": [{"naming": "alias"}]}\n'
    )
    code, _, err = _import(path)
    lines = err.splitlines()
    assert code == 1
    assert lines[0].startswith("line 2: record: not JSON")
    assert lines[1:] == [
        "line 3: colour: unknown field",
        "line 4: record: not a JSON object",
        "line 5: people.0.alias: Enter an alias, or let us make one.",
    ]


def test_a_csv_with_an_unknown_column_is_refused_at_the_header(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("key,organisations,shoe_size\nK1,party,44\n")
    code, _, err = _import(path)
    assert code == 1 and err.strip() == "line 1: header: unknown column(s) shoe_size"


def test_identities_are_sealed_to_the_custodians(tmp_path, custodian_identity):
    path = write_csv(
        tmp_path / "named.csv",
        [
            row(
                "N1",
                naming="true_name",
                true_name="测试真名",
                alias="",
                contact="c@example.invalid",
            )
        ],
    )
    _import(path)
    person = Person.objects.get()
    declaration = person.declaration
    assert json.loads(pyrage.decrypt(bytes(person.sealed_identity), [custodian_identity])) == {
        "v": 1,
        "true_name": "测试真名",
    }
    assert b"example.invalid" in pyrage.decrypt(
        bytes(declaration.sealed_contact), [custodian_identity]
    )
    assert b"example.invalid" not in bytes(declaration.sealed_contact)


def test_receipt_codes_can_be_written_for_the_partner(tmp_path):
    from tuidang.registry import receipts

    write_csv(tmp_path / "r.csv", [row("R1"), row("R2")])
    out = tmp_path / "codes.csv"
    _import(tmp_path / "r.csv", "--receipts", str(out))
    lines = out.read_text().splitlines()
    assert lines[0] == "key,receipt_code" and len(lines) == 3
    assert out.stat().st_mode & 0o077 == 0
    assert out.stat().st_mtime % 86400 == 0  # dated to the import's day, no time of day
    code = lines[1].split(",")[1]
    assert Declaration.objects.filter(receipt_hash=receipts.lookup_hash(code)).exists()


def test_no_receipt_file_is_left_when_the_batch_fails(tmp_path):
    write_csv(tmp_path / "r.csv", [row("R1"), row("R2", country="XX")])
    out = tmp_path / "codes.csv"
    _import(tmp_path / "r.csv", "--receipts", str(out))
    assert not out.exists() and not list(tmp_path.glob("codes.csv*"))


def test_error_messages_can_be_in_chinese(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [row("K1", country="XX")])
    code, _, err = _import(path, "--language", "zh-hans")
    assert code == 1 and err.startswith("line 2: country: ") and "country" not in err[17:]


def test_the_progress_line_shows_rate_and_eta():
    stream = io.StringIO()
    progress = Progress(1000, stream)
    progress.update(250)
    progress.close()
    text = stream.getvalue()
    assert "250/1,000 rows (25%)" in text and "rows/s" in text and "ETA " in text
