"""Figures for the forecast report, drawn with matplotlib's non-interactive Agg backend and
written atomically as PNG."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from rnnkit.io import atomic_path

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Figure, path: str | os.PathLike[str]) -> None:
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight")
    _pyplot().close(fig)


def forecast_figure(history: pd.Series, forecast: pd.DataFrame, title: str, path: str | os.PathLike[str],
                    last: int = 300) -> None:
    """The last ``last`` points of history, the forecast and its intervals (widest lightest)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4))
    tail = history.iloc[-last:]
    ax.plot(tail.index, tail.to_numpy(), color="black", lw=1.2, label="history")
    levels = sorted({int(c[3:]) if c[3:].isdigit() else float(c[3:]) for c in forecast if c.startswith("lo_")},
                    reverse=True)
    for i, lv in enumerate(levels):
        ax.fill_between(forecast.index, forecast[f"lo_{lv}"], forecast[f"hi_{lv}"], color="tab:blue",
                        alpha=0.15 + 0.15 * i, lw=0, label=f"{lv}% interval")
    ax.plot(forecast.index, forecast["forecast"], color="tab:blue", lw=1.8, label="forecast")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    save_figure(fig, path)


def backtest_figure(errors: dict, path: str | os.PathLike[str], metric: str = "MAE by step ahead") -> None:
    """Mean absolute error by step ahead for each model (``errors``: name -> array (h,))."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, err in errors.items():
        ax.plot(np.arange(1, len(err) + 1), err, marker="o", ms=3, lw=2 if name == "rnnkit" else 1,
                label=name)
    ax.set_xlabel("step ahead")
    ax.set_ylabel("mean absolute error")
    ax.set_title(f"Backtest: {metric}")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    save_figure(fig, path)


def training_figure(training: dict, path: str | os.PathLike[str]) -> None:
    """Training and held-out loss against steps for each network of the ensemble."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    # one group of networks per pipeline (files from before pipelines: one group at the top level)
    groups = training.get("pipelines", [training])
    i = 0
    for _g, group in enumerate(groups):
        name = (f"{group['transform']} transform, season {group['deseasonalise']}, "
                if "transform" in group else "")
        for run in group.get("phase1", []):
            if run["train_curve"]:
                s, v = zip(*run["train_curve"])
                ax.plot(s, v, color=f"C{i}", lw=1, alpha=0.6, label=f"train ({name}net {i})")
            if run["val_curve"]:
                s, v = zip(*run["val_curve"])
                ax.plot(s, v, color=f"C{i}", lw=2, label=f"held out ({name}net {i})")
            i += 1
        if "best_step" in group:
            ax.axvline(group["best_step"], color=f"C{i - 1}", ls="--", lw=1,
                       label=f"refit steps ({name.strip(', ') or 'all'})")
    ax.set_yscale("log")
    # A narrow range on a log axis gets labels like 4x10^0; plain numbers read better.
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda v, _pos: f"{v:g}")
    ax.yaxis.set_major_formatter(plain)
    ax.yaxis.set_minor_formatter(plain)
    ax.set_xlabel("minibatch step")
    ax.set_ylabel("MSE (normalised units)")
    ax.set_title("Training")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    save_figure(fig, path)
