"""What the network does not have to learn: variance stabilisation and seasonality, per series.

The forecaster's network sees a series after two steps that are fitted on the training part
only and undone on its forecasts (the lessons of Hewamalage, Bergmeir and Bandara's study of
RNN forecasting, and of the M4-winning ES-RNN, which also kept level and season outside the
network):

1. ``log``: for a strictly positive series, ``z = log(y)``, so swings that grow with the
   level (multiplicative seasonality, exponential trends) become constant ones;
   with inputs known ahead (``regress``), what a least-squares regression on them explains is
   taken out of ``z`` next (``_regression.py``), and added back to the forecasts from their
   known future rows;
2. ``stl``: ``z = trend + seasonal + remainder`` by STL (MSTL for several seasons, such as
   48 and 336 for half-hourly data); the network reads and forecasts ``z - seasonal``. A
   season is removed only when its strength (:func:`season_strength`) is at least
   ``MIN_SEASON_STRENGTH``; a weak one stays in what the network reads.

Past the end of the fitted part, each seasonal component is its last full season repeated:
the forecasts get it added back, and so do windows of data that arrive later (the held-out
origins), so nothing after the fitted part shapes it.
"""
from __future__ import annotations

import math

import numpy as np

from rnnkit.data._checks import check_int
from rnnkit.forecast._inputs import MAX_MAGNITUDE
from rnnkit.forecast._regression import KnownRegression

TRANSFORMS = ("auto", "log", "none")
DESEASONALISE = ("auto", "stl", "none")


def season_periods(season_length: int, freq: str | None) -> list[int]:
    """Seasons to remove: ``season_length`` and, for sub-daily and daily data, the
    weekly/yearly season above it. :meth:`SeriesTransform.fit` keeps those of them with at
    least two full cycles in the values it is fitted on (STL needs them)."""
    periods = [season_length] if season_length > 1 else []
    base = (freq or "").split("-")[0].lstrip("0123456789")
    if season_length in (24, 48) and base in ("h", "H", "min", "T"):
        periods.append(7 * season_length)  # the week above the day
    elif season_length == 7 and base == "D":
        periods.append(365)  # the year above the week
    return periods


# A season is removed only when it is this strong (season_strength); weaker ones are left to
# the network: removing a season that is mostly noise repeats that noise into every forecast
# (weekly prices, daily temperatures at m = 7). Chosen on the tuning half of the benchmark
# among 0, 0.3, 0.5, 0.7, 0.8 and 0.9 (docs/forecasting.md; 0.7 and 0.8 tied).
MIN_SEASON_STRENGTH = 0.7


def season_strength(seasonal: np.ndarray, remainder: np.ndarray) -> float:
    """Strength of a season, ``max(0, 1 - var(R) / var(S + R))`` (Wang, Smith and Hyndman):
    near 1 when the season dominates what the trend leaves, near 0 when it is noise."""
    total = float(np.var(seasonal + remainder))
    return max(0.0, 1.0 - float(np.var(remainder)) / total) if total > 0 else 0.0


def _stl_jumps(period: int, seasonal: int = 7) -> dict:
    """R's ``stl`` defaults for the loess jumps (every ceil(window / 10)-th point is smoothed and
    the rest interpolated), which statsmodels leaves at 1: ten times faster on long series (a
    4,000-point half-hourly series: 0.9 s to 0.1 s) for a seasonal part that differs only in
    the noise."""
    trend = math.ceil(1.5 * period / (1 - 1.5 / seasonal))
    trend += 1 - trend % 2  # odd
    low_pass = period + 1 - period % 2
    return {"seasonal_jump": math.ceil(seasonal / 10), "trend_jump": math.ceil(trend / 10),
            "low_pass_jump": math.ceil(low_pass / 10)}


