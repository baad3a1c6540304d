"""``rnnkit cv``: cross-validation of the Forecaster over a file (one series or a panel)."""
from __future__ import annotations

import click

from rnnkit.cli._app import InputError, cli
from rnnkit.cli._options import (
    data_options,
    forecaster_options,
    horizon_option,
    level_option,
    names_list,
    number_format_options,
    output_option,
    seed_option,
)
from rnnkit.cli.fit import _load, fit_columns, load_static


@cli.command("cv")
@click.argument("data", metavar="DATA")
@horizon_option(required=True, help="Steps ahead per window.")
@click.option("--n-windows", type=click.IntRange(min=1), default=3, show_default=True, help="Number of cutoffs.")
@click.option("--step-size", type=click.IntRange(min=1), default=None,
              help="Points between cutoffs [default: the horizon, so the windows tile the end].")
@click.option("--refit", default="true", show_default=True,
              help="true (a fit per window), false (one fit at the first cutoff; later windows "
                   "forecast from their history without refitting) or k (a fit every k windows).")
@level_option(help="Interval levels in percent, for coverage per window [default: none].")
@output_option(default=None, help="Write every forecast as CSV here (unique_id, ds, cutoff, y, forecast, ...).")
@data_options
@number_format_options
@forecaster_options
@seed_option()
def cv_cmd(data, horizon, n_windows, step_size, refit, level, output, id_column, date, target, covariates,
           future_covariates, static_file, fill, freq, number_format, forecaster_settings, seed):
    """Cross-validate a Forecaster on DATA: forecasts at --n-windows cutoffs against what happened.

    Each fold's model sees nothing after its cutoff (a fresh model per refit). Prints the
    metrics per series and overall, and interval coverage per window.

    \b
    Examples:
      rnnkit cv panel.csv -H 7 --n-windows 4 --level 80 -o cv.csv
      rnnkit cv sales.csv --target sales -H 12 --refit false
      rnnkit cv dataset:elecdaily -H 14 --future-covariates temperature,workday --holidays AU-VIC
    """
    from rnnkit.forecast import Forecaster, coverage_by_window, cross_validation, cv_metrics
    from rnnkit.io import write_text

    refit_every = _refit(refit)
    y = _load(data, id_column, date, target, covariates, fill, freq, number_format,
              future_covariates=future_covariates)
    panel = isinstance(y, dict)
    id_col, time_col = fit_columns(y, id_column)
    static = load_static(static_file, y, id_col, number_format)
    target_col = (target or "y") if panel else y.target
    model = Forecaster(horizon=horizon, seed=seed, progress=False, **forecaster_settings)
    try:
        results = cross_validation(model, y, horizon, n_windows, step_size, refit_every, level or None,
                                   id_col=id_col, time_col=time_col, target_col=target_col,
                                   future_covariates=names_list(future_covariates) or None,
                                   static_covariates=static)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if output:
        write_text(output, results.to_csv(index=False))
        click.echo(f"wrote {output}: {len(results)} rows", err=True)
    by = id_col if panel else None
    click.echo(f"{n_windows} windows of {horizon} steps (lower is better)")
    click.echo(cv_metrics(results, target_col, by).to_string(float_format=lambda v: f"{v:.3f}"))
    if level:
        click.echo("\ninterval coverage per window (%)")
        click.echo(coverage_by_window(results, target_col, id_col).to_string(float_format=lambda v: f"{v:.1f}"))


def _refit(value: str) -> bool | int:
    text = value.strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    try:
        every = int(text)
    except ValueError:
        every = 0
    if every < 1:
        raise InputError(f"--refit: expected true, false or a positive number of windows, got {value!r}")
    return every
