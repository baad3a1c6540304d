"""One global rnnkit model per panel against per-series references, M4 protocol, on the real
panels of benchmarks/forecast_data.py (long format unique_id, ds, y; panels are not split into
tuning/validation halves -- every figure here is "seen" data, so tune on
forecast_accuracy.py --half tuning first and use these as a check).

For each panel the last h points of every series are held out and the models are fitted on the
rest:

* rnnkit  ONE ``Forecaster(horizon=h, season_length=m, seed=0, **config)`` fitted on the whole
  long frame (``.fit(df).predict()`` returns unique_id, ds, forecast);
* snaive, ets, arima, theta, comb  per series, as in forecast_accuracy.py (statsforecast
  AutoETS/AutoARIMA/AutoTheta and their mean; cached in benchmarks/.cache/reference/).

Reported per panel: gmean over series of MASE relative to seasonal naive, wins of rnnkit over
Comb, and fit seconds (rnnkit: the one global fit; references: summed over the series).

``--static`` also gives rnnkit static covariates where a panel's ids carry attributes
(:data:`STATIC`): us_employment the CES supersector and how detailed the industry code is,
prisonLF state, gender and legal status, visnights the state and the kind of region (metro,
coast, inland). The other panels are fitted without.

    python benchmarks/global_forecast.py [--panels fpp2/visnights,...] [--config key=value,...]
                                         [--json FILE] [--verbose] [--static]
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings
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
import pandas as pd  # noqa: E402

from benchmarks.forecast_data import load_panels  # noqa: E402

MODELS = REFERENCE + ("rnnkit",)


def _ces(ids):
    # CES ids: "CEU" + supersector (2 digits) + industry (6 digits) + data type (2 digits).
    industry = [i[5:11] for i in ids]
    return {"supersector": [i[3:5] for i in ids], "detail": [float(len(c.rstrip("0"))) for c in industry]}


def _visnights(ids):
    # "NSWMetro", "VICWstCo", "SAUInner", "QLDCntrl", "OTHNoMet": state, then the kind of region.
    def kind(region: str) -> str:
        return "metro" if region == "Metro" else "coast" if region.endswith(("Co", "Coast")) else "inland"

    return {"state": [i[:3] for i in ids], "kind": [kind(i[3:]) for i in ids]}


# Static covariates read from a panel's series ids (a function of ids -> columns).
STATIC = {
    "fpp3/us_employment": _ces,
    "fpp2/prisonLF": lambda ids: dict(zip(("state", "gender", "legal"), zip(*(i.split("/") for i in ids)))),
    "fpp2/visnights": _visnights,
}


def static_table(panel_name: str, ids) -> pd.DataFrame | None:
    """The panel's static covariates (unique_id and a column each), None where it has none."""
    derive = STATIC.get(panel_name)
    if derive is None:
        return None
    ids = list(ids)
    return pd.DataFrame({"unique_id": ids, **{k: list(v) for k, v in derive(ids).items()}})


def evaluate_panel(panel, config: dict, run_rnnkit: bool = True, verbose: bool = False,
                   static: bool = False) -> dict:
    h, m = panel.horizon, panel.season_length
    df = panel.df.sort_values(["unique_id", "ds"])
    groups = {uid: g for uid, g in df.groupby("unique_id", sort=True)}
    train_df = pd.concat([g.iloc[:-h] for g in groups.values()], ignore_index=True)
    rows, ref_seconds, cached_count = [], {k: 0.0 for k in REFERENCE}, 0
    forecasts = {uid: {} for uid in groups}
    errors = {uid: {} for uid in groups}
    for i, (uid, g) in enumerate(groups.items()):
        train = g["y"].to_numpy()[:-h]
        ref, cached = cached_reference(f"panel:{panel.name}:{uid}", train, h, m)
        cached_count += cached
        for k in REFERENCE:
            forecasts[uid][k] = ref["forecasts"].get(k)
            errors[uid][k] = ref["errors"].get(k)
            ref_seconds[k] += ref["seconds"].get(k) or 0.0
        if verbose and not cached and (i + 1) % 10 == 0:
            print(f"  references: {i + 1}/{len(groups)} series", flush=True)
    rnnkit_seconds, rnnkit_error = float("nan"), None
    if run_rnnkit:
        from rnnkit.forecast import Forecaster

        kwargs = {"horizon": h, "season_length": m, "seed": 0}
        kwargs.update(config)
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                table = static_table(panel.name, groups) if static else None
                model = Forecaster(progress=False, **kwargs).fit(train_df, static_covariates=table)
                out = model.predict()
            rnnkit_seconds = time.perf_counter() - start
            # each pipeline's forecast and held-out error per series (combination rules from one fit)
            for uid, parts in zip(model.panel_, pipeline_parts(model, h)):
                if str(uid) in forecasts:
                    forecasts[str(uid)]["parts"] = parts
            for uid, g in out.groupby("unique_id"):
                values = g.sort_values("ds")["forecast"].to_numpy(float)
                key = str(uid)
                if key in forecasts:
                    forecasts[key]["rnnkit"] = values.tolist() if values.shape == (h,) and np.all(np.isfinite(values)) else None
                    if forecasts[key]["rnnkit"] is None:
                        errors[key]["rnnkit"] = f"bad forecast shape {values.shape} or non-finite"
        except Exception as exc:
            rnnkit_seconds = time.perf_counter() - start
            rnnkit_error = f"{type(exc).__name__}: {exc}"[:300]
        for uid in groups:
            if "rnnkit" not in forecasts[uid]:
                forecasts[uid]["rnnkit"] = None
                errors[uid].setdefault("rnnkit", rnnkit_error or "no forecast for this series")
    models = list(MODELS) if run_rnnkit else list(REFERENCE)
    for uid, g in groups.items():
        y = g["y"].to_numpy()
        train, actual = y[:-h], y[-h:]
        scale = mase_scale(train, m)
        row = {"series": uid, "n": len(y), "models": {}, "rnnkit_parts": forecasts[uid].get("parts"),
               "actual": actual.tolist(), "scale": scale}
        for k in models:
            f = forecasts[uid].get(k)
            entry = {"error": errors[uid].get(k), "mase": float("nan"), "smape": float("nan")}
            if f is not None:
                entry["mase"] = mase(actual, f, scale) if math.isfinite(scale) else float("nan")
                entry["smape"] = smape(actual, f)
                entry["forecast"] = list(map(float, f))
            row["models"][k] = entry
        rows.append(row)
    return {"panel": panel.name, "freq": panel.freq, "m": m, "h": h, "n_series": len(groups),
            "length": int(df.groupby("unique_id").size().median()), "rows": rows,
            "seconds": dict(ref_seconds, rnnkit=rnnkit_seconds), "rnnkit_error": rnnkit_error,
            "reference_cached": cached_count, "models": models}


