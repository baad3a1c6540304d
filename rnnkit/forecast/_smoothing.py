"""A statistical member for the forecaster's combination: exponential smoothing of the adjusted series.

The network pipelines win where a series has structure a window can learn; on short, noisy or
trend-dominated series a well-fitted exponential smoothing is hard to beat, and the two err
differently. So one pipeline of the default combination fits no network: it reads the same
log- and season-adjusted series ``z`` (``SeriesTransform``) and forecasts it with Gardner and
McKenzie's damped trend,

    l_t = alpha * z_t + (1 - alpha) * (l_{t-1} + phi * b_{t-1})
    b_t = beta * (l_t - l_{t-1}) + (1 - beta) * phi * b_{t-1}
    zhat_{t+j} = l_t + (phi + phi^2 + ... + phi^j) * b_t,

or, when its AICc is lower, with no trend at all (simple exponential smoothing: ``b = 0``,
``beta = 0``), the seasons and the log added back by the transform, as for the networks. It
takes its share of each series' forecast by its error on the same held-out origins
(``combine_weights``).

The parameters (alpha, beta, phi and the initial state) are fitted by statsmodels'
``ExponentialSmoothing`` on the values before the cut only; the filter here then runs through
later values with those parameters fixed, so a forecast from an origin reads nothing after it.
"""
from __future__ import annotations

import math
import os
import warnings

import numpy as np

from rnnkit.data._checks import check_int
from rnnkit.forecast._inputs import MAX_MAGNITUDE
from rnnkit.nn._checks import is_real_number

SMOOTHERS = ("ets",)
_PARAMS = ("alpha", "beta", "phi", "level0", "trend0")
# The fit sees at most this many latest values (statsforecast's AutoETS sees 1,000 too): the
# parameters settle long before, and a fit stays under 0.1 s on 5,000 hourly points.
MAX_FIT_POINTS = 1000


