"""Forecast accuracy of rnnkit's Forecaster against the classical references, M4 protocol, on the
development benchmark of benchmarks/forecast_data.py (~120 real series in six frequency groups,
split once into a TUNING and a VALIDATION half by a hash of the name).

The last h points of each series are held out (yearly 6, quarterly 8, monthly 18, weekly 13,
daily 14, hourly/half-hourly 48) and every model is fitted on the rest:

* snaive  seasonal naive (repeat the last season);
* ets, arima, theta  statsforecast AutoETS, AutoARIMA, AutoTheta with the season length
  (they see at most the last 1000 training points; AutoETS has no seasonal model above 24);
* comb    the mean of ets, arima and theta;
* rnnkit  ``Forecaster(horizon=h, season_length=m, seed=0, **config).fit(train).predict()``.

Metrics: MASE (scaled by the in-sample MAE of the seasonal naive on the training part), sMAPE,
and the headline, the geometric mean over series of MASE relative to seasonal naive (below 1:
better than seasonal naive), overall and per frequency group, for each half separately. A
geometric mean is over the series where every model succeeded (the count is printed).

The reference forecasts are cached in benchmarks/.cache/reference/ (by series, horizon, training
data and statsforecast version), so after the first run only rnnkit is fitted.

    python benchmarks/forecast_accuracy.py                       # both halves, printed separately
    python benchmarks/forecast_accuracy.py --half tuning --config hidden_size=64,cell=lstm
    python benchmarks/forecast_accuracy.py --groups monthly,quarterly --limit 10 --verbose
    python benchmarks/forecast_accuracy.py --series fpp2/a10,fpp2/h02 --json rows.json
    python benchmarks/forecast_accuracy.py --reference-only     # fill the reference cache only

Tune on ``--half tuning``; look at ``--half validation`` rarely (it is what we report).
Fit seconds are per series on this 2-core machine; with ``--jobs`` > 1 they are inflated.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._forecast_common import (  # noqa: E402
    REFERENCE,
    cached_reference,
    fmt,
    gmean,
    mase,
    mase_scale,
    parse_config,
    pipeline_parts,
    quiet_threads,
    rnnkit_description,
    smape,
    statsforecast_version,
)

quiet_threads()

import numpy as np  # noqa: E402

from benchmarks.forecast_data import GROUPS, load_collection  # noqa: E402

MODELS = REFERENCE + ("rnnkit",)


def fit_rnnkit(train, h: int, m: int, config: dict):
    from rnnkit.forecast import Forecaster

    kwargs = {"horizon": h, "season_length": m, "seed": 0}
    kwargs.update(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Forecaster(progress=False, **kwargs).fit(train)
        out = model.predict()
    forecast = np.asarray(out["forecast"], dtype=float)
    if forecast.shape != (h,):
        raise ValueError(f"forecast has shape {forecast.shape}, expected ({h},)")
    if not np.all(np.isfinite(forecast)):
        raise ValueError("non-finite forecast")
    return forecast, pipeline_parts(model, h)[0]  # combination rules scored from one fit (--json)


def evaluate(name: str, config: dict, run_rnnkit: bool = True) -> dict:
    """One series: every model's forecast, MASE, sMAPE, seconds and error message."""
    series = load_collection(names=[name])[0]
    h, m = series.horizon, series.season_length
    y = series.y
    train, actual = y.iloc[:-h], y.to_numpy()[-h:]
    train_values = train.to_numpy()
    scale = mase_scale(train_values, m)
    row = {"series": name, "group": series.group, "half": series.half, "freq": series.freq, "m": m, "h": h,
           "n": len(y), "models": {}, "actual": actual.tolist(), "scale": scale}
    ref, cached = cached_reference(name, train_values, h, m)
    row["reference_cached"] = cached
    results = {k: (ref["forecasts"].get(k), ref["seconds"].get(k), ref["errors"].get(k)) for k in REFERENCE}
    if run_rnnkit:
        start = time.perf_counter()
        try:
            forecast, row["rnnkit_parts"] = fit_rnnkit(train, h, m, config)
            results["rnnkit"] = (forecast.tolist(), time.perf_counter() - start, None)
        except Exception as exc:
            results["rnnkit"] = (None, time.perf_counter() - start, f"{type(exc).__name__}: {exc}"[:300])
    for model, (forecast, seconds, error) in results.items():
        entry = {"seconds": seconds, "error": error, "mase": float("nan"), "smape": float("nan")}
        if forecast is not None:
            entry["mase"] = mase(actual, forecast, scale) if math.isfinite(scale) else float("nan")
            entry["smape"] = smape(actual, forecast)
            entry["forecast"] = list(map(float, forecast))
            if not math.isfinite(entry["mase"]) and error is None:
                entry["error"] = "MASE undefined (constant training part)"
        row["models"][model] = entry
    return row


# --- summary -----------------------------------------------------------------------------------
def _ok(row, models) -> bool:
    return all(math.isfinite(row["models"][mm]["mase"]) and row["models"][mm]["mase"] > 0 for mm in models) \
        and row["models"]["snaive"]["mase"] > 0


def relative(row, model) -> float:
    return row["models"][model]["mase"] / row["models"]["snaive"]["mase"]


