"""Load one series (``load_series``) or many (``load_panel``) from a CSV, Parquet or DataFrame.

The loader is strict on purpose: it refuses rather than guesses, and every refusal is a
``ValueError`` whose message names the column, the rows and the values at fault, so the
command line can show it as one line and the user can fix the file.
"""
from __future__ import annotations

import os
from collections.abc import Sequence, Sized

import numpy as np
import pandas as pd

from rnnkit.data import _dates, _values
from rnnkit.data._checks import check_int
from rnnkit.data._finish import finish_series
from rnnkit.data._messages import at_rows, columns_available, label
from rnnkit.data._panel import one_pass
from rnnkit.data._read import Table, read_source
from rnnkit.data.timeseries import TimeSeries

__all__ = ["TimeSeries", "check_length", "load_panel", "load_series"]


def load_series(source: str | os.PathLike[str] | pd.DataFrame | pd.Series, target: str, date: str | None = None,
                covariates: str | Sequence[str] | None = None, fill: str | None = None,
                freq: str | None = None, *, sep: str | None = None, decimal: str = ".",
                thousands: str | None = None) -> TimeSeries:
    """Load and validate one time series.

    Parameters
    ----------
    source : str, os.PathLike, pandas.DataFrame or pandas.Series
        A ``.csv``/``.tsv``/``.txt`` (UTF-8) or ``.parquet`` file, or data already in memory.
        A Series' values become the column ``target``.
    target : str
        Column to forecast.
    date : str, optional
        Column (or index name) holding the dates. If None it is found: a DatetimeIndex or
        PeriodIndex, else a datetime column, else a column named date/ds/datetime/timestamp/
        time/month/year/period (or ``*date``), else a text column that parses as dates, else
        none and the series is indexed by integer steps 0, 1, 2, ...
        Numbers are dates only as years (1000-2999), YYYYMMDD, or the decimal years of a
        quarterly or monthly R ``ts`` (1973.083 = February 1973); text dates need a 4-digit
        year. Ambiguous dates such as 01/02/2020 are read month-first (pandas' rule): write
        ISO dates (2020-02-01) or pass a DataFrame whose dates you parsed yourself.
    covariates : str or list of str, optional
        Extra numeric columns to carry along (e.g. temperature for a rainfall series).
    fill : {None, "ffill", "interpolate"}
        What to do with missing values (empty cells, "NA", "n/a", NaN, ...). None refuses
        them. Leading gaps cannot be filled by either rule and are refused. Infinite values
        are always refused.
    freq : str, optional
        pandas frequency (``"D"``, ``"B"``, ``"MS"``, ``"QS"``, ``"YS"``, ``"h"``...) to use
        instead of ``pandas.infer_freq``, e.g. ``"B"`` for trading days with holidays missing.
    sep : str, optional
        A CSV's column separator (default: "," for .csv/.txt, tab for .tsv), e.g. ";".
    decimal, thousands : str
        How the file writes numbers: a European ``1.234,5`` is ``decimal=","``,
        ``thousands="."``. A column refused as non-numeric says when its cells look like
        numbers written with another mark.

    Returns
    -------
    TimeSeries
        Sorted by date, with read-only float64 arrays.

    Raises
    ------
    ValueError
        Missing columns (the message lists those available), non-numeric values, missing or
        infinite values, duplicate timestamps, unparseable dates, an empty file, a file that is
        not CSV text. Messages name the rows: file lines for a CSV; otherwise the index
        labels.
    FileNotFoundError
        If the path does not exist.
    """
    if isinstance(source, pd.Series):
        source = source.rename(target).to_frame()
    return _series_from_table(read_source(source, sep, decimal, thousands), target, date, covariates, fill, freq)


def _series_from_table(table: Table, target, date, covariates, fill, freq, trim_leading: bool = False) -> TimeSeries:
    """One validated series from ``table``; ``trim_leading`` drops the time steps before the
    target's first value (a panel's series that start later than others)."""
    frame = table.frame
    if fill not in _values.FILLS:
        raise ValueError(f"fill must be None, 'ffill' or 'interpolate', got {fill!r}")
    if len(frame) == 0:
        raise ValueError("no data rows")
    cov_names = _covariate_list(covariates)
    _require_columns(frame, [target, *cov_names])
    if target in cov_names:
        raise ValueError(f"column {target!r} is the target; it cannot also be a covariate")
    freq = None if freq is None else _dates.normalise_freq(freq)

    where_dates = _dates.find_date(table, date, exclude={target, *cov_names})
    if where_dates is not None and where_dates[0] == "column" and where_dates[1] in {target, *cov_names}:
        raise ValueError(f"column {where_dates[1]!r} cannot be both the date and a value column")

    # Numbers are parsed in input order so that messages can name the input rows.
    number_format = dict(decimal=table.decimal, thousands=table.thousands)
    values = _values.to_float(frame[target], target, table.where, table.unit, **number_format)
    covs = [_values.to_float(frame[c], c, table.where, table.unit, **number_format) for c in cov_names]

    where = table.where
    if where_dates is None:
        if freq is not None:
            raise ValueError("freq= needs dates, but no date column was found (pass date=...)")
        index = pd.RangeIndex(len(frame), name="step")
    else:
        dates = _dates.parse_dates(table, where_dates)
        name = where_dates[1] if where_dates[0] == "column" else (dates.name or "index")
        _dates.refuse_duplicates(dates, table, name)
        # No ties remain after the duplicate check; a stable sort keeps the result reproducible.
        order = np.argsort(dates.asi8, kind="stable")
        # The index keeps the user's name for the dates (a column "month" stays "month" in every
        # output); an unnamed index becomes "date".
        label = where_dates[1] if where_dates[0] == "column" else (dates.name or "date")
        dates = pd.DatetimeIndex(dates[order], name=label)
        values, covs, where = values[order], [c[order] for c in covs], where[order]
        if freq is None:
            freq = _dates.infer_freq(dates)
        else:
            _dates.refuse_off_grid(dates, freq, where, table.unit)
        index = _dates.with_freq(dates, freq)

    for name, column in [(target, values), *zip(cov_names, covs)]:
        _values.refuse_inf(column, name, where, table.unit)
    return finish_series(values, covs, where, index, target, cov_names, freq, table.unit, fill, trim_leading)


