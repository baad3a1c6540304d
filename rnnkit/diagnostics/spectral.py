"""Spectral radius of the recurrent weights, per layer and per gate block.

Linearised around h = 0 with unit gate derivatives, an RNN's state evolves as h_t = W_hh h_{t-1},
so its modes grow or shrink by |lambda| per step, lambda an eigenvalue of W_hh: the spectral
radius rho(W) = max |lambda_i(W)| > 1 hints at exploding gradients, rho << 1 at vanishing ones
(the gate derivatives and the nonlinearity only shrink them further). For the LSTM and GRU each
gate has its own square block of W_hh (rows k*H .. (k+1)*H): i, f, g, o and r, z, n.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from rnnkit import nn

GATE_NAMES = {"RNN": ("h",), "LSTM": ("i", "f", "g", "o"), "GRU": ("r", "z", "n")}


def spectral_radius(matrix: ArrayLike) -> float:
    """max |lambda| over the eigenvalues of a square matrix."""
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise ValueError(f"matrix: expected a square 2-D array, got shape {m.shape}")
    return float(np.max(np.abs(np.linalg.eigvals(m))))


def recurrent_spectral_radii(model: nn.Module) -> dict[str, float]:
    """Spectral radius of every recurrent weight block of every recurrent layer in ``model``.

    Parameters
    ----------
    model : nn.Module containing nn.RNN, nn.LSTM or nn.GRU layers (or one of them)

    Returns
    -------
    dict
        Keys are parameter names with the gate after a colon, e.g. ``"weight_hh_l0"`` for an
        RNN, ``"weight_hh_l1:f"`` for an LSTM's forget gate, ``"0.weight_hh_l0_reverse:z"``
        inside a Sequential; values are max |eigenvalue| of that (H, H) block.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model: expected an rnnkit nn.Module, got {type(model).__name__}")
    radii = {}
    for prefix, m in model.named_modules():
        if not isinstance(m, nn.RNNBase):
            continue
        gates = GATE_NAMES[type(m).__name__]
        H = m.hidden_size
        for name, p in m._parameters.items():
            if not name.startswith("weight_hh"):
                continue
            full = f"{prefix}.{name}" if prefix else name
            for k, gate in enumerate(gates):
                key = full if len(gates) == 1 else f"{full}:{gate}"
                radii[key] = spectral_radius(p.data[k * H:(k + 1) * H])
    if not radii:
        raise ValueError(f"model: expected a recurrent layer (RNN, LSTM or GRU) inside, got none in "
                         f"{type(model).__name__}")
    return radii
