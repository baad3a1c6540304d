"""Forecast accuracy: MAE, RMSE, MAPE, sMAPE, MASE (seasonal) and interval coverage/width.

All take arrays of the same shape; MASE also takes the training history and season length, and
scales the error by the in-sample mean absolute error of the seasonal naive forecast (Hyndman &
Koehler 2006), so 1.0 means "as good as repeating last season", below 1.0 better.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _pair(actual, forecast):
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    if a.shape != f.shape:
        raise ValueError(f"forecast: expected shape {a.shape} (as actual), got {f.shape}")
    if a.size == 0:
        raise ValueError("actual: expected at least one value, got none")
    return a, f


def mae(actual: ArrayLike, forecast: ArrayLike) -> float:
    a, f = _pair(actual, forecast)
    return float(np.mean(np.abs(a - f)))


def rmse(actual: ArrayLike, forecast: ArrayLike) -> float:
    a, f = _pair(actual, forecast)
    return float(np.sqrt(np.mean((a - f) ** 2)))


def mape(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Mean absolute percentage error, in percent; nan if an actual value is zero."""
    a, f = _pair(actual, forecast)
    if np.any(a == 0):
        return float("nan")
    return float(100 * np.mean(np.abs((a - f) / a)))


def smape(actual: ArrayLike, forecast: ArrayLike) -> float:
    """Symmetric MAPE as in the M4 competition, in percent (0 to 200)."""
    a, f = _pair(actual, forecast)
    denom = np.abs(a) + np.abs(f)
    ratio = np.divide(2 * np.abs(a - f), denom, out=np.zeros_like(denom), where=denom > 0)
    return float(100 * np.mean(ratio))


def seasonal_naive_scale(history: ArrayLike, season_length: int = 1) -> float:
    """In-sample MAE of the seasonal naive forecast (falls back to lag 1 for short history)."""
    y = np.asarray(history, dtype=float)
    m = season_length if len(y) > season_length else 1
    if len(y) <= m:
        raise ValueError(f"history: expected more than {m} points to scale MASE, got {len(y)}")
    return float(np.mean(np.abs(y[m:] - y[:-m])))


def mase(actual: ArrayLike, forecast: ArrayLike, history: ArrayLike, season_length: int = 1) -> float:
    """Mean absolute scaled error; nan if the history is constant."""
    scale = seasonal_naive_scale(history, season_length)
    return mae(actual, forecast) / scale if scale > 0 else float("nan")


def coverage(actual: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> float:
    """Share of actual values inside [lower, upper], in percent."""
    a, lo = _pair(actual, lower)
    _, hi = _pair(actual, upper)
    return float(100 * np.mean((a >= lo) & (a <= hi)))


def interval_width(lower: ArrayLike, upper: ArrayLike) -> float:
    lo, hi = _pair(lower, upper)
    return float(np.mean(hi - lo))


def all_metrics(actual: ArrayLike, forecast: ArrayLike, history: ArrayLike, season_length: int = 1) -> dict:
    """Every point metric at once, as a dict of floats."""
    return {
        "mae": mae(actual, forecast),
        "rmse": rmse(actual, forecast),
        "mape": mape(actual, forecast),
        "smape": smape(actual, forecast),
        "mase": mase(actual, forecast, history, season_length),
    }
