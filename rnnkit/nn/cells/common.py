"""Pieces shared by the three cell kernels: the input projection done as one GEMM over all time
steps, the masking of padded steps, and the weight gradients done as GEMMs after the loop.

Shapes, time-major: x (T, B, I), states (T+1, B, H) with index 0 the initial state, gate
pre-activations (T, B, G*H). ``mask`` is None (every step valid) or a float array (T, B, 1)
with 1 for valid steps; a padded step carries the state through unchanged.
"""
from __future__ import annotations

import numpy as np

#: Gradients of (W_ih, W_hh, b_ih, b_hh) in torch's layout; the biases' are None without bias.
WeightGrads = tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]


def project_inputs(x: np.ndarray, w_ih: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """``x_t W_ih^T + bias`` for every t at once: one (T*B, I) x (I, G*H) GEMM."""
    T, B, n_in = x.shape
    out = np.matmul(x.reshape(T * B, n_in), w_ih.T)
    if bias is not None:
        out += bias
    return out.reshape(T, B, -1)


def input_side_gradients(d_input: np.ndarray, x: np.ndarray,
                         w_ih: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From the gradient of the input projection (T, B, G) for all steps: dx_t = dG_t W_ih,
    dW_ih = sum_t dG_t^T x_t and db = sum_t dG_t, each one GEMM or reduction."""
    T, B, G = d_input.shape
    flat = d_input.reshape(T * B, G)
    dx = (flat @ w_ih).reshape(T, B, -1)
    return dx, flat.T @ x.reshape(T * B, -1), flat.sum(axis=0)


def recurrent_weight_gradient(d_hidden: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
    """dW_hh = sum_t dG_t^T h_{t-1}: one (G, T*B) x (T*B, H) GEMM."""
    T, B, G = d_hidden.shape
    return d_hidden.reshape(T * B, G).T @ h_prev.reshape(T * B, -1)


def carry_padded(state_next: np.ndarray, state_prev: np.ndarray, valid: np.ndarray) -> None:
    """Where a row is past its length, keep its previous state (in place on ``state_next``)."""
    np.copyto(state_next, state_prev, where=~valid)
