"""A separate process that declares through the one intake path against a
shared database, for the concurrency tests: `python -m tests.api.concurrent_worker
MODE START ARGS...` prints a JSON result. Modes: declare (keys to declare,
accepted), import (a partner file), sequence (cut publication batches for the
given seconds, as the sequencer does while intake goes on), check (counters,
log, published totals, rows)."""

import json
import sys
import time


def main(mode: str, start: float, *args: str) -> dict:
    import django

    django.setup()
    from tuidang.registry import tally
    from tuidang.registry.choices import Channel, Naming
    from tuidang.registry.intake import DeclarationInput, PersonInput, declare
    from tuidang.registry.models import Declaration, LogEntry

    if mode == "check":
        from tuidang.ledger.totals import compute_totals
        from tuidang.registry import organisations
        from tuidang.transparency import published

        indices = list(LogEntry.objects.values_list("index", flat=True))
        latest = published.latest()
        lines = LogEntry.objects.filter(index__lt=latest["tree_size"]).order_by("index")
        from_log = compute_totals(
            (line.encode("ascii") for line in lines.values_list("line", flat=True)),
            organisations.all_codes(),
        )
        return {
            "published_is_the_log": latest["totals"] == from_log,
            "tally": tally.check(),
            "log": tally.check_log(),
            "declarations": Declaration.objects.count(),
            "persons": tally.total(),
            "indices_gapless": indices == list(range(len(indices))),
            "keys": sorted(
                Declaration.objects.exclude(idempotency_hash=None).values_list(
                    "idempotency_hash", flat=True
                )
            ),
        }
    time.sleep(max(0.0, start - time.time()))  # start together
    if mode == "sequence":
        from tuidang.transparency import keys
        from tuidang.transparency.sequencer import Sequencer

        if not keys.signing_key_path().exists():
            keys.create_signing_key()
        sequencer = Sequencer.open()
        passes, until = 0, start + float(args[0])
        try:
            while time.time() < until:
                sequencer.run_once(cut=True)
                passes += 1
        finally:
            sequencer.close()
        return {"passes": passes}
    if mode == "import":
        from pathlib import Path

        from tuidang.importing import runner

        report = runner.run(Path(args[0]))
        return {"accepted": report.accepted, "errors": report.error_count}
    results = []
    for key in args:
        receipt = declare(
            DeclarationInput(
                channel=Channel.HOTLINE,
                organisations=["party", "league"],
                people=[PersonInput(Naming.GENERATED_ALIAS, true_name="并发测试")],
                unnamed_persons=1,
                province="CN-HN",
                idempotency_key=key,
            ),
            accept=True,
        )
        results.append([key, receipt.declaration_id, receipt.replayed, receipt.code])
    return {"results": results}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], float(sys.argv[2]), *sys.argv[3:])))
