"""Rolling-origin backtests: refit at each origin on the past only, forecast the next horizon,
score it. Each fold builds a new model (clone), so scalers and windows are fitted per fold on
that fold's training part alone."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from rnnkit.data import TimeSeries, rolling_origin_folds
from rnnkit.forecast._future import future_values, merge_future
from rnnkit.forecast._inputs import as_series, season_length_for
from rnnkit.forecast.metrics import all_metrics, coverage

_M = TypeVar("_M", bound="Backtestable")


class Backtestable(Protocol):
    """What a backtest needs of a forecaster: any of rnnkit's (a protocol, as
    :mod:`rnnkit.forecast.base` imports this module)."""

    horizon: int

    def clone(self: _M) -> _M: ...

    def fit(self: _M, y: TimeSeries) -> _M: ...

    def predict(self, horizon: int | None = None, level: float | Sequence[float] | None = None) -> pd.DataFrame: ...


def backtest(model: Backtestable, y: TimeSeries | pd.Series | ArrayLike,
             covariates: pd.DataFrame | ArrayLike | None = None, folds: int = 3, step: int | None = None,
             level: float | Sequence[float] | None = None,
             future_covariates: pd.DataFrame | ArrayLike | Sequence[str] | None = None) -> pd.DataFrame:
    """Backtest ``model`` (any rnnkit forecaster, left unfitted) on ``y``.

    Parameters
    ----------
    model : forecaster; its ``horizon`` is the test length of every fold
    y, covariates : as for ``fit``
    folds : number of origins, the last one ``horizon`` points before the end
    step : distance between origins (default: the horizon, so test ranges tile the end)
    level : optional interval levels, adding coverage columns ``coverage_<L>``
    future_covariates : as for ``Forecaster.fit``; each fold's forecast is given their values
        over its test range (known ahead), never the target's

    Returns
    -------
    DataFrame with one row per (fold, step ahead): ``fold``, ``origin`` (first forecast stamp),
    ``step``, ``actual``, ``forecast`` (+ interval columns). ``backtest_metrics`` summarises it.
    """
    covariates, known = merge_future(y, covariates, future_covariates, single=True)
    series = as_series(y, covariates)
    fit_kwargs = {"future_covariates": list(known)} if known else {}
    h = model.horizon
    rows = []
    for k, fold in enumerate(rolling_origin_folds(len(series), h, folds, step=step, min_train=h + 3)):
        train = series[:fold.train_end]
        fitted = model.clone().fit(train, **fit_kwargs)
        futr = {"futr_df": future_values(series, fold.train_end, known)} if known else {}
        frame = fitted.predict(level=level, **futr)
        frame.insert(0, "actual", np.asarray(series.values[fold.test]))
        frame.insert(0, "step", np.arange(1, h + 1))
        frame.insert(0, "origin", frame.index[0])
        frame.insert(0, "fold", k)
        rows.append(frame)
    return pd.concat(rows)


def backtest_metrics(results: pd.DataFrame, history: TimeSeries | pd.Series | ArrayLike,
                     season_length: int | str) -> dict:
    """Point metrics over all folds (MASE scaled on ``history``) and interval coverage/width."""
    series = as_series(history)
    m = season_length_for(series, season_length)
    out = all_metrics(results["actual"], results["forecast"], series.values, m)
    for col in results.columns:
        if col.startswith("lo_"):
            lv = col[3:]
            out[f"coverage_{lv}"] = coverage(results["actual"], results[col], results[f"hi_{lv}"])
            out[f"width_{lv}"] = float(np.mean(results[f"hi_{lv}"] - results[col]))
    return out
