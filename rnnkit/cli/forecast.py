"""``rnnkit forecast`` and ``rnnkit datasets``."""
from __future__ import annotations

import json
from pathlib import Path

import click

from rnnkit.backends import backend_names
from rnnkit.cli._app import InputError, cli, warn
from rnnkit.cli._header import header
from rnnkit.cli._options import (
    forecaster_options,
    horizon_option,
    level_option,
    names_list,
    number_format_options,
    output_option,
    seed_option,
)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def datasets(as_json):
    """List the bundled real datasets (offline): series for `rnnkit forecast dataset:NAME`, panels
    for `rnnkit fit dataset:NAME` (with --json, each record's "kind" says which).

    \b
    Example:
      rnnkit forecast dataset:air_passengers --horizon 12
    """
    from rnnkit.data import list_datasets, list_panels

    table, panels = list_datasets(), list_panels()
    if as_json:
        records = json.loads(table.assign(kind="series").to_json(orient="records")) + \
            json.loads(panels.assign(kind="panel").to_json(orient="records"))
        click.echo(json.dumps(records, indent=2))
        return
    cols = ["name", "freq", "length", "season_length", "target", "description"]
    click.echo(table[cols].to_string(index=False, max_colwidth=70))
    click.echo("\npanels (several series: rnnkit fit/cv dataset:NAME [--static dataset:NAME])")
    cols = ["name", "freq", "series", "length", "static", "description"]
    click.echo(panels[cols].to_string(index=False, max_colwidth=70))


def _load(source: str, target, date, covariates, fill, freq, number_format=None, horizon=None):
    from rnnkit.data import PANELS_BUNDLED, dataset_info, load_dataset, load_series

    cov = [c.strip() for c in covariates.split(",") if c.strip()] if covariates else None
    if source.startswith("dataset:"):
        name = source.split(":", 1)[1]
        if name in PANELS_BUNDLED:
            raise InputError(f"FILE: {name} is a panel of several series; `forecast` takes one. Fit them as one "
                             f"global model: rnnkit fit dataset:{name} -H {horizon or 'N'} -o model.safetensors")
        info = dataset_info(name)
        frame = load_dataset(name)
        return load_series(frame, target=target or info.target, date=date or "date",
                           covariates=cov, fill=fill, freq=freq), name
    path = Path(source)
    if not path.exists():
        raise InputError(f"FILE: no such file {source!r} (or use dataset:NAME, see `rnnkit datasets`)")
    columns = header(path, (number_format or {}).get("sep")) if path.is_file() else []
    if "unique_id" in columns:
        fit = f"rnnkit fit {path.name} -H {horizon or 'N'} -o model.safetensors"
        raise InputError(f"FILE: {path.name} holds several series (column unique_id); `forecast` takes one. "
                         f"Fit them as one global model: {fit}, then rnnkit predict model.safetensors")
    if target is None:
        raise InputError("--target: which column to forecast? (e.g. --target price)")
    return load_series(path, target=target, date=date, covariates=cov, fill=fill, freq=freq,
                       **(number_format or {})), path.stem


@cli.command()
@click.argument("source", metavar="FILE")
@click.option("--target", help="Column to forecast (default for dataset:NAME: its usual target).")
@click.option("--date", help="Date column (found automatically if omitted).")
@click.option("--covariates", help="Comma-separated extra input columns, e.g. temp_max,wind.")
@click.option("--future-covariates", help="Comma-separated columns whose future is known (a price set ahead, a "
              "weather forecast); their values over the forecast steps come from --future FILE.")
@click.option("--future", "future_file", type=click.Path(dir_okay=False), default=None,
              help="With --future-covariates: a file with the date column and their values over the next "
                   "--horizon steps.")
@horizon_option(required=True, help="Steps ahead to forecast.")
@output_option("out_dir", folder=True, default=None,
              help="Folder for forecast.csv, metrics.json, model.safetensors, PNG plots, report.html.")
@click.option("--folds", type=click.IntRange(min=1), default=3, show_default=True, help="Backtest origins.")
@level_option(default="80,95")
@forecaster_options
@click.option("--season-length", default="auto", show_default=True, help="Season length or 'auto'.")
@click.option("--fill", type=click.Choice(["ffill", "interpolate"]), default=None, help="Fill missing values.")
@click.option("--freq", default=None, help="Frequency to use instead of the inferred one (e.g. B, MS).")
@number_format_options
@click.option("--backend", type=click.Choice(backend_names()), default="numpy", show_default=True,
              help="Where the networks train: the NumPy engine or PyTorch.")
