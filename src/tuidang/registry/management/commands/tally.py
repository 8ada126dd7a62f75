"""`tuidang tally [--check]`: print the totals; with --check, recompute every
counter from the declaration rows and from the log entries, and exit 1 on any
difference."""

import json

from django.core.management import BaseCommand, CommandError

from tuidang.registry import tally


class Command(BaseCommand):
    help = "Print the totals; --check recomputes them from the rows."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="recompute and compare")

    def handle(self, *args, check=False, **options):
        if not check:
            self.stdout.write(json.dumps(tally.totals(), indent=2, ensure_ascii=False))
            return
        problems = tally.check() + tally.check_log()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} counter(s) differ from the rows.")
        self.stdout.write(f"All counters match the rows and the log ({tally.total()} persons).")
