"""`tuidang demo`: initialise a demo data folder with demo keys, seed a few
hundred synthetic declarations, make one console account per role and a
practice call campaign, print the URLs and the accounts' logins, passwords
and TOTP secrets, and run the server on 127.0.0.1.

Every command it prints works as printed: one that opens the data folder names
it with `--data DIR` unless it is the folder a command run from here finds by
default (./data); `log verify` needs no data folder, only the URL."""

import shlex
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand

from tuidang.campaigns import demo_campaign
from tuidang.console import demo_accounts
from tuidang.registry.models import Declaration
from tuidang.server import demo_data
from tuidang.server.keys import DEMO_IDENTITY_FILE
from tuidang.server.management.commands.init import initialise
from tuidang.server.management.commands.serve import exec_gunicorn
from tuidang.transparency.keys import verifier_key
from tuidang.transparency.sequencer import Sequencer


def data_option() -> str:
    """` --data DIR` for a printed command, unless the demo's folder is ./data."""
    if settings.DATA_DIR == Path("data").resolve():
        return ""
    return f" --data {shlex.quote(str(settings.DATA_DIR))}"


class Command(BaseCommand):
    help = "Run a demo: data folder, demo keys, synthetic declarations, server."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--data", default=None, help="data folder (default ./data)")
        parser.add_argument("--seed", type=int, default=300, help="declarations to seed when empty")
        parser.add_argument("--no-serve", action="store_true", help="prepare the data folder only")

    def handle(self, *args, port=8000, data=None, seed=300, no_serve=False, **options):
        initialise(demo_keys=True)
        if not Declaration.objects.exists():
            self.stdout.write(f"Seeding {seed} synthetic declarations ...")
            demo_data.seed(seed)
        sequencer = Sequencer.open()  # publish the seeded totals before serving
        try:
            sequencer.run_once()
        finally:
            sequencer.close()
        base = f"http://127.0.0.1:{port}"
        console_lines = [
            f"    {a.role:<14} login {a.login:<15} password {a.password}"
            f"  TOTP secret {a.totp_secret}"
            for a in demo_accounts.create()
        ]
        demo_campaign.create()
        vkey = verifier_key()
        tuidang = ".venv/bin/tuidang"
        demo = f"{tuidang} --demo{data_option()}"
        verify = f"{tuidang} log verify {base}/log --vkey {shlex.quote(vkey)}"
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "tuidang demo (DEMO ONLY: keys in the data folder are for trying it out)",
                    f"  data folder        {settings.DATA_DIR}",
                    f"  demo custodian key {settings.DATA_DIR / DEMO_IDENTITY_FILE}",
                    f"  public site        {base}/",
                    f"  declare            {base}/declare/",
                    f"  in English         {base}/en/",
                    f"  totals (JSON)      {base}/api/v1/tally",
                    f"  OpenAPI            {base}/api/v1/openapi.json",
                    f"  console            {base}/console/ (demo accounts below)",
                    *console_lines,
                    f"  call campaigns     {base}/console/calls/ (practice; as demo-caller)",
                    f"  public log         {base}/log/  (checkpoint: {base}/log/checkpoint)",
                    f"  log verifier key   {vkey}",
                    f"  verify it:         {verify}",
                    f"  accept web declarations: {demo} accept --all",
                    f"  recount the totals:      {demo} tally --check",
                    "  stop with Ctrl-C",
                    "",
                ]
            )
        )
        if not no_serve:
            exec_gunicorn(f"127.0.0.1:{port}")
