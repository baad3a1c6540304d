"""Jacobian norms by lag: how a change of the state k steps ago moves the last state.

For the top recurrent layer, the Jacobian of the last state with respect to the state k steps
before it is the product of the step Jacobians (docs/math.md, "Vanishing and exploding"):

    J_k = dh_T / dh_{T-k} = prod_{t=T-k+1..T} dh_t/dh_{t-1}       (J_0 = I)

built back from the last step as J_{k+1} = J_k (dh_{T-k}/dh_{T-k-1}): H cotangent vectors per
row (the rows of J_k) pulled back through one step, one GEMM per step. Its norms fall
geometrically with k when gradients vanish and grow when they explode:

    spectral[k]  = (1/R) sum_b sigma_max(J_k[b])
    frobenius[k] = (1/R) sum_b ||J_k[b]||_F

over R rows of the batch. For the LSTM the state is (h, c); J_k is dh_T/dh_{T-k} with
c_{T-k} held fixed, and the path through the cell state (dh_T/dc_{T-k}) carries the rest.
Cost: R * H GEMM rows per step, i.e. about R * T * G * H^3 multiply-adds (G = 1, 3, 4 gates).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from rnnkit import nn
from rnnkit.diagnostics import _model
from rnnkit.diagnostics.steps import StepTrace
from rnnkit.nn._denormals import flush_denormals
from rnnkit.nn._threads import blas_threads_for
from rnnkit.nn.cell_table import cell_kind


@dataclass(frozen=True)
class JacobianNorms:
    """Norms of dh_T/dh_{T-k} for k = 0..max_lag, averaged over ``rows`` batch rows."""

    spectral: np.ndarray
    frobenius: np.ndarray
    rows: int

    @property
    def lags(self) -> np.ndarray:
        return np.arange(len(self.spectral))


def jacobian_norms(model: nn.RNNBase | nn.Sequential, x: ArrayLike, max_lag: int | None = None, rows: int | None = None,
                   spectral: bool = True) -> JacobianNorms:
    """Spectral and Frobenius norms of dh_T/dh_{T-k} for the top layer, by lag k.

    Parameters
    ----------
    model : recurrent layer (unidirectional) or nn.Sequential holding one
    x : array, the model's input, batched (3-D)
    max_lag : int, optional
        Largest lag, at most T-1 (default T-1: back to the state after the first step).
    rows : int, optional
        Use the first ``rows`` batch rows only (cost grows linearly with it); default all.
    spectral : bool, default True
        Also compute the spectral norms (one SVD per row and lag); NaN when False.

    Returns
    -------
    JacobianNorms with arrays of length ``max_lag + 1``, index k = lag.
    """
    parts = _model.split(model)
    rnn = parts.rnn
    with _model.untouched(model):
        x_rnn = _model.check_input(rnn, _model.run(parts.before, x))
        seq = _model.top_layer_input(rnn, x_rnn)
    T, B, _ = seq.shape
    if max_lag is None:
        max_lag = T - 1
    if isinstance(max_lag, bool) or not isinstance(max_lag, (int, np.integer)) or not 0 <= max_lag <= T - 1:
        raise ValueError(f"max_lag: expected an integer in [0, {T - 1}] (steps - 1), got {max_lag!r}")
    if rows is None:
        rows = B
    if isinstance(rows, bool) or not isinstance(rows, (int, np.integer)) or rows < 1:
        raise ValueError(f"rows: expected a positive integer, got {rows!r}")
    R = min(int(rows), B)
    # Only the last max_lag + 1 states matter, but the trace needs the states before them.
    trace = StepTrace(cell_kind(rnn), _model.top_weights(rnn), np.ascontiguousarray(seq[:, :R]))
    H = rnn.hidden_size
    J = np.broadcast_to(np.eye(H, dtype=rnn.dtype), (R, H, H)).copy()  # J[b, i, j] = dh_T,i / dh_t,j
    dc = None
    spec, frob = np.full(max_lag + 1, np.nan), np.empty(max_lag + 1)
    with flush_denormals():  # vanishing products pass through the slow subnormal range
        for k in range(max_lag + 1):
            frob[k] = np.sqrt(np.einsum("bij,bij->b", J, J, dtype=np.float64)).mean()
            if spectral:
                with blas_threads_for(0):  # many small SVDs: one thread each is fastest
                    spec[k] = np.linalg.svd(J, compute_uv=False)[:, 0].mean(dtype=np.float64)
            if k < max_lag:
                with blas_threads_for(R * H * trace.w_hh.size):
                    J, dc = trace.vjp(T - k, J, dc)
    return JacobianNorms(spec, frob, R)
