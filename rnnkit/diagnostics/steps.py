"""One recurrent layer re-run step by step, keeping what its step Jacobians need.

The engine's kernels keep their per-step quantities private (and in their own gate order, for
speed). The diagnostics need the Jacobian of one step, ``dh_t / dh_{t-1}``, applied to many
vectors at once, so this file recomputes the layer's forward pass in torch's gate order (a
cheap loop of T small GEMMs) and exposes the vector-Jacobian product of each step. Notation
as docs/math.md; time runs t = 1..T, state h_0 is the initial one, and step t reads x_t.

RNN (phi = tanh or relu):
    a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh,   h_t = phi(a_t)
    dh_{t-1} = (dh_t * phi'(a_t)) W_hh

GRU (gates r, z, n; W_hh rows [W_hr; W_hz; W_hn]; q_t = h_{t-1} W_hn^T + b_hn):
    h_t = (1 - z) * n + z * h_{t-1}
    dn~ = dh_t * (1 - z)(1 - n^2),  dz~ = dh_t * (h_{t-1} - n) z(1 - z),  dr~ = dn~ * q_t r(1 - r)
    dh_{t-1} = dh_t * z + [dr~, dz~, dn~ * r] W_hh

LSTM (gates i, f, g, o; the state is the pair (h_t, c_t)):
    c_t = f * c_{t-1} + i * g,   h_t = o * tanh(c_t)
    dc  = dc_t + dh_t * o (1 - tanh(c_t)^2)
    [di~, df~, dg~, do~] = [dc g i(1-i), dc c_{t-1} f(1-f), dc i (1-g^2), dh_t tanh(c_t) o(1-o)]
    dh_{t-1} = [di~, df~, dg~, do~] W_hh,   dc_{t-1} = dc * f

Every factor that does not depend on the incoming (dh, dc) is computed once for all steps.
"""
from __future__ import annotations

import numpy as np

from rnnkit.nn._denormals import flush_denormals
from rnnkit.nn._threads import blas_threads_for


def _sigmoid(u):
    return 0.5 * (1.0 + np.tanh(0.5 * u))


