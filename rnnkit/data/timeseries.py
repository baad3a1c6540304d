"""``TimeSeries``: one validated target series, its time axis and optional covariates.

It is deliberately a plain frozen container with read-only arrays: models, windows and scalers
read from it without copying, and nothing downstream can edit the data a model was checked on.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rnnkit.data._checks import check_int
from rnnkit.data._messages import label


def _readonly(array: np.ndarray) -> np.ndarray:
    # A view, so that freezing our copy never changes the writeable flag of the caller's array.
    view = array.view()
    view.flags.writeable = False
    return view


@dataclass(frozen=True, eq=False, repr=False)
class TimeSeries:
    """A target series on a time axis, with optional covariates.

    Build one with :func:`rnnkit.data.load_series`; the constructor checks shapes but does not
    parse or clean anything.

    Parameters
    ----------
    index : pandas.DatetimeIndex or pandas.RangeIndex
        The time axis, sorted and without duplicates. A ``RangeIndex`` means integer steps.
    values : numpy.ndarray
        Target values, float64, shape ``(n,)``, finite.
    covariates : numpy.ndarray or None
        Extra inputs, float64, shape ``(n, k)``, or None.
    target : str
        Name of the target column.
    covariate_names : tuple of str
        Names of the ``k`` covariate columns (empty when ``covariates`` is None).
    freq : str or None
        pandas frequency string (``"MS"``, ``"D"``, ``"B"``, ...), None for integer steps or
        irregular dates.

    Examples
    --------
    >>> ts = load_series(df, target="price")          # doctest: +SKIP
    >>> train, test = ts[:-12], ts[-12:]              # doctest: +SKIP
    >>> ts.future_index(12)                           # doctest: +SKIP
    """

    index: pd.Index
    values: np.ndarray
    covariates: np.ndarray | None = None
    target: str = "y"
    covariate_names: tuple[str, ...] = field(default_factory=tuple)
    freq: str | None = None

    def __post_init__(self):
        if not isinstance(self.index, (pd.DatetimeIndex, pd.RangeIndex)):
            raise TypeError(f"index must be a DatetimeIndex or RangeIndex, got {type(self.index).__name__}")
        values = np.asarray(self.values, dtype=np.float64)
        if values.ndim != 1:
            raise ValueError(f"values must have shape (n,), got {values.shape}")
        if len(values) != len(self.index):
            raise ValueError(f"values has {len(values)} points but index has {len(self.index)}")
        names = tuple(str(c) for c in self.covariate_names)
        covariates = self.covariates
        if covariates is not None:
            covariates = np.asarray(covariates, dtype=np.float64)
            if covariates.ndim != 2 or covariates.shape[0] != len(values):
                raise ValueError(f"covariates must have shape ({len(values)}, k), got {covariates.shape}")
            if covariates.shape[1] != len(names):
                raise ValueError(f"covariates has {covariates.shape[1]} columns but {len(names)} names")
            covariates = _readonly(covariates)
        elif names:
            raise ValueError("covariate_names given without covariates")
        if self.freq is not None:
            _check_freq(self.freq)
            if not isinstance(self.index, pd.DatetimeIndex):
                raise ValueError("freq applies to dates; a RangeIndex series has freq=None")
        # frozen=True forbids normal assignment; these set normalised versions of the fields.
        object.__setattr__(self, "values", _readonly(values))
        object.__setattr__(self, "covariates", covariates)
        object.__setattr__(self, "covariate_names", names)

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, key) -> TimeSeries:
        """Slice in time: ``ts[:-12]``, ``ts[100:200]``. The arrays of the result are views."""
        if not isinstance(key, slice):
            raise TypeError(f"TimeSeries supports slices only (ts[a:b]), got {type(key).__name__}")
        if key.step not in (None, 1):
            # A stride would change the frequency; resample explicitly instead.
            raise ValueError(f"TimeSeries slices take no step, got step={key.step}")
        return TimeSeries(
            index=self.index[key],
            values=self.values[key],
            covariates=None if self.covariates is None else self.covariates[key],
            target=self.target,
            covariate_names=self.covariate_names,
            freq=self.freq,
        )

    def head(self, n: int = 5) -> TimeSeries:
        """The first ``n`` points."""
        return self[: check_int("n", n, minimum=0)]

    def tail(self, n: int = 5) -> TimeSeries:
        """The last ``n`` points."""
        n = check_int("n", n, minimum=0)
        return self[len(self) - n :] if n else self[len(self) :]

    def future_index(self, h: int) -> pd.Index:
        """The ``h`` time stamps (or steps) that follow the last point.

        Raises
        ------
        ValueError
            If the series has dates but no frequency (irregular dates), or is empty.
        """
        h = check_int("h", h)
        if isinstance(self.index, pd.RangeIndex):
            step = self.index.step
            start = self.index.start + len(self.index) * step
            return pd.RangeIndex(start, start + h * step, step, name=self.index.name)
        if self.freq is None:
            raise ValueError(
                "cannot extend dates without a frequency (the dates are irregular or too few to "
                "infer one); pass freq= to load_series"
            )
        if len(self.index) == 0:
            raise ValueError("cannot extend an empty series")
        offset = pd.tseries.frequencies.to_offset(self.freq)
        # last + offset rolls onto the next on-offset stamp even when the last one is off it.
        return pd.date_range(start=self.index[-1] + offset, periods=h, freq=offset, name=self.index.name)

    def to_frame(self) -> pd.DataFrame:
        """A DataFrame with the target first, then the covariates, indexed by time."""
        columns = {self.target: np.array(self.values)}
        for j, name in enumerate(self.covariate_names):
            columns[name] = np.array(self.covariates[:, j])
        index = self.index.copy()
        if index.name is None:
            index.name = "date" if isinstance(index, pd.DatetimeIndex) else "step"
        return pd.DataFrame(columns, index=index)

    def __repr__(self) -> str:
        span = f", {label(self.index[0])}..{label(self.index[-1])}" if len(self) else ""
        cov = f", covariates={list(self.covariate_names)}" if self.covariate_names else ""
        return f"TimeSeries(target={self.target!r}, n={len(self)}, freq={self.freq!r}{span}{cov})"


def _check_freq(freq: object) -> None:
    """A pandas frequency string, or the error saying what came instead."""
    if not isinstance(freq, str):
        raise TypeError(f"freq: expected a pandas frequency string such as 'MS' or None, got {freq!r}")
    try:
        pd.tseries.frequencies.to_offset(freq)
    except ValueError:
        raise ValueError(f"freq: {freq!r} is not a pandas frequency (such as 'MS', 'D', 'h')") from None
