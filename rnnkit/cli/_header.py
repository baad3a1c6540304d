"""A data file's column names, read without loading the data: how ``fit`` tells a long-format
panel from one series, and how ``forecast`` notices that it was given a panel."""
from __future__ import annotations

import csv
from pathlib import Path


def header(path: Path, sep: str | None = None) -> list[str]:
    """The header of a CSV/TSV (split at ``sep``, by default by the suffix) or Parquet file."""
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
        return next(csv.reader(fh, delimiter=sep or ("\t" if path.suffix.lower() == ".tsv" else ",")), [])