def _ok(row, models) -> bool:
    return all(math.isfinite(row["models"][k]["mase"]) and row["models"][k]["mase"] > 0 for k in models)


def report(result: dict, verbose: bool) -> str:
    models = result["models"]
    rows = result["rows"]
    good = [r for r in rows if _ok(r, models)]
    lines = [f"{result['panel']}: {result['n_series']} series, freq {result['freq']}, m={result['m']}, h={result['h']}, "
             f"median length {result['length']}"]
    if verbose:
        lines.append(f"  {'series':28}" + "".join(f"{k:>8}" for k in models) + "   (MASE)")
        for r in rows:
            lines.append(f"  {str(r['series'])[:28]:28}" + "".join(fmt(r["models"][k]["mase"], 8) for k in models))
    rel = {k: gmean([r["models"][k]["mase"] / r["models"]["snaive"]["mase"] for r in good]) for k in models}
    lines.append(f"  gmean MASE/snaive over {len(good)} of {len(rows)} series: "
                 + "  ".join(f"{k} {fmt(rel[k], 5)}" for k in models))
    if "rnnkit" in models:
        wins = sum(r["models"]["rnnkit"]["mase"] < r["models"]["comb"]["mase"] for r in good)
        lines.append(f"  rnnkit beats comb on {wins}/{len(good)} series; gmean rnnkit/comb "
                     f"{fmt(gmean([r['models']['rnnkit']['mase'] / r['models']['comb']['mase'] for r in good]), 5)}")
    secs = result["seconds"]
    lines.append("  fit seconds: " + "  ".join(f"{k} {secs[k]:.1f}" for k in models if k != "snaive")
                 + ("  (rnnkit: one global fit; references: sum over series)" if "rnnkit" in models else ""))
    if result["rnnkit_error"]:
        lines.append(f"  rnnkit failed: {result['rnnkit_error']}")
    for r in rows:
        if not _ok(r, models):
            lines.append(f"  left out {r['series']}: " + "; ".join(
                f"{k}: {r['models'][k]['error']}" for k in models if r["models"][k]["error"]))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--panels", default=None, help="comma-separated panel names (default: all)")
    parser.add_argument("--config", default=None, help="Forecaster keyword arguments: key=value,key=value")
    parser.add_argument("--json", default=None)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--reference-only", action="store_true")
    parser.add_argument("--static", action="store_true", help="static covariates from the ids (STATIC)")
    args = parser.parse_args()
    config = parse_config(args.config)
    panels = load_panels(args.panels.split(",") if args.panels else None)
    run_rnnkit = not args.reference_only
    print(f"{len(panels)} panels (not split into halves); statsforecast {statsforecast_version()}; "
          + (rnnkit_description() + f"; Forecaster config {config or 'defaults'}" if run_rnnkit else "reference only"),
          flush=True)
    results = []
    started = time.perf_counter()
    for panel in panels:
        result = evaluate_panel(panel, config, run_rnnkit, args.verbose, args.static)
        results.append(result)
        print(report(result, args.verbose), flush=True)
    models = results[0]["models"] if results else []
    print()
    print(f"{'panel':22}{'series':>7}" + "".join(f"{k:>8}" for k in models) + ("  rk<comb  rnnkit s" if run_rnnkit else ""))
    for res in results:
        good = [r for r in res["rows"] if _ok(r, models)]
        cells = "".join(fmt(gmean([r["models"][k]["mase"] / r["models"]["snaive"]["mase"] for r in good]), 8)
                        for k in models)
        extra = ""
        if run_rnnkit:
            wins = sum(r["models"]["rnnkit"]["mase"] < r["models"]["comb"]["mase"] for r in good)
            extra = f"  {wins:>3}/{len(good):<3} {res['seconds']['rnnkit']:8.1f}"
        print(f"{res['panel'][:22]:22}{len(good):>7}" + cells + extra)
    print(f"(gmean of MASE relative to seasonal naive per panel; wall time {time.perf_counter() - started:.0f} s)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"config": config, "statsforecast": statsforecast_version(),
                       "rnnkit": rnnkit_description() if run_rnnkit else None, "panels": results}, fh, indent=1)


if __name__ == "__main__":
    main()
