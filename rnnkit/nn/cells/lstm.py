"""LSTM cell over a whole sequence (docs/math.md, "LSTM"). Torch's gate order i, f, g, o:

    [i, f, g, o]_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh     (pre-activations)
    i, f, o = sigmoid(.)    g = tanh(.)
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)

Choices for speed, invisible outside this file: states and gates are feature-major (common.py),
the rows are reordered to o, i, f, g so the three sigmoid gates are one contiguous block (o, i, f)
and so are the three gates driven by dc (i, f, g), and sigmoid(u) = (1 + tanh(u / 2)) / 2 with the
halving folded into a scaled copy of the weights, so each step applies one tanh to all gates.

BPTT, with dh, dc the gradients arriving at h_t, c_t:
    dc += dh * o * (1 - tanh(c_t)^2)
    d[o, i, f, g] = [dh * tanh(c_t) * o(1-o), dc * g * i(1-i), dc * c_{t-1} * f(1-f), dc * i * (1-g^2)]
    dc_{t-1} = dc * f,  dh_{t-1} = W_hh^T d[o, i, f, g]
Every factor that does not depend on dh or dc is computed for a block of steps at once.
"""
from __future__ import annotations

import numpy as np

from rnnkit.nn.cells.common import (
    WeightGrads,
    batch_major,
    carry_padded,
    feature_major,
    input_side_gradients,
    project_inputs,
    recurrent_weight_gradient,
    steps_per_block,
    store_block,
    transposed,
    valid_steps,
)

