"""Progress reporting for long work, written to stderr by the command line."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Callable ``(stage, done, total)`` that prints rate and time left.

    On a terminal it redraws one line; elsewhere (logs, CI) it prints a line
    at every tenth of the work so progress stays visible without flooding.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._stage = ""
        self._started = 0.0
        self._last_tenth = -1

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage != self._stage:
            self._stage, self._started, self._last_tenth = stage, now, -1
        elapsed = max(now - self._started, 1e-9)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else 0.0
        pct = 100.0 * done / total if total else 100.0
        line = f"{stage}: {done:,}/{total:,} ({pct:.0f}%)"
        if elapsed >= 0.5:  # a rate over a few milliseconds means nothing
            line += f" {rate:,.0f}/s, {left:.0f}s left"
        if self.stream.isatty():
            end = "\n" if done >= total else ""
            self.stream.write("\r" + line.ljust(78) + end)
            self.stream.flush()
            return
        tenth = int(pct // 10)
        if tenth != self._last_tenth or done >= total:
            self._last_tenth = tenth
            self.stream.write(line + "\n")
            self.stream.flush()
