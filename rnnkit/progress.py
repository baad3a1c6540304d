"""Progress on stderr for long steps: a tqdm bar on a terminal, and plain lines elsewhere (a CI
log, a pipe, ``make demo`` under another program), where a bar redrawn with carriage returns
would be one unreadable line or nothing at all."""
from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

import numpy as np


class Progress(Protocol):
    """What the library calls on a progress display (a tqdm bar or :class:`PlainProgress`)."""

    def update(self, n: int = 1) -> object: ...

    def close(self) -> object: ...


#: Seconds a run under ``progress="auto"`` works silently before its progress appears.
AUTO_DELAY = 5.0


def check_progress(value: object, argument: str = "progress") -> None:
    """``progress``: True, False or "auto"."""
    if not (isinstance(value, (bool, np.bool_)) or value == "auto"):
        raise ValueError(f"{argument}: expected True, False or 'auto', got {value!r}")


class PlainProgress:
    """A line ``desc: n/total unit (s)`` at most every ``every`` seconds and at the end; the
    tqdm methods the library uses (``update``, ``close``). With ``delay``, nothing is written
    before that many seconds have passed (a short run stays silent, end line included)."""

    def __init__(self, total: int, desc: str, unit: str, every: float = 10.0, stream: TextIO | None = None,
                 delay: float = 0.0):
        self.total, self.desc, self.unit, self.every, self.delay = total, desc, unit, every, delay
        self.stream = stream if stream is not None else sys.stderr
        self.n, self._start = 0, time.monotonic()
        self._last = self._start

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if now - self._start < self.delay:
            return
        # A delayed display says where it is as soon as the delay is over, then keeps the interval.
        first = self.delay > 0 and self._last == self._start
        if first or now - self._last >= self.every or self.n >= self.total:
            self._write(now)

    def _write(self, now: float) -> None:
        self._last = now
        print(f"{self.desc}: {self.n}/{self.total} {self.unit}s ({now - self._start:.0f} s)",
              file=self.stream, flush=True)

    def close(self) -> None:
        now = time.monotonic()
        if self._last == self._start and self.n and now - self._start >= self.delay:
            self._write(now)  # nothing written yet: say it finished


def progress_bar(enabled: bool | str, total: int, desc: str, unit: str = "step") -> Progress | None:
    """A progress display for ``total`` units on stderr, or None when not ``enabled``;
    ``enabled="auto"`` shows it only once the work has run for :data:`AUTO_DELAY` seconds."""
    if not enabled:
        return None
    delay = AUTO_DELAY if enabled == "auto" else 0.0
    if sys.stderr.isatty():
        from tqdm.auto import tqdm

        return tqdm(total=total, desc=desc, unit=unit, leave=False, delay=delay)
    return PlainProgress(total, desc, unit, delay=delay)
