"""GRU cell over a whole sequence (docs/math.md, "GRU"), exactly torch's variant:

    r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)
    z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)
    n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))
    h' = (1 - z) * n + z * h  =  n + z * (h - n)

As in the LSTM kernel, sigmoid(u) = (1 + tanh(u / 2)) / 2 with the halving folded into scaled
copies of the r and z rows, so one tanh covers both gates.

BPTT, with dh the gradient arriving at h':
    dn~ = dh * (1 - z) * (1 - n^2)          (n~: pre-activation of n)
    dz~ = dh * (h - n) * z(1 - z)
    dr~ = dn~ * (h W_hn^T + b_hn) * r(1 - r)
    gradient of the hidden projection: [dr~, dz~, dn~ * r];  of the input projection: [dr~, dz~, dn~]
    dh_prev = dh * z + [dr~, dz~, dn~ * r] W_hh
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

#: What :func:`forward` keeps for :func:`backward`: x, hs, gates, hidden_n, w_ih, w_hh, valid, has_bias.
Cache = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, bool]


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
        b_hn = b_hh[2 * H :]
    gates = project_inputs(x, w_ih * half[:, None], bias)  # becomes [r, z, n] activations
    w_hh_scaled_t = np.ascontiguousarray((w_hh * half[:, None]).T)  # contiguous: faster GEMM
    hidden_n = np.empty((T, B, H), dtype=x.dtype)  # h W_hn^T + b_hn, kept for dr
    hs = np.empty((T + 1, B, H), dtype=x.dtype)
    hs[0] = h0
    recur = np.empty((B, 3 * H), dtype=x.dtype)
    for t in range(T):
        a = gates[t]
        np.matmul(hs[t], w_hh_scaled_t, out=recur)
        rz, n = a[:, : 2 * H], a[:, 2 * H :]
        rz += recur[:, : 2 * H]
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5
        hn = hidden_n[t]
        if b_ih is not None:
            np.add(recur[:, 2 * H :], b_hn, out=hn)
        else:
            hn[...] = recur[:, 2 * H :]
        n += rz[:, :H] * hn
        np.tanh(n, out=n)
        h_new = hs[t + 1]
        np.subtract(hs[t], n, out=h_new)
        h_new *= rz[:, H:]
        h_new += n
        if valid is not None:
            carry_padded(h_new, hs[t], valid[t])
    cache = (x, hs, gates, hidden_n, w_ih, w_hh, valid, b_ih is not None)
    return hs, cache


def backward(dout: np.ndarray | None, dh_n: np.ndarray,
             cache: Cache) -> tuple[np.ndarray, np.ndarray, WeightGrads]:
    """Gradients for the inputs, ``h0`` and the four parameters; see :func:`rnn.backward`."""
    x, hs, gates, hidden_n, w_ih, w_hh, valid, has_bias = cache
    T, B, H = hidden_n.shape
    r, z, n = gates[..., :H], gates[..., H : 2 * H], gates[..., 2 * H :]
    # Step-independent factors. A padded step (valid = 0) passes dh straight through, which is
    # folded in here: its cell factors are zero and its direct factor is one.
    to_n = (1.0 - z) * (1.0 - n * n)
    to_z = (hs[:-1] - n) * z * (1.0 - z)
    to_r = hidden_n * r * (1.0 - r)
    direct = z.copy()
    if valid is not None:
        to_n *= valid
        to_z *= valid
        direct *= valid
        direct += ~valid
    d_hidden = np.empty_like(gates)  # gradient of the hidden projection, [dr~, dz~, dn~ * r]
    d_n = np.empty((T, B, H), dtype=x.dtype)  # dn~
    dh = dh_n.copy()
    passed = np.empty_like(dh)
    for t in range(T - 1, -1, -1):
        if dout is not None:
            dh += dout[t]
        dht = d_hidden[t]
        np.multiply(dh, to_n[t], out=d_n[t])
        np.multiply(dh, to_z[t], out=dht[:, H : 2 * H])
        np.multiply(d_n[t], to_r[t], out=dht[:, :H])
        np.multiply(d_n[t], r[t], out=dht[:, 2 * H :])
        np.multiply(dh, direct[t], out=passed)
        np.matmul(dht, w_hh, out=dh)
        dh += passed
    d_input = np.concatenate([d_hidden[..., : 2 * H], d_n], axis=-1)
    dx, dw_ih, db_ih = input_side_gradients(d_input, x, w_ih)
    dw_hh = recurrent_weight_gradient(d_hidden, hs[:-1])
    if not has_bias:
        return dx, dh, (dw_ih, dw_hh, None, None)
    return dx, dh, (dw_ih, dw_hh, db_ih, d_hidden.sum(axis=(0, 1)))
