"""``rnnkit fit`` and ``rnnkit predict``: train a Forecaster on a file, save it, forecast later.

``fit`` takes one series or many in long format (``unique_id``, ``ds``, ``y``: a global
model). Launched by torchrun with ``--backend torch``, every process runs the same command,
the process group is started from torchrun's environment, the training is data-parallel
(DistributedDataParallel) and only rank 0 prints and writes the model file.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import click

from rnnkit.backends import backend_names
from rnnkit.cli._app import InputError, cli
from rnnkit.cli._header import header
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


def _load(data: str, id_column, date, target, covariates, fill, freq, number_format, argument: str = "DATA",
          future_covariates=None):
    """``{id: TimeSeries}`` for a long-format file (it has the id column), else one series; the
    known-future columns (``future_covariates``) are read as covariates too."""
    from rnnkit.data import PANELS_BUNDLED, dataset_info, load_dataset, load_panel, load_panel_dataset, load_series

    past, future = names_list(covariates), names_list(future_covariates)
    both = [c for c in future if c in past]
    if both:
        raise InputError(f"--future-covariates: {both[0]!r} is also in --covariates; name it in one of them")
    cov = past + future or None
    if data.startswith("dataset:") and argument == "DATA":
        name = data.split(":", 1)[1]
        if name in PANELS_BUNDLED:
            if id_column not in (None, "unique_id") or target not in (None, "y"):
                raise InputError(f"DATA: the bundled panel {name!r} has columns unique_id, ds, y; "
                                 "leave --id-column and --target out")
            return load_panel(load_panel_dataset(name)[0], covariates=cov, fill=fill, freq=freq)
        return load_series(load_dataset(name), target=target or dataset_info(name).target, date=date or "date",
                           covariates=cov, fill=fill, freq=freq)
    path = Path(data)
    if not path.is_file():
        raise InputError(f"{argument}: no such file {data!r} (or dataset:NAME, see `rnnkit datasets`)")
    columns = header(path, number_format["sep"])
    if (id_column or "unique_id") in columns:
        if date is None and "ds" in columns:
            date = "ds"
        return load_panel(path, id_col=id_column or "unique_id", date=date, target=target or "y",
                          covariates=cov, fill=fill, freq=freq, **number_format)
    if id_column is not None:
        raise InputError(f"--id-column: no column {id_column!r} in {path.name} "
                         f"(columns: {', '.join(columns[:10])})")
    if target is None:
        if "y" not in columns:
            raise InputError("--target: which column to forecast? (e.g. --target sales)")
        target = "y"
    return load_series(path, target=target, date=date, covariates=cov, fill=fill, freq=freq, **number_format)


def load_static(static_file, y, id_col: str, number_format: dict):
    """The ``--static`` table (one row per series of a panel), or None without the option."""
    if static_file is None:
        return None
    if not isinstance(y, dict):
        raise InputError("--static: static attributes describe each series of a panel (a file with "
                         f"{id_col!r}); this data is one series")
    from rnnkit.data import PANELS_BUNDLED, load_panel_dataset
    from rnnkit.data.tables import load_table

    if static_file.startswith("dataset:"):
        name = static_file.split(":", 1)[1]
        if name not in PANELS_BUNDLED:
            raise InputError(f"--static: no bundled panel {name!r} (panels: {', '.join(PANELS_BUNDLED)})")
        return load_panel_dataset(name)[1]
    path = Path(static_file)
    if not path.is_file():
        raise InputError(f"--static: no such file {static_file!r}")
    try:
        return load_table(path, text=[id_col], **number_format)
    except ValueError as exc:
        raise InputError(f"--static: {path.name}: {exc}") from None


def fit_columns(y, id_column) -> tuple[str, str]:
    """The id and time column names a model fitted on ``y`` (loaded by :func:`_load`) writes:
    the file's own."""
    if not isinstance(y, dict):
        return "unique_id", "ds"
    return id_column or "unique_id", str(next(iter(y.values())).index.name or "ds")


@cli.command("fit")
@click.argument("data", metavar="DATA")
@horizon_option(required=True, help="Steps ahead to forecast.")
@output_option(required=True,
              help="Model file to write (safetensors).")
@data_options
@number_format_options
@forecaster_options
@click.option("--backend", type=click.Choice(backend_names()), default="numpy", show_default=True,
              help="Who trains: the NumPy engine or PyTorch (pip install 'rnnkit[torch]').")
