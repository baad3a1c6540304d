"""Static covariates of a global model: one row per series (a store's region, a product's
category, a city's population) that the network reads beside every time step.

Numbers are standardised across the fitted series; text, boolean and categorical columns are
one-hot encoded over the categories seen at fit (a category the fit never saw reads as all
zeros). The encoder is fitted once, on the series of the fit, and kept in the model file.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from rnnkit.nn._checks import is_real_number


class StaticEncoder:
    """Encode a table of static covariates (one row per series id) as numbers.

    Parameters
    ----------
    id_col : str
        The column holding the series ids.
    """

    def __init__(self, id_col: str = "unique_id"):
        self.id_col = id_col

    def fit(self, table: pd.DataFrame, ids: list) -> StaticEncoder:
        rows = self._rows(table, ids, "static_covariates")
        self.numeric_, self.categories_ = {}, {}
        for name in rows.columns:
            column = rows[name]
            if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
                values = column.to_numpy(dtype=float)
                if not np.all(np.isfinite(values)):
                    raise ValueError(f"static_covariates: column {name!r} has missing or infinite values")
                std = float(values.std())
                self.numeric_[str(name)] = (float(values.mean()), std if std > 0 else 1.0)
            else:
                if column.isna().any():
                    raise ValueError(f"static_covariates: column {name!r} has missing values")
                self.categories_[str(name)] = sorted({str(v) for v in column})
        return self

    @property
    def width(self) -> int:
        return len(self.numeric_) + sum(len(c) for c in self.categories_.values())

    @property
    def columns(self) -> list[str]:
        return [*self.numeric_, *self.categories_]

    def transform(self, table: pd.DataFrame, ids: list, what: str = "static_covariates") -> np.ndarray:
        """(len(ids), width): each series' encoded row."""
        rows = self._rows(table, ids, what, self.columns)
        parts = []
        for name, (mean, std) in self.numeric_.items():
            try:
                values = rows[name].to_numpy(dtype=float)
            except (ValueError, TypeError):
                raise ValueError(f"{what}: column {name!r} was numeric at fit, got {rows[name].iloc[0]!r}") from None
            if not np.all(np.isfinite(values)):
                raise ValueError(f"{what}: column {name!r} has missing or infinite values")
            parts.append(((values - mean) / std)[:, None])
        for name, categories in self.categories_.items():
            codes = rows[name].astype(str).to_numpy()
            parts.append((codes[:, None] == np.array(categories)[None, :]).astype(float))
        return np.concatenate(parts, axis=1) if parts else np.zeros((len(ids), 0))

    def _rows(self, table, ids: list, what: str, columns: list | None = None) -> pd.DataFrame:
        """The rows of ``table`` for ``ids``, in that order, value columns only."""
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"{what}: expected a DataFrame with one row per {self.id_col}, got {type(table).__name__}")
        if self.id_col not in table.columns:
            raise ValueError(f"{what}: expected a column {self.id_col!r} naming each series, got {list(table.columns)}")
        if table[self.id_col].duplicated().any():
            first = table[self.id_col][table[self.id_col].duplicated()].iloc[0]
            raise ValueError(f"{what}: expected one row per series, {self.id_col} {first!r} has several")
        indexed = table.set_index(self.id_col)
        absent = [key for key in ids if key not in indexed.index]
        if absent:
            raise ValueError(f"{what}: no row for series {absent[0]!r} ({len(absent)} of {len(ids)} series missing)")
        value_columns = [c for c in indexed.columns] if columns is None else columns
        missing = [c for c in value_columns if c not in indexed.columns]
        if missing:
            raise ValueError(f"{what}: no column {missing[0]!r}; the model was fitted with {columns}")
        if not value_columns:
            raise ValueError(f"{what}: expected at least one column besides {self.id_col!r}")
        return indexed.loc[ids, value_columns]

    def to_dict(self) -> dict:
        return {"id_col": self.id_col, "numeric": {k: list(v) for k, v in self.numeric_.items()},
                "categories": self.categories_}

    @classmethod
    def from_dict(cls, d: dict) -> StaticEncoder:
        obj = cls(str(d["id_col"]))
        numeric, categories = d["numeric"], d["categories"]
        if not isinstance(numeric, dict) or not all(
                isinstance(v, list) and len(v) == 2 and all(is_real_number(x) for x in v) and v[1] > 0
                for v in numeric.values()):
            raise ValueError("static.numeric: expected {column: [mean, positive std]}")
        if not isinstance(categories, dict) or not all(
                isinstance(v, list) and all(isinstance(x, str) for x in v) for v in categories.values()):
            raise ValueError("static.categories: expected {column: [category names]}")
        obj.numeric_ = {str(k): (float(v[0]), float(v[1])) for k, v in numeric.items()}
        obj.categories_ = {str(k): list(v) for k, v in categories.items()}
        return obj
