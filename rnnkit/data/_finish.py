"""The steps every loaded series ends with, whichever loader found its rows."""
from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from rnnkit.data import _values
from rnnkit.data.timeseries import TimeSeries


def finish_series(values: np.ndarray, covs: list, where: np.ndarray, index: pd.Index, target: Hashable, cov_names: list,
                  freq: str | None, unit: str, fill: str | None, trim_leading: bool) -> TimeSeries:
    """The last steps of loading one series whose rows are in time order and free of infinities:
    drop the steps before the first target value (``trim_leading``), fill or refuse gaps, build
    the :class:`TimeSeries`. Shared by the one-series loader and the one-pass panel loader."""
    observed = np.flatnonzero(~np.isnan(values))
    if trim_leading and len(observed) and observed[0] > 0:
        start = observed[0]
        values, covs, where, index = values[start:], [c[start:] for c in covs], where[start:], index[start:]
    values = _values.fill_missing(values, target, where, unit, fill, index)
    covs = [_values.fill_missing(c, n, where, unit, fill, index) for n, c in zip(cov_names, covs)]
    return TimeSeries(
        index=index,
        values=values,
        covariates=np.column_stack(covs) if covs else None,
        target=str(target),
        covariate_names=tuple(str(c) for c in cov_names),
        freq=freq,
    )