@click.option("--device", default=None, help="torch only: cpu, cuda, cuda:1 [default: cuda if available].")
@seed_option()
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the training summary as JSON.")
def fit_cmd(data, horizon, output, id_column, date, target, covariates, future_covariates, static_file, fill, freq,
            number_format, forecaster_settings, backend, device, seed, quiet, as_json):
    """Fit a Forecaster to DATA (CSV, TSV or Parquet) and save it to -o MODEL.

    DATA in long format (columns unique_id, ds, y) gives one global model over every series;
    otherwise DATA is one series. Under torchrun with --backend torch the processes train one
    model together (DistributedDataParallel: gloo on CPU, nccl on GPUs; docs/distributed.md)
    and rank 0 alone writes the file.

    \b
    Examples:
      rnnkit fit panel.csv --horizon 14 -o model.safetensors
      rnnkit fit sales.csv --target sales --future-covariates price --calendar auto -H 14 -o model.safetensors
      torchrun --nproc_per_node 2 -m rnnkit fit panel.csv -H 14 --backend torch --device cpu -o model.safetensors
      rnnkit predict model.safetensors --level 80,95 -o forecast.csv
    """
    from rnnkit.forecast import Forecaster
    from rnnkit.torch import distributed

    if distributed.launched_by_torchrun() and int(os.environ["WORLD_SIZE"]) > 1 \
            and backend != "torch":
        raise InputError("--backend: several processes under torchrun train together only "
                         "with --backend torch")
    y = _load(data, id_column, date, target, covariates, fill, freq, number_format,
              future_covariates=future_covariates)
    id_col, time_col = fit_columns(y, id_column)
    static = load_static(static_file, y, id_col, number_format)
    model = Forecaster(horizon=horizon, backend=backend, device=device, seed=seed, **forecaster_settings)
    with distributed.process_group(device if backend == "torch" else None):
        main, processes = distributed.is_main(), distributed.world_size()
        model.progress = not quiet and main
        # A panel's output keeps the file's id and date column names.
        model.fit(y, future_covariates=names_list(future_covariates) or None, static_covariates=static,
                  id_col=id_col, time_col=time_col)
        model.progress = False  # not a setting to keep in the file
        failure = None
        if main:
            try:
                model.save(output)
            except Exception as exc:  # re-raised below, after telling the other ranks
                failure = exc
        # Every rank waits for rank 0's file and learns whether it was written, so none hangs
        # in a later collective when rank 0 has failed.
        if not distributed.all_ok(failure is None):
            if failure is not None:
                raise failure
            raise RuntimeError(f"rank 0 could not write {output}; see its error")
    if not main:
        return
    series = len(y) if isinstance(y, dict) else 1
    summary = {"model": output, "series": series, "backend": backend, "processes": processes,
               **model.training_}
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    t = model.training_
    click.echo(f"saved {output}: {model.cell} {model.num_layers}x{model.hidden_size}, {model.n_models} model(s), "
               f"{series} series, horizon {horizon}")
    for p in t["pipelines"]:
        if "best_step" not in p:  # a smoother pipeline: no network, no training steps
            click.echo(f"{p['transform']}/{p['deseasonalise']}: {p['model']} exponential smoothing per series, "
                       f"held-out error {p['held_out_error']:.3g}")
            continue
        click.echo(f"{p['transform']}/{p['deseasonalise']}: {p['examples']} training examples, window {t['window']}, "
                   f"strategy {t['strategy']}, {p['best_step']} steps chosen by early stopping")


@cli.command("predict")
@click.argument("model_file", metavar="MODEL", type=click.Path(dir_okay=False))
@horizon_option(default=None, help="Steps ahead [default: the fitted horizon].")
@level_option(help="Interval levels in percent [default: none, the point forecast only].")
@output_option(default=None,
              help="Write the forecast as CSV here instead of printing it.")
@click.option("--backend", type=click.Choice(backend_names()), default="numpy", show_default=True,
              help="Who computes (the forecasts are the same on either).")
@click.option("--device", default=None, help="torch only: cpu, cuda, cuda:1.")
@click.option("--json", "as_json", is_flag=True, help="Print the forecast as JSON.")
@click.option("--history", type=click.Path(dir_okay=False), default=None,
              help="Forecast from this newer history (CSV, TSV or Parquet, shaped like the fitted data) "
                   "without refitting; for a global model also series it never saw.")
@click.option("--date", default=None, help="With --history: its date column [default: found].")
@click.option("--future", "future_file", type=click.Path(dir_okay=False), default=None,
              help="The known-future covariates' values over the forecast steps (a model fitted with "
                   "--future-covariates): the date column (and the id column of a panel) and one column each.")
@click.option("--future-frame", is_flag=True,
              help="Write (or print) the --future frame to fill, its value columns empty, instead of forecasting.")
