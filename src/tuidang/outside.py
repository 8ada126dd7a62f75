"""Checking the registry from outside, with no database and no Django: what
anyone can run after `pip install tuidang`.

    tuidang log verify URL_OR_DIR --vkey VKEY [--since OLD_CHECKPOINT] [--tally URL|FILE|none]
    tuidang receipt CODE --log URL_OR_DIR --vkey VKEY [--index N]

`log verify` on a site's `/log` URL also fetches the site's `/api/v1/tally` and
checks every published total against the totals recomputed from the log.
`receipt` finds the entry that commits to a receipt code (scanning the log
unless `--index` is given, as shown on the receipt page) and proves that it is
included in the signed tree.
"""

import argparse
import sys

from tuidang.ledger import __main__ as ledger_cli
from tuidang.ledger.client import LogSource, fetch_tile, open_source
from tuidang.ledger.entries import EntryError, normalise_receipt_code, receipt_commitment
from tuidang.ledger.tiles import ENTRIES_LEVEL, TILE_WIDTH, Tile, decode_bundle
from tuidang.ledger.verify import VerificationError, as_verifier, read_checkpoint

TALLY_PATH = "/api/v1/tally"


def log_verify(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tuidang log verify")
    parser.add_argument("log", help="the log's URL (e.g. https://site/log) or a folder")
    parser.add_argument("--vkey", required=True, help="the log's verifier key")
    parser.add_argument("--origin", help="expected origin (default: the key's name)")
    parser.add_argument(
        "--since", help="an older checkpoint (file or URL) to prove consistency with"
    )
    parser.add_argument(
        "--tally",
        help="published totals to compare (URL or file); default: the site's /api/v1/tally "
        "when LOG is a URL ending in /log; 'none' to skip",
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    tally = args.tally
    if (
        tally is None
        and args.log.startswith(("http://", "https://"))
        and args.log.rstrip("/").endswith("/log")
    ):
        tally = args.log.rstrip("/")[: -len("/log")] + TALLY_PATH
    forwarded = ["verify", args.log, "--vkey", args.vkey]
    forwarded += ["--origin", args.origin or args.vkey.split("+", 1)[0]]
    if args.since:
        forwarded += ["--since", args.since]
    if tally and tally != "none":
        forwarded += ["--tally", tally]
    if args.quiet:
        forwarded.append("--quiet")
    return ledger_cli.main(forwarded)


def find_receipt(source: LogSource, vkey: str, code: str) -> int | None:
    """Index of the declare entry committing to `code`, by reading every bundle."""
    checkpoint = read_checkpoint(source, as_verifier(vkey))
    suffix = b" receipt=" + receipt_commitment(normalise_receipt_code(code)).encode()
    for bundle in range((checkpoint.size + TILE_WIDTH - 1) // TILE_WIDTH):
        width = min(TILE_WIDTH, checkpoint.size - bundle * TILE_WIDTH)
        entries = decode_bundle(fetch_tile(source, Tile(ENTRIES_LEVEL, bundle, width)), width)
        for offset, entry in enumerate(entries):
            if entry.endswith(suffix):
                return bundle * TILE_WIDTH + offset
    return None


def receipt(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tuidang receipt")
    parser.add_argument("code", help="the receipt code, e.g. 7GQ4-M2XD-0KTB-9ZRC")
    parser.add_argument("--log", required=True, help="the log's URL or folder")
    parser.add_argument("--vkey", required=True, help="the log's verifier key")
    parser.add_argument("--index", type=int, help="the entry's index (shown on the receipt page)")
    args = parser.parse_args(argv)
    index = args.index
    if index is None:
        try:
            index = find_receipt(open_source(args.log), args.vkey, args.code)
        except (VerificationError, EntryError, OSError, ValueError) as error:
            print(f"FAILED: {error}", file=sys.stderr)
            return 1
        if index is None:
            print("FAILED: no entry of the log commits to this receipt code", file=sys.stderr)
            return 1
    return ledger_cli.main(
        ["inclusion", args.log, "--vkey", args.vkey, "--index", str(index), "--receipt", args.code]
    )
