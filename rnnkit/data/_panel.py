"""Load a long-format panel in one pass over the whole table.

Loading series by series costs pandas' frequency inference and validation per series, which
for 100,000 short series is minutes. Here the numbers and dates are parsed once for the whole
table, the rows are sorted by (series, date) once, and each candidate frequency is checked
against every series at once: a series whose dates are exactly ``start, start + f, ...`` for a
frequency ``f`` takes ``f`` and a slice of one shared date grid. What this pass cannot settle
(duplicate or infinite values, irregular dates, a frequency of its own that no candidate
matched) is left to the one-series loader, which either loads the series or names its fault,
so the results and messages are those of loading each series alone.

One difference is intended: a series too short for pandas to infer a frequency by itself, but
on the grid of the panel's frequency (three business days, Monday to Wednesday, in a panel of
business-day series), takes the panel's frequency.
"""
from __future__ import annotations

import warnings
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from rnnkit.data import _dates, _values
from rnnkit.data._finish import finish_series
from rnnkit.data._read import Table
from rnnkit.data.timeseries import TimeSeries

#: At most this many frequencies are tried against the whole panel before the series left
#: over are handed to the one-series loader.
MAX_CANDIDATES = 8
#: A shared date grid may hold at most this many steps per row of the table; beyond it (series
#: far apart in time) each series gets its own ``date_range``.
GRID_STEPS_PER_ROW = 4


@dataclass
class OnePass:
    """The table sorted by (series, date), with what the one pass decided for each series.

    ``freq[g]`` is the frequency of series ``g`` (None: no frequency); ``ok[g]`` False hands it
    to the one-series loader.
    """

    rows: np.ndarray  # row positions in the table, sorted by (series, date)
    bounds: np.ndarray  # series g's sorted rows are rows[bounds[g]:bounds[g + 1]]
    dates: pd.DatetimeIndex  # sorted like rows
    values: np.ndarray
    covariates: list
    ok: np.ndarray
    freq: list
    grids: dict  # frequency -> (shared DatetimeIndex or None, start position per series)

    def series(self, g: int, table: Table, target: Hashable, cov_names: list, fill: str | None) -> TimeSeries:
        lo, hi = self.bounds[g], self.bounds[g + 1]
        freq = self.freq[g]
        if freq is None:
            index = pd.DatetimeIndex(self.dates[lo:hi], name=self.dates.name)
        else:
            grid, first = self.grids[freq]
            if grid is None:
                index = pd.date_range(self.dates[lo], periods=hi - lo, freq=freq, name=self.dates.name)
            else:
                index = grid[first[g]:first[g] + hi - lo]
        where = table.where[self.rows[lo:hi]]
        return finish_series(self.values[lo:hi], [c[lo:hi] for c in self.covariates], where, index, target,
                             cov_names, freq, table.unit, fill, trim_leading=True)