@number_format_options
def predict_cmd(model_file, horizon, level, output, backend, device, as_json, history, date, future_file,
                future_frame, number_format):
    """Forecast with a model saved by `rnnkit fit` (or `rnnkit forecast -o`).

    One series: rows indexed by the future time stamps, under the date column's name the
    series was fitted with. A global model: long format, columns named as in the fitted file
    (--id-column and the date column; unique_id, ds by default), forecast (and lo_L, hi_L per level).

    \b
    Examples:
      rnnkit predict model.safetensors --level 80,95 -o forecast.csv
      rnnkit predict model.safetensors -H 7 --json
      rnnkit predict model.safetensors --history latest.csv -o forecast.csv
      rnnkit predict model.safetensors --future-frame -o future.csv   # fill it in, then:
      rnnkit predict model.safetensors --future future.csv
    """
    from rnnkit import io
    from rnnkit.forecast import Forecaster

    levels = level or None
    model = Forecaster.load(model_file, backend=backend, device=device)
    if history is None and date is not None:
        raise InputError("--date: it names the date column of --history; pass --history FILE")
    new = None
    if history is not None:
        fitted = next(iter(model.panel_.values()))
        global_model = None not in model.panel_
        covariates = ",".join(fitted.covariate_names) or None
        new = _load(history, model.columns_[0] if global_model else None, date, fitted.target, covariates,
                    None, None, number_format, argument="--history")
        largest = model.horizon_limit([len(s) for s in (new.values() if isinstance(new, dict) else [new])])
    else:
        largest = model.max_horizon
    if horizon is not None and horizon > largest:
        raise InputError(f"-H/--horizon: expected at most {largest} for this model (the length of "
                         f"its history), got {horizon}")
    if future_frame:
        if future_file is not None or level:
            raise InputError("--future-frame: it writes the frame to fill; give --future and --level "
                             "when forecasting, not with it")
        if not model.known_.columns:
            raise InputError("--future-frame: this model was fitted without --future-covariates; it needs "
                             "no future values")
        frame = model.make_future_frame(horizon, y=new)
    else:
        futr_df = _future(model, future_file, number_format)
        try:
            frame = model.predict(horizon, level=levels, y=new, futr_df=futr_df)
        except ValueError as exc:  # a row the file lacks: name the option, not the Python argument
            if not str(exc).startswith("futr_df: "):
                raise
            raise InputError(f"--future: {Path(future_file).name}: {str(exc)[len('futr_df: '):]}") from None
    panel = None not in model.panel_  # long format
    if output:
        io.write_text(output, frame.to_csv(index=not panel))
        click.echo(f"wrote {output}: {len(frame)} rows", err=True)
        return
    if as_json:
        click.echo(frame.to_json(orient="records" if panel else "split", date_format="iso", indent=2))
        return
    click.echo(frame.to_string(index=not panel, float_format=lambda v: f"{v:.3f}"))


def _future(model, future_file, number_format: dict):
    """``futr_df`` for ``model.predict`` from ``--future``: the model's known-future columns by
    date (and id, for a global model); None without the option."""
    columns = list(model.known_.columns)
    if future_file is None:
        if columns:
            raise InputError(f"--future: this model reads the known-future values of {', '.join(columns)}; "
                             "pass --future FILE (`--future-frame -o FILE` writes the frame to fill)")
        return None
    if not columns:
        raise InputError("--future: this model was fitted without --future-covariates; it takes no future values")
    id_col, time_col = model.columns_
    single = None in model.panel_
    first = next(iter(model.panel_.values()))
    if single:  # the fitted series' own date column name (what --future-frame writes)
        time_col = str(first.index.name or "ds")
    return read_future_file(future_file, columns, first, None if single else id_col, time_col, number_format)


def read_future_file(future_file: str, columns: list, like, id_col: str | None, time_col: str,
                     number_format: dict):
    """The ``--future`` table: ``columns`` by ``time_col`` (and ``id_col`` for a panel), the
    time stamps read as dates when ``like`` (a fitted series) has dates, else as integer steps;
    for one series indexed by them."""
    import pandas as pd

    from rnnkit.data.tables import load_table

    path = Path(future_file)
    if not path.is_file():
        raise InputError(f"--future: no such file {future_file!r}")
    dated = isinstance(like.index, pd.DatetimeIndex)  # else integer steps, read as numbers
    try:
        table = load_table(path, text=[] if id_col is None else [id_col], dates=time_col if dated else None,
                           numbers=columns if dated else [time_col, *columns], **number_format)
    except ValueError as exc:
        raise InputError(f"--future: {path.name}: {exc}") from None
    if not dated:
        table[time_col] = table[time_col].astype("int64")
    return table.set_index(time_col) if id_col is None else table
