"""What every forecaster shares: scikit-learn style ``fit``/``predict``, future time stamps,
and prediction intervals calibrated on held-out errors (split conformal).

Intervals: for each step ahead j we keep absolute errors |y - yhat| of forecasts made from
earlier origins that the model did not see (``calibration_errors_``, shape (origins, horizon)).
The interval at level L is yhat_j +- q_j, with q_j the ceil((n + 1) L / 100)-th smallest of the
n errors at step j: the split-conformal quantile, which covers at least L% when errors are
exchangeable. With too few origins for a level, the largest error is used and a warning names it.
"""
from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from rnnkit._params import Params
from rnnkit.data import TimeSeries
from rnnkit.exceptions import NotFittedError
from rnnkit.forecast._inputs import as_series, check_magnitude, season_length_for

_F = TypeVar("_F", bound="BaseForecaster")


class BaseForecaster(Params):
    """Base class. Subclasses implement ``_fit(series)``, ``_forecast(series, h)`` and may
    override ``_calibration_errors(series)``."""

    horizon: int
    season_length = "auto"
    calibration_origins = 19  # the smallest count whose split-conformal 95% quantile exists
    #: A longer series is fitted on its latest ``max_fit_points`` points (None: on all of them),
    #: so the cost of fitting (STL, ETS, AutoReg's order search, each repeated at every
    #: calibration and backtest origin) stops growing with the length of the series.
    max_fit_points: int | None = None

    def _check_fitted(self) -> None:
        if not hasattr(self, "series_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit(y) first")

    # --- fit / predict -----------------------------------------------------------------------
    def fit(self: _F, y: TimeSeries | pd.Series | ArrayLike, covariates: pd.DataFrame | ArrayLike | None = None) -> _F:
        """Fit to a series (TimeSeries, pandas Series or 1-D array); returns ``self``."""
        self._check_horizon()
        series = as_series(y, covariates)
        check_magnitude(series)
        self.__dict__.pop("calibration_errors_", None)
        self._fit_series(series)
        return self

    def _check_horizon(self) -> None:
        if not isinstance(self.horizon, (int, np.integer)) or isinstance(self.horizon, bool) or self.horizon < 1:
            raise ValueError(f"horizon: expected a positive integer, got {self.horizon!r}")

    def _latest(self, series: TimeSeries) -> TimeSeries:
        """The part of ``series`` a fit reads: its latest :attr:`max_fit_points` points."""
        limit = self.max_fit_points
        return series.tail(limit) if limit is not None and len(series) > limit else series

    def _fit_series(self, series) -> None:
        """Fit the point model alone (no intervals): also used for refits at earlier origins."""
        series = self._latest(series)
        self.season_length_ = season_length_for(series, self.season_length)
        self._check_length(series)
        self._fit(series)
        self.series_ = series

    def _check_length(self, series) -> None:
        if len(series) < 3:
            raise ValueError(f"y: expected at least 3 points, got {len(series)}")

    def predict(self, horizon: int | None = None, level: float | Sequence[float] | None = None) -> pd.DataFrame:
        """Forecast the next ``horizon`` steps (default: the fitted horizon).

        Parameters
        ----------
        horizon : int, optional
        level : list of numbers in (0, 100), optional
            Interval levels; adds columns ``lo_<L>`` and ``hi_<L>``.

        Returns
        -------
        DataFrame indexed by the future time stamps, column ``forecast`` (+ interval columns).
        """
        h, levels = self._check_predict_args(horizon, level)
        point = self._forecast(self.series_, h)
        return forecast_frame(self.series_, point, levels, lambda lv: self._interval_halfwidth(lv, h))

    @property
    def max_horizon(self) -> int:
        """The longest horizon :meth:`predict` accepts: the fitted horizon, or as many steps as
        the history is long if that is more (beyond, a forecast says nothing the data could
        support, and its cost grows without bound)."""
        self._check_fitted()
        return self.horizon_limit([len(s) for s in self._histories()])

    def horizon_limit(self, lengths: Sequence[int]) -> int:
        """The longest horizon for histories of these ``lengths``: the fitted horizon, or the
        shortest history if that is longer (see :attr:`max_horizon`)."""
        return max(self.horizon, min(lengths))

    def _histories(self) -> list[TimeSeries]:
        return [self.series_]

    def _check_predict_args(self, horizon, level, lengths: Sequence[int] | None = None) -> tuple[int, list[float]]:
        """The horizon and levels checked; ``lengths``: those of a history given to predict
        instead of the fitted one (the horizon may reach the shortest of them)."""
        self._check_fitted()
        h = self.horizon if horizon is None else horizon
        if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1:
            raise ValueError(f"horizon: expected a positive integer, got {h!r}")
        longest = self.max_horizon if lengths is None else self.horizon_limit(lengths)
        if h > longest:
            raise ValueError(f"horizon: expected at most {longest} (max_horizon: the length of the "
                             f"history), got {h}")
        return int(h), _levels(level)

    def backtest(self, y: TimeSeries | pd.Series | ArrayLike, covariates: pd.DataFrame | ArrayLike | None = None,
                 folds: int = 3, step: int | None = None,
                 level: float | Sequence[float] | None = None,
                 future_covariates: pd.DataFrame | ArrayLike | Sequence[str] | None = None) -> pd.DataFrame:
        """Rolling-origin backtest with a refit per fold; see :func:`rnnkit.forecast.backtest.backtest`
        (``future_covariates`` for a model that takes them)."""
        from rnnkit.forecast.backtest import backtest

        return backtest(self, y, covariates, folds=folds, step=step, level=level, future_covariates=future_covariates)

    # --- intervals ---------------------------------------------------------------------------
    def calibration(self) -> np.ndarray:
        """Absolute held-out errors (origins, horizon) behind the intervals; computed on first
        use and kept."""
        self._check_fitted()
        if not hasattr(self, "calibration_errors_"):
            self.calibration_errors_ = self._calibration_errors(self.series_)
        return self.calibration_errors_

    def _calibration_clone(self) -> BaseForecaster:
        """The model refitted at earlier origins: by default an unfitted copy."""
        model = self.clone()
        model.season_length = self.season_length_
        return model

    def _calibration_errors(self, series) -> np.ndarray:
        """Absolute errors of refits at the last origins before the end (rolling origin)."""
        h = self.horizon
        n = len(series)
        origins = [n - h - k for k in range(self.calibration_origins)]
        origins = [o for o in origins if o >= max(2 * self.season_length_, 3, h)]
        errors = []
        for origin in sorted(origins):
            model = self._calibration_clone()
            train = series[:origin]
            try:
                model._fit_series(train)
            except ValueError:  # too short at this origin
                continue
            forecast = model._forecast(train, h)
            errors.append(np.abs(series.values[origin:origin + h] - forecast))
        return np.array(errors).reshape(-1, h)

    def _interval_halfwidth(self, level: float, h: int) -> np.ndarray:
        return conformal_halfwidth(self.calibration(), level, h)


