"""One global model over a panel of related series against one model per series and the
baselines, M4-style: the last h points of every series are held out, every model is fitted on
the rest, and we report MASE (seasonal) per series, the geometric mean of MASE relative to
seasonal naive, and the fit seconds of the whole panel.

    python benchmarks/global_forecast.py [--panels stocks,eu_indices,macro] [--seed 0]

Panels (bundled real data): ``stocks``, monthly closes of AAPL, AMZN, GOOG, IBM, MSFT (h=18);
``eu_indices``, daily closes of DAX, SMI, CAC, FTSE 1991-1998 (h=14); ``macro``, quarterly US
T-bill rate, unemployment and inflation (h=8). Defaults everywhere, no tuning per panel.
"""
from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from rnnkit.data import load_dataset, load_dataset_series, load_series
from rnnkit.forecast import ETS, AutoReg, Forecaster, SeasonalNaive, mase
from rnnkit.forecast.baselines import make_model

PANELS = {
    "stocks": (18, lambda: _targets(("aapl", "amzn", "goog", "ibm", "msft"))),
    "eu_indices": (14, lambda: _columns("dax", ("DAX", "SMI", "CAC", "FTSE"))),
    "macro": (8, lambda: _targets(("macro_rates", "macro_unemp", "macro_infl"))),
}
LOCAL = {"seasonal_naive": SeasonalNaive, "autoreg": AutoReg, "ets": ETS, "rnnkit local": Forecaster}


def _targets(names) -> dict:
    return {n: load_dataset_series(n, covariates=False) for n in names}


def _columns(dataset: str, names) -> dict:
    frame = load_dataset(dataset)
    return {n: load_series(frame, target=n) for n in names}


def evaluate(panel: dict, h: int, seed: int) -> dict:
    """MASE per model and series, and seconds per model for the whole panel."""
    train = {k: s[:-h] for k, s in panel.items()}
    actual = {k: np.asarray(s.values[-h:]) for k, s in panel.items()}
    season = {k: make_model(SeasonalNaive, h).fit(s).season_length_ for k, s in train.items()}
    scores, seconds = {}, {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, cls in LOCAL.items():
            start = time.perf_counter()
            forecasts = {}
            for k, s in train.items():
                model = Forecaster(horizon=h, seed=seed) if cls is Forecaster else make_model(cls, h)
                forecasts[k] = model.fit(s).predict()["forecast"].to_numpy()
            seconds[name] = time.perf_counter() - start
            scores[name] = {k: mase(actual[k], forecasts[k], train[k].values, season[k]) for k in panel}
        start = time.perf_counter()
        out = Forecaster(horizon=h, seed=seed).fit(train).predict()
        seconds["rnnkit global"] = time.perf_counter() - start
    scores["rnnkit global"] = {k: mase(actual[k], out[out.unique_id == k].forecast.to_numpy(),
                                       train[k].values, season[k]) for k in panel}
    return {"scores": scores, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", default=",".join(PANELS))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for name in args.panels.split(","):
        h, load = PANELS[name]
        panel = load()
        result = evaluate(panel, h, args.seed)
        models = list(result["scores"])
        print(f"\n{name}: {len(panel)} series, h={h}; MASE per series")
        print(f"{'series':14} " + " ".join(f"{m:>14}" for m in models))
        for key in panel:
            print(f"{key:14} " + " ".join(f"{result['scores'][m][key]:14.3f}" for m in models))
        base = result["scores"]["seasonal_naive"]
        rel = {m: float(np.exp(np.mean([np.log(result["scores"][m][k] / base[k]) for k in panel]))) for m in models}
        print(f"{'gmean/snaive':14} " + " ".join(f"{rel[m]:14.3f}" for m in models))
        print(f"{'fit seconds':14} " + " ".join(f"{result['seconds'][m]:14.1f}" for m in models))


if __name__ == "__main__":
    main()