def one_pass(table: Table, codes: np.ndarray, n_series: int, id_col: Hashable, target: Hashable,
             date: Hashable | None, cov_names: list, freq: str | None) -> OnePass | None:
    """Parse and sort the whole panel at once; None when the table must go series by series
    (dates to be found per series, or anything that the one-series loader reports per series:
    a missing column, a cell that is not a number or a date)."""
    frame = table.frame
    if date is None or id_col in {target, date, *cov_names} or target in cov_names:
        return None
    if any(c not in frame.columns for c in [target, *cov_names]):
        return None
    try:
        freq = None if freq is None else _dates.normalise_freq(freq)
        where_dates = _dates.find_date(table, date, exclude={target, *cov_names})
        if where_dates[0] == "column" and where_dates[1] in {target, *cov_names}:
            return None
        if _has_utc_offsets(table, where_dates):
            # Several offsets are read per series (local clock or UTC by the series' own
            # regularity); the whole column's regularity would decide otherwise.
            return None
        number_format = dict(decimal=table.decimal, thousands=table.thousands)
        values = _values.to_float(frame[target], target, table.where, table.unit, **number_format)
        covs = [_values.to_float(frame[c], c, table.where, table.unit, **number_format) for c in cov_names]
        dates = _dates.parse_dates(table, where_dates)
    except ValueError:
        return None

    rows = np.lexsort((dates.asi8, codes))
    sorted_codes = codes[rows]
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=n_series))])
    label = where_dates[1] if where_dates[0] == "column" else (dates.name or "date")  # as load_series
    dates = pd.DatetimeIndex(dates[rows], name=label)
    values, covs = values[rows], [c[rows] for c in covs]

    stamps = dates.asi8
    same_series = sorted_codes[1:] == sorted_codes[:-1]
    bad_row = np.isinf(values)
    for c in covs:
        bad_row |= np.isinf(c)
    bad_row[1:] |= same_series & (stamps[1:] == stamps[:-1])  # duplicate timestamps
    ok = np.bincount(sorted_codes[bad_row], minlength=n_series) == 0

    lengths = np.diff(bounds)
    freqs: list = [None] * n_series
    grids: dict = {}
    # Without freq=, a series of fewer than 3 dates has no frequency (pandas cannot infer one).
    open_ = ok & (lengths >= (1 if freq is not None else 3))
    candidates = [freq] if freq is not None else []
    for _ in range(MAX_CANDIDATES):
        if not open_.any():
            break
        if freq is None:
            first = int(np.flatnonzero(open_)[0])
            found = _dates.infer_freq(dates[bounds[first]:bounds[first + 1]])
            if found is None:
                open_[first] = False  # irregular: the one-series loader keeps it without frequency
                ok[first] = False
                continue
            candidates = [found]
        f = candidates[0]
        fits = _on_grid(dates, stamps, sorted_codes, same_series, bounds, n_series, f) & open_
        if freq is None and not fits[first]:
            open_[first], ok[first] = False, False
            continue
        members = np.flatnonzero(fits)
        for g in members:
            freqs[g] = f
        grids[f] = _grid(dates, bounds, members, n_series, f)
        open_ &= ~fits
        if freq is not None:
            break
    ok &= ~open_  # what no candidate fitted goes series by series
    return OnePass(rows, bounds, dates, values, covs, ok, freqs, grids)


def _has_utc_offsets(table: Table, where_dates: tuple) -> bool:
    kind, name = where_dates
    cells = table.index if kind == "index" else table.frame[name]
    if cells.dtype != object and not pd.api.types.is_string_dtype(cells.dtype):
        return False
    text = pd.Series(cells, dtype=object).astype(str)
    return bool(text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})\s*$", regex=True).any())


def _on_grid(dates: pd.DatetimeIndex, stamps: np.ndarray, codes: np.ndarray, same_series: np.ndarray,
             bounds: np.ndarray, n_series: int, freq: str) -> np.ndarray:
    """Per series: are its sorted dates exactly ``start, start + freq, ...`` with ``start`` on
    the frequency's anchor (a Monday for W-MON, a first of the month for MS)?"""
    offset = to_offset(freq)
    nonempty = bounds[:-1] < bounds[1:]
    starts = dates[bounds[:-1][nonempty]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)  # offsets pandas loops over
        anchored = np.asarray(((starts - offset) + offset) == starts)
        steps = np.asarray((dates[:-1] + offset).asi8 == stamps[1:])
    broken = same_series & ~steps
    fits = np.bincount(codes[1:][broken], minlength=n_series) == 0
    fits[np.flatnonzero(nonempty)[~anchored]] = False
    return fits & nonempty


def _grid(dates: pd.DatetimeIndex, bounds: np.ndarray, members: np.ndarray, n_series: int,
          freq: str) -> tuple[pd.DatetimeIndex | None, np.ndarray]:
    """One date grid from the earliest start to the latest end of ``members``, and each
    member's start position on it (None when the grid would be far longer than the data)."""
    starts = dates[bounds[:-1][members]]
    ends = dates[bounds[1:][members] - 1]
    offset = to_offset(freq)
    first = np.zeros(n_series, dtype=np.int64)
    lengths = np.diff(bounds)[members]
    if not (lengths > 1).any():
        return None, first
    several = lengths > 1
    step = ((ends - starts)[several] / (lengths[several] - 1)).min()  # the shortest step of any member
    if (ends.max() - starts.min()) / step > GRID_STEPS_PER_ROW * len(dates) + 1000:
        return None, first
    grid = pd.date_range(starts.min(), ends.max(), freq=offset, name=dates.name)
    first[members] = grid.get_indexer(starts)
    if (first[members] < 0).any():
        return None, np.zeros(n_series, dtype=np.int64)
    return grid, first
