"""Fixtures shared by every test: a custodian key pair generated at test time
(never committed) that the registry seals to, and personas of the public site."""

import pyrage
import pytest


@pytest.fixture(scope="session")
def custodian_identity():
    """A fresh age identity; its public key is the only configured recipient."""
    return pyrage.x25519.Identity.generate()


@pytest.fixture(autouse=True)
def custodian_recipients(settings, custodian_identity):
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = [str(custodian_identity.to_public())]
    return settings.TUIDANG_CUSTODIAN_RECIPIENTS
