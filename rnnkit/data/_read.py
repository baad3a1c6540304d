"""Turn a source (path, DataFrame or Series) into a raw table plus row labels.

Nothing is interpreted here beyond splitting a CSV into cells: every cell of a CSV is kept as
text, so that the numeric and date parsers downstream can name the exact rows and values that
fail, instead of pandas silently turning "n/a" into NaN or a stray "abc" into an object column.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

CSV_SUFFIXES = {".csv": ",", ".txt": ",", ".tsv": "\t"}
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass
class Table:
    """A source read into a DataFrame, and how to name its rows in messages.

    Attributes
    ----------
    frame : pandas.DataFrame
        The data, with a fresh ``RangeIndex``; CSV cells are strings.
    where : numpy.ndarray
        One label per row, in the user's terms: for a CSV the file line each row starts on
        (quoted cells, multi-line cells and blank lines included), else the original index
        labels of the input (0-based data-row numbers for the rare CSV whose records cannot be
        matched to lines, one with lone carriage returns as line ends).
    unit : str
        ``"line"`` or ``"row"``, the noun that goes with ``where``.
    index : pandas.Index or None
        The input DataFrame's index, kept because it may be the date axis.
    decimal, thousands : str
        How numbers in text cells are written (``"1.234,5"``: thousands ``"."``, decimal ``","``).
    """

    frame: pd.DataFrame
    where: np.ndarray
    unit: str
    index: pd.Index | None = None
    decimal: str = "."
    thousands: str | None = None

    def take(self, rows: np.ndarray) -> Table:
        """The rows selected by a boolean mask or by positions, keeping their labels (used by
        panels)."""
        index = None if self.index is None else self.index[rows]
        return Table(self.frame.iloc[rows].reset_index(drop=True), self.where[rows], self.unit, index,
                     self.decimal, self.thousands)


def check_mark(name: str, value: str) -> None:
    """Refuse a separator or decimal mark that is not one character other than a letter, a digit,
    a quote or a line end."""
    if not isinstance(value, str) or len(value) != 1 or value.isalnum() or value in "\"\n\r":
        raise ValueError(f"{name}: expected one character that is not a letter, digit or quote, got {value!r}")


def check_number_format(sep: str | None, decimal: str, thousands: str | None) -> None:
    """Refuse a CSV separator, decimal mark or thousands separator that cannot work (a
    separator may equal the decimal mark when the file quotes its numbers: "1,5")."""
    for name, value, optional in (("sep", sep, True), ("decimal", decimal, False), ("thousands", thousands, True)):
        if value is not None or not optional:
            check_mark(name, value)
    if thousands is not None and thousands == decimal:
        raise ValueError(f"thousands: must differ from decimal, both are {decimal!r}")


def read_source(source: str | os.PathLike[str] | pd.DataFrame | pd.Series, sep: str | None = None,
                decimal: str = ".", thousands: str | None = None) -> Table:
    """Read ``source`` into a :class:`Table`; ``sep`` (a CSV's separator, default by the file's
    suffix), ``decimal`` and ``thousands`` say how a file is written.

    Raises
    ------
    TypeError
        If ``source`` is not a path, DataFrame or Series.
    FileNotFoundError
        If the path does not exist.
    ValueError
        If the file is empty, binary, not UTF-8 text, not parseable as CSV, or has an
        unsupported extension.
    """
    check_number_format(sep, decimal, thousands)
    if isinstance(source, pd.Series):
        table = _from_frame(source.to_frame())
    elif isinstance(source, pd.DataFrame):
        table = _from_frame(source)
    elif isinstance(source, (str, os.PathLike)):
        table = _from_path(Path(source), sep)
    else:
        raise TypeError(
            f"source must be a path, a pandas DataFrame or a Series, got {type(source).__name__}"
        )
    table.decimal, table.thousands = decimal, thousands
    return table


def _from_frame(frame: pd.DataFrame) -> Table:
    # The index is set aside (it may be the dates) and replaced by positions, so that later
    # boolean masks and sorting never depend on whatever labels the caller used.
    where = frame.index.to_numpy(dtype=object)
    data = frame.reset_index(drop=True)
    return Table(data, where, "row", frame.index)


def _from_path(path: Path, sep: str | None = None) -> Table:
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return _from_frame(_read_parquet(path))
    if suffix not in CSV_SUFFIXES:
        known = ", ".join(list(CSV_SUFFIXES) + list(PARQUET_SUFFIXES))
        raise ValueError(f"{path.name}: unsupported file type {suffix or '(none)'!r}; expected {known}")
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    return _read_csv(path.read_bytes(), path.name, sep or CSV_SUFFIXES[suffix])


def _read_parquet(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        return pd.read_parquet(path)
    except ImportError as exc:
        # Missing optional dependency, not bad input: keep the exception type.
        raise ImportError(
            f"{path.name}: reading Parquet needs pyarrow or fastparquet "
            "(pip install pyarrow), or save the data as CSV"
        ) from exc
    except Exception as exc:  # pyarrow raises its own types for corrupt files
        raise ValueError(f"{path.name}: not a readable Parquet file ({_first_line(exc)})") from exc


def _read_csv(raw: bytes, name: str, sep: str) -> Table:
    if not raw.strip():
        raise ValueError(f"{name}: the file is empty")
    # A NUL byte never occurs in a text CSV; catching it here gives a clear reason instead of
    # whatever the tokenizer makes of an image or a zip file.
    if b"\x00" in raw:
        raise ValueError(f"{name}: not a CSV file (it contains binary data)")
    try:
        text = raw.decode("utf-8-sig")  # -sig: Excel writes a byte-order mark
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{name}: not a UTF-8 text CSV (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8, or read it with pandas.read_csv(..., encoding=...) "
            "and pass the DataFrame"
        ) from exc
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,  # keep every cell as text: the parsers downstream name bad cells
            keep_default_na=False,  # "" stays "", so missing cells are reported, not guessed
            skipinitialspace=True,  # "date, price" is common in hand-written files
        )
    except pd.errors.EmptyDataError as exc:
        raise ValueError(f"{name}: the file is empty") from exc
    except (pd.errors.ParserError, ValueError, OverflowError) as exc:
        raise ValueError(f"{name}: not a valid CSV ({_first_line(exc)})") from exc
    if frame.shape[1] == 0:
        raise ValueError(f"{name}: no columns found")
    if len(frame) == 0:
        raise ValueError(f"{name}: the file has a header but no data rows")
    lines = _record_lines(text, sep, len(frame))
    if lines is not None:  # the file line each data row starts on: what an editor shows
        return Table(frame, lines.astype(object), "line")
    return Table(frame, np.arange(len(frame)).astype(object), "row")


def _record_lines(text: str, sep: str, n_rows: int) -> np.ndarray | None:
    """The 1-based file line on which each data row starts (quoted fields may span lines and
    blank lines are skipped, as pandas does), or None when the records cannot be matched to
    pandas' rows (a lone carriage return as line end, or a parse that disagrees)."""
    if re.search(r"\r(?!\n)", text):
        return None
    starts, reader = [], csv.reader(io.StringIO(text), delimiter=sep, skipinitialspace=True)
    try:
        while True:
            first = reader.line_num + 1
            record = next(reader, None)
            if record is None:
                break
            if record and any(cell.strip() for cell in record) or len(record) > 1:
                starts.append(first)
    except csv.Error:
        return None
    # A blank line before a record is not part of it: the record starts after the blanks.
    lines = text.split("\n")
    starts = [_skip_blank(lines, line) for line in starts]
    return np.array(starts[1:]) if len(starts) == n_rows + 1 else None


def _skip_blank(lines: list, line: int) -> int:
    while line <= len(lines) and not lines[line - 1].strip(" \t\r"):
        line += 1
    return line


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= 160 else line[:157] + "..."
