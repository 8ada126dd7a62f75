"""Debian's Chromium for browser tests (Playwright drives it; no browser is
downloaded). The flags keep it off the network: this machine has none but
loopback, and Chromium otherwise keeps trying Google's hosts."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright, profile_dir: str, **options):
    """A headless persistent Chromium context with a fresh profile."""
    return playwright.chromium.launch_persistent_context(
        profile_dir, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **options
    )
