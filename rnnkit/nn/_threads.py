"""One BLAS thread for small recurrent problems.

A small per-step GEMM (say 64 x 96 times 96 x 32) finishes before a second BLAS thread is even
awake, and on a busy two-core machine waiting for that thread costs more than the GEMM itself
(measured in benchmarks/engine_vs_torch.py). Below ``SMALL_STEP_MACS`` multiply-adds per
recurrent step we run the whole forward or backward on one thread, then restore the caller's
setting. threadpoolctl talks to the BLAS that numpy loaded; without it this is a no-op.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

SMALL_STEP_MACS = 1_000_000
_blas = None


def _blas_controllers():
    global _blas
    if _blas is None:
        try:
            from threadpoolctl import ThreadpoolController

            _blas = ThreadpoolController().select(user_api="blas").lib_controllers
        except Exception:  # threadpoolctl missing or unable to inspect this BLAS
            _blas = []
    return _blas


@contextmanager
def blas_threads_for(step_macs: int) -> Iterator[None]:
    """Limit BLAS to one thread inside the block if a recurrent step is small."""
    controllers = _blas_controllers() if step_macs < SMALL_STEP_MACS else []
    saved = [(c, c.get_num_threads()) for c in controllers]
    for c, n in saved:
        if n != 1:
            c.set_num_threads(1)
    try:
        yield
    finally:
        for c, n in saved:
            if n != 1:
                c.set_num_threads(n)
