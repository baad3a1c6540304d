"""Several series at once: what a global model accepts and how its forecasts come back.

In and out follow the long format of Nixtla's and Darts' tabular data: one row per series and
time stamp, columns ``unique_id``, ``ds`` and ``y`` (plus covariate columns), or other names given
as ``id_col``, ``time_col``, ``target_col`` (statsforecast's keywords), which the output keeps.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from rnnkit.data import TimeSeries, load_panel
from rnnkit.forecast._inputs import as_series

ID, DATE = "unique_id", "ds"


def is_panel(y: object, id_col: str = ID) -> bool:
    """A long-format frame (it has an ``id_col`` column) or a mapping of series."""
    return isinstance(y, dict) or (isinstance(y, pd.DataFrame) and id_col in y.columns)


def check_column_names(**names: str) -> None:
    """``id_col``, ``time_col``, ``target_col``: non-empty strings, all different."""
    for argument, name in names.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"{argument}: expected a column name (a non-empty string), got {name!r}")
    if len(set(names.values())) != len(names):
        raise ValueError(f"{', '.join(names)}: expected different column names, got {list(names.values())}")


def as_panel(y: pd.DataFrame | dict[str | int, TimeSeries | pd.Series | ArrayLike],
             covariates: Sequence[str] | None = None, id_col: str = ID, time_col: str = DATE,
             target_col: str = "y") -> dict:
    """``{series id: TimeSeries}`` from a long DataFrame (``id_col``, ``time_col`` (optional),
    ``target_col`` and the covariate columns named in ``covariates``) or a dict of series
    (TimeSeries, pandas Series).

    Every series must share the frequency and the covariates; none may be empty.
    """
    if isinstance(y, pd.DataFrame):
        if covariates is not None and (isinstance(covariates, str) or not all(
                isinstance(c, str) for c in covariates)):
            raise TypeError("covariates: for a long-format frame, expected a list of column names, "
                            f"got {covariates!r}")
        if target_col not in y.columns:
            raise ValueError(f"target_col: no column {target_col!r} in the frame; it has {list(y.columns)}")
        panel = load_panel(y, id_col=id_col, date=time_col if time_col in y.columns else None, target=target_col,
                           covariates=None if covariates is None else list(covariates))
    else:
        if covariates is not None:
            raise ValueError("covariates: a dict of series carries its own covariates "
                             "(pass TimeSeries built by rnnkit.data.load_series); pass None")
        if not y:
            raise ValueError("y: expected at least one series, got an empty dict")
        panel = {_series_id(key): as_series(value) for key, value in y.items()}
    first = next(iter(panel.values()))
    for key, series in panel.items():
        if series.freq != first.freq:
            missing = _missing_steps(series, first.freq)
            if missing is not None:
                raise ValueError(
                    f"y: series {key!r} has no rows for {len(missing)} of the {first.freq!r} steps between its first "
                    f"and last dates (first missing: {missing[0].date()}), so its frequency is unknown; rnnkit "
                    "does not invent rows: add them with empty values and fill them (fill=, --fill), or pass "
                    f"freq={first.freq!r} (--freq) to read its rows as consecutive steps")
            raise ValueError(f"y: every series needs the same frequency; series {key!r} has "
                             f"{series.freq!r}, the first has {first.freq!r}")
        if series.covariate_names != first.covariate_names:
            raise ValueError(f"y: every series needs the same covariates; series {key!r} has "
                             f"{list(series.covariate_names)}, the first has {list(first.covariate_names)}")
    return panel


def _missing_steps(series: TimeSeries, freq: str | None) -> pd.DatetimeIndex | None:
    """The stamps of ``freq``'s grid that a series without a frequency lacks, when all of its
    dates sit on that grid (a gap); None otherwise."""
    index = series.index
    if freq is None or series.freq is not None or not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
        return None
    try:
        grid = pd.date_range(index[0], index[-1], freq=freq)
    except (ValueError, TypeError):
        return None
    if len(grid) > 10 * len(index) + 1000 or not index.isin(grid).all():
        return None
    missing = grid[~grid.isin(index)]
    return missing if len(missing) else None


def _series_id(key):
    """Series ids are kept in model files as JSON: a string or an integer."""
    if isinstance(key, (bool, np.bool_)) or not isinstance(key, (str, int, np.integer)):
        raise TypeError(f"y: series ids must be strings or integers, got {key!r} ({type(key).__name__})")
    return int(key) if isinstance(key, np.integer) else key


def long_frame(frames: dict, id_col: str = ID, time_col: str = DATE) -> pd.DataFrame:
    """Per-series forecast frames (indexed by time) stacked as ``id_col, time_col, forecast, ...``
    (by default ``unique_id, ds, forecast, ...``)."""
    parts = []
    for key, frame in frames.items():
        part = frame.reset_index(names=time_col)
        part.insert(0, id_col, key)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)

