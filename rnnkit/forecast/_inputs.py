"""Turn what a user passes to ``fit`` into a validated :class:`rnnkit.data.TimeSeries`."""
from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from rnnkit.data import TimeSeries, load_series

SEASON_BY_FREQ = {"H": 24, "h": 24, "D": 7, "B": 5, "W": 52, "M": 12, "MS": 12, "ME": 12,
                  "Q": 4, "QS": 4, "QE": 4, "A": 1, "Y": 1, "YS": 1, "YE": 1, "AS": 1}


FREQ_WORDS = {"h": "hourly", "H": "hourly", "D": "daily", "B": "business-daily", "W": "weekly", "M": "monthly",
              "MS": "monthly", "ME": "monthly", "Q": "quarterly", "QS": "quarterly", "QE": "quarterly",
              "A": "yearly", "Y": "yearly", "YS": "yearly", "YE": "yearly", "AS": "yearly",
              "min": "minutely", "T": "minutely", "s": "secondly", "S": "secondly"}


def describe_freq(freq: str | None) -> str:
    """A pandas frequency in words: "MS" -> "monthly", "30min" -> "every 30 minutes"."""
    if not freq:
        return "integer steps (no dates)"
    head = freq.split("-")[0]
    count, base = head[:len(head) - len(head.lstrip("0123456789"))], head.lstrip("0123456789")
    word = FREQ_WORDS.get(base)
    if word is None:
        return f"frequency {freq}"
    if count and count != "1":
        unit = {"minutely": "minutes", "hourly": "hours", "daily": "days", "secondly": "seconds"}.get(word)
        return f"every {count} {unit} ({freq})" if unit else f"{word} x{count} ({freq})"
    return f"{word} ({freq})"


def as_series(y: TimeSeries | pd.Series | ArrayLike, covariates: pd.DataFrame | ArrayLike | None = None) -> TimeSeries:
    """Accept a TimeSeries, a pandas Series (its index as time) or a 1-D array (integer steps);
    ``covariates`` as a DataFrame or 2-D array aligned with ``y``."""
    if isinstance(y, TimeSeries):
        if covariates is not None:
            raise ValueError("covariates: a TimeSeries carries its own covariates; pass None")
        return y
    if isinstance(y, pd.DataFrame):
        raise TypeError("y: expected a Series, array or TimeSeries; for a DataFrame use "
                        "rnnkit.data.load_series(df, target=..., covariates=[...])")
    if isinstance(y, pd.Series):
        name = str(y.name) if y.name is not None else "y"
        frame = y.rename(name).to_frame()
    else:
        values = np.asarray(y)
        if values.ndim != 1:
            raise ValueError(f"y: expected a 1-D series, got shape {values.shape}")
        name = "y"
        frame = pd.DataFrame({name: values})
    cov_names = None
    if covariates is not None:
        cov = covariates if isinstance(covariates, pd.DataFrame) else pd.DataFrame(np.asarray(covariates))
        if len(cov) != len(frame):
            raise ValueError(f"covariates: expected {len(frame)} rows (as y), got {len(cov)}")
        cov = cov.set_axis(frame.index, axis=0)
        cov.columns = [f"x{c}" if not isinstance(c, str) else c for c in cov.columns]
        cov_names = list(cov.columns)
        frame = pd.concat([frame, cov], axis=1)
    return load_series(frame, target=name, covariates=cov_names)


#: The largest magnitude a forecaster accepts. Statistics of the raw values (variances, squared
#: errors, seasonal fits) overflow long before float64's 1.8e308; no measured quantity needs
#: more than this in its own unit, and a series scaled down by a power of ten forecasts the same.
MAX_MAGNITUDE = 1e30


def check_magnitude(series: TimeSeries, what: str = "y") -> None:
    """Refuse values (or covariates) beyond :data:`MAX_MAGNITUDE`, saying how to rescale."""
    for name, values in ((what, series.values), (f"{what} covariates", series.covariates)):
        if values is None or not values.size:
            continue
        peak = float(np.max(np.abs(values)))
        if peak > MAX_MAGNITUDE:
            power = 10.0 ** int(np.floor(np.log10(peak)))
            raise ValueError(f"{name}: values reach {peak:.3g}, beyond the {MAX_MAGNITUDE:.0e} rnnkit can fit "
                             f"without overflow; divide them by {power:.0e} (and multiply the forecasts back)")


def season_length_for(series: TimeSeries, season_length: int | str) -> int:
    """``"auto"``: from the frequency (12 monthly, 4 quarterly, 7 daily, 5 business days, 52
    weekly, 24 hourly, 1 yearly or unknown); otherwise the positive integer given."""
    if season_length == "auto":
        freq = series.freq or ""
        base = freq.split("-")[0].lstrip("0123456789")
        return SEASON_BY_FREQ.get(base, 1)
    if isinstance(season_length, bool) or not isinstance(season_length, (int, np.integer)) or season_length < 1:
        raise ValueError(f"season_length: expected 'auto' or a positive integer, got {season_length!r}")
    return int(season_length)
