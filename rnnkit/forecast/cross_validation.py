"""Cross-validation over one series or a whole panel, in statsforecast's long format.

For ``n_windows`` cutoffs ``step_size`` apart, the last one ``h`` points before each series' end,
the model is fitted on each series cut at the cutoff (a fresh clone per refit, so no scaler,
transform or calibration sees a point after it) and forecasts the next ``h`` points. With
``refit=False`` one model fitted at the first cutoff forecasts every later window from the
history up to that window's cutoff (``Forecaster.predict(y=...)``, no refit); ``refit=k`` fits
anew every ``k`` windows.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from rnnkit.data import TimeSeries
from rnnkit.data._checks import check_int
from rnnkit.forecast._future import future_values, merge_future
from rnnkit.forecast._inputs import as_series
from rnnkit.forecast._panel import as_panel, is_panel, long_frame
from rnnkit.forecast.base import BaseForecaster
from rnnkit.forecast.metrics import all_metrics, coverage


def cross_validation(model: BaseForecaster, y: TimeSeries | pd.Series | ArrayLike | pd.DataFrame | dict,
                     h: int | None = None, n_windows: int = 3, step_size: int | None = None,
                     refit: bool | int = True, level: float | Sequence[float] | None = None,
                     covariates: pd.DataFrame | ArrayLike | Sequence[str] | None = None, id_col: str = "unique_id",
                     time_col: str = "ds", target_col: str = "y",
                     future_covariates: pd.DataFrame | ArrayLike | Sequence[str] | None = None,
                     static_covariates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Forecasts at ``n_windows`` cutoffs against what happened.

    Parameters
    ----------
    model : Forecaster, left unfitted (it is cloned)
    y : one series, or a long frame / dict of series, as :meth:`Forecaster.fit` takes
    h : steps ahead per window (default: the model's horizon)
    n_windows : number of cutoffs
    step_size : points between cutoffs (default ``h``: the windows tile the end)
    refit : True (a fit per window), False (one fit, at the first cutoff) or k (every k windows)
    level : interval levels, adding ``lo_<L>``, ``hi_<L>``
    covariates, future_covariates, static_covariates : as for :meth:`Forecaster.fit`; each
        window's forecast is given the known-future covariates' values after its cutoff (known
        ahead, as they would be), never the target's

    Returns
    -------
    DataFrame, one row per series, window and step ahead: ``id_col`` (for a panel), ``time_col``,
    ``cutoff`` (the last time stamp the fold's model saw), ``target_col`` (what happened),
    ``forecast`` and the interval columns.
    """
    h = model.horizon if h is None else check_int("h", h, minimum=1)
    n_windows = check_int("n_windows", n_windows, minimum=1)
    step_size = h if step_size is None else check_int("step_size", step_size, minimum=1)
    every = _refit_every(refit, n_windows)
    single = not is_panel(y, id_col)
    covariates, known = merge_future(y, covariates, future_covariates, single)
    panel = {None: as_series(y, covariates)} if single else as_panel(y, covariates, id_col, time_col, target_col)
    span = h + (n_windows - 1) * step_size
    for key, series in panel.items():
        if len(series) <= span:
            name = "y" if key is None else f"y: series {key!r}"
            raise ValueError(f"{name}: {n_windows} windows of {h} steps, {step_size} apart, need more than "
                             f"{span} points, got {len(series)}")
    fit_kwargs = {} if single else {"id_col": id_col, "time_col": time_col, "target_col": target_col}
    if known:
        fit_kwargs["future_covariates"] = list(known)
    if static_covariates is not None:
        fit_kwargs["static_covariates"] = static_covariates
    params = dict(model.get_params(deep=False), horizon=h)
    parts, fitted = [], None
    for window in range(n_windows):
        back = h + (n_windows - 1 - window) * step_size  # points after this window's cutoff
        history = {key: s[: len(s) - back] for key, s in panel.items()}
        given = history[None] if single else history
        futr = {"futr_df": _known_after(panel, back, known, id_col, time_col)} if known else {}
        if window % every == 0:
            fitted = type(model)(**params).fit(given, **fit_kwargs)
            frame = fitted.predict(h, level=level, **futr)
        else:
            frame = fitted.predict(h, level=level, y=given, **futr)
        frames = {None: frame} if single else dict(tuple(frame.groupby(id_col, sort=False)))
        for key, series in panel.items():
            # one series keeps its own date name (its index's); a panel has time_col already
            if single:
                part = frames[key].reset_index(names=frames[key].index.name or "date")
            else:
                part = frames[key].drop(columns=id_col).reset_index(drop=True)
            cut = len(series) - back
            part.insert(1, "cutoff", series.index[cut - 1])
            part.insert(2, target_col if not single else series.target, np.asarray(series.values[cut:cut + h]))
            if not single:
                part.insert(0, id_col, key)
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _known_after(panel: dict, back: int, known: tuple, id_col: str, time_col: str) -> pd.DataFrame:
    """The known-future covariates of each series after its cutoff (``back`` points before
    its end) as ``futr_df``: one series' frame, or a panel's long frame."""
    frames = {key: future_values(s, len(s) - back, known) for key, s in panel.items()}
    return frames[None] if None in frames else long_frame(frames, id_col, time_col)


def _refit_every(refit: bool | int, n_windows: int) -> int:
    if refit is True:
        return 1
    if refit is False:
        return n_windows
    return check_int("refit", refit, minimum=1)


def cv_metrics(results: pd.DataFrame, target: str = "y", by: str | None = "unique_id") -> pd.DataFrame:
    """MAE, RMSE, MAPE, sMAPE (no history, so no MASE) per ``by`` group and overall, and interval
    coverage, from :func:`cross_validation`'s frame; ``by=None`` for the overall row only."""
    levels = [c[3:] for c in results.columns if c.startswith("lo_")]

    def summary(part: pd.DataFrame) -> dict:
        actual, forecast = part[target].to_numpy(), part["forecast"].to_numpy()
        row = {k: v for k, v in all_metrics(actual, forecast, actual, 1).items() if k != "mase"}
        for lv in levels:
            row[f"coverage_{lv}"] = coverage(actual, part[f"lo_{lv}"], part[f"hi_{lv}"])
        return row

    rows = {}
    if by is not None and by in results.columns:
        for key, part in results.groupby(by, sort=False):
            rows[key] = summary(part)
    rows["all"] = summary(results)
    table = pd.DataFrame(rows).T
    table.index.name = by or "series"
    return table


def coverage_by_window(results: pd.DataFrame, target: str = "y", by: str = "unique_id") -> pd.DataFrame:
    """Interval coverage (percent) of each window, every series pooled: window 1 is each
    series' first cutoff (series that end at different dates have different cutoff dates)."""
    levels = [c[3:] for c in results.columns if c.startswith("lo_")]
    cutoffs = results.groupby(by, sort=False)["cutoff"] if by in results.columns else results["cutoff"]
    window = cutoffs.rank(method="dense").astype(int)
    rows = {k: {f"coverage_{lv}": coverage(part[target], part[f"lo_{lv}"], part[f"hi_{lv}"]) for lv in levels}
            for k, part in results.groupby(window.to_numpy(), sort=True)}
    table = pd.DataFrame(rows).T
    table.index.name = "window"
    return table