def summary(rows: list[dict], models: list[str], title: str) -> str:
    cols = ["all"] + [g for g in GROUPS if any(r["group"] == g for r in rows)]
    good = [r for r in rows if _ok(r, models)]
    bad = [r for r in rows if not _ok(r, models)]
    by_col = {c: [r for r in good if c == "all" or r["group"] == c] for c in cols}
    lines = [f"{title}: gmean of MASE relative to seasonal naive (lower is better), "
             f"over the {len(good)} of {len(rows)} series where every model succeeded"]
    header = f"{'model':10}" + "".join(f"{c:>11}" for c in cols)
    lines.append(header)
    lines.append(f"{'(series)':10}" + "".join(f"{len(by_col[c]):>11}" for c in cols))
    for model in models:
        cells = "".join(f"{fmt(gmean([relative(r, model) for r in by_col[c]]), 11)}" for c in cols)
        lines.append(f"{model:10}{cells}")
    if "rnnkit" in models and "comb" in models:
        wins = "".join(f"{sum(r['models']['rnnkit']['mase'] < r['models']['comb']['mase'] for r in by_col[c]):>7}/"
                       f"{len(by_col[c]):<3}" for c in cols)
        lines.append(f"{'rk<comb':10}{wins}")
        ratio = "".join(f"{fmt(gmean([r['models']['rnnkit']['mase'] / r['models']['comb']['mase'] for r in by_col[c]]), 11)}"
                        for c in cols)
        lines.append(f"{'rk/comb':10}{ratio}")
    lines.append(f"{'sMAPE':10}" + "".join(f"{c:>11}" for c in cols) + "   (mean sMAPE, %)")
    for model in models:
        cells = "".join(f"{fmt(float(np.mean([r['models'][model]['smape'] for r in by_col[c]])) if by_col[c] else float('nan'), 11, 2)}"
                        for c in cols)
        lines.append(f"{model:10}{cells}")
    if "rnnkit" in models:
        secs = [r["models"]["rnnkit"]["seconds"] for r in rows if r["models"]["rnnkit"]["seconds"] is not None]
        if secs:
            slowest = max(rows, key=lambda r: r["models"]["rnnkit"]["seconds"] or 0)
            lines.append(f"rnnkit fit seconds per series: median {np.median(secs):.1f}, max {max(secs):.1f} "
                         f"({slowest['series']}, n={slowest['n']}), total {sum(secs):.0f}")
    for r in bad:
        errs = "; ".join(f"{mm}: {r['models'][mm]['error'] or 'MASE ' + str(r['models'][mm]['mase'])}"
                         for mm in models if not (math.isfinite(r["models"][mm]["mase"]) and r["models"][mm]["mase"] > 0))
        lines.append(f"  left out: {r['series']} ({r['group']}): {errs}")
    return "\n".join(lines)


def print_row(row, models) -> None:
    cells = " ".join(fmt(row["models"][mm]["mase"], 7) for mm in models)
    extra = ""
    if "rnnkit" in models:
        extra = f" {row['models']['rnnkit']['seconds']:6.1f}s"
    errs = [f"{mm}: {row['models'][mm]['error']}" for mm in models if row["models"][mm]["error"]]
    print(f"{row['series'][:42]:42} {row['group'][:9]:9} {row['half'][:5]:5} {row['n']:5d} {cells}{extra}"
          + (f"  [{'; '.join(errs)[:160]}]" if errs else ""), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--half", default="both", choices=("both", "tuning", "validation"))
    parser.add_argument("--groups", default=None, help=f"comma-separated, of {','.join(GROUPS)}")
    parser.add_argument("--series", default=None, help="comma-separated series names")
    parser.add_argument("--limit", type=int, default=None, help="at most N series (per half, in registry order)")
    parser.add_argument("--config", default=None, help="Forecaster keyword arguments: key=value,key=value")
    parser.add_argument("--json", default=None, help="write the per-series rows to this file")
    parser.add_argument("--jobs", type=int, default=1, help="series evaluated in parallel processes")
    parser.add_argument("--verbose", action="store_true", help="print one row per series")
    parser.add_argument("--reference-only", action="store_true", help="only the reference models (fills the cache)")
    args = parser.parse_args()

    config = parse_config(args.config)
    groups = args.groups.split(",") if args.groups else None
    names = args.series.split(",") if args.series else None
    halves = ("tuning", "validation") if args.half == "both" else (args.half,)
    selected = []
    for half in halves:
        chosen = load_collection(half=half, groups=groups, names=names)
        selected += chosen[: args.limit] if args.limit else chosen
    models = list(REFERENCE) if args.reference_only else list(MODELS)
    run_rnnkit = not args.reference_only

    print(f"{len(selected)} series; statsforecast {statsforecast_version()}; "
          + (rnnkit_description() + f"; Forecaster config {config or 'defaults'}" if run_rnnkit else "reference only"),
          flush=True)
    if args.verbose:
        print(f"{'series':42} {'group':9} {'half':5} {'n':>5} " + " ".join(f"{mm[:7]:>7}" for mm in models)
              + ("   fit" if run_rnnkit else "") + "   (MASE)")
    started = time.perf_counter()
    rows = {}
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(evaluate, s.name, config, run_rnnkit): s.name for s in selected}
            for fut in as_completed(futures):
                row = fut.result()
                rows[row["series"]] = row
                if args.verbose:
                    print_row(row, models)
    else:
        for s in selected:
            row = evaluate(s.name, config, run_rnnkit)
            rows[row["series"]] = row
            if args.verbose:
                print_row(row, models)
    ordered = [rows[s.name] for s in selected]
    elapsed = time.perf_counter() - started
    print()
    for half in halves:
        part = [r for r in ordered if r["half"] == half]
        if part:
            print(summary(part, models, half.upper()))
            print()
    cached = sum(r["reference_cached"] for r in ordered)
    print(f"wall time {elapsed:.0f} s ({cached} of {len(ordered)} reference fits from the cache)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"config": config, "statsforecast": statsforecast_version(),
                       "rnnkit": rnnkit_description() if run_rnnkit else None, "rows": ordered}, fh, indent=1)


if __name__ == "__main__":
    main()
