"""Progress on stderr for long steps: a tqdm bar on a terminal, and plain lines elsewhere (a CI
log, a pipe, ``make demo`` under another program), where a bar redrawn with carriage returns
would be one unreadable line or nothing at all."""
from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO


class Progress(Protocol):
    """What the library calls on a progress display (a tqdm bar or :class:`PlainProgress`)."""

    def update(self, n: int = 1) -> object: ...

    def close(self) -> object: ...


class PlainProgress:
    """A line ``desc: n/total unit (s)`` at most every ``every`` seconds and at the end; the
    tqdm methods the library uses (``update``, ``close``)."""

    def __init__(self, total: int, desc: str, unit: str, every: float = 10.0, stream: TextIO | None = None):
        self.total, self.desc, self.unit, self.every = total, desc, unit, every
        self.stream = stream if stream is not None else sys.stderr
        self.n, self._start = 0, time.monotonic()
        self._last = self._start

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if now - self._last >= self.every or self.n >= self.total:
            self._write(now)

    def _write(self, now: float) -> None:
        self._last = now
        print(f"{self.desc}: {self.n}/{self.total} {self.unit}s ({now - self._start:.0f} s)",
              file=self.stream, flush=True)

    def close(self) -> None:
        if self._last == self._start and self.n:  # nothing written yet: say it finished
            self._write(time.monotonic())


def progress_bar(enabled: bool, total: int, desc: str, unit: str = "step") -> Progress | None:
    """A progress display for ``total`` units on stderr, or None when not ``enabled``."""
    if not enabled:
        return None
    if sys.stderr.isatty():
        from tqdm.auto import tqdm

        return tqdm(total=total, desc=desc, unit=unit, leave=False)
    return PlainProgress(total, desc, unit)
