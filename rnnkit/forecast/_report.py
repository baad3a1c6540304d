"""The words and tables of ``report.html``: one number format per column, the evidence behind
"best", the reason for every n/a, interval coverage far from its level, capped measures.

Everything here reads the job's results; nothing changes them.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from rnnkit.forecast._inputs import describe_freq

#: Held-out points below which a ranking is called thin evidence.
FEW_POINTS = 50
#: Models whose MASE is within this fraction of the best are called level with it.
LEVEL_WITHIN = 0.05
NOT_AVAILABLE = "n/a"


def _decimals(column: pd.Series, significant: int = 3) -> int:
    """Decimals that show the column's largest magnitude with ``significant`` digits, the same for
    every row so that the numbers line up (0.584 beside 1.102, 75.0 beside 67.9)."""
    finite = column[np.isfinite(column.to_numpy(dtype=np.float64))].abs()
    largest = float(finite.max()) if len(finite) else 0.0
    if largest == 0.0:
        return significant
    return int(min(6, max(0, significant - 1 - math.floor(math.log10(largest)))))


def metrics_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """The backtest metrics as display strings: coverage as a whole percent, seconds with two
    decimals, every error column at one number of decimals, missing values as "n/a"."""
    shown = pd.DataFrame(index=metrics.index)
    for col in metrics.columns:
        values = metrics[col].astype(np.float64)
        if col.startswith("coverage_"):
            fmt = "{:.0f}%"
        elif col == "mase":
            fmt = "{:.3f}"  # the ratio every comparison of forecasters quotes to three decimals
        elif col == "fit_seconds":
            fmt = "{:.2f}"
        else:
            fmt = f"{{:.{_decimals(values)}f}}"
        shown[col] = [fmt.format(v) if np.isfinite(v) else NOT_AVAILABLE for v in values]
    return shown


def values_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Forecast values (forecast, lo_*, hi_*) as strings at one number of decimals for the whole
    table, chosen from its largest magnitude."""
    decimals = _decimals(pd.Series(frame.to_numpy(dtype=np.float64).ravel()))
    return frame.map(lambda v: f"{v:.{decimals}f}" if np.isfinite(v) else NOT_AVAILABLE)


def missing_values_note(metrics: pd.DataFrame) -> str:
    """Why a metric shows n/a, one sentence per metric that has one."""
    reasons = {"mape": "MAPE divides by the actual values, and some held-out values are zero",
               "mase": "MASE divides by the in-sample error of seasonal naive, which is zero "
                       "(the series repeats its season exactly, or is constant)",
               "smape": "sMAPE divides by |actual| + |forecast|, which is zero at some points"}
    parts = []
    for col in metrics.columns:
        if not metrics[col].isna().any():
            continue
        parts.append(f"{col}: {reasons.get(col, 'not defined for this series')}.")
    return (" n/a: " + " ".join(parts)) if parts else ""


def ranking_sentence(metrics: pd.DataFrame, folds: int, horizon: int) -> str:
    """Which model is best by MASE and how much evidence that rests on."""
    points = folds * horizon
    ranked = metrics["mase"].dropna().sort_values()
    if ranked.empty:
        return f" No model has a MASE on this series ({points} held-out points)."
    best, best_mase = ranked.index[0], float(ranked.iloc[0])
    text = f" Best by MASE: {best} ({best_mase:.3f}), on {points} held-out points ({folds} folds x {horizon} steps)."
    level = [name for name, v in ranked.iloc[1:].items() if v <= best_mase * (1 + LEVEL_WITHIN)]
    if level:
        text += (f" {', '.join(level)} {'is' if len(level) == 1 else 'are'} within {LEVEL_WITHIN:.0%} of it:"
                 " call those level.")
    if points < FEW_POINTS:
        text += (f" That is little evidence (fewer than {FEW_POINTS} points, a few forecast origins): a longer"
                 " series or more --folds would tell the models apart more surely.")
    return text


def coverage_warnings(metrics: pd.DataFrame, model: str, points: int) -> list[str]:
    """A warning for each interval level whose held-out coverage for ``model`` is further from the
    level than chance explains: more than two binomial standard errors plus five points."""
    warnings = []
    for col in metrics.columns:
        if not col.startswith("coverage_"):
            continue
        level = float(col.removeprefix("coverage_"))
        covered = float(metrics.loc[model, col])
        if not np.isfinite(covered) or points < 1:
            continue
        p = level / 100
        allowed = 200 * math.sqrt(p * (1 - p) / points) + 5
        if covered < level - allowed:
            warnings.append(f"Warning: the {level:g}% interval of {model} covered only {covered:.0f}% of the "
                            f"{points} held-out points: its intervals are too narrow for this series, so "
                            "treat them as optimistic.")
        elif covered > level + allowed:
            warnings.append(f"Note: the {level:g}% interval of {model} covered {covered:.0f}% of the {points} "
                            "held-out points: wider than it needs to be.")
    return warnings


def summary_text(points: int, freq: str | None, season: int, horizon: int, folds: int,
                 metrics: pd.DataFrame, unavailable: dict[str, str]) -> str:
    """The report's first paragraph."""
    text = (f"{points} points, {describe_freq(freq)}, season {season}"
            f"{' (no seasonal model)' if season == 1 else ''}, horizon {horizon}, "
            f"{folds}-fold rolling-origin backtest.")
    text += ranking_sentence(metrics, folds, horizon)
    text += "".join(f" {name} could not be fitted ({why})." for name, why in unavailable.items())
    return text


def memory_text(horizons: list[int], window: int) -> str:
    """The memory horizon of each network, flagged where it reaches the end of the window."""
    capped = [h for h in horizons if h >= window - 1]
    text = ("How far back each network looks: the mean |change of the forecast / change of the input k steps"
            " back| over the latest windows, by lag k. Its memory horizon is the last lag with at least 1% of"
            f" the peak sensitivity: {', '.join(map(str, horizons))} steps, with an input window of {window}.")
    if capped:
        who = "The network reaches" if len(horizons) == 1 else f"{len(capped)} of {len(horizons)} networks reach"
        text += (f" {who} the end of the window, so the measure is capped there (it cannot see further"
                 " back): the forecast uses everything it is shown, and a longer --window may help.")
    return text
