"""The time axis: find the date column, parse it, refuse duplicates, infer the frequency.

Dates are where real files go wrong most quietly (a stray "n/a", a day written twice, a time
with no date that a lenient parser completes with today's date), so a date column must parse
completely or be refused with the rows that failed; nothing is dropped. Ambiguous day/month
order (01/02/2020) is read month-first, as pandas does.
"""
from __future__ import annotations

import warnings
from collections.abc import Hashable

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from pandas.tseries.frequencies import to_offset

from rnnkit.data._messages import at_rows, columns_available, label, listing, quoted
from rnnkit.data._read import Table

#: Column names taken as the date axis when ``date=None``, in order of preference.
DATE_NAMES = ("date", "ds", "datetime", "timestamp", "time", "month", "year", "period")


def find_date(table: Table, date: Hashable | None, exclude: set) -> tuple[str, object] | None:
    """Decide where the dates are.

    Returns
    -------
    ``("column", name)``, ``("index", None)``, or ``None`` for integer steps.

    Raises
    ------
    ValueError
        If ``date`` names neither a column nor the index.
    """
    frame = table.frame
    if date is not None:
        if date in frame.columns:
            return ("column", date)
        if table.index is not None and table.index.name == date:
            return ("index", None)
        raise ValueError(
            f"date column {date!r} not found; available columns: {columns_available(frame.columns)}"
        )
    if isinstance(table.index, (pd.DatetimeIndex, pd.PeriodIndex)):
        return ("index", None)
    candidates = [c for c in frame.columns if c not in exclude]
    for c in candidates:
        if ptypes.is_datetime64_any_dtype(frame[c]) or isinstance(frame[c].dtype, pd.PeriodDtype):
            return ("column", c)
    named = _by_name(candidates)
    for c in named:
        # A named column of text is meant as dates: it must parse (errors are reported later).
        # A named column of numbers is a date axis only if it holds plausible years or
        # YYYYMMDD; otherwise ("time" = 1, 2, 3 or R's 1949.083) it is not dates at all.
        numbers = _as_numbers(frame[c])
        if numbers is None or _numeric_dates(numbers) is not None:
            return ("column", c)
    for c in candidates:
        if c in named or _as_numbers(frame[c]) is not None or ptypes.is_bool_dtype(frame[c]):
            continue
        if _parses_fully(frame[c]):
            return ("column", c)
    return None


def _by_name(columns: list) -> list:
    def key(c):
        s = str(c).strip().lower()
        if s in DATE_NAMES:
            return DATE_NAMES.index(s)
        if s.endswith("date") or s.startswith("date"):
            return len(DATE_NAMES)
        return None

    ranked = [(key(c), i, c) for i, c in enumerate(columns) if key(c) is not None]
    return [c for _, _, c in sorted(ranked)]


def _as_numbers(cells: pd.Series) -> np.ndarray | None:
    """The column as float64 if every cell is a number (numeric dtype or numeric text), else None."""
    if ptypes.is_bool_dtype(cells):
        return None
    if ptypes.is_numeric_dtype(cells) and not ptypes.is_complex_dtype(cells):
        return cells.to_numpy(dtype=np.float64, na_value=np.nan)
    if not (ptypes.is_object_dtype(cells) or ptypes.is_string_dtype(cells)):
        return None
    if len(cells) == 0:
        return None
    # Cheap early exit on the first cell: a column of date strings is the common case.
    if pd.isna(pd.to_numeric(_text(cells.iloc[:1]), errors="coerce").iloc[0]):
        return None
    numbers = pd.to_numeric(_text(cells), errors="coerce")
    if numbers.isna().any():
        return None
    try:
        return numbers.to_numpy(dtype=np.float64)
    except (OverflowError, TypeError, ValueError):
        return None


def _text(cells: pd.Series) -> pd.Series:
    """Cells as stripped strings (CSV columns already are strings; others go through str())."""
    if not ptypes.is_string_dtype(cells) or ptypes.is_object_dtype(cells):
        cells = cells.astype(object).map(lambda v: v if isinstance(v, str) else str(v))
    return cells.str.strip()


def _parses_fully(cells: pd.Series) -> bool:
    """True if a text column is entirely dates."""
    text = _text(cells)
    if len(text) == 0 or not text.str.contains(r"\d{4}", regex=True).all():
        return False  # same rule as parsing: no year, no date (month names are labels)
    try:
        return bool(_to_datetime(text).notna().all())
    except (ValueError, TypeError, OverflowError):
        return False