@click.option("--device", default=None, help="torch backend: cpu, cuda, cuda:1, ... (default: cuda if available).")
@seed_option()
@click.option("--json", "as_json", is_flag=True, help="Print metrics and forecast as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def forecast(source, target, date, covariates, future_covariates, future_file, horizon, out_dir, folds, level,
             forecaster_settings, season_length, fill, freq, number_format, backend, device, seed, as_json, quiet):
    """Forecast a series: backtest the RNN against baselines, fit on all data, forecast.

    FILE is a CSV or Parquet file, or dataset:NAME for a bundled dataset. The table compares
    the RNN with naive, seasonal naive, drift, AutoReg and ETS on a rolling-origin backtest.

    \b
    Examples:
      rnnkit forecast prices.csv --target close --horizon 14 -o out/
      rnnkit forecast dataset:seattle_weather --covariates temp_max,temp_min,wind -H 14
      rnnkit forecast dataset:air_passengers -H 12 --level 50,80,95
      rnnkit forecast dataset:elec_daily -H 7 --future-covariates workday,temperature --future next_week.csv
    """
    from rnnkit.forecast.workbench import run_workbench

    levels = level
    if season_length != "auto":
        try:
            season_length = int(season_length)
        except ValueError:
            raise InputError(f"--season-length: expected 'auto' or an integer, got {season_length!r}") from None
    from rnnkit.backends import check_backend

    check_backend(backend, device)  # a missing torch or a bad device is bad input: refuse before work
    known = names_list(future_covariates)
    past = names_list(covariates)
    if [c for c in known if c in past]:
        raise InputError(f"--future-covariates: {[c for c in known if c in past][0]!r} is also in --covariates; "
                         "name it in one of them")
    if bool(known) != (future_file is not None):
        raise InputError("--future-covariates: give it with --future FILE (the values of those columns over "
                         "the forecast steps), or neither")
    series, name = _load(source, target, date, ",".join(past + known) or None, fill, freq, number_format, horizon)
    futr_df = _future_values(series, known, future_file, horizon, number_format) if known else None
    season = _check_against_data(series, horizon, folds, season_length, levels)
    from rnnkit.forecast._inputs import describe_freq

    if season_length == "auto" and season == 1 and not str(series.freq or "").startswith(("Y", "A")):
        reason = ("no date column was found, so the rows are integer steps" if series.freq is None
                  else f"the season of {describe_freq(series.freq)} data is not known")
        warn(f"{reason} and the season is 1 (no seasonal model); pass --date COLUMN, --freq or "
             "--season-length N if the data has a season")
    result = run_workbench(series, horizon, folds=folds, levels=levels, out_dir=out_dir,
                           forecaster_kwargs=dict(forecaster_settings, seed=seed, season_length=season_length,
                                                  backend=backend, device=device),
                           progress=not quiet, title=name, future_covariates=known, futr_df=futr_df)
    if as_json:
        click.echo(json.dumps({"metrics": json.loads(result.metrics.to_json(orient="index")),
                               "forecast": json.loads(result.forecast.to_json(orient="split", date_format="iso"))},
                              indent=2))
        return
    cols = ["mase", "smape", "rmse", "mae", f"coverage_{levels[0]}", "fit_seconds"]
    click.echo(f"{name}: {len(series)} points, {describe_freq(series.freq)}, season {season}, horizon {horizon}, "
               f"{folds}-fold backtest (lower is better)")
    click.echo(result.metrics[[c for c in cols if c in result.metrics]].to_string(float_format=lambda v: f"{v:.3f}"))
    click.echo("")
    click.echo(result.forecast.to_string(float_format=lambda v: f"{v:.3f}"))
    if out_dir:
        click.echo(f"\nwrote {out_dir}/: forecast.csv metrics.json model.safetensors forecast.png "
                   "backtest.png training.png memory.png report.html", err=True)


def _future_values(series, known: list, future_file: str, horizon: int, number_format: dict):
    """The ``--future`` values, checked against the series before any training: every known
    column over the ``horizon`` steps after its end."""
    from rnnkit.cli.fit import read_future_file
    from rnnkit.forecast._future import read_future

    missing = [c for c in known if c not in series.covariate_names]
    if missing:
        raise InputError(f"--future-covariates: no column {missing[0]!r} in the data")
    time_col = str(series.index.name or "date")
    futr_df = read_future_file(future_file, known, series, None, time_col, number_format or {})
    try:
        read_future(futr_df, {None: series}, tuple(known), horizon, "unique_id", time_col)
    except ValueError as exc:
        raise InputError(f"--future: {Path(future_file).name}: {str(exc).removeprefix('futr_df: ')}") from None
    return futr_df


def _check_against_data(series, horizon: int, folds: int, season_length, levels) -> int:
    """The season of ``series``; refuse, before any training, what it cannot support, naming the
    largest value that it can. Every backtest fold forecasts ``horizon`` points; with intervals, the models
    fitted on the first (shortest) fold calibrate them on earlier origins, which need ``horizon``
    points after them and at least ``max(3, horizon, 2 * season)`` before."""
    from rnnkit.forecast._inputs import season_length_for

    n = len(series)

    def room(h: int) -> int:  # points before the first fold's latest calibration origin
        return n - folds * h - h

    largest_h = (n - 2) // (folds + 1)
    if levels:
        largest_h = max([h for h in range(1, largest_h + 1) if room(h) >= max(3, h)], default=0)
    if horizon > largest_h:
        if largest_h < 1:
            raise InputError(f"--folds: {folds} backtest folds need more than the {n} points of this series")
        raise InputError(f"-H/--horizon: {horizon} is too long for {n} points with --folds {folds}"
                         f"{' and intervals' if levels else ''}; at most {largest_h} (or fewer --folds)")
    m = season_length_for(series, season_length)
    if levels and m > 1 and room(horizon) < 2 * m:
        given = f"{m}" if season_length != "auto" else f"the season read from the dates, {m},"
        raise InputError(f"--season-length: {given} is too long to calibrate intervals on the first backtest "
                         f"fold's {n - folds * horizon} points; at most {max(room(horizon) // 2, 1)} here "
                         f"(or fewer --folds, a shorter -H)")
    return m
