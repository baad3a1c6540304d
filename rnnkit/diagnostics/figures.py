"""Figures of the diagnostics: gradient flow, Jacobian norms and memory by lag, log y-axes,
drawn with matplotlib's Agg backend and written atomically as PNG (rnnkit.report's helpers)."""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rnnkit.report.figures import _pyplot, save_figure

if TYPE_CHECKING:
    from rnnkit.diagnostics.memory import Memory
    from rnnkit.diagnostics.report import Diagnosis

FIGURE_FILES = ("gradient_flow.png", "jacobian.png", "memory.png")


def _positive(values) -> np.ndarray:
    """Values for a log axis: zeros and non-finite values are left out (NaN)."""
    v = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(v) & (v > 0), v, np.nan)


def _finish(ax, title: str, ylabel: str, path) -> None:
    ax.set_yscale("log")
    ax.set_xlabel("lag k (steps back from the last step T)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    save_figure(ax.figure, path)  # closes the figure


def gradient_flow_figure(grad_norm: np.ndarray | Sequence[float], path: str | os.PathLike[str],
                         title: str = "Gradient flow through time") -> None:
    """mean_b ||dL/dh_{T-k}|| against the lag k (``grad_norm`` indexed by lag)."""
    _, ax = _pyplot().subplots(figsize=(7, 4))
    ax.plot(np.arange(len(grad_norm)), _positive(grad_norm), color="tab:red", lw=1.5)
    _finish(ax, title, r"mean $\Vert\partial L / \partial h_{T-k}\Vert$ (top layer)", path)


def jacobian_figure(spectral: np.ndarray | Sequence[float], frobenius: np.ndarray | Sequence[float],
                    path: str | os.PathLike[str], title: str = "Jacobian norms by lag") -> None:
    """Spectral and Frobenius norms of dh_T/dh_{T-k} against the lag k."""
    _, ax = _pyplot().subplots(figsize=(7, 4))
    lags = np.arange(len(frobenius))
    if np.any(np.isfinite(np.asarray(spectral, dtype=np.float64))):
        ax.plot(lags, _positive(spectral), color="tab:blue", lw=1.5, label="spectral norm")
    ax.plot(lags, _positive(frobenius), color="tab:blue", lw=1, ls="--", label="Frobenius norm")
    ax.axhline(1.0, color="grey", lw=0.8)
    _finish(ax, title, r"mean $\Vert\partial h_T / \partial h_{T-k}\Vert$", path)


def memory_figure(memories: Memory | Iterable[Memory], path: str | os.PathLike[str],
                  title: str = "Memory: sensitivity of the last output by lag") -> None:
    """Mean |dy_T/dx_{T-k}| against the lag k for one :class:`Memory` or several (one line each,
    e.g. the networks of a forecaster's ensemble), with each horizon marked."""
    from rnnkit.diagnostics.memory import Memory

    items = [memories] if isinstance(memories, Memory) else list(memories)
    if not items:
        raise ValueError("memories: expected at least one Memory, got none")
    _, ax = _pyplot().subplots(figsize=(7, 4))
    for i, mem in enumerate(items):
        label = "" if len(items) == 1 else f"net {i}: "
        ax.plot(mem.lags, _positive(mem.sensitivity), color=f"C{i}", lw=1.5,
                label=f"{label}horizon {mem.horizon} (>= {mem.fraction:.0%} of peak)")
        ax.axvline(mem.horizon, color=f"C{i}", lw=0.8, ls=":")
    _finish(ax, title, r"sensitivity: mean $|\partial y_T / \partial x_{T-k}|$", path)


def diagnosis_figures(diagnosis: Diagnosis, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write the three figures of a :class:`Diagnosis` into ``out_dir``; returns their paths."""
    from rnnkit.diagnostics.memory import Memory

    out_dir = Path(out_dir)
    paths = [out_dir / name for name in FIGURE_FILES]
    gradient_flow_figure(diagnosis.grad_norm, paths[0])
    jacobian_figure(diagnosis.jacobian_spectral, diagnosis.jacobian_frobenius, paths[1])
    memory_figure(Memory(diagnosis.memory, diagnosis.horizon, diagnosis.fraction), paths[2])
    return paths
