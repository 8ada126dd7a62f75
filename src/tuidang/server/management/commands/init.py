"""`tuidang init`: make the data folder, apply migrations, collect static files,
create the log-signing key if there is none, and (with --demo-keys) generate a
demo-only custodian key pair."""

from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command

from tuidang.registry import sealing
from tuidang.server import keys
from tuidang.transparency import keys as log_keys


class Command(BaseCommand):
    help = "Create the data folder, the database schema, static files and (demo) keys."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-keys",
            action="store_true",
            help="Generate a demo custodian key pair if none is configured (never in production).",
        )

    def handle(self, *args, demo_keys=False, **options):
        initialise(demo_keys=demo_keys, verbosity=options["verbosity"])


def initialise(*, demo_keys: bool = False, verbosity: int = 1) -> None:
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not sealing.recipient_strings():
        if not demo_keys:
            raise SystemExit(
                "No custodian recipients. Set TUIDANG_CUSTODIAN_RECIPIENTS to the custodians' "
                f"age public keys, or write them into {data_dir / sealing.CUSTODIANS_FILE}."
            )
        keys.make_demo_custodian(data_dir)
    sealing.recipients()  # every configured recipient must parse
    if not log_keys.signing_key_path().exists():
        log_keys.create_signing_key()
    log_keys.load_signer()
