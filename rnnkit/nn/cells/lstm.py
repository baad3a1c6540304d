"""LSTM cell over a whole sequence (docs/math.md, "LSTM"). Torch's gate order i, f, g, o:

    [i, f, g, o]_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh     (pre-activations)
    i, f, o = sigmoid(.)    g = tanh(.)
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)

Two choices for speed, invisible outside this file: the rows are reordered to o, i, f, g so the
three sigmoid gates are one contiguous block (o, i, f) and so are the three gates driven by dc
(i, f, g), and sigmoid(u) = (1 + tanh(u / 2)) / 2 with the
halving folded into a scaled copy of the weights, so each step applies one tanh to all gates.

BPTT, with dh, dc the gradients arriving at h_t, c_t:
    dc += dh * o * (1 - tanh(c_t)^2)
    d[o, i, f, g] = [dh * tanh(c_t) * o(1-o), dc * g * i(1-i), dc * c_{t-1} * f(1-f), dc * i * (1-g^2)]
    dc_{t-1} = dc * f,  dh_{t-1} = d[o, i, f, g] W_hh
Every factor that does not depend on dh or dc is computed for all steps before the loop.
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

#: What :func:`forward` keeps for :func:`backward`: x, hs, cs, tanh_c, gates, w_ih and w_hh in
#: the internal row order, that order, valid, has_bias.
Cache = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
              np.ndarray | None, bool]


def _internal_order(hidden: int) -> np.ndarray:
    """Row permutation from torch's i, f, g, o to our o, i, f, g."""
    h = hidden
    return np.concatenate([np.arange(3 * h, 4 * h), np.arange(0, 3 * h)])


def forward(x: np.ndarray, h0: np.ndarray, c0: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray,
            b_ih: np.ndarray | None, b_hh: np.ndarray | None,
            valid: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, Cache]:
    """Run the cell over ``x`` (T, B, I) from ``(h0, c0)``, each (B, H).

    Returns states ``hs`` and cells ``cs``, each (T+1, B, H) with index 0 the initial value, and
    the cache for :func:`backward`.
    """
    T, B, _ = x.shape
    H = h0.shape[-1]
    order = _internal_order(H)
    half = np.ones(4 * H, dtype=x.dtype)
    half[: 3 * H] = 0.5  # sigmoid gates see u/2
    w_ih_i, w_hh_i = w_ih[order], w_hh[order]
    bias = None if b_ih is None else (b_ih + b_hh)[order] * half
    gates = project_inputs(x, w_ih_i * half[:, None], bias)  # (T, B, 4H), becomes activations
    w_hh_scaled_t = np.ascontiguousarray((w_hh_i * half[:, None]).T)  # contiguous: faster GEMM
    hs = np.empty((T + 1, B, H), dtype=x.dtype)
    cs = np.empty_like(hs)
    tanh_c = np.empty((T, B, H), dtype=x.dtype)
    hs[0], cs[0] = h0, c0
    recur = np.empty((B, 4 * H), dtype=x.dtype)
    ig = np.empty((B, H), dtype=x.dtype)
    for t in range(T):
        a = gates[t]
        np.matmul(hs[t], w_hh_scaled_t, out=recur)
        a += recur
        np.tanh(a, out=a)
        sig = a[:, : 3 * H]
        sig *= 0.5
        sig += 0.5
        o, i, f, g = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
        np.multiply(f, cs[t], out=cs[t + 1])
        np.multiply(i, g, out=ig)
        cs[t + 1] += ig
        np.tanh(cs[t + 1], out=tanh_c[t])
        np.multiply(o, tanh_c[t], out=hs[t + 1])
        if valid is not None:
            carry_padded(hs[t + 1], hs[t], valid[t])
            carry_padded(cs[t + 1], cs[t], valid[t])
    cache = (x, hs, cs, tanh_c, gates, w_ih_i, w_hh_i, order, valid, b_ih is not None)
    return hs, cs, cache


def backward(dout: np.ndarray | None, dh_n: np.ndarray, dc_n: np.ndarray,
             cache: Cache) -> tuple[np.ndarray, np.ndarray, np.ndarray, WeightGrads]:
    """Gradients for the inputs, ``(h0, c0)`` and the four parameters (torch layout).

    Returns ``dx, dh0, dc0, (dw_ih, dw_hh, db_ih, db_hh)``.
    """
    x, hs, cs, tanh_c, gates, w_ih_i, w_hh_i, order, valid, has_bias = cache
    T, B, H = tanh_c.shape
    o, i, f, g = (gates[..., k * H : (k + 1) * H] for k in range(4))
    # Step-independent factors (see module docstring), for all t at once.
    dh_to_dc = o * (1.0 - tanh_c * tanh_c)
    factors = np.empty_like(gates)
    np.multiply(tanh_c * o, 1.0 - o, out=factors[..., :H])
    np.multiply(g * i, 1.0 - i, out=factors[..., H : 2 * H])
    np.multiply(cs[:-1] * f, 1.0 - f, out=factors[..., 2 * H : 3 * H])
    np.multiply(i, 1.0 - g * g, out=factors[..., 3 * H :])
    forget = f.copy()
    if valid is not None:
        factors *= valid
        forget *= valid
        keep = ~valid
    # View the gate axis as (4, H) so the three dc-driven gates are one broadcast product.
    dgates = np.empty_like(gates)
    dg4, fac4 = dgates.reshape(T, B, 4, H), factors.reshape(T, B, 4, H)
    dg_o, fac_o = dgates[..., :H], factors[..., :H]
    dh, dc = dh_n.copy(), dc_n.copy()
    for t in range(T - 1, -1, -1):
        if dout is not None:
            dh += dout[t]
        if valid is not None:
            kept_h, kept_c = dh * keep[t], dc * keep[t]
        dc += dh * dh_to_dc[t]
        np.multiply(fac4[t, :, 1:], dc[:, None, :], out=dg4[t, :, 1:])
        np.multiply(fac_o[t], dh, out=dg_o[t])
        dc *= forget[t]
        np.matmul(dgates[t], w_hh_i, out=dh)
        if valid is not None:
            dh += kept_h
            dc += kept_c
    dx, dw_ih, db = input_side_gradients(dgates, x, w_ih_i)
    dw_hh = recurrent_weight_gradient(dgates, hs[:-1])
    back = np.argsort(order)  # our o, i, f, g rows back to torch's i, f, g, o
    dw_ih, dw_hh, db = dw_ih[back], dw_hh[back], db[back]
    grads = (dw_ih, dw_hh, db, db.copy()) if has_bias else (dw_ih, dw_hh, None, None)
    return dx, dh, dc, grads
