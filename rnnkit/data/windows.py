"""Sliding (input window, target horizon) pairs as views of the series, never copies.

A series of n points gives about n training examples that overlap almost entirely; copying them
would cost ``window`` times the memory of the series. ``sliding_window_view`` builds them as
strided views instead, read-only so that no example can be edited behind the series' back.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from rnnkit.data._checks import check_int


def sliding_windows(values: ArrayLike, window: int, horizon: int = 1,
                    stride: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into (past window, next horizon) pairs.

    Example ``i`` uses ``values[i*stride : i*stride + window]`` as input and the following
    ``horizon`` points as target; the last example ends exactly at the last point.

    Parameters
    ----------
    values : array_like, shape (n,) or (n, features)
        The series (e.g. ``TimeSeries.values``, or target and covariates stacked as columns).
    window : int
        Input length, >= 1.
    horizon : int, default 1
        Target length, >= 1.
    stride : int, default 1
        Step between the starts of consecutive examples, >= 1.

    Returns
    -------
    inputs : numpy.ndarray
        Shape ``(m, window)`` or ``(m, window, features)``.
    targets : numpy.ndarray
        Shape ``(m, horizon)`` or ``(m, horizon, features)``; take one feature with
        ``targets[..., j]`` (still a view).

    Both are read-only views of ``values`` (when ``values`` is a NumPy array): no data is
    copied. ``m = (n - window - horizon) // stride + 1``. Call ``np.ascontiguousarray`` on a
    batch if a consumer needs contiguous memory.

    Raises
    ------
    ValueError
        If ``values`` is not 1-D or 2-D, or is shorter than ``window + horizon``.

    Examples
    --------
    >>> x, y = sliding_windows(np.arange(6.0), window=3, horizon=2)
    >>> x
    array([[0., 1., 2.],
           [1., 2., 3.]])
    >>> y
    array([[3., 4.],
           [4., 5.]])
    """
    window = check_int("window", window)
    horizon = check_int("horizon", horizon)
    stride = check_int("stride", stride)
    values = np.asarray(values)
    if values.ndim not in (1, 2):
        raise ValueError(f"values must have shape (n,) or (n, features), got {values.shape}")
    n, span = values.shape[0], window + horizon
    if n < span:
        raise ValueError(f"series has {n} points; window {window} + horizon {horizon} needs at least {span}")
    # For 2-D input the window axis comes out last, (m, features, span); moveaxis puts time
    # before features as the models expect. Both steps only change strides.
    full = sliding_window_view(values, span, axis=0)
    if values.ndim == 2:
        full = np.moveaxis(full, -1, 1)
    full = full[::stride]
    return full[:, :window], full[:, window:]
