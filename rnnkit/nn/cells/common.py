"""Pieces shared by the three cell kernels: the layout, the input projection done as one GEMM
over all time steps, the masking of padded steps, and the weight gradients done as GEMMs after
the loop.

Layout. The layer hands the kernels time-major arrays: x (T, B, I), initial states (B, H). Inside
the loop the kernels work *feature-major*: a state at one step is (H, B), hidden units by batch,
and a step's gate pre-activations are (G*H, B). The per-step GEMM is then ``W_hh (G*H, H) @ h
(H, B)`` and every gate is one contiguous (H, B) block, so each elementwise NumPy call runs one
flat loop instead of B short rows (3x faster at H = 32, measured in benchmarks/engine_vs_torch.py).
The transposes between the two layouts happen once per sequence, here.

Shapes inside the kernels: states (T+1, H, B) with index 0 the initial state, gate activations
(T, G*H, B), which start as the input projection. ``valid`` is None (every step valid) or a bool
array (T, 1, B) with True for steps inside a row's length; a padded step carries the state through.
"""
from __future__ import annotations

import numpy as np

#: Gradients of (W_ih, W_hh, b_ih, b_hh) in torch's layout; the biases' are None without bias.
WeightGrads = tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]


def feature_major(a: np.ndarray) -> np.ndarray:
    """(..., B, H) -> contiguous (..., H, B)."""
    return np.ascontiguousarray(np.swapaxes(a, -1, -2))


def batch_major(a: np.ndarray) -> np.ndarray:
    """(..., H, B) -> contiguous (..., B, H): the kernels' states back in the layer's layout."""
    return np.ascontiguousarray(np.swapaxes(a, -1, -2))


#: Floats per gate array in one block of backward steps: the block's factors are computed
#: together, then used while still in cache (1 step at H*B >= 16K for the LSTM; the whole
#: sequence at batch 1).
BLOCK_FLOATS = 65_536


def steps_per_block(floats_per_step: int, steps: int) -> int:
    """How many steps one backward block holds (see ``BLOCK_FLOATS``)."""
    return max(1, min(steps, BLOCK_FLOATS // max(1, floats_per_step)))


def transposed(w: np.ndarray, rows: int = 64) -> np.ndarray:
    """A contiguous copy of ``w.T``, copied in blocks of ``rows`` rows: NumPy's one-call copy of
    a large transpose misses the cache on every element (7.1 ms against 0.84 ms at 2048 x 512)."""
    out = np.empty(w.shape[::-1], dtype=w.dtype)
    for r in range(0, w.shape[0], rows):
        out[:, r : r + rows] = w[r : r + rows].T
    return out


def valid_steps(valid: np.ndarray | None) -> np.ndarray | None:
    """The layer's (T, B, 1) mask of valid steps as the kernels' (T, 1, B)."""
    return None if valid is None else valid.transpose(0, 2, 1)


def project_inputs(x: np.ndarray, w_ih: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """``W_ih x_t + bias`` for every t at once, feature-major (T, G*H, B): one NumPy call, T GEMMs.

    The bias rides in the GEMMs as an extra input row of ones, which saves a pass over the
    (T, G*H, B) result; the loop then adds each step's recurrent part in place."""
    T, B, n_in = x.shape
    rows = n_in + (bias is not None)
    x_f = np.empty((T, rows, B), dtype=x.dtype)
    x_f[:, :n_in] = x.transpose(0, 2, 1)
    if bias is not None:
        x_f[:, n_in] = 1.0
        w_ih = np.concatenate([w_ih, bias[:, None]], axis=1)
    return np.matmul(w_ih, x_f)


def gate_major(d: np.ndarray) -> np.ndarray:
    """Per-step gate gradients (T, G, B) as one contiguous (G, T*B) matrix for the weight GEMMs."""
    T, G, B = d.shape
    return np.ascontiguousarray(d.transpose(1, 0, 2)).reshape(G, T * B)


def store_block(flat: np.ndarray, t0: int, block: np.ndarray) -> None:
    """Copy a block of per-step gradients (n, G, B), still in cache, into steps t0..t0+n of the
    gate-major (G, T, B) array the weight GEMMs read: what :func:`gate_major` does in one pass
    over memory, done piecewise while the loop runs."""
    flat[:, t0 : t0 + block.shape[0]] = block.transpose(1, 0, 2)


def input_side_gradients(d_input: np.ndarray, x: np.ndarray,
                         w_ih: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From the gradient of the input projection for all steps as (G, T*B) (see
    :func:`gate_major`): dx_t = W_ih^T dG_t, dW_ih = sum_t dG_t x_t^T and db = sum_t dG_t,
    each one GEMM or reduction. dx comes back time-major (T, B, I)."""
    T, B, n_in = x.shape
    dx = (d_input.T @ w_ih).reshape(T, B, n_in)
    return dx, d_input @ x.reshape(T * B, n_in), d_input.sum(axis=1)


def recurrent_weight_gradient(d_hidden: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
    """dW_hh = sum_t dG_t h_{t-1}^T: one (G, T*B) x (T*B, H) GEMM; ``h_prev`` is time-major
    (T, B, H), the states the layer returned."""
    T, B, H = h_prev.shape
    return d_hidden @ h_prev.reshape(T * B, H)


def carry_padded(state_next: np.ndarray, state_prev: np.ndarray, valid: np.ndarray) -> None:
    """Where a row is past its length, keep its previous state (in place on ``state_next``)."""
    np.copyto(state_next, state_prev, where=~valid)