#: What :func:`forward` keeps for :func:`backward`: x, the returned states (T+1, B, H), cells
#: (T+1, H, B), tanh_c, gates, w_ih and w_hh in the internal row order, that order, valid
#: (T, 1, B), has_bias.
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

    Returns the states ``hs`` (T+1, B, H) with index 0 the initial state, the last cell ``c_n``
    (B, H), and the cache for :func:`backward`.
    """
    T, B, _ = x.shape
    H = h0.shape[-1]
    order = _internal_order(H)
    half = np.ones(4 * H, dtype=x.dtype)
    half[: 3 * H] = 0.5  # sigmoid gates see u/2
    w_ih_i, w_hh_i = w_ih[order], w_hh[order]
    bias = None if b_ih is None else (b_ih + b_hh)[order] * half
    gates = project_inputs(x, w_ih_i * half[:, None], bias)  # (T, 4H, B), becomes activations
    w_hh_scaled = w_hh_i * half[:, None]
    recur = np.empty((4 * H, B), dtype=x.dtype)
    hs = np.empty((T + 1, H, B), dtype=x.dtype)
    cs = np.empty_like(hs)
    tanh_c = np.empty((T, H, B), dtype=x.dtype)
    hs[0], cs[0] = h0.T, c0.T
    ig = np.empty((H, B), dtype=x.dtype)
    mask = valid_steps(valid)
    for t in range(T):
        a = gates[t]
        np.matmul(w_hh_scaled, hs[t], out=recur)
        a += recur
        np.tanh(a, out=a)
        sig = a[: 3 * H]
        sig *= 0.5
        sig += 0.5
        o, i, f, g = a[:H], a[H : 2 * H], a[2 * H : 3 * H], a[3 * H :]
        np.multiply(f, cs[t], out=cs[t + 1])
        np.multiply(i, g, out=ig)
        cs[t + 1] += ig
        np.tanh(cs[t + 1], out=tanh_c[t])
        np.multiply(o, tanh_c[t], out=hs[t + 1])
        if mask is not None:
            carry_padded(hs[t + 1], hs[t], mask[t])
            carry_padded(cs[t + 1], cs[t], mask[t])
    states = batch_major(hs)
    cache = (x, states, cs, tanh_c, gates, w_ih_i, w_hh_i, order, mask, b_ih is not None)
    return states, batch_major(cs[-1]), cache


def _factors(gates: np.ndarray, tanh_c: np.ndarray, c_prev: np.ndarray, factors: np.ndarray,
             dh_to_dc: np.ndarray) -> None:
    """The step-independent factors of the module docstring for a block of steps, in place:
    ``factors`` (n, 4H, B) for d[o, i, f, g] and ``dh_to_dc`` = o * (1 - tanh(c)^2) (n, H, B)."""
    H = tanh_c.shape[1]
    o, i, f, g = (gates[:, k * H : (k + 1) * H] for k in range(4))
    fo, fi, ff, fg = (factors[:, k * H : (k + 1) * H] for k in range(4))
    for out, s, times in ((fo, o, tanh_c), (fi, i, g), (ff, f, c_prev)):
        np.subtract(1.0, s, out=out)
        out *= s
        out *= times
    np.multiply(g, g, out=fg)
    np.subtract(1.0, fg, out=fg)
    fg *= i
    np.multiply(tanh_c, tanh_c, out=dh_to_dc)
    np.subtract(1.0, dh_to_dc, out=dh_to_dc)
    dh_to_dc *= o


def backward(dout: np.ndarray | None, dh_n: np.ndarray, dc_n: np.ndarray,
             cache: Cache) -> tuple[np.ndarray, np.ndarray, np.ndarray, WeightGrads]:
    """Gradients for the inputs, ``(h0, c0)`` and the four parameters (torch layout).

    ``dout`` (T, B, H) or None, ``dh_n`` and ``dc_n`` (B, H).
    Returns ``dx, dh0, dc0, (dw_ih, dw_hh, db_ih, db_hh)``.

    The steps run backwards in blocks (common.steps_per_block): a block's factors are computed
    together and used while they are still in cache.
    """
    x, states, cs, tanh_c, gates, w_ih_i, w_hh_i, order, mask, has_bias = cache
    T, H, B = tanh_c.shape
    k = steps_per_block(4 * H * B, T)
    factors, dgates = np.empty((k, 4 * H, B), dtype=x.dtype), np.empty((k, 4 * H, B), dtype=x.dtype)
    dh_to_dc = np.empty((k, H, B), dtype=x.dtype)
    forget_kept = np.empty_like(dh_to_dc)
    # The three dc-driven gates viewed as (3, H, B): one broadcast product with dc (H, B).
    fac3, dg3 = factors[:, H:].reshape(k, 3, H, B), dgates[:, H:].reshape(k, 3, H, B)
    flat = np.empty((4 * H, T, B), dtype=x.dtype)  # all steps' d[o, i, f, g], for the weight GEMMs
    w_hh_t = transposed(w_hh_i)  # (H, 4H): dh_{t-1} = W_hh^T dG_t
    dh, dc = feature_major(dh_n), feature_major(dc_n)
    dout_f = None if dout is None else dout.transpose(0, 2, 1)  # (T, H, B) view
    to_c = np.empty_like(dh)
    for end in range(T, 0, -k):
        t0 = max(0, end - k)
        n = end - t0
        _factors(gates[t0:end], tanh_c[t0:end], cs[t0:end], factors[:n], dh_to_dc[:n])
        forget = gates[t0:end, 2 * H : 3 * H]
        if mask is not None:
            factors[:n] *= mask[t0:end]
            forget = np.multiply(forget, mask[t0:end], out=forget_kept[:n])
            keep = ~mask[t0:end]
        for j in range(n - 1, -1, -1):
            if dout_f is not None:
                dh += dout_f[t0 + j]
            if mask is not None:
                kept_h, kept_c = dh * keep[j], dc * keep[j]
            np.multiply(dh, dh_to_dc[j], out=to_c)
            dc += to_c
            np.multiply(factors[j, :H], dh, out=dgates[j, :H])
            np.multiply(fac3[j], dc, out=dg3[j])
            dc *= forget[j]
            np.matmul(w_hh_t, dgates[j], out=dh)
            if mask is not None:
                dh += kept_h
                dc += kept_c
        store_block(flat, t0, dgates[:n])
    flat = flat.reshape(4 * H, T * B)
    dx, dw_ih, db = input_side_gradients(flat, x, w_ih_i)
    dw_hh = recurrent_weight_gradient(flat, states[:-1])
    back = np.argsort(order)  # our o, i, f, g rows back to torch's i, f, g, o
    dw_ih, dw_hh, db = dw_ih[back], dw_hh[back], db[back]
    grads = (dw_ih, dw_hh, db, db.copy()) if has_bias else (dw_ih, dw_hh, None, None)
    return dx, batch_major(dh), batch_major(dc), grads