class ExponentialSmoother:
    """Damped-trend or simple exponential smoothing of one adjusted series (module docstring).

    Attributes (after :meth:`fit`)
    ------------------------------
    alpha_, beta_, phi_ : float
        Smoothing of the level, of the trend, and the trend's damping (a model without trend:
        ``beta_ = 0``, ``phi_ = 1`` and ``trend0_ = 0``).
    level0_, trend0_ : float
        The state before the first fitted value.
    start_ : int
        Position (in the series given to :meth:`fit`) of the first value the fit read.
    level_, trend_ : float
        The state after the last value seen: what :meth:`forecast` starts from.
    """

    def fit(self, z: np.ndarray) -> ExponentialSmoother:
        z = np.asarray(z, dtype=float)
        self.start_ = max(0, len(z) - MAX_FIT_POINTS)
        self.alpha_, self.beta_, self.phi_, self.level0_, self.trend0_ = _estimate(z[self.start_:])
        return self.advance(z)

    def states(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Level and trend after each value of ``z`` from position ``start_`` on, with the fitted
        parameters fixed (positions before ``start_`` hold the initial state)."""
        a, b, phi = self.alpha_, self.beta_, self.phi_
        level, trend = np.empty(len(z)), np.empty(len(z))
        l, t = self.level0_, self.trend0_
        level[:self.start_], trend[:self.start_] = l, t
        for i in range(self.start_, len(z)):  # a few ms for 5,000 values; run once per series
            new = a * z[i] + (1 - a) * (l + phi * t)
            t = b * (new - l) + (1 - b) * phi * t
            l = new
            level[i], trend[i] = l, t
        return level, trend

    def advance(self, z: np.ndarray) -> ExponentialSmoother:
        """Move the state to after the last value of ``z`` (the fitted values and those after
        them), the parameters unchanged."""
        level, trend = self.states(z)
        self.level_, self.trend_ = float(level[-1]), float(trend[-1])
        return self

    def _ahead(self, h: int) -> np.ndarray:
        return np.cumsum(self.phi_ ** np.arange(1, h + 1))

    def forecast_from(self, z: np.ndarray, first: np.ndarray, h: int) -> np.ndarray:
        """(N, h) forecasts from origins whose first forecast is at positions ``first`` of ``z``,
        each from the state after the value before it."""
        level, trend = self.states(z)
        before = np.asarray(first) - 1
        return level[before, None] + trend[before, None] * self._ahead(h)[None, :]

    def forecast(self, h: int) -> np.ndarray:
        """The next ``h`` values after the last one seen."""
        return self.level_ + self.trend_ * self._ahead(h)

    def to_dict(self) -> dict:
        return {"model": "ets", **{name: float(getattr(self, f"{name}_")) for name in _PARAMS},
                "start": int(self.start_), "level": self.level_, "trend": self.trend_}

    @classmethod
    def from_dict(cls, d: dict) -> ExponentialSmoother:
        """Rebuild from :meth:`to_dict`, refusing (``ValueError``) what :meth:`fit` cannot make."""
        if not isinstance(d, dict) or d.get("model") != "ets":
            raise ValueError(f"smoother: expected an exponential smoother ({{'model': 'ets', ...}}), got {d!r}")
        obj = cls()
        for name in (*_PARAMS, "level", "trend"):
            value = d.get(name)
            if not is_real_number(value) or not abs(value) <= MAX_MAGNITUDE:
                raise ValueError(f"smoother.{name}: expected a finite number, got {value!r}")
            setattr(obj, f"{name}_", float(value))
        if not (0 <= obj.alpha_ <= 1 and 0 <= obj.beta_ <= 1 and 0 < obj.phi_ <= 1):
            raise ValueError(f"smoother: expected alpha, beta in [0, 1] and phi in (0, 1], got "
                             f"{obj.alpha_}, {obj.beta_}, {obj.phi_}")
        obj.start_ = check_int("smoother.start", d.get("start"), 0)
        return obj


# Below this many series the smoothers are fitted in this process: starting workers costs more
# than the 10-20 ms fits they would share.
PARALLEL_FROM = 200


def fit_smoothers(adjusted: list[np.ndarray], n_jobs: int | None = 1) -> list[ExponentialSmoother]:
    """One fitted smoother per adjusted series; a large panel's fits shared among ``n_jobs``
    worker processes (-1: one per core), each fit the same wherever it runs."""
    jobs = (os.cpu_count() or 1) if n_jobs == -1 else (n_jobs or 1)
    if jobs == 1 or len(adjusted) < PARALLEL_FROM:
        return [ExponentialSmoother().fit(z) for z in adjusted]
    from joblib import Parallel, delayed

    return Parallel(n_jobs=jobs, batch_size=32)(delayed(ExponentialSmoother().fit)(z) for z in adjusted)


def _estimate(z: np.ndarray) -> tuple[float, float, float, float, float]:
    """alpha, beta, phi and the initial level and trend of ``z``: statsmodels' least-squares fits
    of the damped trend and of simple smoothing, the one with the lower AICc (AutoETS's rule);
    a constant or very short series: a flat level at its last value."""
    flat = (1.0, 0.0, 1.0, float(z[-1]), 0.0)
    if len(z) < 4 or np.ptp(z) == 0:
        return flat
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    # use_brute=False: statsmodels' grid search for starting values doubled the time and, on the
    # tuning half's series, found a lower sum of squares in 6 fits of 80 and a higher one in 12.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on short series
        damped = ExponentialSmoothing(z, trend="add", damped_trend=True).fit(use_brute=False)
        simple = ExponentialSmoothing(z).fit(use_brute=False)
    if simple.aicc <= damped.aicc or not math.isfinite(damped.aicc):
        p = simple.params
        values = (p["smoothing_level"], 0.0, 1.0, p["initial_level"], 0.0)
    else:
        p = damped.params
        values = (p["smoothing_level"], p["smoothing_trend"], p["damping_trend"], p["initial_level"],
                  p["initial_trend"])
    if not all(math.isfinite(v) for v in values):  # never seen; a flat level rather than a NaN
        return flat
    return tuple(float(v) for v in values)
