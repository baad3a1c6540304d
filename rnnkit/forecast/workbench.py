"""The whole forecasting job behind ``rnnkit forecast``: backtest the RNN against every baseline,
fit on all data, forecast the future, and write forecast.csv, metrics.json, model.safetensors,
figures and report.html into one folder.

Files are staged in a temporary folder beside the destination and moved in only when the job
has succeeded, so a failed or interrupted run leaves nothing half-written.
"""
from __future__ import annotations

import json
import os
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rnnkit.data import TimeSeries
from rnnkit.forecast.backtest import backtest, backtest_metrics
from rnnkit.forecast.baselines import BASELINES, make_model
from rnnkit.forecast.forecaster import Forecaster
from rnnkit.io import staged_files
from rnnkit.progress import progress_bar

OUTPUT_FILES = ("forecast.csv", "metrics.json", "model.safetensors", "forecast.png",
                "backtest.png", "training.png", "memory.png", "report.html")


@dataclass
class WorkbenchResult:
    """What the job produced: the comparison table, the future forecast, the fitted model."""

    metrics: pd.DataFrame
    forecast: pd.DataFrame
    model: Forecaster
    seconds: float
    #: Baselines that could not be fitted to this series, with the reason (not in ``metrics``).
    unavailable: dict[str, str] = field(default_factory=dict)


