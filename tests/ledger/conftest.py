"""Fixtures of the tuidang.ledger tests (no Django, no database)."""

from __future__ import annotations

import pytest

from tuidang.ledger.note import Signer

from .helpers import make_signer


@pytest.fixture
def signer() -> Signer:
    return make_signer()