def parse_dates(table: Table, where_dates: tuple[str, object]) -> pd.DatetimeIndex:
    """Parse the date axis chosen by :func:`find_date` into a DatetimeIndex (input order).

    Raises
    ------
    ValueError
        Naming the rows whose dates do not parse.
    """
    kind, name = where_dates
    if kind == "index":
        index = table.index
        name = index.name if index.name is not None else "index"
        cells = pd.Series(index, dtype=index.dtype if isinstance(index, pd.DatetimeIndex) else object)
    else:
        cells = table.frame[name]
    if isinstance(cells.dtype, pd.PeriodDtype):
        parsed = pd.PeriodIndex(cells).to_timestamp(how="start")
    elif ptypes.is_datetime64_any_dtype(cells):
        parsed = pd.DatetimeIndex(cells)
    elif (numbers := _as_numbers(cells)) is not None:
        parsed = _numeric_dates(numbers)
        if parsed is None:
            raise ValueError(
                f"date column {name!r} holds numbers that are not calendar years (1000-2999), "
                f"YYYYMMDD dates or quarterly/monthly decimal years (e.g. {quoted(cells.iloc[0])}); "
                "leave date=None to use integer steps instead"
            )
    else:
        parsed = _parse_text(cells, name, table)
    bad = np.asarray(parsed.isna())
    if bad.any():
        raise ValueError(f"date column {name!r}: missing dates at {at_rows(table.unit, table.where[bad])}")
    return pd.DatetimeIndex(parsed)


def _parse_text(cells: pd.Series, name, table: Table) -> pd.DatetimeIndex:
    text = _text(cells)
    try:
        parsed = _to_datetime(text)
    except (ValueError, TypeError, OverflowError) as exc:
        # e.g. mixed time zones; one line of pandas' reason is enough.
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise ValueError(f"date column {name!r}: cannot parse dates ({reason})") from exc
    # dateutil completes partial dates from today's date ("12:30", "now") or from year 1
    # ("March"): results that change with the day the file is read. A date must name its year.
    yearless = ~text.str.contains(r"\d{4}", regex=True).to_numpy()
    bad = np.asarray(parsed.isna()) | yearless
    if bad.any():
        shown = listing([quoted(v) for v in cells.astype(object)[bad].tolist()])
        hint = "; a date needs a 4-digit year, e.g. 2020-01-31" if yearless[bad].any() else ""
        raise ValueError(
            f"date column {name!r}: unparseable dates at "
            f"{at_rows(table.unit, table.where[bad])} ({shown}){hint}"
        )
    return pd.DatetimeIndex(parsed)


def _to_datetime(text: pd.Series) -> pd.Series:
    with warnings.catch_warnings():
        # pandas warns when it falls back to per-element parsing; the result is checked anyway.
        warnings.simplefilter("ignore")
        try:
            parsed = pd.to_datetime(text, errors="coerce")
        except ValueError:
            # pandas 3 refuses several UTC offsets in one column (pandas 2 gave objects).
            return _several_offsets(text)
        if parsed.isna().any():
            # One format is inferred from the first cell; "2020-1-2" after "2020-01-01" needs
            # per-element parsing. Day-first ambiguity is left to pandas' month-first default.
            mixed = pd.to_datetime(text, errors="coerce", format="mixed")
            if mixed.notna().sum() > parsed.notna().sum():
                parsed = mixed
    if isinstance(parsed.dtype, pd.DatetimeTZDtype) or ptypes.is_datetime64_any_dtype(parsed):
        return parsed
    return _several_offsets(text)


_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"


