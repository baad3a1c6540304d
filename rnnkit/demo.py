"""``rnnkit demo`` / ``make demo``: the main jobs on bundled real data, end to end.

1. Forecast the DAX stock index (daily) and Seattle's daily precipitation with temperatures and
   wind as covariates (the seeds' rainfall example): backtest against the baselines, fit,
   forecast, and write the report folders.
2. Train a character model on Python's own documentation for a short while and sample from it.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

JOBS = [  # dataset, covariates, horizon
    ("dax", None, 14),
    ("seattle_weather", ["temp_max", "temp_min", "wind"], 14),
]


def run_demo(seed: int = 0, out_dir: str = "demo-output", text_seconds: float = 90.0,
             echo: Callable[[str], object] = print) -> None:
    """Run every demo job, printing results to stdout and progress to stderr."""
    from rnnkit.data import dataset_info, load_dataset, load_series
    from rnnkit.forecast.workbench import run_workbench

    for name, covariates, horizon in JOBS:
        info = dataset_info(name)
        series = load_series(load_dataset(name), target=info.target, date="date", covariates=covariates)
        echo(f"\n== Forecasting {name}: {info.description}")
        echo(f"   target {info.target!r}, {len(series)} points, horizon {horizon}"
             + (f", covariates {', '.join(covariates)}" if covariates else ""))
        start = time.perf_counter()
        result = run_workbench(series, horizon, folds=2, out_dir=Path(out_dir) / name,
                               forecaster_kwargs={"seed": seed}, progress=True, title=name)
        table = result.metrics[["mase", "smape", "rmse", "coverage_80", "coverage_95", "fit_seconds"]]
        echo(table.to_string(float_format=lambda v: f"{v:.3f}"))
        echo(f"   next {horizon} steps (first 3):")
        echo(result.forecast.head(3).to_string(float_format=lambda v: f"{v:.2f}"))
        echo(f"   report: {Path(out_dir) / name / 'report.html'}  ({time.perf_counter() - start:.0f} s)")
    _text_demo(seed, text_seconds, echo)


def _text_demo(seed: int, seconds: float, echo) -> None:
    from rnnkit.text.demo import DEMO_STEPS, pydoc_demo

    echo(f"\n== Character model on Python's documentation ({DEMO_STEPS} steps, at most {seconds:.0f} s)")
    result = pydoc_demo(seconds=seconds, seed=seed, progress=sys.stderr.isatty())  # text: a bar or nothing
    echo(f"   {result.steps} steps in {result.seconds:.0f} s; held-out loss {result.val_loss:.3f} nats "
         f"= {result.val_bits_per_char:.2f} bits/char (uniform guess: about 6.7)")
    if result.steps < DEMO_STEPS:
        echo(f"   (stopped at the {seconds:.0f} s cap: the machine is busy, so the sample is rougher than usual)")
    echo("   this small model levels off here; `rnnkit text train FILE --seconds 300 --hidden-size 512` "
         "trains a larger one on your own text")
    echo("   sample (temperature 0.8):")
    echo("   " + result.sample.replace("\n", "\n   "))
