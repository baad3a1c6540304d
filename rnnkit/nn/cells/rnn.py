"""Elman cell over a whole sequence (docs/math.md, "RNN"), feature-major inside (common.py).

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
    h_t = phi(a_t)                      phi = tanh or relu

BPTT, from the last step back:
    dh_t  += dout_t                     (the output at t is h_t itself)
    da_t   = dh_t * phi'(a_t)
    dh_{t-1} = W_hh^T da_t
then dW_ih, dW_hh, db, dx as GEMMs over all steps (common.py).
"""
from __future__ import annotations

import numpy as np

from rnnkit.nn.cells.common import (
    WeightGrads,
    batch_major,
    carry_padded,
    feature_major,
    gate_major,
    input_side_gradients,
    project_inputs,
    recurrent_weight_gradient,
    transposed,
    valid_steps,
)

#: What :func:`forward` keeps for :func:`backward`: x, the returned states (T+1, B, H),
#: activations (T, H, B), w_ih, w_hh, valid (T, 1, B), relu, has_bias.
Cache = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, bool, bool]


def forward(x: np.ndarray, h0: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray | None,
            b_hh: np.ndarray | None, valid: np.ndarray | None = None,
            relu: bool = False) -> tuple[np.ndarray, Cache]:
    """Run the cell over ``x`` (T, B, I) from ``h0`` (B, H).

    Returns the states (T+1, B, H) (index 0 is h0) and the cache for :func:`backward`.
    ``valid`` is None or a bool mask (T, B, 1) of steps inside each row's length.
    """
    T, B, _ = x.shape
    H = h0.shape[-1]
    bias = None if b_ih is None else b_ih + b_hh
    pre = project_inputs(x, w_ih, bias)  # (T, H, B)
    hs = np.empty((T + 1, H, B), dtype=x.dtype)
    hs[0] = h0.T
    mask = valid_steps(valid)
    act = hs[1:] if mask is None else pre  # without padding the activation is the state
    recur = np.empty((H, B), dtype=x.dtype)
    for t in range(T):
        np.matmul(w_hh, hs[t], out=recur)
        np.add(pre[t], recur, out=act[t])
        if relu:
            np.maximum(act[t], 0, out=act[t])
        else:
            np.tanh(act[t], out=act[t])
        if mask is not None:
            hs[t + 1] = act[t]
            carry_padded(hs[t + 1], hs[t], mask[t])
    states = batch_major(hs)
    cache = (x, states, act, w_ih, w_hh, mask, relu, b_ih is not None)
    return states, cache


def backward(dout: np.ndarray | None, dh_n: np.ndarray,
             cache: Cache) -> tuple[np.ndarray, np.ndarray, WeightGrads]:
    """Gradients for the inputs, the initial state and the four parameters.

    ``dout`` (T, B, H) is the gradient of the loss with respect to the per-step states (zero at
    padded steps) and ``dh_n`` (B, H) that with respect to the final state.
    Returns ``dx, dh0, (dw_ih, dw_hh, db_ih, db_hh)``; the biases are None without bias.
    """
    x, states, act, w_ih, w_hh, mask, relu, has_bias = cache
    T = x.shape[0]
    # phi'(a_t) for every step at once, so the loop holds only a product and a GEMM.
    if relu:
        dpre = (act > 0).astype(x.dtype)
    else:
        dpre = np.multiply(act, act)
        np.subtract(1.0, dpre, out=dpre)
    if mask is not None:
        dpre *= mask
        keep = ~mask
    w_hh_t = transposed(w_hh)
    dh = feature_major(dh_n)
    dout_f = None if dout is None else dout.transpose(0, 2, 1)
    for t in range(T - 1, -1, -1):
        if dout_f is not None:
            dh += dout_f[t]
        dpre[t] *= dh
        if mask is None:
            np.matmul(w_hh_t, dpre[t], out=dh)
        else:
            carried = dh * keep[t]
            np.matmul(w_hh_t, dpre[t], out=dh)
            dh += carried
    flat = gate_major(dpre)
    dx, dw_ih, db = input_side_gradients(flat, x, w_ih)
    dw_hh = recurrent_weight_gradient(flat, states[:-1])
    grads = (dw_ih, dw_hh, db, db.copy()) if has_bias else (dw_ih, dw_hh, None, None)
    return dx, batch_major(dh), grads
