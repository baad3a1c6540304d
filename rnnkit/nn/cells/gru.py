"""GRU cell over a whole sequence (docs/math.md, "GRU"), exactly torch's variant:

    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
    z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h  =  n + z * (h - n)

States and gates are feature-major (common.py). As in the LSTM kernel, sigmoid(u) =
(1 + tanh(u / 2)) / 2 with the halving folded into scaled copies of the r and z rows, so one tanh
covers both gates.

BPTT, with dh the gradient arriving at h':
    dn~ = dh * (1 - z) * (1 - n^2)          (n~: pre-activation of n)
    dz~ = dh * (h - n) * z(1 - z)
    dr~ = dn~ * (W_hn h + b_hn) * r(1 - r)
    gradient of the hidden projection: [dr~, dz~, dn~ * r];  of the input projection: [dr~, dz~, dn~]
    dh_prev = dh * z + W_hh^T [dr~, dz~, dn~ * r]
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

#: What :func:`forward` keeps for :func:`backward`: x, the returned states (T+1, B, H), the same
#: feature-major (T+1, H, B), gates, hidden_n, w_ih, w_hh, valid (T, 1, B), has_bias.
Cache = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
              np.ndarray | None, bool]


def forward(x: np.ndarray, h0: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray | None,
            b_hh: np.ndarray | None, valid: np.ndarray | None = None) -> tuple[np.ndarray, Cache]:
    """Run the cell over ``x`` (T, B, I) from ``h0`` (B, H); returns states (T+1, B, H) and the
    cache for :func:`backward`."""
    T, B, _ = x.shape
    H = h0.shape[-1]
    half = np.ones(3 * H, dtype=x.dtype)
    half[: 2 * H] = 0.5
    bias = None
    if b_ih is not None:
        bias = b_ih.copy()
        bias[: 2 * H] += b_hh[: 2 * H]  # r and z see both biases added; n keeps b_hn apart
        bias *= half
        b_hn = b_hh[2 * H :, None]
    gates = project_inputs(x, w_ih * half[:, None], bias)  # (T, 3H, B), becomes [r, z, n]
    w_hh_scaled = w_hh * half[:, None]
    hidden_n = np.empty((T, H, B), dtype=x.dtype)  # W_hn h + b_hn, kept for dr
    hs = np.empty((T + 1, H, B), dtype=x.dtype)
    hs[0] = h0.T
    recur = np.empty((3 * H, B), dtype=x.dtype)
    gated = np.empty((H, B), dtype=x.dtype)
    mask = valid_steps(valid)
    for t in range(T):
        a = gates[t]
        np.matmul(w_hh_scaled, hs[t], out=recur)
        rz, n = a[: 2 * H], a[2 * H :]
        rz += recur[: 2 * H]
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5
        hn = hidden_n[t]
        if b_ih is not None:
            np.add(recur[2 * H :], b_hn, out=hn)
        else:
            hn[...] = recur[2 * H :]
        np.multiply(rz[:H], hn, out=gated)
        n += gated
        np.tanh(n, out=n)
        h_new = hs[t + 1]
        np.subtract(hs[t], n, out=h_new)
        h_new *= rz[H:]
        h_new += n
        if mask is not None:
            carry_padded(h_new, hs[t], mask[t])
    states = batch_major(hs)
    cache = (x, states, hs, gates, hidden_n, w_ih, w_hh, mask, b_ih is not None)
    return states, cache


def _factors(gates: np.ndarray, h_prev: np.ndarray, hidden_n: np.ndarray, to_n: np.ndarray,
             to_z: np.ndarray, to_r: np.ndarray) -> None:
    """The step-independent factors of the module docstring for a block of steps, in place, each
    (n, H, B): to_n = (1 - z)(1 - n^2), to_z = (h - n) z (1 - z), to_r = (W_hn h + b_hn) r (1 - r)."""
    H = h_prev.shape[1]
    r, z, n = gates[:, :H], gates[:, H : 2 * H], gates[:, 2 * H :]
    np.subtract(1.0, z, out=to_z)  # 1 - z, used twice
    np.multiply(n, n, out=to_n)
    np.subtract(1.0, to_n, out=to_n)
    to_n *= to_z
    to_z *= z
    np.subtract(h_prev, n, out=to_r)  # h - n, before to_r takes its own value
    to_z *= to_r
    np.subtract(1.0, r, out=to_r)
    to_r *= r
    to_r *= hidden_n


def backward(dout: np.ndarray | None, dh_n: np.ndarray,
             cache: Cache) -> tuple[np.ndarray, np.ndarray, WeightGrads]:
    """Gradients for the inputs, ``h0`` and the four parameters; see :func:`rnn.backward`.

    The steps run backwards in blocks (common.steps_per_block), as in the LSTM kernel.
    """
    x, states, hs, gates, hidden_n, w_ih, w_hh, mask, has_bias = cache
    T, H, B = hidden_n.shape
    k = steps_per_block(3 * H * B, T)
    to_n, to_z, to_r, direct = (np.empty((k, H, B), dtype=x.dtype) for _ in range(4))
    d_hidden = np.empty((k, 3 * H, B), dtype=x.dtype)  # gradient of the hidden projection, [dr~, dz~, dn~ * r]
    d_n = np.empty((k, H, B), dtype=x.dtype)  # dn~
    # All steps' gradients gate-major for the weight GEMMs: the input projection's [dr~, dz~, dn~]
    # and, apart, the n rows of the hidden projection's (dn~ * r); r and z rows are shared.
    flat_input = np.empty((3 * H, T, B), dtype=x.dtype)
    flat_hidden_n = np.empty((H, T, B), dtype=x.dtype)
    w_hh_t = transposed(w_hh)  # (H, 3H)
    dh = feature_major(dh_n)
    dout_f = None if dout is None else dout.transpose(0, 2, 1)
    passed = np.empty_like(dh)
    for end in range(T, 0, -k):
        t0 = max(0, end - k)
        n = end - t0
        _factors(gates[t0:end], hs[t0:end], hidden_n[t0:end], to_n[:n], to_z[:n], to_r[:n])
        r, z = gates[t0:end, :H], gates[t0:end, H : 2 * H]
        step_direct = z
        if mask is not None:
            # A padded step passes dh straight through: cell factors zero, direct factor one.
            valid = mask[t0:end]
            to_n[:n] *= valid
            to_z[:n] *= valid
            step_direct = np.multiply(z, valid, out=direct[:n])
            step_direct += ~valid
        for j in range(n - 1, -1, -1):
            if dout_f is not None:
                dh += dout_f[t0 + j]
            dht = d_hidden[j]
            np.multiply(dh, to_n[j], out=d_n[j])
            np.multiply(dh, to_z[j], out=dht[H : 2 * H])
            np.multiply(d_n[j], to_r[j], out=dht[:H])
            np.multiply(d_n[j], r[j], out=dht[2 * H :])
            np.multiply(dh, step_direct[j], out=passed)
            np.matmul(w_hh_t, dht, out=dh)
            dh += passed
        store_block(flat_input[: 2 * H], t0, d_hidden[:n, : 2 * H])
        store_block(flat_input[2 * H :], t0, d_n[:n])
        store_block(flat_hidden_n, t0, d_hidden[:n, 2 * H :])
    flat_input, flat_hidden_n = flat_input.reshape(3 * H, T * B), flat_hidden_n.reshape(H, T * B)
    dx, dw_ih, db_ih = input_side_gradients(flat_input, x, w_ih)
    dw_hh = np.concatenate([recurrent_weight_gradient(flat_input[: 2 * H], states[:-1]),
                            recurrent_weight_gradient(flat_hidden_n, states[:-1])])
    if not has_bias:
        return dx, batch_major(dh), (dw_ih, dw_hh, None, None)
    return dx, batch_major(dh), (dw_ih, dw_hh, db_ih, np.concatenate([db_ih[: 2 * H], flat_hidden_n.sum(axis=1)]))
