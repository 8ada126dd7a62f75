"""`tuidang export sealed --request N --output FILE`: the sealed identities and
contacts of one approved unsealing request's scope, as one tar file of
age-encrypted files that custodians open offline with `age -d -i KEY`
(docs/custodians.md). The server opens nothing.

Requests are made and approved by custodians in the console (two people: the
requester never approves; everything needs two approvals). This command refuses
an unknown, unapproved, refused, cancelled or already exported request and then
writes nothing; an approved request is used up by its one export."""

import os
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from tuidang.console import unsealing
from tuidang.server.sealed_export import export_sealed


class Command(BaseCommand):
    help = (
        "Export the sealed identities and contacts of an approved unsealing request "
        "(tar of .age files for the custodians)."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["sealed"], help="what to export")
        parser.add_argument(
            "--request",
            required=True,
            type=int,
            help="the number of an unsealing request approved in the console",
        )
        parser.add_argument(
            "--output", required=True, type=Path, help="the tar file to write (must not exist)"
        )

    def handle(self, *args, what, request, output, **options):
        if output.exists():
            raise CommandError(f"{output} exists; the export never overwrites a file.")
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent} is not a folder.")
        try:
            approved = unsealing.claim_for_export(request)
        except unsealing.UnsealError as error:
            raise CommandError(str(error)) from None
        ids = None if approved.scope == approved.Scope.EVERYTHING else approved.declaration_ids
        heading = f"Unsealing {unsealing.summary(approved)}."
        try:
            summary = export_sealed(output, ids, heading=heading)
        except FileExistsError:
            unsealing.export_failed(approved, "output file appeared")
            raise CommandError(
                f"{output} appeared meanwhile; nothing written. Request {request} is used up: "
                "make a new request."
            ) from None
        except BaseException as error:
            if output.exists():
                os.unlink(output)
            unsealing.export_failed(approved, type(error).__name__)
            raise CommandError(
                f"The export failed ({error!r}); nothing was kept. Request {request} is used "
                "up: make a new request."
            ) from error
        self.stdout.write(
            f"Wrote {summary.path} for request {request}: {summary.identities} sealed "
            f"identities and {summary.contacts} sealed contacts. Open them offline with "
            "`tar xf FILE` and `age -d -i YOUR-KEY sealed/….age` (docs/custodians.md)."
        )