class StepTrace:
    """The forward pass of one layer over ``x`` with per-step Jacobian factors.

    Parameters
    ----------
    kind : {"rnn_tanh", "rnn_relu", "lstm", "gru"}
    weights : (W_ih, W_hh, b_ih, b_hh) in torch's layout; biases may be None
    x : array (T, B, I), time-major
    h0, c0 : arrays (B, H) or None (zeros); ``c0`` for the LSTM only

    Attributes
    ----------
    hs : array (T+1, B, H), hs[t] = h_t (hs[0] = h_0)
    cs : array (T+1, B, H) for the LSTM, else None
    """

    def __init__(self, kind: str, weights: tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None],
                 x: np.ndarray, h0: np.ndarray | None = None, c0: np.ndarray | None = None):
        B, G = x.shape[1], weights[1].shape[0]
        with flush_denormals(), blas_threads_for(B * G * weights[1].shape[1]):
            self._run(kind, weights, x, h0, c0)

    def _run(self, kind, weights, x, h0, c0):
        w_ih, w_hh, b_ih, b_hh = weights
        T, B, _ = x.shape
        H = w_hh.shape[1]
        dtype = x.dtype
        self.kind, self.w_hh, self.hidden_size = kind, w_hh, H
        pre = x.reshape(T * B, -1) @ w_ih.T
        if b_ih is not None:
            pre += b_ih
        pre = pre.reshape(T, B, -1)
        hs = np.empty((T + 1, B, H), dtype)
        hs[0] = 0 if h0 is None else h0
        self.cs = None
        if kind.startswith("rnn"):
            a = np.empty((T, B, H), dtype)
            for t in range(T):
                a[t] = pre[t] + hs[t] @ w_hh.T + (0 if b_hh is None else b_hh)
                hs[t + 1] = np.maximum(a[t], 0) if kind == "rnn_relu" else np.tanh(a[t])
            # phi'(a_t): relu' = 1 where a > 0; tanh' = 1 - h_t^2
            self._f = ((a > 0).astype(dtype) if kind == "rnn_relu" else 1.0 - hs[1:] ** 2,)
        elif kind == "gru":
            r, z, n, q = (np.empty((T, B, H), dtype) for _ in range(4))
            for t in range(T):
                rec = hs[t] @ w_hh.T + (0 if b_hh is None else b_hh)
                r[t] = _sigmoid(pre[t, :, :H] + rec[:, :H])
                z[t] = _sigmoid(pre[t, :, H:2 * H] + rec[:, H:2 * H])
                q[t] = rec[:, 2 * H:]
                n[t] = np.tanh(pre[t, :, 2 * H:] + r[t] * q[t])
                hs[t + 1] = (1.0 - z[t]) * n[t] + z[t] * hs[t]
            dn = (1.0 - z) * (1.0 - n * n)
            self._f = (dn, (hs[:-1] - n) * z * (1.0 - z), q * r * (1.0 - r), r, z)
        elif kind == "lstm":
            cs = np.empty_like(hs)
            cs[0] = 0 if c0 is None else c0
            i, f, g, o = (np.empty((T, B, H), dtype) for _ in range(4))
            for t in range(T):
                u = pre[t] + hs[t] @ w_hh.T + (0 if b_hh is None else b_hh)
                i[t], f[t] = _sigmoid(u[:, :H]), _sigmoid(u[:, H:2 * H])
                g[t], o[t] = np.tanh(u[:, 2 * H:3 * H]), _sigmoid(u[:, 3 * H:])
                cs[t + 1] = f[t] * cs[t] + i[t] * g[t]
                hs[t + 1] = o[t] * np.tanh(cs[t + 1])
            tc = np.tanh(cs[1:])
            self.cs = cs
            self._f = (o * (1.0 - tc * tc), g * i * (1.0 - i), cs[:-1] * f * (1.0 - f),
                       i * (1.0 - g * g), tc * o * (1.0 - o), f)
        else:
            raise ValueError(f"kind: expected 'rnn_tanh', 'rnn_relu', 'lstm' or 'gru', got {kind!r}")
        self.hs = hs

    @property
    def steps(self) -> int:
        return self.hs.shape[0] - 1

    def vjp(self, t: int, dh: np.ndarray, dc: np.ndarray | None = None,
            rows: slice | np.ndarray = slice(None)) -> tuple[np.ndarray, np.ndarray | None]:
        """Pull the cotangents of (h_t, c_t) back through step t (1 <= t <= T).

        Parameters
        ----------
        t : int, the step (it maps h_{t-1} to h_t)
        dh, dc : arrays (R, K, H): K cotangent vectors for each of R batch rows; ``dc`` for the
            LSTM only (None means zero)
        rows : which batch rows the R rows are (a slice or index array)

        Returns
        -------
        (dh_prev, dc_prev) : the cotangents of (h_{t-1}, c_{t-1}); ``dc_prev`` None but for the LSTM.
        """
        f = [a[t - 1][rows][:, None, :] for a in self._f]
        R, K, H = dh.shape
        if self.kind.startswith("rnn"):
            return ((dh * f[0]).reshape(R * K, H) @ self.w_hh).reshape(R, K, H), None
        if self.kind == "gru":
            dn, dz_f, dr_f, r, z = f
            dn_t = dh * dn
            d = np.concatenate([dn_t * dr_f, dh * dz_f, dn_t * r], axis=-1)
            return dh * z + (d.reshape(R * K, 3 * H) @ self.w_hh).reshape(R, K, H), None
        dc_from_h, fi, ff, fg, fo, forget = f
        dc_tot = dh * dc_from_h if dc is None else dc + dh * dc_from_h
        d = np.concatenate([dc_tot * fi, dc_tot * ff, dc_tot * fg, dh * fo], axis=-1)
        return (d.reshape(R * K, 4 * H) @ self.w_hh).reshape(R, K, H), dc_tot * forget