def _several_offsets(text: pd.Series) -> pd.Series:
    """Dates carrying several UTC offsets: one time zone across daylight saving time (+01:00 in
    winter, +02:00 in summer). As local wall-clock times without their offsets when those are
    regular (daily or monthly data stamped at local midnight), else in UTC (hourly data: the
    local clock skips or repeats an hour, UTC does not)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            utc = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
        except (ValueError, TypeError):
            raise ValueError("values are not all dates") from None
        if utc.isna().any():
            raise ValueError("values are not all dates")
        local = pd.to_datetime(text.str.strip().str.replace(_OFFSET, "", regex=True), errors="coerce",
                               format="mixed")
    regular = local.notna().all() and len(local) >= 3 and pd.infer_freq(pd.DatetimeIndex(local)) is not None
    return local if regular else utc


def _numeric_dates(values: np.ndarray) -> pd.DatetimeIndex | None:
    """Integers as years (1000-2999) or as YYYYMMDD, or decimal years of quarterly or monthly
    data (R's ``time()`` of a ``ts``: 1973.083 is February 1973); None when they are none."""
    if len(values) == 0 or not np.isfinite(values).all():
        return None
    if not np.all(values == np.round(values)):
        return _decimal_years(values)
    low, high = values.min(), values.max()
    if low >= 1000 and high <= 2999:
        return pd.DatetimeIndex(pd.to_datetime(values.astype(np.int64).astype(str), format="%Y"))
    if low >= 10000101 and high <= 29991231:
        ints = values.astype(np.int64)
        parsed = pd.to_datetime(ints.astype(str), format="%Y%m%d", errors="coerce")
        if not parsed.isna().any():
            return pd.DatetimeIndex(parsed)
    return None


def _decimal_years(values: np.ndarray) -> pd.DatetimeIndex | None:
    """Decimal years on a quarterly or monthly grid (``year + k / f``, f = 4 or 12, written with
    a few decimals) as the first day of each quarter or month; None otherwise."""
    if values.min() < 1000 or values.max() >= 3000 or len(values) < 2:
        return None
    steps = np.diff(np.unique(values))
    for per_year in (4, 12):
        # R prints the k / f fractions rounded (1/12 as 0.083): allow a tenth of a step.
        years = np.floor(values + 0.1 / per_year)
        k = (values - years) * per_year
        if np.all(np.abs(k - np.round(k)) < 0.1) and np.isclose(steps.min(), 1 / per_year, rtol=0.1):
            years = years.astype(np.int64)
            months = (np.round(k).astype(np.int64) % per_year) * (12 // per_year) + 1
            return pd.DatetimeIndex(pd.to_datetime({"year": years, "month": months, "day": 1}))
    return None


def refuse_duplicates(dates: pd.DatetimeIndex, table: Table, name: Hashable) -> None:
    """Refuse repeated timestamps, naming each one and the rows where it occurs."""
    dup = dates.duplicated(keep=False)
    if not dup.any():
        return
    groups = pd.Series(table.where[dup]).groupby(np.asarray(dates[dup]), sort=True)
    parts = []
    for ts, rows in groups:
        ts = pd.Timestamp(ts)
        rows = rows.tolist()
        # When rows are named by their dates (a DatetimeIndex), repeating them says nothing.
        where = f"{len(rows)} times" if all(r == ts for r in rows) else at_rows(table.unit, rows)
        parts.append(f"{label(ts)} ({where})")
    raise ValueError(f"date column {name!r}: duplicate timestamps {listing(parts)}")


def normalise_freq(freq: str | pd.DateOffset) -> str:
    """Check a user's ``freq=`` and return pandas' canonical spelling of it."""
    try:
        with warnings.catch_warnings():
            # pandas 2 still takes the old aliases ('M', 'Q', 'H', ...) with a FutureWarning that
            # pandas 3 makes an error: refuse them on every version, naming the new spelling.
            warnings.simplefilter("error", FutureWarning)
            return to_offset(freq).freqstr
    except (ValueError, TypeError, FutureWarning) as exc:
        reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise ValueError(
            f"freq={freq!r} is not a pandas frequency (e.g. 'D', 'B', 'MS', 'QS', 'YS', 'h'): {reason}"
        ) from exc


def refuse_off_grid(dates: pd.DatetimeIndex, freq: str, where: np.ndarray, unit: str) -> None:
    """Refuse a ``freq=`` that the (sorted) dates do not sit on, e.g. "MS" for month ends.

    Gaps are allowed (trading days with holidays under "B"); dates between the steps are not,
    since the forecast dates built from ``freq`` would then not continue the data.
    """
    offset = to_offset(freq)
    if len(dates) == 0:
        return
    if isinstance(offset, pd.offsets.Tick):
        # Fixed-length steps: refuse a grid far finer than the data before building it.
        steps = (dates[-1] - dates[0]) / pd.Timedelta(offset) + 1
        if steps > 10 * len(dates) + 1000:
            raise ValueError(
                f"freq={freq!r} is far finer than the data ({len(dates)} dates over "
                f"{int(steps)} steps of {freq!r}); pass the frequency of the data"
            )
    grid = pd.date_range(dates[0], dates[-1], freq=offset)
    off = ~np.asarray(dates.isin(grid))
    if off.any():
        shown = listing([label(d) for d in dates[off]])
        raise ValueError(f"dates not on freq={freq!r} at {at_rows(unit, where[off])} ({shown})")


def infer_freq(dates: pd.DatetimeIndex) -> str | None:
    """``pandas.infer_freq`` as a string, or None when the dates are too few or irregular."""
    if len(dates) < 3:
        return None
    try:
        with pd.option_context("future.infer_freq_returns_offset", True):
            offset = pd.infer_freq(dates)
    except (pd.errors.OptionError, KeyError):  # older pandas: no such option, returns a str
        offset = pd.infer_freq(dates)
    except (TypeError, ValueError):
        return None
    if offset is None:
        return None
    freq = offset if isinstance(offset, str) else offset.freqstr
    if freq.startswith("QS-"):
        # Quarters starting in Jan/Apr/Jul/Oct are one frequency: pandas 2 names it QS-OCT,
        # pandas 3 QS-JAN; name every quarterly anchor by its month in the first quarter.
        freq = "QS-" + ("JAN", "FEB", "MAR")[(dates.min().month - 1) % 3]
    return freq


def with_freq(dates: pd.DatetimeIndex, freq: str | None) -> pd.DatetimeIndex:
    """Attach ``freq`` to the index when the dates conform to it (gaps make them not conform)."""
    if freq is None:
        return dates
    try:
        return pd.DatetimeIndex(dates, freq=freq)
    except ValueError:
        return dates
