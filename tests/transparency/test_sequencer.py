import base64
import filecmp

import pytest

from tuidang.ledger.client import DirectorySource
from tuidang.ledger.verify import verify_log
from tuidang.registry import tally, transitions
from tuidang.registry.choices import RevokeReason
from tuidang.registry.models import LogEntry
from tuidang.transparency import keys, published
from tuidang.transparency.sequencer import LogAheadOfDatabase

from ..factories import make_declaration

pytestmark = pytest.mark.django_db


def test_a_batch_gives_each_accepted_declaration_a_declare_entry(publish):
    first = make_declaration(accept=True, organisations=["league", "party"], unnamed_persons=2)
    make_declaration(accept=False)
    second = make_declaration(accept=True, channel="hotline", country="US", province="")
    publish()
    entries = sorted(LogEntry.objects.values_list("index", "kind", "declaration_id"))
    assert {declaration for _, _, declaration in entries} == {
        first.declaration_id,
        second.declaration_id,
    }
    assert [(index, kind) for index, kind, _ in entries] == [(0, "declare"), (1, "declare")]
    line = LogEntry.objects.get(declaration_id=first.declaration_id).line
    assert (
        line.startswith("declare ") and " orgs=league,party persons=3 channel=web by=self " in line
    )
    assert " place=CN-GD receipt=" in line


def test_an_entry_holds_no_name_statement_or_contact(publish):
    make_declaration(accept=True, statement="声明内容", contact="联系方式")
    publish()
    line = LogEntry.objects.get().line
    assert line.isascii() and "声明" not in line


def test_revoking_appends_a_revoke_entry_naming_the_declare_entry(publish):
    receipt = make_declaration(accept=True)
    publish()
    transitions.revoke(receipt.declaration_id, RevokeReason.DUPLICATE)
    publish()
    revoke = LogEntry.objects.get(index=1)
    assert revoke.kind == "revoke" and revoke.line.endswith(" index=0 reason=duplicate")


def test_a_pass_publishes_a_checkpoint_and_the_totals_at_its_size(publish, log_folder):
    for persons in range(3):
        make_declaration(accept=True, unnamed_persons=persons)
    publish()
    latest = published.latest()
    assert latest["tree_size"] == 3
    assert latest["totals"] == tally.totals()
    result = verify_log(DirectorySource(log_folder), keys.verifier_key(), tally=latest)
    assert result.checkpoint.size == 3
    assert base64.b64encode(result.checkpoint.root_hash).decode() == latest["root_hash"]


def test_the_counters_equal_the_totals_recomputed_from_the_log(publish):
    receipts = [
        make_declaration(accept=True, unnamed_persons=n % 3, by_proxy=n % 2 == 1) for n in range(6)
    ]
    transitions.revoke(receipts[2].declaration_id, RevokeReason.FRAUDULENT)
    publish()
    assert tally.check_log() == []


def test_every_checkpoint_is_consistent_with_the_earlier_ones(publish, log_folder):
    make_declaration(accept=True)
    publish()
    old = (log_folder / "checkpoint").read_bytes()
    receipt = make_declaration(accept=True)
    transitions.revoke(receipt.declaration_id, RevokeReason.ERROR)
    publish()
    result = verify_log(DirectorySource(log_folder), keys.verifier_key(), since=old)
    assert result.checkpoint.size == 3


def test_a_log_ahead_of_the_database_stops_the_sequencer(publish):
    make_declaration(accept=True)
    publish()
    LogEntry.objects.all().delete()
    with pytest.raises(LogAheadOfDatabase):
        publish()


def test_rebuild_writes_the_same_files_byte_for_byte(publish, log_folder, tmp_path):
    from django.core.management import call_command

    for n in range(300):  # more than one full tile
        make_declaration(accept=True, unnamed_persons=n % 2)
    publish()
    rebuilt = tmp_path / "rebuilt"
    call_command("log", "rebuild", str(rebuilt))
    live = {
        p.relative_to(log_folder)
        for p in log_folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    again = {
        p.relative_to(rebuilt)
        for p in rebuilt.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    assert live == again
    for path in live:
        assert filecmp.cmp(log_folder / path, rebuilt / path, shallow=False), path
