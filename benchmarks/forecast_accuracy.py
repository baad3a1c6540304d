"""Forecast accuracy on real bundled series, M4-style: the last h points of each series are held
out (monthly h=18, quarterly 8, yearly 6, daily 14, weekly 13), every model is fitted on the rest,
and we report MASE (seasonal) and sMAPE per series, the geometric mean of MASE relative to
seasonal naive, and fit seconds per series.

    python benchmarks/forecast_accuracy.py [--datasets a,b,...] [--models ...] [--json FILE]

The default Forecaster runs with its defaults (no tuning per series). Run times are per series
on this machine, the 2-core box described in the README.
"""
from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np

from rnnkit.data import list_datasets, load_dataset_series
from rnnkit.forecast import ETS, AutoReg, Drift, Forecaster, Naive, SeasonalNaive, mase, smape
from rnnkit.forecast.baselines import make_model

HORIZON_BY_SEASON = {12: 18, 4: 8, 1: 6, 7: 14, 5: 14, 52: 13, 24: 24}
MODELS = {
    "seasonal_naive": SeasonalNaive, "naive": Naive, "drift": Drift, "autoreg": AutoReg,
    "ets": ETS, "rnnkit": Forecaster,
}


def evaluate(name: str, models: list[str]) -> dict:
    info = list_datasets().set_index("name").loc[name]
    series = load_dataset_series(name)
    m = int(info.season_length)
    h = HORIZON_BY_SEASON.get(m, 12)
    train, actual = series[:-h], np.asarray(series.values[-h:])
    row = {"dataset": name, "points": len(series), "season": m, "h": h}
    for model_name in models:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            forecast = make_model(MODELS[model_name], h, m).fit(train).predict()["forecast"].to_numpy()
        seconds = time.perf_counter() - start
        row[model_name] = {"mase": mase(actual, forecast, train.values, m),
                           "smape": smape(actual, forecast), "seconds": seconds}
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=None, help="comma-separated names (default: all bundled)")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--json", default=None, help="also write the rows to this file")
    args = parser.parse_args()
    names = args.datasets.split(",") if args.datasets else list(list_datasets()["name"])
    models = args.models.split(",")
    rows = []
    header = f"{'dataset':16} {'n':>5} {'h':>3} " + " ".join(f"{m[:14]:>14}" for m in models)
    print("MASE per series (fit seconds)")
    print(header)
    for name in names:
        row = evaluate(name, models)
        rows.append(row)
        cells = " ".join(f"{row[m]['mase']:7.3f} ({row[m]['seconds']:4.1f})" for m in models)
        print(f"{name:16} {row['points']:5d} {row['h']:3d} {cells}", flush=True)
    print()
    print(f"{'model':16} {'gmean MASE/snaive':>18} {'mean sMAPE':>11} {'median s':>9} {'max s':>7}")
    for m in models:
        if "seasonal_naive" in models:
            ratios = [r[m]["mase"] / r["seasonal_naive"]["mase"] for r in rows]
            rel = float(np.exp(np.mean(np.log(ratios))))
        else:
            rel = float("nan")
        secs = [r[m]["seconds"] for r in rows]
        print(f"{m:16} {rel:18.3f} {np.mean([r[m]['smape'] for r in rows]):11.2f} "
              f"{np.median(secs):9.2f} {max(secs):7.2f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
