"""Numbers out of columns: parsing, refusing NaN and inf, and the two fill rules.

A forecast trained on a column where "n/a" silently became 0, or where a gap became a straight
line without anyone asking, is wrong in a way nobody sees. So every non-number is refused with
its rows, and gaps are filled only when the caller says how.
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Hashable

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from rnnkit.data._messages import at_rows, listing, quoted

#: Cell texts that mean "no value" in CSV files written by common tools (R, Excel, pandas).
MISSING_TOKENS = frozenset(
    {"", "na", "n/a", "nan", "null", "none", "nil", "-", "--", "?", "#n/a", "<na>", "nat", ".", "missing"}
)
FILLS = (None, "ffill", "interpolate")


def to_float(column: pd.Series, name: Hashable, where: np.ndarray, unit: str, decimal: str = ".",
             thousands: str | None = None) -> np.ndarray:
    """Parse one column into float64; missing cells become NaN, anything else non-numeric is refused.

    Parameters
    ----------
    column : pandas.Series
        Raw cells (strings from a CSV, or any dtype from a DataFrame).
    name : str
        Column name, for messages.
    where, unit
        Row labels and their noun (see :class:`rnnkit.data._read.Table`).
    decimal, thousands : str
        How text cells write numbers: ``"1.234,5"`` with ``decimal=","``, ``thousands="."``.

    Raises
    ------
    ValueError
        Naming the rows and values that are not numbers.
    """
    if ptypes.is_bool_dtype(column):
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    if (
        ptypes.is_complex_dtype(column)
        or ptypes.is_datetime64_any_dtype(column)
        or ptypes.is_timedelta64_dtype(column)
    ):
        raise ValueError(f"column {name!r}: holds {column.dtype} values, not real numbers")
    if ptypes.is_numeric_dtype(column):
        return column.to_numpy(dtype=np.float64, na_value=np.nan)

    original = column
    if decimal != "." or thousands is not None:
        column = _standard_numbers(column, decimal, thousands)
    if decimal == "." and thousands is None:
        _warn_if_grouped(column, name)
    try:
        # Fast path for a clean column: pandas checks every cell is a number in C, NumPy
        # converts the text correctly rounded. Anything odd (a stray word, a "-" for missing)
        # raises, and the slow path below finds and names it.
        if pd.to_numeric(column).dtype.kind in "iuf":  # not complex (its imaginary part would go)
            return np.asarray(column.to_numpy(dtype=object), dtype=str).astype(np.float64)
    except (ValueError, TypeError, OverflowError):
        pass
    cells = column.astype(object)
    missing = cells.isna().to_numpy()
    text = cells.map(lambda v: v if isinstance(v, str) else str(v)).str.strip()
    missing = missing | text.str.lower().isin(MISSING_TOKENS).to_numpy()
    values = _parse_numbers(text.where(~missing))
    bad = np.isnan(values) & ~missing
    if bad.any():
        odd = original.astype(object)[bad].tolist()
        shown = listing([quoted(v) for v in odd])
        raise ValueError(f"column {name!r}: non-numeric values at {at_rows(unit, where[bad])} ({shown})"
                         + _format_hint(odd, decimal, thousands))
    return values


_THOUSANDS_LIKE = re.compile(r"^[-+]?\d{1,3}\.\d{3}$")


def _warn_if_grouped(column: pd.Series, name: Hashable) -> None:
    """Warn when every cell reads like a number with '.' between thousands (a German "1.157" is
    1157, not 1.157): the one misreading of another number format that parses without error."""
    first = next((c for c in (str(v).strip() for v in column.dropna()) if c), None)
    if first is None or not _THOUSANDS_LIKE.match(first):
        return  # the common case, decided by the first cell before the whole column is looked at
    text = column.dropna().astype(str).str.strip()
    text = text[text != ""]
    # "0.125" is never a thousands-grouped 125: a column with such a cell is decimals.
    below_one = text.str.lstrip("+-").str.startswith("0.").any()
    if len(text) >= 3 and not below_one and text.str.match(_THOUSANDS_LIKE).all():
        warnings.warn(f"column {name!r}: every value has exactly three decimals (e.g. {text.iloc[0]!r}); "
                      "if '.' separates thousands there, pass thousands='.', decimal=',' (on the command "
                      "line --thousands . --decimal ,)", UserWarning, stacklevel=5)


def _standard_numbers(column: pd.Series, decimal: str, thousands: str | None) -> pd.Series:
    """Text cells rewritten with no thousands separator and "." as the decimal mark."""
    text = column.astype(object).map(lambda v: v if isinstance(v, str) else str(v)).astype(str)
    if thousands is not None:
        text = text.str.replace(thousands, "", regex=False)
    if decimal != ".":
        text = text.str.replace(decimal, ".", regex=False)
    return text.where(column.notna(), None)


_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:([,.' ])\d{3})+(?:\.\d+)?$")
_EUROPEAN = re.compile(r"^[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+$")


def _format_hint(cells: list, decimal: str, thousands: str | None) -> str:
    """What the refused cells look like, if they look like numbers written another way."""
    text = [str(c).strip() for c in cells]
    if not text:
        return ""
    if all(_EUROPEAN.match(t) for t in text):
        needed = [(k, v) for k, v, given in (("decimal", ",", decimal), ("thousands", ".", thousands))
                  if given != v and (k == "decimal" or any("." in t for t in text))]
        if needed:
            python = ", ".join(f"{k}={v!r}" for k, v in needed)
            cli = " ".join(f"--{k} {v!r}" for k, v in needed)
            return f"; they look like numbers with a decimal comma: pass {python} (on the command line {cli})"
    if thousands is None and all(_GROUPED.match(t) for t in text):
        mark = _GROUPED.match(text[0]).group(1)
        return (f"; they look like numbers with {mark!r} between thousands: pass thousands={mark!r} "
                f"(on the command line --thousands {mark!r})")
    return ""


# What a number cell may say: 12, -3.5, .5, 1e5, 2.5E-3, inf; a huge integer or 1e999 is infinite
# (refused later). Not Python's extras ("1_000", "nan", "0x10").
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?inf(?:inity)?"


def _parse_numbers(text: pd.Series) -> np.ndarray:
    """float64 of number text, correctly rounded whatever pandas version parses CSVs (pandas 2's
    own parser can be one unit in the last place off); NaN where a cell is not a number."""
    ok = text.str.fullmatch(_NUMBER, case=False).eq(True).to_numpy(dtype=bool)  # None: not a number
    out = np.full(len(text), np.nan)
    if ok.any():
        out[ok] = np.asarray(text.to_numpy(dtype=object)[ok], dtype=str).astype(np.float64)
    return out


def refuse_inf(values: np.ndarray, name: Hashable, where: np.ndarray, unit: str) -> None:
    """Refuse infinite values: they are data errors, so no fill rule applies to them."""
    bad = np.isinf(values)
    if bad.any():
        shown = listing([quoted(float(v)) for v in values[bad]])
        raise ValueError(f"column {name!r}: infinite values at {at_rows(unit, where[bad])} ({shown})")


def fill_missing(
    values: np.ndarray, name: Hashable, where: np.ndarray, unit: str, fill: str | None, index: pd.Index
) -> np.ndarray:
    """Refuse NaN, or fill it with ``fill`` and refuse what the rule cannot reach.

    ``values`` must already be in time order. ``"ffill"`` carries the last observation
    forward; ``"interpolate"`` draws a straight line between neighbours (weighted by time for
    dates), carrying the last value forward at the end. Neither can fill leading NaNs, which
    have no earlier observation: those are refused, since inventing a start would leak later
    information backwards.
    """
    missing = np.isnan(values)
    if not missing.any():
        return values
    if fill is None:
        raise ValueError(
            f"column {name!r}: missing values at {at_rows(unit, where[missing])}; "
            "pass fill='ffill' or fill='interpolate' (on the command line --fill ffill or "
            "--fill interpolate) to fill gaps, or clean the data"
        )
    series = pd.Series(values, index=index if isinstance(index, pd.DatetimeIndex) else None)
    if fill == "ffill":
        filled = series.ffill()
    else:
        method = "time" if isinstance(index, pd.DatetimeIndex) else "linear"
        filled = series.interpolate(method=method, limit_direction="forward")
    out = filled.to_numpy(dtype=np.float64)
    left = np.isnan(out)
    if left.any():
        raise ValueError(
            f"column {name!r}: leading missing values at {at_rows(unit, where[left])} "
            f"cannot be filled by fill={fill!r} (nothing comes before them); drop those rows, or "
            "start the series at its first value"
        )
    return out
