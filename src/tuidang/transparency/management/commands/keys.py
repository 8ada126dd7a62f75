"""`tuidang keys log-signing`: create the log-signing key (0600, in the data
folder or TUIDANG_LOG_SIGNING_KEY_FILE) and print its verifier key; with an
existing key, only print the verifier key. Rotation: docs/log-keys.md."""

from django.core.management import BaseCommand, CommandError

from tuidang.transparency import keys


class Command(BaseCommand):
    help = "Create or show keys. `keys log-signing` prints the log's verifier key."

    def add_arguments(self, parser):
        parser.add_argument("which", choices=["log-signing"])

    def handle(self, *args, which=None, **options):
        path = keys.signing_key_path()
        if path.exists():
            self.stderr.write(f"Using the existing key {path}.")
            signer = keys.load_signer()
        else:
            try:
                signer = keys.create_signing_key()
            except FileExistsError as error:
                raise CommandError(str(error)) from None
            self.stderr.write(f"Created {path} (keep it secret; back it up offline).")
        self.stdout.write(signer.verifier.key_string())
