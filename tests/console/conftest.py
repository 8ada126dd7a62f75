"""Fixtures of the console tests: every persona of personas.py exists."""

import pytest

from .personas import PERSONAS, make_persona


@pytest.fixture
def personas(db):
    return {name: make_persona(name) for name in PERSONAS}