def _covariate_list(covariates) -> list:
    if covariates is None:
        return []
    if isinstance(covariates, str):
        return [covariates]
    names = list(covariates)
    repeated = sorted({str(c) for c in names if names.count(c) > 1})
    if repeated:
        raise ValueError(f"covariates listed more than once: {', '.join(repeated)}")
    return names


def _require_columns(frame: pd.DataFrame, names: list) -> None:
    missing = [c for c in names if c not in frame.columns]
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        hint = ""
        if frame.shape[1] == 1 and any(s in str(frame.columns[0]) for s in (";", "\t", "|")):
            hint = (" (the file seems to use another separator than ','; pass sep, e.g. sep=';', on the "
                    "command line --sep ';')")
        raise ValueError(
            f"{noun} {', '.join(repr(c) for c in missing)} not found; "
            f"available columns: {columns_available(frame.columns)}{hint}"
        )
    for c in names:
        if isinstance(frame[c], pd.DataFrame):
            raise ValueError(f"column {c!r} appears {frame[c].shape[1]} times; column names must be unique")


def load_panel(
    source: str | os.PathLike[str] | pd.DataFrame, id_col: str = "unique_id", date: str | None = "ds",
    target: str = "y", covariates: str | Sequence[str] | None = None, fill: str | None = None,
    freq: str | None = None, *, sep: str | None = None, decimal: str = ".", thousands: str | None = None
) -> dict:
    """Load several series stored in long format (one row per series and time stamp).

    This is the layout of Nixtla's and Darts' tabular data: columns ``unique_id``, ``ds``,
    ``y`` by default. Each series is validated as :func:`load_series` does.

    Parameters
    ----------
    source : str, os.PathLike or pandas.DataFrame
        File or frame in long format.
    id_col, date, target : str
        Columns holding the series id, the dates (None: find it per series), the values.
    covariates, fill, freq, sep, decimal, thousands
        As in :func:`load_series`, applied to every series.

    Returns
    -------
    dict
        ``{series id: TimeSeries}`` in order of first appearance in the source.

    Raises
    ------
    ValueError
        As :func:`load_series`; a message about one series starts with ``series '<id>':``.
    """
    table = read_source(source, sep, decimal, thousands)
    frame = table.frame
    if len(frame) == 0:
        raise ValueError("no data rows")
    _require_columns(frame, [id_col, target] + ([] if date is None else [date]))
    ids = frame[id_col]
    blank = ids.isna().to_numpy() | (ids.astype(object).map(str).str.strip() == "").to_numpy()
    if blank.any():
        where = at_rows(table.unit, table.where[blank])
        raise ValueError(f"column {id_col!r}: missing series ids at {where}")
    codes, keys = pd.factorize(ids.to_numpy(), sort=False)  # first-appearance order
    cov_names = _covariate_list(covariates)
    fast = one_pass(table, codes, len(keys), id_col, target, date, cov_names, freq)
    rows_of = None
    panel = {}
    for g, key in enumerate(keys):
        name = key.item() if isinstance(key, np.generic) else key
        try:
            if fast is not None and fast.ok[g]:
                panel[name] = fast.series(g, table, target, cov_names, fill)
                continue
            if rows_of is None:
                rows_of = pd.Series(codes).groupby(codes, sort=False).indices
            part = table.take(rows_of[g])
            part.frame = part.frame.drop(columns=[id_col])
            panel[name] = _series_from_table(part, target, date, covariates, fill, freq, trim_leading=True)
        except ValueError as exc:
            raise ValueError(f"series {label(name)!r}: {exc}") from exc
    return panel


def check_length(series: Sized, window: int, horizon: int) -> None:
    """Refuse a series too short to give even one (window, horizon) training example.

    Parameters
    ----------
    series : TimeSeries or sized
        Anything with ``len``.
    window, horizon : int
        Input length and forecast length, both >= 1.

    Raises
    ------
    ValueError
        E.g. ``"series has 40 points; window 36 + horizon 12 needs at least 48"``.
    """
    window = check_int("window", window)
    horizon = check_int("horizon", horizon)
    n = len(series)
    if n < window + horizon:
        raise ValueError(
            f"series has {n} points; window {window} + horizon {horizon} needs at least {window + horizon}"
        )
