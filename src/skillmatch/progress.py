"""Progress reporting for long work, written to stderr by the command line."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


class Progress:
    """Callable ``(stage, done, total)`` that prints rate and time left.

    On a terminal it redraws one line; elsewhere (logs, CI) it prints a line
    at every tenth of the work so progress stays visible without flooding.
    With ``delay``, a stage prints nothing until it has run that many seconds:
    a flow whose loading steps are quick (already done) stays quiet, a slow first
    call shows each slow step.
    """

    def __init__(self, stream: TextIO | None = None, delay: float = 0.0,
                 clock: Callable[[], float] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.delay = delay
        self._clock = clock or time.perf_counter
        self._stage = ""
        self._started = 0.0
        self._last_tenth = -1
        self._shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self._clock()
        if stage != self._stage:
            self._stage, self._started, self._last_tenth = stage, now, -1
            self._shown = False
        elapsed = max(now - self._started, 1e-9)
        if not self._shown and elapsed < self.delay:
            return
        self._shown = True
        rate = done / elapsed
        if total <= 0:  # a stream of unknown length: what is done so far, and the rate
            line = f"{stage}: {done:,} so far" + (f", {rate:,.0f}/s" if elapsed >= 0.5 else "")
            self.stream.write(("\r" + line.ljust(78)) if self.stream.isatty() else line + "\n")
            self.stream.flush()
            return
        left = (total - done) / rate if rate > 0 else 0.0
        pct = 100.0 * done / total
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
