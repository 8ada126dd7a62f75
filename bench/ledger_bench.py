"""Benchmark of tuidang.ledger; prints JSON.

Measures, in one run (these machines are noisy, so compare ratios):

* baseline: raw hashlib SHA-256 over the same leaf inputs (entries/s);
* append: entries/s through LogWriter.append with the entry check on and all
  tiles and bundles written and made durable (target >= 200,000/s), on the
  benchmark directory's file system and on tmpfs, plus the CPU part alone
  (on disk add two new files per 256 entries and one sync);
* build: entries/s of ``rebuild`` writing a log of --size entries;
* inclusion: time of one inclusion proof at --size entries, built from the
  tiles on disk with cold caches and verified (target <= 2 ms);
* verify: full verification of the --size log (target <= 180 s).

    PYTHONPATH=src python bench/ledger_bench.py [--size 16000000] [--quick]
        [--append 1000000] [--dir DIR] [--append-only]

On ext4 without a journal, creating files is slow for a few minutes after
many files were deleted (the inode allocator steps over each recently
deleted inode), e.g. by a previous run's cleanup: leave a few minutes
between runs on such a file system.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time

from tuidang.ledger.client import DirectorySource, fetch_tile
from tuidang.ledger.entries import Declaration, EntryChecker
from tuidang.ledger.merkle import hash_leaf, inclusion_proof, verify_inclusion
from tuidang.ledger.note import Signer
from tuidang.ledger.sequencer import LogWriter, rebuild
from tuidang.ledger.tiles import TileHashReader
from tuidang.ledger.verify import read_checkpoint, verify_log

_TEMPLATE = Declaration(
    "2026-11-25", ("league", "party"), 9, "web", "proxy", 1, 0, "CN-GD", "0" * 64
).encode()
_TEMPLATE = _TEMPLATE.replace(b"persons=9", b"persons=%d").replace(b"0" * 64, b"%s")


def entry(i: int) -> bytes:
    """A realistic declare entry (about 150 bytes), distinct per index."""
    return _TEMPLATE % (1 + i % 7, hashlib.sha256(i.to_bytes(8, "big")).hexdigest().encode())


def entries(count: int, start: int = 0):
    for i in range(start, start + count):
        yield entry(i)


def hash_baseline(sample: list[bytes]) -> float:
    sha256 = hashlib.sha256
    t = time.perf_counter()
    for e in sample:
        sha256(b"\x00" + e).digest()
    return len(sample) / (time.perf_counter() - t)


def bench_append(base: str, signer: Signer, count: int) -> dict:
    """Append ``count`` entries in one batch, then 200 one by one, in a new
    log below ``base``, left there until the end of the run (deleting
    thousands of files would slow down the build that follows, see above)."""
    directory = tempfile.mkdtemp(prefix="append-", dir=base)
    batch = list(entries(count))
    with LogWriter.open(directory, signer, check_entry=EntryChecker()) as writer:
        t = time.perf_counter()
        writer.append(batch, 0)
        elapsed = time.perf_counter() - t
        # small appends, as the registry makes them one by one
        small = 200
        t = time.perf_counter()
        for i in range(small):
            writer.append([batch[i]], count + i)
        small_elapsed = time.perf_counter() - t
    return {
        "entries": count,
        "seconds": round(elapsed, 3),
        "entries_per_second": round(count / elapsed),
        "single_entry_append_ms": round(small_elapsed / small * 1000, 3),
    }


def bench_append_compute(signer: Signer, count: int) -> dict:
    """The CPU part of append alone: check, hash, tile, bundle (no files)."""
    directory = tempfile.mkdtemp(prefix="compute-")
    batch = list(entries(count))
    try:
        with LogWriter.open(directory, signer, check_entry=EntryChecker()) as writer:
            t = time.perf_counter()
            writer._extend(batch, lambda path, data: None, write_partials=True)
            elapsed = time.perf_counter() - t
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return {
        "entries": count,
        "seconds": round(elapsed, 3),
        "entries_per_second": round(count / elapsed),
    }


def bench_inclusion(directory: str, signer: Signer, size: int, samples: int = 300) -> dict:
    source = DirectorySource(directory)
    checkpoint = read_checkpoint(source, signer.verifier)
    rng = random.Random(1)
    times = []
    for _ in range(samples):
        index = rng.randrange(size)
        t = time.perf_counter()
        reader = TileHashReader(size, lambda tile: fetch_tile(source, tile))  # cold cache
        proof = inclusion_proof(index, size, reader)
        verify_inclusion(index, size, hash_leaf(entry(index)), proof, checkpoint.root_hash)
        times.append(time.perf_counter() - t)
    times.sort()
    return {
        "samples": samples,
        "median_ms": round(times[len(times) // 2] * 1000, 3),
        "p95_ms": round(times[int(len(times) * 0.95)] * 1000, 3),
        "max_ms": round(times[-1] * 1000, 3),
    }


def bench_big_log(log_dir: str, signer: Signer, size: int, baseline: float) -> dict:
    """Rebuild a log of ``size`` entries, then time inclusion proofs and a
    full verification of it."""
    result: dict = {}
    t = time.perf_counter()
    rebuild(log_dir, entries(size), signer, batch_size=1 << 18)
    build = time.perf_counter() - t
    result["build"] = {
        "seconds": round(build, 1),
        "entries_per_second": round(size / build),
        "ratio_to_baseline": round(size / build / baseline, 3),
    }

    result["inclusion_proof"] = bench_inclusion(log_dir, signer, size)
    result["inclusion_proof"]["target_ms"] = 2.0

    t = time.perf_counter()
    verified = verify_log(DirectorySource(log_dir), signer.verifier)
    elapsed = time.perf_counter() - t
    assert verified.checkpoint.size == size
    result["verify"] = {
        "seconds": round(elapsed, 1),
        "entries_per_second": round(size / elapsed),
        "ratio_to_baseline": round(size / elapsed / baseline, 3),
        "target_seconds_at_16M": 180,
        "projected_seconds_at_16M": round(elapsed * 16_000_000 / size, 1),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=16_000_000, help="entries of the big log")
    parser.add_argument("--append", type=int, default=1_000_000, help="entries of the append batch")
    parser.add_argument("--quick", action="store_true", help="small sizes (200,000 / 200,000)")
    parser.add_argument("--dir", default=None, help="where to build the logs (default: a temp dir)")
    parser.add_argument(
        "--append-only",
        action="store_true",
        help="measure the baseline and append only (skip build, inclusion and verify)",
    )
    args = parser.parse_args()
    if args.quick:
        args.size, args.append = 200_000, 200_000

    base = tempfile.mkdtemp(prefix="ledger-bench-", dir=args.dir)
    signer = Signer("bench.tuidang.test/log", hashlib.sha256(b"bench key seed").digest())
    result: dict = {"python": sys.version.split()[0], "dir": base, "size": args.size}
    try:
        sample = list(entries(200_000))
        baseline = hash_baseline(sample)
        result["baseline_sha256_leaf_hashes_per_second"] = round(baseline)
        del sample

        result["append"] = bench_append(base, signer, args.append)
        result["append"]["ratio_to_baseline"] = round(
            result["append"]["entries_per_second"] / baseline, 3
        )
        result["append"]["target_entries_per_second"] = 200_000
        if os.path.isdir("/dev/shm"):  # the same on a file system where creating files is cheap
            shm = tempfile.mkdtemp(prefix="ledger-bench-", dir="/dev/shm")
            try:
                result["append_on_tmpfs"] = bench_append(shm, signer, args.append)
            finally:
                shutil.rmtree(shm, ignore_errors=True)
            rate = result["append_on_tmpfs"]["entries_per_second"]
            result["append_on_tmpfs"]["ratio_to_baseline"] = round(rate / baseline, 3)
        result["append_cpu_only"] = bench_append_compute(signer, args.append)
        rate = result["append_cpu_only"]["entries_per_second"]
        result["append_cpu_only"]["ratio_to_baseline"] = round(rate / baseline, 3)

        if not args.append_only:
            result.update(bench_big_log(os.path.join(base, "log"), signer, args.size, baseline))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
