"""Every diagnostic of one model on one batch, as one table by lag."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from rnnkit import nn
from rnnkit.diagnostics import _model
from rnnkit.diagnostics.flow import gradient_flow
from rnnkit.diagnostics.jacobian import jacobian_norms
from rnnkit.diagnostics.memory import memory_horizon
from rnnkit.diagnostics.spectral import recurrent_spectral_radii
from rnnkit.nn.cell_table import cell_kind

COLUMNS = ("lag", "grad_norm", "jacobian_spectral", "jacobian_frobenius", "memory")


@dataclass(frozen=True)
class Diagnosis:
    """Gradient flow, Jacobian norms and memory of one model on one batch, indexed by lag.

    Attributes
    ----------
    grad_norm : array (T,), grad_norm[k] = mean_b ||dL/dh_{T-k}|| (top layer)
    jacobian_spectral, jacobian_frobenius : arrays (T,), mean_b norms of dh_T/dh_{T-k}
    memory : array (T,), mean |dy_T/dx_{T-k}|
    horizon : int, largest lag with memory >= fraction * max(memory)
    fraction : float
    spectral_radii : dict, see :func:`recurrent_spectral_radii`
    info : dict, what was diagnosed (cell, layers, hidden size, steps, batch, rows)
    """

    grad_norm: np.ndarray
    jacobian_spectral: np.ndarray
    jacobian_frobenius: np.ndarray
    memory: np.ndarray
    horizon: int
    fraction: float
    spectral_radii: dict
    info: dict = field(default_factory=dict)

    @property
    def lags(self) -> np.ndarray:
        return np.arange(len(self.grad_norm))

    def rows(self) -> list[dict]:
        """One dict per lag with the keys of :data:`COLUMNS`."""
        cols = (self.lags, self.grad_norm, self.jacobian_spectral, self.jacobian_frobenius, self.memory)
        return [{"lag": int(k), **{c: float(v[k]) for c, v in zip(COLUMNS[1:], cols[1:])}} for k in self.lags]

    def to_dict(self) -> dict:
        """JSON-able summary and table (values not computed, NaN, become None)."""
        table = [{k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in row.items()}
                 for row in self.rows()]
        return {"info": self.info, "horizon": self.horizon, "fraction": self.fraction,
                "spectral_radii": self.spectral_radii, "table": table}


def diagnose(model: nn.RNNBase | nn.Sequential, x: ArrayLike, dout: ArrayLike | None = None,
             outputs: ArrayLike | None = None, rows: int | None = 8, fraction: float = 0.01,
             spectral: bool = True) -> Diagnosis:
    """Run :func:`gradient_flow`, :func:`jacobian_norms`, :func:`memory_horizon` and
    :func:`recurrent_spectral_radii` on ``model`` and the batch ``x``.

    Parameters
    ----------
    model : recurrent layer (unidirectional) or nn.Sequential holding one, input first
    x : array, batched model input
    dout : gradient of the loss with respect to the model's output (default: L = sum of the
        last step's outputs), see :func:`gradient_flow`
    outputs : output unit per row for the memory, see :func:`memory_horizon`
    rows : batch rows for the Jacobians (None: all)
    fraction : threshold of the memory horizon
    spectral : compute the Jacobians' spectral norms (the costly part; NaN when False)
    """
    parts = _model.split(model)
    rnn = parts.rnn
    flow = gradient_flow(model, x, dout)
    jac = jacobian_norms(model, x, rows=rows, spectral=spectral)
    mem = memory_horizon(model, x, outputs=outputs, fraction=fraction)
    T = len(flow)
    info = {"cell": cell_kind(rnn), "num_layers": rnn.num_layers, "hidden_size": rnn.hidden_size,
            "input_size": rnn.input_size, "steps": T, "batch": int(np.shape(x)[0 if rnn.batch_first else 1]),
            "jacobian_rows": jac.rows, "dtype": str(rnn.dtype), "layer": rnn.num_layers - 1}
    return Diagnosis(flow[::-1].copy(), jac.spectral, jac.frobenius, mem.sensitivity, mem.horizon,
                     mem.fraction, recurrent_spectral_radii(rnn), info)
