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


@pytest.fixture(autouse=True)
def log_folder(settings, tmp_path):
    """Each test gets its own log folder and signing-key path (the key itself
    is made only by tests that publish), so logs never outlive a test's rows."""
    settings.TUIDANG_LOG_DIR = tmp_path / "log"
    settings.TUIDANG_LOG_SIGNING_KEY_FILE = tmp_path / "log-signing-key"
    return settings.TUIDANG_LOG_DIR


@pytest.fixture
def publish(log_folder):
    """Run one sequencer pass, as the running sequencer would; returns it."""
    from tuidang.transparency import keys
    from tuidang.transparency.sequencer import Sequencer

    def run():
        if not keys.signing_key_path().exists():
            keys.create_signing_key()
        sequencer = Sequencer.open()
        try:
            sequencer.run_once()
        finally:
            sequencer.close()
        return sequencer

    return run
