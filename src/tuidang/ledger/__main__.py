"""Command line of tuidang.ledger (standard library only):

    python -m tuidang.ledger verify URL_OR_DIR --vkey VKEY [--origin O]
                                 [--since FILE] [--tally URL_OR_FILE] [--quiet]
    python -m tuidang.ledger inclusion URL_OR_DIR --vkey VKEY --index N
                                 [--receipt CODE]
    python -m tuidang.ledger keygen NAME SIGNER_KEY_FILE

Exit status 0 on success, 1 when verification fails (the reason on stderr),
2 on usage errors.  Implements the checks of C2SP tlog-tiles v1.0.0,
tlog-checkpoint v1.0.0 and signed-note v1.0.0 via ``tuidang.ledger.verify``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request

from .client import open_source
from .note import Signer
from .verify import VerificationError, verify_entry_inclusion, verify_log


def _read_location(location: str) -> bytes:
    if location.startswith(("http://", "https://")):
        with urllib.request.urlopen(location, timeout=30) as response:  # noqa: S310 (http/https only)
            return response.read()
    with open(location, "rb") as f:
        return f.read()


def _progress(done: int, total: int) -> None:
    print(f"\r{done}/{total} entries", end="", file=sys.stderr, flush=True)


def _verify(args: argparse.Namespace) -> int:
    since = _read_location(args.since) if args.since else None
    tally = json.loads(_read_location(args.tally)) if args.tally else None
    result = verify_log(
        open_source(args.log),
        args.vkey,
        origin=args.origin,
        since=since,
        tally=tally,
        progress=None if args.quiet else _progress,
    )
    if not args.quiet:
        print(file=sys.stderr)
    if result.tally_size is not None and not args.quiet:
        print(
            f"Compared the published totals with the log at tree size {result.tally_size}.",
            file=sys.stderr,
        )
    if result.tally_is_older:
        print(
            f"Warning: the published totals are at tree size {result.tally_size}, older than"
            f" the checkpoint verified (tree size {result.checkpoint.size}); they were checked"
            f" at their own size, and the {result.checkpoint.size - result.tally_size} newer"
            " entries are in no published total yet.",
            file=sys.stderr,
        )
    report = {
        "ok": True,
        "origin": result.checkpoint.origin,
        "tree_size": result.checkpoint.size,
        "totals": result.totals,
    }
    if result.tally_size is not None:
        report["tally_tree_size"] = result.tally_size
        report["tally_is_older"] = result.tally_is_older
    print(json.dumps(report, indent=2, sort_keys=True))
    return 0


def _inclusion(args: argparse.Namespace) -> int:
    result = verify_entry_inclusion(
        open_source(args.log), args.vkey, args.index, receipt_code=args.receipt, origin=args.origin
    )
    print(
        json.dumps(
            {
                "ok": True,
                "index": result.index,
                "tree_size": result.checkpoint.size,
                "entry": result.entry.decode("ascii", "replace"),
            },
            indent=2,
        )
    )
    return 0


def _keygen(args: argparse.Namespace) -> int:
    signer = Signer.generate(args.name)
    fd = os.open(args.signer_key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(signer.key_string() + "\n")
    print(signer.verifier.key_string())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tuidang.ledger", description="tuidang transparency log tools"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    verify = commands.add_parser("verify", help="verify a whole log and recompute its totals")
    verify.add_argument("log", help="log URL prefix or directory")
    verify.add_argument("--vkey", required=True, help="verifier key <name>+<id>+<key>")
    verify.add_argument("--origin", help="expected checkpoint origin (default: any)")
    verify.add_argument(
        "--since", help="an older signed checkpoint (file or URL) that must be consistent"
    )
    verify.add_argument("--tally", help="published tally JSON (file or URL) to compare exactly")
    verify.add_argument("--quiet", action="store_true", help="no progress output")
    verify.set_defaults(run=_verify)

    inclusion = commands.add_parser("inclusion", help="prove one entry is in the log")
    inclusion.add_argument("log")
    inclusion.add_argument("--vkey", required=True)
    inclusion.add_argument("--origin")
    inclusion.add_argument("--index", type=int, required=True)
    inclusion.add_argument("--receipt", help="receipt code the entry must commit to")
    inclusion.set_defaults(run=_inclusion)

    keygen = commands.add_parser("keygen", help="make a log signing key")
    keygen.add_argument("name", help="key name, e.g. the log origin")
    keygen.add_argument(
        "signer_key_file", help="where to write the signer key (created 0600, never overwritten)"
    )
    keygen.set_defaults(run=_keygen)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except VerificationError as exc:
        print(f"\nFAILED: {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
