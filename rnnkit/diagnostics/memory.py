"""Memory horizon: how far back the last output still looks.

For a model reading x_1..x_T and producing y_T at the last step (the forecaster's
``Sequential(rnn, LastStep, Linear)``; a model with a sequence output is read at its last
step), the sensitivity at lag k is the mean absolute input gradient

    s_k = mean over rows b, output units o and input features i of | dy_T[b, o] / dx_{T-k}[b, i] |

computed exactly with the engine's backward, one backward per output unit o (rows are
independent, so each backward gives every row's gradient at once; the engine's backward
leaves its forward cache intact, so one forward serves them all). With ``outputs`` given as
one unit per row, the mean over o is replaced by that unit (one backward in all). The horizon
is the largest lag still carrying a given fraction of the peak sensitivity:

    horizon = max { k : s_k >= fraction * max_j s_j }            (fraction 0.01 by default)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from rnnkit import nn
from rnnkit.diagnostics import _model


@dataclass(frozen=True)
class Memory:
    """Sensitivity of the last output to the input k steps back, and the horizon it implies."""

    sensitivity: np.ndarray
    horizon: int
    fraction: float

    @property
    def lags(self) -> np.ndarray:
        return np.arange(len(self.sensitivity))


def horizon_of(sensitivity: ArrayLike, fraction: float = 0.01) -> int:
    """Largest lag k with ``sensitivity[k] >= fraction * max(sensitivity)`` (0 if all are zero)."""
    s = np.asarray(sensitivity, dtype=np.float64)
    if s.ndim != 1 or s.size == 0:
        raise ValueError(f"sensitivity: expected a non-empty 1-D array, got shape {s.shape}")
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 < fraction <= 1:
        raise ValueError(f"fraction: expected a number in (0, 1], got {fraction!r}")
    peak = s.max()
    if not peak > 0:
        return 0
    return int(np.flatnonzero(s >= fraction * peak).max())


def memory_horizon(model: nn.RNNBase | nn.Sequential, x: ArrayLike, outputs: ArrayLike | None = None,
                   fraction: float = 0.01) -> Memory:
    """Mean |dy_T/dx_{T-k}| by lag k, and the memory horizon.

    Parameters
    ----------
    model : a recurrent layer or an nn.Sequential holding one (bidirectional layers allowed)
    x : array, the model's input, batched (3-D, laid out as the recurrent layer expects)
    outputs : None or int array (B,)
        None: average over every output unit (one backward each). An array: for row b, the
        sensitivity of output unit ``outputs[b]`` only (e.g. the logit of the true next
        character), one backward in all.
    fraction : float in (0, 1], default 0.01

    Returns
    -------
    Memory with ``sensitivity[k]`` for k = 0..T-1 (k = 0 is the last input) and ``horizon``.
    """
    parts = _model.split(model, unidirectional=False)
    rnn = parts.rnn
    if parts.before:
        raise ValueError("model: expected the recurrent layer first (the input is its input), "
                         f"got {len(parts.before)} module(s) before it")
    x = _model.check_input(rnn, x)
    T, B = (x.shape[1], x.shape[0]) if rnn.batch_first else x.shape[:2]
    with _model.untouched(model):
        y = model(x)
        y = y[0] if isinstance(y, tuple) else y
        seq = y.ndim == 3
        last = (y[:, -1] if rnn.batch_first else y[-1]) if seq else y
        if last.ndim != 2 or last.shape[0] != B:
            raise ValueError(f"model: expected an output of shape (batch, units) at the last step, "
                             f"got {last.shape}")
        O = last.shape[1]
        if outputs is None:
            units = [np.full(B, o) for o in range(O)]
        else:
            sel = np.asarray(outputs)
            if sel.shape != (B,) or sel.dtype.kind not in "iu" or sel.min() < 0 or sel.max() >= O:
                raise ValueError(f"outputs: expected {B} integers in [0, {O - 1}], one per row, "
                                 f"got shape {sel.shape} dtype {sel.dtype}")
            units = [sel]
        total = np.zeros(T)
        for unit in units:
            d_last = np.zeros_like(last)
            d_last[np.arange(B), unit] = 1
            if seq:
                dy = np.zeros_like(y)
                if rnn.batch_first:
                    dy[:, -1] = d_last
                else:
                    dy[-1] = d_last
            else:
                dy = d_last
            dx = model.backward(dy)
            dx = dx[0] if isinstance(dx, tuple) else dx
            dx = _model.time_major(rnn, np.abs(dx))
            total += dx.mean(axis=(1, 2), dtype=np.float64)
    sensitivity = (total / len(units))[::-1].copy()
    return Memory(sensitivity, horizon_of(sensitivity, fraction), float(fraction))
