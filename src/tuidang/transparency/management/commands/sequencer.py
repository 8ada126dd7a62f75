"""`tuidang sequencer`: run the sequencer alone (`serve` and `demo` start one
beside the web server). `--once` makes a single pass and exits; `--cut` with
it publishes what is queued now, whatever the schedule (which dates those
declarations to this moment: use it only where that does not matter)."""

import signal
import threading

from django.conf import settings
from django.core.management import BaseCommand

from tuidang.transparency.sequencer import Sequencer


class Command(BaseCommand):
    help = "Copy accepted entries into the public log and sign checkpoints."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--cut",
            action="store_true",
            help="with --once: cut a publication batch now, whatever the schedule",
        )
        parser.add_argument("--interval", type=float, default=None, help="seconds between passes")

    def handle(self, *args, once=False, cut=False, interval=None, **options):
        sequencer = Sequencer.open()
        try:
            if once:
                appended = sequencer.run_once(cut=cut)
                self.stdout.write(f"Appended {appended}; tree size {sequencer.writer.size}.")
                return
            stop = threading.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            sequencer.run_forever(stop, interval or settings.TUIDANG_SEQUENCER_INTERVAL)
        finally:
            sequencer.close()
