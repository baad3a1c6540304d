"""Tables that go beside a series: known-future values and per-series attributes.

A forecast's side files (the future of the covariates known ahead, one row of static attributes
per series) are read as strictly as the series themselves: every cell is parsed by the same
number and date parsers, a non-number or a gap is refused with the file lines it is on, and a
column asked for but absent is named with the columns there are.
"""
from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from rnnkit.data import _dates, _values
from rnnkit.data._messages import at_rows
from rnnkit.data._read import read_source
from rnnkit.data.series import _require_columns


def load_table(source: str | os.PathLike[str] | pd.DataFrame, *, text: Sequence[str] = (),
               dates: str | None = None, numbers: Sequence[str] | None = None, sep: str | None = None,
               decimal: str = ".", thousands: str | None = None) -> pd.DataFrame:
    """Read a side table, each of its columns parsed as asked.

    Parameters
    ----------
    source : str, os.PathLike or pandas.DataFrame
        CSV, TSV or Parquet file, or a frame.
    text : sequence of str
        Columns kept as they are (series ids, category codes); they must be there and have no
        blanks.
    dates : str, optional
        A column parsed as dates (as the date column of :func:`load_series`); it must be there.
    numbers : sequence of str, optional
        Columns parsed as numbers; every value must be given and finite. ``None``: every column
        not in ``text`` or ``dates`` is read as numbers if each of its cells is one, else kept
        as text (a category), as static attributes are.
    sep, decimal, thousands : str
        How the file writes its cells, as in :func:`load_series`.

    Returns
    -------
    pandas.DataFrame
        The asked columns in the order ``text``, ``dates``, then the others; a fresh index.

    Raises
    ------
    ValueError
        Naming the column and the lines of a missing or unreadable value, or an absent column.
    """
    table = read_source(source, sep, decimal, thousands)
    frame = table.frame
    if len(frame) == 0:
        raise ValueError("no data rows")
    fixed = list(text) + ([] if dates is None else [dates])
    rest = list(numbers) if numbers is not None else [c for c in frame.columns if c not in fixed]
    _require_columns(frame, fixed + rest)
    out = {}
    for name in text:
        out[name] = _text_column(frame[name], name, table)
    if dates is not None:
        out[dates] = _dates.parse_dates(table, ("column", dates))
    for name in rest:
        try:
            values = _values.to_float(frame[name], name, table.where, table.unit, table.decimal, table.thousands)
        except ValueError:
            if numbers is not None:
                raise
            out[name] = _text_column(frame[name], name, table)  # a category
            continue
        gaps = ~np.isfinite(values)
        if gaps.any():
            raise ValueError(f"column {name!r}: missing or infinite values at {at_rows(table.unit, table.where[gaps])}")
        out[name] = values
    return pd.DataFrame(out)


def _text_column(cells: pd.Series, name: str, table) -> np.ndarray:
    # The cells are kept as they are (an id must equal the id load_panel read from the same
    # kind of file); only a blank is refused.
    blank = (cells.isna() | (cells.astype(object).map(str).str.strip() == "")).to_numpy()
    if blank.any():
        raise ValueError(f"column {name!r}: blank cells at {at_rows(table.unit, table.where[blank])}")
    return cells.to_numpy(dtype=object)
