"""Fit time of one global Forecaster on a synthetic panel of many short monthly series, with and
without the smoother pipeline (its cost grows with the number of series; the networks' hardly).

    python benchmarks/panel_fit_time.py [n_series=1000] [points=60]

Series i: exp(3 + trend_i * t + 0.2 sin(2 pi t / 12 + phase_i) + noise), values from seed 0.
"""
import sys
import time

import numpy as np
import pandas as pd

from rnnkit.forecast import Forecaster


def panel(n_series: int, points: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    t = np.arange(points)
    frames = []
    for i in range(n_series):
        y = np.exp(3 + 0.01 * t * rng.uniform(-1, 1) + 0.2 * np.sin(2 * np.pi * t / 12 + rng.uniform(0, 6))
                   + 0.05 * rng.standard_normal(points))
        frames.append(pd.DataFrame({"unique_id": f"s{i}", "y": y,
                                    "ds": pd.date_range("2015-01-01", periods=points, freq="MS")}))
    return pd.concat(frames, ignore_index=True)


def main(n_series: int, points: int) -> None:
    df = panel(n_series, points)
    for pipelines in (("log", "stl"), "auto"):
        start = time.perf_counter()
        Forecaster(horizon=6, season_length=12, pipelines=pipelines, progress=False).fit(df)
        print(f"{n_series} series x {points} points, pipelines={pipelines!r}: {time.perf_counter() - start:.1f} s",
              flush=True)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
