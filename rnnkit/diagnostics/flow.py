"""Gradient flow through time: how much of the loss's gradient reaches each step's state.

For the top recurrent layer (the one whose states the rest of the model reads), the total
derivative of the loss L with respect to its state h_t takes every path through later steps:

    g_T = dL/dh_T = delta_T
    g_t = dL/dh_t = delta_t + (dh_{t+1}/dh_t)^T g_{t+1}        t = T-1, ..., 1

where delta_t is the direct gradient of L with respect to the layer's output at t (zero before
the last step when the loss reads only the last step). For the LSTM the recursion carries the
pair (dL/dh_t, dL/dc_t) and the reported norm is that of dL/dh_t, with c_t held fixed; the
cell state's gradient carries the rest. The reported number is the batch mean of per-row norms:

    flow[t] = (1/B) sum_b || g_t[b] ||_2
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from rnnkit import nn
from rnnkit.diagnostics import _model
from rnnkit.diagnostics.steps import StepTrace
from rnnkit.nn._denormals import flush_denormals
from rnnkit.nn._threads import blas_threads_for
from rnnkit.nn.cell_table import cell_kind


def last_step_cotangent(y: np.ndarray, rnn: nn.RNNBase, sequence_output: bool) -> np.ndarray:
    """Gradient of L = sum over rows and units of the model output at the last step."""
    d = np.zeros_like(y)
    if not sequence_output:
        d[...] = 1
    elif rnn.batch_first:
        d[:, -1] = 1
    else:
        d[-1] = 1
    return d


def trace_and_output_grad(model: nn.RNNBase | nn.Sequential, x: ArrayLike,
                          dout: ArrayLike | None = None) -> tuple[_model.Parts, StepTrace, np.ndarray]:
    """Forward ``model`` on ``x``; return (parts, StepTrace of the top layer, dL/d(top output)
    time-major (T, B, H))."""
    parts = _model.split(model)
    rnn = parts.rnn
    x_rnn = _model.check_input(rnn, _model.run(parts.before, x))
    out, _ = rnn(x_rnn)
    y = _model.run(parts.after, out)
    if dout is None:
        d = last_step_cotangent(y, rnn, np.ndim(y) == out.ndim)
    else:
        d = np.asarray(dout, dtype=rnn.dtype)
        if d.shape != np.shape(y):
            raise ValueError(f"dout: expected the shape of the model's output {np.shape(y)}, got {d.shape}")
    d_out = _model.time_major(rnn, np.asarray(_model.run_backward(parts.after, d), dtype=rnn.dtype))
    trace = StepTrace(cell_kind(rnn), _model.top_weights(rnn), _model.top_layer_input(rnn, x_rnn))
    return parts, trace, d_out


def gradient_flow(model: nn.RNNBase | nn.Sequential, x: ArrayLike, dout: ArrayLike | None = None) -> np.ndarray:
    """Batch-mean norm of the total gradient dL/dh_t of the top layer's state, for every step.

    Parameters
    ----------
    model : nn.RNN, nn.LSTM, nn.GRU (unidirectional, any ``num_layers``) or an nn.Sequential
        holding one (e.g. ``Sequential(rnn, LastStep(batch_first=True), Linear(H, k))``)
    x : array, the model's input, batched (3-D, laid out as the recurrent layer expects)
    dout : array shaped like the model's output, optional
        dL/dy, the gradient of the loss with respect to the model's output. None means
        L = sum over rows and units of the output at the last step (a sequence output is read
        at its last step only).

    Returns
    -------
    flow : array (T,)
        ``flow[t]`` = mean over the batch of ||dL/dh||_2 at the state after reading ``x``'s step
        ``t`` (0-based). The norms scale with the loss: a mean-reduced loss divides them by B.
    """
    with _model.untouched(model):
        _, trace, d_out = trace_and_output_grad(model, x, dout)
    T, B, _ = d_out.shape
    flow = np.empty(T)
    dh = d_out[T - 1][:, None, :].copy()
    dc = None
    # Vanishing gradients pass through the slow subnormal range; small GEMMs want one thread.
    with flush_denormals(), blas_threads_for(B * trace.w_hh.size):
        for t in range(T, 0, -1):  # dh holds dL/dh_t (1-based t), x index t - 1
            flow[t - 1] = np.linalg.norm(dh[:, 0], axis=-1).mean()
            if t > 1:
                dh, dc = trace.vjp(t, dh, dc)
                dh += d_out[t - 2][:, None, :]
    return flow