def run_workbench(series: TimeSeries, horizon: int, *, folds: int = 3, levels: Sequence[float] = (80, 95),
                  out_dir: str | os.PathLike[str] | None = None, baselines: Iterable[str] = tuple(BASELINES),
                  forecaster_kwargs: Mapping[str, Any] | None = None,
                  progress: bool = False, title: str | None = None,
                  future_covariates: Sequence[str] = (), futr_df: pd.DataFrame | None = None) -> WorkbenchResult:
    """Backtest, fit, forecast and (with ``out_dir``) write every output file.

    Parameters
    ----------
    series : the validated series (rnnkit.data.load_series)
    horizon : steps ahead
    folds : rolling origins of the backtest
    levels : interval levels for the forecast and the coverage columns
    out_dir : folder for the files, or None to write nothing
    baselines : names from ``rnnkit.forecast.baselines.BASELINES`` to compare with
    forecaster_kwargs : arguments for :class:`Forecaster` besides ``horizon``
    future_covariates : names among the series' covariates whose future is known: the
        Forecaster reads them ahead (each backtest fold is given their values over its test
        range; the baselines do not use them)
    futr_df : with ``future_covariates``, their values over the ``horizon`` steps after the
        series (``Forecaster.predict``'s ``futr_df``), for the final forecast
    """
    start = time.perf_counter()
    kwargs = dict(forecaster_kwargs or {})
    models = {"rnnkit": Forecaster(horizon=horizon, **{**kwargs, "progress": False})}  # the backtest has its own
    season = kwargs.get("season_length", "auto")
    for name in baselines:
        models[name] = make_model(BASELINES[name], horizon, season)
    rows, step_errors, unavailable = {}, {}, {}
    bar = progress_bar(progress, len(models) * folds, "backtest", unit="fit")
    for name, model in models.items():
        fit_start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                known = {"future_covariates": list(future_covariates)} if name == "rnnkit" and future_covariates else {}
                results = backtest(model, series, folds=folds, level=list(levels), **known)
        except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
            if name == "rnnkit":
                raise
            # One reference that cannot fit this series (ETS on all zeros) does not sink the run:
            # it is left out of the table, named in metrics.json and the report, and warned about.
            unavailable[name] = " ".join(str(exc).split()) or type(exc).__name__
            warnings.warn(f"baseline {name} unavailable for this series: {unavailable[name]}", stacklevel=2)
            continue
        seconds = (time.perf_counter() - fit_start) / folds
        rows[name] = {**backtest_metrics(results, series, season), "fit_seconds": seconds}
        step_errors[name] = np.abs(results["actual"] - results["forecast"]).groupby(results["step"]).mean().to_numpy()
        if bar:
            bar.update(folds)
    if bar:
        bar.close()
    metrics = pd.DataFrame(rows).T
    metrics.index.name = "model"
    metrics = metrics.sort_values("mase")

    final = Forecaster(horizon=horizon, **{**kwargs, "progress": progress})
    final.fit(series, future_covariates=list(future_covariates) or None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        forecast = final.predict(level=list(levels), futr_df=futr_df)
    result = WorkbenchResult(metrics, forecast, final, time.perf_counter() - start, unavailable)
    if out_dir is not None:
        _write_outputs(Path(out_dir), result, series, step_errors, folds, title or series.target)
    return result


def _write_outputs(out_dir: Path, result: WorkbenchResult, series: TimeSeries, step_errors: dict,
                   folds: int, title: str) -> None:
    from rnnkit.report import backtest_figure, forecast_figure, html_report, training_figure

    with staged_files(out_dir, OUTPUT_FILES) as stage:
        result.forecast.to_csv(stage / "forecast.csv", index_label=series.index.name or "date")
        summary = {"target": series.target, "points": len(series), "freq": series.freq,
                   "horizon": result.model.horizon, "backtest_folds": folds,
                   "season_length": result.model.season_length_,
                   "metrics": json.loads(result.metrics.to_json(orient="index")),
                   "unavailable": result.unavailable,
                   "model": {"strategy": result.model.strategy_, "window": result.model.training_["window"],
                             "config": result.model.get_params()},
                   "seconds": round(result.seconds, 2)}
        (stage / "metrics.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        result.model.save(stage / "model.safetensors")
        history = pd.Series(np.asarray(series.values), index=series.index)
        forecast_figure(history, result.forecast, f"{title}: {result.model.horizon}-step forecast",
                        stage / "forecast.png")
        backtest_figure(step_errors, stage / "backtest.png")
        training_figure(result.model.training_, stage / "training.png")
        horizons = _memory_figure(result.model, series, stage / "memory.png")
        html_report(stage / "report.html", f"rnnkit forecast: {title}", _report_sections(
            result, series, folds, horizons, stage))


def _report_sections(result: WorkbenchResult, series: TimeSeries, folds: int, horizons: list[int],
                     stage: Path) -> list[tuple[str, object]]:
    """Headings and contents of report.html, in order."""
    from rnnkit.forecast import _report

    model, metrics = result.model, result.metrics
    points = folds * model.horizon
    sections: list[tuple[str, object]] = [
        ("Summary", _report.summary_text(len(series), series.freq, model.season_length_, model.horizon, folds,
                                         metrics, result.unavailable))]
    coverage = _report.coverage_warnings(metrics, "rnnkit", points)
    if coverage:
        sections.append(("Intervals", " ".join(coverage)))
    sections += [
        ("Backtest metrics (lower is better; coverage in %)", _report.metrics_table(metrics)),
        ("About the metrics", "MASE: mean absolute error over that of seasonal naive in sample (below 1 beats it);"
                              " sMAPE in %; coverage: share of held-out points inside each interval;"
                              " fit_seconds: per backtest fold." + _report.missing_values_note(metrics)),
        ("Forecast", stage / "forecast.png"),
        ("Forecast table", _report.values_table(result.forecast)),
        ("Backtest errors by step ahead", stage / "backtest.png"),
        ("Training of the final model's first phase", stage / "training.png"),
        ("Memory: how far back each network looks", stage / "memory.png"),
        ("Memory horizon", _report.memory_text(horizons, model.training_["window"])),
    ]
    return sections


def _memory_figure(model: Forecaster, series: TimeSeries, path, batch: int = 256) -> list[int]:
    """Mean |dy_T/dx_{T-k}| by lag k for each network, on the series' latest ``batch`` windows;
    returns each network's memory horizon."""
    from rnnkit.diagnostics import memory_horizon
    from rnnkit.diagnostics.figures import memory_figure

    x = model.recent_inputs(batch)
    memories = [memory_horizon(net, x) for net in model.nets_]
    memory_figure(memories, path, title="Memory of the forecaster: sensitivity of the forecast to past inputs")
    return [m.horizon for m in memories]


