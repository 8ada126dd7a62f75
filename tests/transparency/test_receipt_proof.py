import base64
import re

import pytest

from tuidang.ledger.merkle import hash_leaf, verify_inclusion
from tuidang.transparency.published import receipt_proof

from ..factories import make_declaration
from ..public.helpers import browser, submit

pytestmark = pytest.mark.django_db


def test_the_receipt_page_shows_the_entry_and_a_proof_that_verifies(publish):
    for _ in range(5):
        make_declaration(accept=True)
    receipt = make_declaration(accept=True)
    make_declaration(accept=True)
    publish()
    index = _index_of(receipt)
    html = submit(browser(), "/en/receipt/", {"code": receipt.code}).content.decode()
    assert f"Entry {index} of a log of 7 entries." in html
    root = base64.b64decode(re.search(r'Root hash: <span class="hash">([^<]+)<', html).group(1))
    leaf = base64.b64decode(re.search(r'Leaf hash: <span class="hash">([^<]+)<', html).group(1))
    proof = [base64.b64decode(node) for node in re.findall(r"<li>([A-Za-z0-9+/=]{44})</li>", html)]
    verify_inclusion(index, 7, leaf, proof, root)
    with pytest.raises(Exception):
        verify_inclusion(index, 7, leaf, proof[::-1], root)


def _index_of(receipt) -> int:
    from tuidang.registry.models import LogEntry

    return LogEntry.objects.get(declaration_id=receipt.declaration_id).index


def test_a_proof_still_verifies_after_the_log_grew_past_the_partial_tile(publish, settings):
    from tuidang.registry.models import Declaration
    from tuidang.transparency.models import PublishedTally

    receipt = make_declaration(accept=True)
    publish()
    older = PublishedTally.objects.get()
    for _ in range(260):
        make_declaration(accept=True)
    publish()  # the full tile replaces the partial one of size 1
    newest = PublishedTally.objects.get()
    PublishedTally.objects.update(
        **{f: getattr(older, f) for f in ("tree_size", "root_hash", "checkpoint", "totals")}
    )
    proof = receipt_proof(Declaration.objects.get(pk=receipt.declaration_id))
    assert proof.tree_size == 1 and proof.leaf_hash == proof.root_hash
    assert newest.tree_size == 261


def test_an_accepted_declaration_not_yet_in_a_checkpoint_says_so():
    receipt = make_declaration(accept=True)
    html = submit(browser(), "/en/receipt/", {"code": receipt.code}).content.decode()
    assert "with the next publication batch" in html


def test_the_entry_commits_to_the_receipt_code(publish):
    from tuidang.ledger.entries import receipt_commitment
    from tuidang.registry import receipts
    from tuidang.registry.models import LogEntry

    receipt = make_declaration(accept=True)
    publish()
    line = LogEntry.objects.get().line
    assert line.endswith("receipt=" + receipt_commitment(receipts.normalise(receipt.code)))
    assert hash_leaf(line.encode())
