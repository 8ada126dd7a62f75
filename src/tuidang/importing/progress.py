"""A one-line progress bar for long imports: rows done of total, rate, ETA.
Redrawn in place on a terminal, a plain line every ten seconds otherwise."""

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, label: str = "import"):
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.label = label
        self.done = 0
        self.started = time.monotonic()
        self._shown = 0.0
        self._tty = self.stream.isatty()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        share = min(self.done / self.total, 1.0)
        eta = (self.total - self.done) / rate if rate else 0
        bar = "#" * int(share * 20)
        return (
            f"{self.label} [{bar:<20}] {self.done:,}/{self.total:,} rows ({share:.0%}) "
            f"{rate:,.0f} rows/s ETA {_clock(eta)}"
        )

    def update(self, rows: int) -> None:
        self.done += rows
        now = time.monotonic()
        if now - self._shown >= (0.5 if self._tty else 10):
            self._shown = now
            self.stream.write(("\r" + self.line()) if self._tty else self.line() + "\n")
            self.stream.flush()

    def close(self) -> None:
        self.stream.write(("\r" if self._tty else "") + self.line() + "\n")
        self.stream.flush()
