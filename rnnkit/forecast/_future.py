"""Inputs known ahead of time: covariates whose future a user supplies (prices set in advance,
promotions, a weather forecast), calendar features computed from the time stamps and public
holidays from the ``holidays`` package.

The forecaster reads them as one matrix per series, the *known* matrix: the user's known-future
columns, then two columns (sine, cosine) per calendar feature, then a 0/1 holiday column. The
same function builds it over the history and over the future rows, so the two cannot drift.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rnnkit.data._messages import label
from rnnkit.data.timeseries import TimeSeries
from rnnkit.forecast._panel import long_frame

# Each calendar feature: how it is read from a DatetimeIndex and its cycle length.
CALENDAR = {
    "minute": (lambda ix: ix.minute, 60.0),
    "hour": (lambda ix: ix.hour + ix.minute / 60.0, 24.0),
    "dayofweek": (lambda ix: ix.day_of_week, 7.0),
    "dayofmonth": (lambda ix: ix.day - 1, 31.0),
    "dayofyear": (lambda ix: ix.day_of_year - 1, 365.25),
    "weekofyear": (lambda ix: ix.isocalendar().week.to_numpy() - 1, 52.18),
    "month": (lambda ix: ix.month - 1, 12.0),
    "quarter": (lambda ix: ix.quarter - 1, 4.0),
}
# calendar="auto": what varies within a year at each frequency (nothing for yearly data).
_AUTO = {"min": ("minute", "hour", "dayofweek"), "T": ("minute", "hour", "dayofweek"),
         "h": ("hour", "dayofweek"), "H": ("hour", "dayofweek"),
         "D": ("dayofweek", "dayofyear"), "B": ("dayofweek", "dayofyear"), "W": ("weekofyear",),
         "M": ("month",), "MS": ("month",), "ME": ("month",), "Q": ("quarter",), "QS": ("quarter",),
         "QE": ("quarter",)}


def check_calendar(calendar: str | Sequence[str] | None, freq: str | None) -> tuple[str, ...]:
    """The calendar feature names for the option ``calendar``: None (none), "auto" (by
    frequency) or names from :data:`CALENDAR`."""
    if calendar is None:
        return ()
    if isinstance(calendar, str) and calendar == "auto":
        if freq is None:
            raise ValueError("calendar: 'auto' reads the features from the frequency, and this series has "
                             "none (integer steps or irregular dates); pass freq= to load_series or calendar=None")
        return _AUTO.get(freq.split("-")[0].lstrip("0123456789"), ())
    names = (calendar,) if isinstance(calendar, str) else calendar
    if not isinstance(names, (tuple, list)) or not names or any(n not in CALENDAR for n in names) \
            or len(set(names)) != len(names):
        raise ValueError(f"calendar: expected None, 'auto' or distinct names from {list(CALENDAR)}, got {calendar!r}")
    return tuple(names)


def check_holidays(country: str | None) -> tuple[str, str | None] | None:
    """``"US"`` or ``"AU-VIC"`` (a country code of the ``holidays`` package, optionally a
    subdivision) as (country, subdivision); None for none."""
    if country is None:
        return None
    if not isinstance(country, str) or not country:
        raise TypeError(f"holidays: expected a country code such as 'US' or 'AU-VIC', got {country!r}")
    import holidays as _holidays

    code, _, subdiv = country.partition("-")
    try:
        _holidays.country_holidays(code, subdiv=subdiv or None, years=[2000])
    except NotImplementedError as exc:
        raise ValueError(f"holidays: expected a country code of the holidays package (such as 'US', 'DE', "
                         f"'AU-VIC'), got {country!r} ({exc})") from None
    return code, subdiv or None


@dataclass(frozen=True)
class KnownInputs:
    """Which inputs are known ahead: the user's ``columns`` (names among a series'
    covariates), ``calendar`` feature names and a ``holidays`` (country, subdivision)."""

    columns: tuple[str, ...] = ()
    calendar: tuple[str, ...] = ()
    holidays: tuple[str, str | None] | None = None

    @property
    def width(self) -> int:
        """Columns of the known matrix."""
        return len(self.columns) + 2 * len(self.calendar) + (self.holidays is not None)

    def __bool__(self) -> bool:
        return self.width > 0

    def matrix(self, index: pd.Index, user: np.ndarray | None) -> np.ndarray:
        """The known matrix (len(index), width) from the stamps and the user's columns' values
        ``user`` (len(index), len(columns))."""
        parts = [] if not self.columns else [np.asarray(user, dtype=float).reshape(len(index), len(self.columns))]
        if self.calendar or self.holidays:
            if not isinstance(index, pd.DatetimeIndex):
                raise ValueError("calendar, holidays: computed from dates, and this series has integer steps")
        for name in self.calendar:
            read, period = CALENDAR[name]
            angle = 2 * math.pi * np.asarray(read(index), dtype=float) / period
            parts.append(np.column_stack([np.sin(angle), np.cos(angle)]))
        if self.holidays is not None:
            import holidays as _holidays

            code, subdiv = self.holidays
            days = index.normalize()
            table = _holidays.country_holidays(code, subdiv=subdiv, years=sorted(set(days.year)))
            parts.append(np.array([d in table for d in days.date], dtype=float)[:, None])
        return np.concatenate(parts, axis=1) if parts else np.zeros((len(index), 0))


def future_rows(h: int, outputs: int) -> int:
    """Future rows the networks read for an ``h``-step forecast: whole blocks of the networks'
    ``outputs`` steps (a direct model reads its fitted horizon's rows even for a shorter
    forecast; a recursive one, one row per step)."""
    return outputs * math.ceil(h / outputs)


def read_future(futr_df: pd.DataFrame | np.ndarray | None, series_by_key: dict, columns: tuple[str, ...],
                rows: int, id_col: str, time_col: str) -> dict:
    """The user's known-future values ``{key: (rows, len(columns))}`` for the ``rows`` steps
    after each series' end, from ``futr_df``: for one series (key None) a DataFrame indexed by
    the future stamps (or with a ``time_col`` column) or an array of ``rows`` rows; for a panel a
    long frame ``id_col, time_col, <columns>``. Rows beyond those needed are ignored; a missing
    one is refused naming it."""
    if not columns:
        if futr_df is not None:
            raise ValueError("futr_df: this model has no known-future covariates (future_covariates= at fit); "
                             "pass None")
        return {key: None for key in series_by_key}
    if futr_df is None:
        raise ValueError(f"futr_df: expected the future values of {list(columns)} for the next {rows} steps "
                         "(make_future_frame() gives the frame to fill)")
    single = None in series_by_key
    if not isinstance(futr_df, pd.DataFrame):
        if not single:
            raise TypeError(f"futr_df: expected a long DataFrame with columns {id_col}, {time_col}, "
                            f"{', '.join(columns)}; got {type(futr_df).__name__}")
        values = np.asarray(futr_df, dtype=float)
        values = values.reshape(-1, 1) if values.ndim == 1 and len(columns) == 1 else values
        if values.ndim != 2 or values.shape[1] != len(columns) or len(values) < rows:
            raise ValueError(f"futr_df: expected {rows} rows of {len(columns)} columns {list(columns)}, "
                             f"got shape {values.shape}")
        return {None: _finite(values[:rows], "futr_df")}
    missing = [c for c in columns if c not in futr_df.columns]
    if missing:
        raise ValueError(f"futr_df: no column {missing[0]!r}; expected {list(columns)}, got {list(futr_df.columns)}")
    out = {}
    for key, series in series_by_key.items():
        stamps = series.future_index(rows)
        if single:
            part = futr_df.set_index(time_col) if time_col in futr_df.columns else futr_df
        else:
            if id_col not in futr_df.columns or time_col not in futr_df.columns:
                raise ValueError(f"futr_df: expected columns {id_col!r} and {time_col!r} (long format), "
                                 f"got {list(futr_df.columns)}")
            part = futr_df[futr_df[id_col] == key].set_index(time_col)
        index = part.index
        if isinstance(stamps, pd.DatetimeIndex):
            try:
                index = pd.DatetimeIndex(pd.to_datetime(index))
            except (ValueError, TypeError):
                raise ValueError(f"futr_df: its time stamps do not read as dates ({index[:3].tolist()})") from None
            if index.tz is None and stamps.tz is not None:
                index = index.tz_localize(stamps.tz)
        if index.has_duplicates:
            raise ValueError(f"futr_df: duplicate time stamps{_for(key)} (first {label(index[index.duplicated()][0])})")
        present = stamps.isin(index)
        if not present.all():
            where = stamps[~present][0]
            raise ValueError(f"futr_df: no row for ({'' if key is None else f'{key!r}, '}{label(where)}); the "
                             f"model needs the {rows} steps from {label(stamps[0])} to {label(stamps[-1])}{_for(key)}")
        values = part.set_axis(index)[list(columns)].reindex(stamps)
        out[key] = _finite(values.to_numpy(dtype=float), f"futr_df{_for(key)}")
    return out


def future_frame(series_by_key: dict, columns: tuple[str, ...], rows: int, id_col: str, time_col: str) -> pd.DataFrame:
    """The frame :meth:`Forecaster.predict` takes as ``futr_df``, its value columns empty: one
    series indexed by the future stamps; a panel in long format."""
    frames = {key: pd.DataFrame({c: np.full(rows, np.nan) for c in columns}, index=series.future_index(rows))
              for key, series in series_by_key.items()}
    return frames[None] if None in frames else long_frame(frames, id_col, time_col)


def _for(key) -> str:
    return "" if key is None else f" for series {key!r}"


def _finite(values: np.ndarray, what: str) -> np.ndarray:
    if not np.all(np.isfinite(values)):
        row = int(np.argwhere(~np.isfinite(values))[0][0])
        raise ValueError(f"{what}: missing or infinite value in future row {row + 1}; every known-future value "
                         "must be given")
    return values


def merge_future(y: object, covariates: object, future_covariates: object, single: bool) -> tuple:
    """``covariates`` extended by the known-future ones, and their names: ``future_covariates``
    names covariates of ``y`` (a long frame's columns, a TimeSeries' covariates) or, for one
    series given as a pandas Series or array, holds their values aligned with ``y``."""
    if future_covariates is None:
        return covariates, ()
    if isinstance(future_covariates, str):
        future_covariates = [future_covariates]
    if isinstance(future_covariates, (list, tuple)) and all(isinstance(c, str) for c in future_covariates):
        names = tuple(future_covariates)
        if len(set(names)) != len(names) or not names:
            raise ValueError(f"future_covariates: expected distinct column names, got {list(names)}")
        if isinstance(y, pd.DataFrame):  # a long frame: its columns, read as covariates too
            listed = [] if covariates is None else list(covariates)
            return listed + [c for c in names if c not in listed], names
        return covariates, names
    if not single or isinstance(y, TimeSeries):
        raise TypeError("future_covariates: for a panel or a TimeSeries, expected the names of its covariates "
                        f"known ahead, got {type(future_covariates).__name__}")
    future = future_covariates if isinstance(future_covariates, pd.DataFrame) else pd.DataFrame(
        np.asarray(future_covariates, dtype=float).reshape(len(future_covariates), -1))
    future = future.set_axis([c if isinstance(c, str) else f"f{c}" for c in future.columns], axis=1)
    if covariates is None:
        return future, tuple(future.columns)
    past = covariates if isinstance(covariates, pd.DataFrame) else pd.DataFrame(np.asarray(covariates))
    past = past.set_axis([c if isinstance(c, str) else f"x{c}" for c in past.columns], axis=1)
    if len(past) != len(future):
        raise ValueError(f"future_covariates: expected {len(past)} rows (as covariates), got {len(future)}")
    clash = sorted(set(past.columns) & set(future.columns))
    if clash:
        raise ValueError(f"future_covariates: column {clash[0]!r} is also in covariates")
    both = pd.concat([past.reset_index(drop=True), future.reset_index(drop=True)], axis=1)
    return both, tuple(future.columns)


def future_values(series: TimeSeries, start: int, columns: tuple[str, ...]) -> pd.DataFrame:
    """The known-future ``columns`` of ``series`` from position ``start`` on, indexed by time:
    what a backtest or cross-validation fold is told of the future (the covariates known ahead,
    never the target)."""
    where = [series.covariate_names.index(c) for c in columns]
    return pd.DataFrame(np.asarray(series.covariates)[start:, where], index=series.index[start:], columns=list(columns))