def forecast_frame(series: TimeSeries, point: ArrayLike, levels: list,
                   halfwidth: Callable[[float], np.ndarray]) -> pd.DataFrame:
    """The forecast of ``series`` as a frame on its future time stamps, with ``lo_<L>`` and
    ``hi_<L>`` columns from ``halfwidth(L)`` for each level."""
    point = np.asarray(point, dtype=float)
    # A series that never went below zero (rain, counts, prices) is not forecast below it.
    floor = 0.0 if np.min(series.values) >= 0 else -np.inf
    frame = pd.DataFrame({"forecast": np.maximum(point, floor)}, index=series.future_index(len(point)))
    for lv in levels:
        width = halfwidth(lv)
        frame[f"lo_{_fmt(lv)}"] = np.maximum(point - width, floor)
        frame[f"hi_{_fmt(lv)}"] = np.maximum(point + width, floor)
    if not np.all(np.isfinite(frame.to_numpy())):  # never handed on (or written) as if it were a result
        bad = frame.columns[~np.isfinite(frame.to_numpy()).all(axis=0)].tolist()
        raise FloatingPointError(f"the forecast of {series.target!r} holds NaN or infinite values in {bad}")
    return frame


def conformal_halfwidth(errors: np.ndarray, level: float, h: int) -> np.ndarray:
    """Half-widths for steps 1..h from absolute errors (origins, horizon): the split-conformal
    quantile per step (module docstring)."""
    if errors.size == 0:
        raise ValueError("level: this series is too short to calibrate prediction intervals")
    n = len(errors)
    rank = math.ceil((n + 1) * level / 100.0)
    if rank > n:
        warnings.warn(f"only {n} calibration origins: the {level}% interval uses the largest "
                      "error and may be too narrow", stacklevel=_caller_outside_rnnkit())
        rank = n
    q = np.sort(errors, axis=0)[rank - 1]
    # Steps beyond the calibrated horizon reuse the last step's width, grown like a random walk.
    if h > len(q):
        extra = q[-1] * np.sqrt(np.arange(len(q) + 1, h + 1) / len(q))
        q = np.concatenate([q, extra])
    return q[:h]


def _caller_outside_rnnkit() -> int:
    """The ``stacklevel`` that makes a warning point at the user's line, however deep inside
    rnnkit it was raised (counted from the function that calls this one)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def _levels(level) -> list[float]:
    if level is None:
        return []
    levels = [level] if np.isscalar(level) else list(level)
    for lv in levels:
        if isinstance(lv, bool) or not isinstance(lv, (int, float, np.number)) or not 0 < lv < 100:
            raise ValueError(f"level: expected numbers in (0, 100), got {lv!r}")
    return [float(lv) for lv in levels]


def _fmt(level: float) -> str:
    return str(int(level)) if float(level).is_integer() else str(level)