class SeriesTransform:
    """Fitted per series on its training values; maps values to the network's space and back.

    Parameters
    ----------
    transform : {"auto", "log", "none"}
        "auto" takes the log of a strictly positive series.
    deseasonalise : {"auto", "stl", "none"}
        "auto" (and "stl") remove the seasons of :func:`season_periods` that have two full
        cycles in the fitted values and a strength of at least ``MIN_SEASON_STRENGTH``.
    periods : list of int
        Seasons in steps (from :func:`season_periods`).
    keep : int
        Steps of each fitted component kept for later use (at least the window).
    regress : bool, default False
        Take out what the known matrix given to :meth:`fit` explains (none without one).

    ``forward`` and ``inverse`` take the rows of the known matrix at the positions they map
    (``known``): required when a regression was fitted, ignored otherwise.
    """

    def __init__(self, transform: str, deseasonalise: str, periods: list[int], keep: int, regress: bool = False):
        self.transform, self.deseasonalise = transform, deseasonalise
        self.periods, self.keep, self.regress = list(periods), int(keep), bool(regress)

    def fit(self, values: np.ndarray, known: np.ndarray | None = None) -> SeriesTransform:
        values = np.asarray(values, dtype=float)
        self.n_ = len(values)
        self.log_ = self.transform == "log" or (self.transform == "auto" and bool(np.min(values) > 0))
        if self.transform == "log" and not np.min(values) > 0:
            raise ValueError("transform: 'log' needs a strictly positive series; use 'auto' or 'none'")
        # A value met later (a held-out origin, new history) below half the fitted minimum is
        # read as that floor: a log transform chosen on positive values must not turn a later 0
        # into -inf (a shop's first closed day).
        self.floor_ = 0.5 * float(np.min(values)) if self.log_ else None
        z = np.log(values) if self.log_ else values
        self.regression_ = None
        if self.regress and known is not None and known.shape[1] > 0:
            self.regression_ = KnownRegression().fit(z, known[:len(z)])
            z = z - self.regression_.effect(known[:len(z)])
        components = self._seasonal(z) if self.deseasonalise != "none" else []
        self.periods_ = [p for p, _ in components]
        # whole components while fitting; files keep the last `keep` steps (and a full season)
        self.tails_ = [np.asarray(c, dtype=float) for _, c in components]
        return self

    def _seasonal(self, z: np.ndarray) -> list[tuple[int, np.ndarray]]:
        periods = [p for p in self.periods if len(z) >= 2 * p + 1]  # two full cycles of each
        if not periods or np.ptp(z) == 0:
            return []
        from statsmodels.tsa.seasonal import STL

        # MSTL (Bandara, Hyndman and Bergmeir): STL for each season in turn on what the others
        # leave, twice round; statsmodels' MSTL takes one set of loess jumps for every season,
        # so the loop is here to give each its own.
        periods = sorted(periods)
        seasonal = [np.zeros_like(z) for _ in periods]
        rest = z.copy()
        for _ in range(1 if len(periods) == 1 else 2):
            for i, p in enumerate(periods):
                rest = rest + seasonal[i]
                window = 7 + 4 * i  # MSTL's seasonal windows
                fit = STL(rest, period=p, seasonal=window, **_stl_jumps(p, window)).fit()
                seasonal[i] = fit.seasonal
                rest = rest - seasonal[i]
        resid = rest - fit.trend
        keep = [season_strength(s, resid) >= MIN_SEASON_STRENGTH for s in seasonal]
        return [(p, s) for p, s, k in zip(periods, seasonal, keep) if k]

    def seasonal(self, positions: np.ndarray) -> np.ndarray:
        """The seasonal part at integer ``positions`` (0 = the first fitted value), from the
        kept tail inside the fitted range and the last season repeated beyond it."""
        positions = np.asarray(positions)
        total = np.zeros(positions.shape)
        for p, tail in zip(self.periods_, self.tails_):
            start = self.n_ - len(tail)  # position of tail[0]
            beyond = positions >= self.n_
            # beyond the end: the same phase in the last full season
            idx = np.where(beyond, len(tail) - p + (positions - self.n_) % p, positions - start)
            if np.any(idx < 0):
                raise ValueError("positions: earlier than the kept part of the seasonal fit")
            total += tail[idx]
        return total

    def _effect(self, known: np.ndarray | None, shape: tuple) -> np.ndarray | float:
        if self.regression_ is None:
            return 0.0
        if known is None:
            raise ValueError("known: this transform took out a regression on the known inputs; pass their rows")
        known = np.asarray(known, dtype=float)
        if known.shape[:-1] != shape:
            raise ValueError(f"known: expected rows for shape {shape}, got {known.shape[:-1]}")
        return self.regression_.effect(known)

    def forward(self, values: np.ndarray, start: int = 0, known: np.ndarray | None = None) -> np.ndarray:
        """Values (the series from position ``start``) in the network's space; ``known``: the
        known matrix's rows at the same positions."""
        values = np.asarray(values, dtype=float)
        z = np.log(np.maximum(values, self.floor_) if self.floor_ else values) if self.log_ else values
        z = z - self._effect(known, values.shape)
        if not self.periods_:
            return z
        return z - self.seasonal(np.arange(start, start + len(values)))

    def inverse(self, paths: np.ndarray, first: np.ndarray, known: np.ndarray | None = None) -> np.ndarray:
        """Forecast paths (N, h) in the network's space, path i starting at position
        ``first[i]``, back in the series' units; ``known`` (N, h, width): the known matrix's
        rows at the paths' positions."""
        paths = np.asarray(paths, dtype=float)
        if self.periods_:
            steps = np.asarray(first)[:, None] + np.arange(paths.shape[1])[None, :]
            paths = paths + self.seasonal(steps)
        paths = paths + self._effect(known, paths.shape)
        if self.log_:
            paths = np.exp(np.minimum(paths, 700.0))  # exp overflows float64 past ~709
        return paths

    def to_dict(self) -> dict:
        return {"transform": self.transform, "deseasonalise": self.deseasonalise, "periods": self.periods,
                "keep": self.keep, "n": self.n_, "log": self.log_, "fitted_periods": self.periods_,
                "tails": [t[-max(self.keep, p):].tolist() for p, t in zip(self.periods_, self.tails_)],
                "regress": self.regress, "floor": self.floor_,
                "regression": None if self.regression_ is None else self.regression_.to_dict()}

    @classmethod
    def from_dict(cls, d: dict, known_width: int = 0) -> SeriesTransform:
        """Rebuild from :meth:`to_dict` for a model with ``known_width`` known inputs, refusing
        (``ValueError``) what :meth:`fit` cannot have made (a file from before regressions
        has none)."""
        for name, allowed in (("transform", TRANSFORMS), ("deseasonalise", DESEASONALISE)):
            if d[name] not in allowed:
                raise ValueError(f"transform.{name}: expected one of {list(allowed)}, got {d[name]!r}")
        if not isinstance(d["log"], bool):
            raise ValueError(f"transform.log: expected true or false, got {d['log']!r}")
        periods = [check_int("transform.periods", p, 2) for p in _list("transform.periods", d["periods"])]
        regress = d.get("regress", False)
        if not isinstance(regress, bool):
            raise ValueError(f"transform.regress: expected true or false, got {regress!r}")
        obj = cls(d["transform"], d["deseasonalise"], periods, check_int("transform.keep", d["keep"]), regress)
        regression = d.get("regression")
        obj.regression_ = None if regression is None else KnownRegression.from_dict(regression, known_width)
        obj.n_, obj.log_ = check_int("transform.n", d["n"]), d["log"]
        floor = d.get("floor")  # files from before the floor have none
        if floor is not None and not (isinstance(floor, float) and 0 < floor <= MAX_MAGNITUDE and obj.log_):
            raise ValueError(f"transform.floor: expected a positive number (with log) or null, got {floor!r}")
        obj.floor_ = floor
        obj.periods_ = [check_int("transform.fitted_periods", p, 2)
                        for p in _list("transform.fitted_periods", d["fitted_periods"])]
        obj.tails_ = [np.asarray(t, dtype=float) for t in _list("transform.tails", d["tails"])]
        if len(obj.tails_) != len(obj.periods_) or any(t.ndim != 1 or len(t) < p
                                                       for t, p in zip(obj.tails_, obj.periods_)):
            raise ValueError("transform: seasonal tails do not match their periods")
        if not all(np.all(np.abs(t) <= MAX_MAGNITUDE) for t in obj.tails_):  # NaN fails too
            raise ValueError(f"transform: seasonal tails hold values beyond {MAX_MAGNITUDE:.0e}, NaN or infinite")
        return obj


def _list(name: str, value: object) -> list:
    if not isinstance(value, list):
        raise ValueError(f"{name}: expected a list, got {value!r}")
    return value
