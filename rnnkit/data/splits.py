"""Chronological splits: train before validation before test, and rolling-origin backtests.

Shuffled splits leak the future into training for time series. Everything here is index
arithmetic on positions, so the same slices cut the values, the covariates and the index.
"""
from __future__ import annotations

import math
import numbers
from typing import NamedTuple

from rnnkit.data._checks import check_int


def _count(name: str, size, n: int) -> int:
    """A size given as a fraction of ``n`` (0 <= f < 1) or as a number of points."""
    if isinstance(size, bool) or not isinstance(size, numbers.Real):
        raise TypeError(f"{name} must be a fraction in [0, 1) or a number of points, got {size!r}")
    if isinstance(size, numbers.Integral):
        return check_int(name, size, minimum=0)
    if not 0.0 <= size < 1.0:
        raise ValueError(f"{name} as a fraction must be in [0, 1), got {size}; pass an int for a count")
    # ceil: a requested 10% of 95 points is 10 points, never 9 (as sklearn rounds test sizes).
    return math.ceil(size * n)


def train_val_test_split(n: int, val: float | int = 0.1, test: float | int = 0.2) -> tuple[slice, slice, slice]:
    """Split ``range(n)`` into consecutive train, validation and test slices.

    Parameters
    ----------
    n : int
        Length of the series.
    val, test : float or int
        Fractions of ``n`` in [0, 1) (rounded up) or counts of points. 0 gives an empty slice.

    Returns
    -------
    train, val, test : slice
        ``slice(0, a)``, ``slice(a, b)``, ``slice(b, n)``; fit scalers on ``train`` only.

    Raises
    ------
    ValueError
        If nothing would be left for training.

    Examples
    --------
    >>> train_val_test_split(100, val=0.1, test=0.2)
    (slice(0, 70, None), slice(70, 80, None), slice(80, 100, None))
    """
    n = check_int("n", n)
    n_val, n_test = _count("val", val, n), _count("test", test, n)
    n_train = n - n_val - n_test
    if n_train < 1:
        raise ValueError(f"series has {n} points; val {n_val} + test {n_test} leaves none for training")
    return slice(0, n_train), slice(n_train, n_train + n_val), slice(n_train + n_val, n)


class Fold(NamedTuple):
    """One backtest fold: train on ``[0, train_end)``, forecast ``test``."""

    train_end: int
    test: slice

    @property
    def train(self) -> slice:
        """``slice(0, train_end)``: everything before the forecast origin."""
        return slice(0, self.train_end)


def rolling_origin_folds(n: int, horizon: int, folds: int, step: int | None = None,
                         min_train: int = 1) -> list[Fold]:
    """Forecast origins for a rolling-origin (expanding window) backtest.

    The last fold's test range ends at the last point; each earlier fold moves the origin back
    by ``step``. A fold trains on everything before its origin and tests on the next
    ``horizon`` points, so its training range never reaches its test range.

    Parameters
    ----------
    n : int
        Length of the series.
    horizon : int
        Points forecast per fold.
    folds : int
        Number of folds.
    step : int, optional
        Distance between consecutive origins; defaults to ``horizon`` (test ranges tile the
        end of the series without overlap).
    min_train : int, default 1
        Fewest training points the first fold may have (a windowed model needs at least
        ``window + horizon``).

    Returns
    -------
    list of Fold
        Oldest origin first; each unpacks as ``(train_end, test_slice)``.

    Raises
    ------
    ValueError
        If the series is too short for the folds asked.

    Examples
    --------
    >>> [tuple(f) for f in rolling_origin_folds(10, horizon=2, folds=2)]
    [(6, slice(6, 8, None)), (8, slice(8, 10, None))]
    """
    n = check_int("n", n)
    horizon = check_int("horizon", horizon)
    folds = check_int("folds", folds)
    step = horizon if step is None else check_int("step", step)
    min_train = check_int("min_train", min_train)
    first_end = n - horizon - (folds - 1) * step
    if first_end < min_train:
        need = min_train + horizon + (folds - 1) * step
        raise ValueError(
            f"series has {n} points; {folds} folds of horizon {horizon} with step {step} and "
            f"min_train {min_train} need at least {need}"
        )
    out = []
    for k in range(folds):
        end = first_end + k * step
        out.append(Fold(end, slice(end, end + horizon)))
    return out
