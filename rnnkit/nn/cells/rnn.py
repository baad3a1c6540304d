"""Elman cell over a whole sequence (docs/math.md, "RNN").

    a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh
    h_t = phi(a_t)                      phi = tanh or relu

BPTT, from the last step back:
    dh_t  += dout_t                     (the output at t is h_t itself)
    da_t   = dh_t * phi'(a_t)
    dh_{t-1} = da_t W_hh
then dW_ih, dW_hh, db, dx as GEMMs over all steps (common.py).
"""
from __future__ import annotations

import numpy as np

from rnnkit.nn.cells.common import (
    WeightGrads,
    carry_padded,
    input_side_gradients,
    project_inputs,
    recurrent_weight_gradient,
)

#: What :func:`forward` keeps for :func:`backward`: x, hs, activations, w_ih, w_hh, valid, relu, has_bias.
Cache = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, bool, bool]


def forward(x: np.ndarray, h0: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray | None,
            b_hh: np.ndarray | None, valid: np.ndarray | None = None,
            relu: bool = False) -> tuple[np.ndarray, Cache]:
    """Run the cell over ``x`` (T, B, I) from ``h0`` (B, H).

    Returns the states (T+1, B, H) (index 0 is h0) and the cache for :func:`backward`.
    ``valid`` is None or a bool mask (T, B, 1) of steps inside each row's length.
    """
    T, B, _ = x.shape
    bias = None if b_ih is None else b_ih + b_hh
    pre = project_inputs(x, w_ih, bias)
    hs = np.empty((T + 1,) + h0.shape, dtype=x.dtype)
    hs[0] = h0
    w_hh_t = np.ascontiguousarray(w_hh.T)  # a contiguous copy: ~30% faster skinny GEMMs
    act = hs[1:] if valid is None else pre  # without padding the activation is the state
    recur = np.empty_like(h0)
    for t in range(T):
        np.matmul(hs[t], w_hh_t, out=recur)
        np.add(pre[t], recur, out=act[t])
        if relu:
            np.maximum(act[t], 0, out=act[t])
        else:
            np.tanh(act[t], out=act[t])
        if valid is not None:
            hs[t + 1] = act[t]
            carry_padded(hs[t + 1], hs[t], valid[t])
    cache = (x, hs, act, w_ih, w_hh, valid, relu, b_ih is not None)
    return hs, cache


def backward(dout: np.ndarray | None, dh_n: np.ndarray,
             cache: Cache) -> tuple[np.ndarray, np.ndarray, WeightGrads]:
    """Gradients for the inputs, the initial state and the four parameters.

    ``dout`` (T, B, H) is the gradient of the loss with respect to the per-step states (zero at
    padded steps) and ``dh_n`` (B, H) that with respect to the final state.
    Returns ``dx, dh0, (dw_ih, dw_hh, db_ih, db_hh)``; the biases are None without bias.
    """
    x, hs, act, w_ih, w_hh, valid, relu, has_bias = cache
    T = x.shape[0]
    # phi'(a_t) for every step at once, so the loop holds only a product and a GEMM.
    dpre = (act > 0).astype(x.dtype) if relu else 1.0 - act * act
    if valid is not None:
        dpre *= valid
        keep = ~valid
    dh = dh_n.copy()
    for t in range(T - 1, -1, -1):
        if dout is not None:
            dh += dout[t]
        dpre[t] *= dh
        if valid is None:
            np.matmul(dpre[t], w_hh, out=dh)
        else:
            carried = dh * keep[t]
            np.matmul(dpre[t], w_hh, out=dh)
            dh += carried
    dx, dw_ih, db = input_side_gradients(dpre, x, w_ih)
    dw_hh = recurrent_weight_gradient(dpre, hs[:-1])
    grads = (dw_ih, dw_hh, db, db.copy()) if has_bias else (dw_ih, dw_hh, None, None)
    return dx, dh, grads
