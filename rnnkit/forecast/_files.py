"""A fitted Forecaster as one safetensors file (DESIGN.md section 4).

Tensors: the ensemble's weights under torch names (``m0.rnn.weight_ih_l0``, ``m0.head.weight``,
...), each series' history (``history.0.values``, ``history.0.covariates``) and the
calibration errors in units of each series' scale (``calibration.scaled_errors``,
``calibration.scales``). Metadata (JSON): the configuration, the per-series normalisers and
time axes (the stamps themselves as int64 counts of the index unit, ``history.0.index``), the training
summary. Nothing is executed on load.
"""
from __future__ import annotations

import os
from typing import Protocol, TypeVar

import numpy as np
import pandas as pd

from rnnkit import io, nn
from rnnkit.data import TimeSeries
from rnnkit.forecast._future import KnownInputs, check_calendar
from rnnkit.forecast._panel import DATE, ID
from rnnkit.forecast._pipelines import Pipeline
from rnnkit.forecast._static import StaticEncoder
from rnnkit.forecast._training import build_network
from rnnkit.forecast._transform import SeriesTransform
from rnnkit.forecast._windows import WindowNormaliser
from rnnkit.nn.cell_table import get_cell

_F = TypeVar("_F", bound="FittedForecaster")


class FittedForecaster(Protocol):
    """What a file holds of a fitted :class:`rnnkit.forecast.Forecaster`, its parameters and
    learned attributes (a protocol, as the forecaster's module imports this one)."""

    panel_: dict[str | int | None, TimeSeries]
    season_length_: int
    strategy_: str
    nets_: list[nn.Sequential]
    pipelines_: list[Pipeline]
    scaled_errors_: np.ndarray
    calibration_scales_: np.ndarray
    training_: dict

    def get_params(self, deep: bool = True) -> dict: ...

    @classmethod
    def from_fitted(cls: type[_F], params: dict, state: dict) -> _F: ...


def save_forecaster(model: FittedForecaster, path: str | os.PathLike[str]) -> None:
    panel = model.panel_
    single = None in panel
    many = list(panel.values())
    tensors = {"calibration.scaled_errors": model.scaled_errors_,
               "calibration.scales": model.calibration_scales_}
    for i, series in enumerate(many):
        tensors[f"history.{i}.values"] = np.asarray(series.values)
        if isinstance(series.index, pd.DatetimeIndex):  # int64 in the index's unit (UTC if tz-aware)
            tensors[f"history.{i}.index"] = series.index.asi8.copy()
        if series.covariates is not None:
            tensors[f"history.{i}.covariates"] = np.asarray(series.covariates)
    for i, net in enumerate(model.nets_):
        tensors.update(io.prefixed_state(f"m{i}.rnn", net[0]))
        tensors.update(io.prefixed_state(f"m{i}.head", net[2]))
    meta = {
        "config": model.get_params(deep=False),
        "season_length": model.season_length_,
        "strategy": model.strategy_,
        "pipelines": [p.to_dict() for p in model.pipelines_],
        "data": {"target": many[0].target, "covariates": list(many[0].covariate_names),
                 "freq": many[0].freq, "panel": not single,
                 "columns": {"id": model.columns_[0], "time": model.columns_[1]},
                 "known": {"columns": list(model.known_.columns), "calendar": list(model.known_.calendar),
                           "holidays": None if model.known_.holidays is None else list(model.known_.holidays)},
                 "static": None if model.static_ is None else model.static_.to_dict(),
                 "series": [_axis(key, s) for key, s in panel.items()]},
        "training": model.training_,
    }
    io.save_model(path, tensors, kind="forecaster", metadata=_plain(meta))


def load_forecaster(cls: type[_F], path: str | os.PathLike[str], backend: str | None = None,
                    device: str | None = None) -> _F:
    tensors, meta = io.load_model(path, kind="forecaster")
    try:
        params = dict(meta["config"], backend=backend, device=device)
        params.setdefault("pipelines", ("raw",))  # files from before pipelines read the series as it is
        if isinstance(params["pipelines"], list):  # JSON has no tuples
            params["pipelines"] = tuple(params["pipelines"])
        data = meta["data"]
        strategy = meta["strategy"]
        known, static = _known(data), _static(data)
        _check_contents(path, tensors, params, data, strategy, _inputs(data, known, static))
        panel = {}
        for i, axis in enumerate(data["series"]):
            panel[axis["id"]] = TimeSeries(
                index=_index(axis, tensors.get(f"history.{i}.index")), values=tensors[f"history.{i}.values"],
                covariates=tensors.get(f"history.{i}.covariates"), target=data["target"],
                covariate_names=tuple(data["covariates"]), freq=data["freq"])
        if not data["panel"]:
            panel = {None: panel[next(iter(panel))]}
        if "pipelines" in meta:
            pipelines = [Pipeline.from_dict(d, known.width) for d in meta["pipelines"]]
        else:  # files from before pipelines: one, reading the series as it is
            normalisers = [WindowNormaliser.from_dict(d) for d in meta["normalisers"]]
            identity = [_identity(axis["points"], n.window) for axis, n in zip(data["series"], normalisers)]
            pipelines = [Pipeline("none", "none", list(range(params["n_models"])), identity, normalisers)]
        for pipe in pipelines:  # files from before shares: the pipelines' mean, as then
            pipe.weights = pipe.weights or [1.0 / len(pipelines)] * len(panel)
        nets = []
        for i in range(params["n_models"]):
            net = build_network(params["cell"], _inputs(data, known, static), params["hidden_size"],
                                params["num_layers"], _outputs(params, strategy), 0, dtype=np.dtype(params["dtype"]))
            net[0].load_state_dict(io.unprefixed_state(f"m{i}.rnn", tensors))
            net[2].load_state_dict(io.unprefixed_state(f"m{i}.head", tensors))
            nets.append(net)
        if not isinstance(meta["training"], dict):
            raise TypeError(f"training summary is a {type(meta['training']).__name__}")
        state = {"panel_": panel, "season_length_": int(meta["season_length"]), "strategy_": strategy,
                 "nets_": nets, "pipelines_": pipelines,
                 "scaled_errors_": tensors["calibration.scaled_errors"],
                 "calibration_scales_": tensors["calibration.scales"], "training_": meta["training"],
                 "columns_": _columns(data), "known_": known, "static_": static}
        return cls.from_fitted(params, state)
    except io.InvalidModelFile:
        raise
    except ValueError as exc:  # parts that do not fit together
        raise io.invalid(path, str(exc)) from None
    except (KeyError, TypeError, IndexError, AttributeError, OverflowError) as exc:  # parts missing
        raise io.invalid(path, f"incomplete forecaster metadata ({type(exc).__name__}: {exc})") from None


def _columns(data: dict) -> tuple[str, str]:
    """The long format's id and time column names a global model answers with (Nixtla's for
    files from before they were kept)."""
    columns = data.get("columns", {"id": ID, "time": DATE})
    if not isinstance(columns, dict) or set(columns) != {"id", "time"}:
        raise ValueError(f"data.columns: expected {{'id': name, 'time': name}}, got {columns!r}")
    return columns["id"], columns["time"]


def _known(data: dict) -> KnownInputs:
    """The inputs known ahead (none for files from before them), each part checked."""
    known = data.get("known", {"columns": [], "calendar": [], "holidays": None})
    if not isinstance(known, dict) or set(known) != {"columns", "calendar", "holidays"}:
        raise ValueError(f"data.known: expected {{'columns', 'calendar', 'holidays'}}, got {known!r}")
    columns = known["columns"]
    if not isinstance(columns, list) or not set(columns) <= set(data["covariates"]):
        raise ValueError(f"data.known.columns: expected names among the covariates, got {columns!r}")
    holidays = known["holidays"]
    if holidays is not None and (not isinstance(holidays, list) or len(holidays) != 2):
        raise ValueError(f"data.known.holidays: expected [country, subdivision] or null, got {holidays!r}")
    calendar = check_calendar(known["calendar"] or None, None) if known["calendar"] else ()
    return KnownInputs(tuple(columns), calendar, None if holidays is None else (holidays[0], holidays[1]))


def _static(data: dict) -> StaticEncoder | None:
    static = data.get("static")
    return None if static is None else StaticEncoder.from_dict(static)


def _inputs(data: dict, known: KnownInputs, static: StaticEncoder | None) -> int:
    """Features per step: the value, the past-only covariates, the known inputs and their flag,
    the static covariates (``WindowNormaliser.normalise``)."""
    past = len(data["covariates"]) - len(known.columns)
    return 1 + past + known.width + (1 if known else 0) + (0 if static is None else static.width)


def _outputs(params: dict, strategy: str) -> int:
    return params["horizon"] if strategy == "direct" else 1


def _check_contents(path, tensors: dict, params: dict, data: dict, strategy: str, inputs: int) -> None:
    """Every tensor the metadata implies, with its shape, and nothing else; the time axes
    increasing and the horizon within the history; all before a network is built, so a small
    file claiming a huge model or horizon is refused without allocating for it."""
    series = data["series"]
    if not isinstance(series, list) or not series or not all(isinstance(a, dict) for a in series):
        raise io.invalid(path, "data.series: expected a non-empty list of series")
    for name in ("n_models", "hidden_size", "num_layers", "horizon"):
        if isinstance(params[name], bool) or not isinstance(params[name], int) or params[name] < 1:
            raise io.invalid(path, f"config.{name}: expected a positive integer, got {params[name]!r}")
    if strategy not in ("direct", "recursive"):
        raise io.invalid(path, f"strategy: expected 'direct' or 'recursive', got {strategy!r}")
    points = [a["points"] for a in series]
    if any(isinstance(p, bool) or not isinstance(p, int) or p < 1 for p in points):
        raise io.invalid(path, "data.series: every series needs a positive number of points")
    h = params["horizon"]
    if h > max(points):
        raise io.invalid(path, f"horizon {h} is longer than the {max(points)} points the model was fitted on")
    n_cov = len(data["covariates"])
    errors = tensors.get("calibration.scaled_errors")
    expected: dict[str, tuple[int, ...]] = {
        "calibration.scaled_errors": (len(errors) if errors is not None and errors.ndim == 2 else 1, h),
        "calibration.scales": (len(series),)}
    stamps = []
    for i, (axis, n) in enumerate(zip(series, points)):
        expected[f"history.{i}.values"] = (n,)
        if axis.get("kind") == "datetime":
            expected[f"history.{i}.index"] = (n,)
            stamps.append(f"history.{i}.index")
        elif axis.get("kind") != "range":
            raise io.invalid(path, f"data.series[{i}].kind: expected 'range' or 'datetime', got {axis.get('kind')!r}")
        if n_cov:
            expected[f"history.{i}.covariates"] = (n, n_cov)
    io.check_claimed_tensors(path, tensors, f"{params['n_models']} networks of {params['num_layers']} layers",
                             params["n_models"] * (2 * params["num_layers"] + 2))  # weight_ih/hh per layer, a head
    layer = get_cell(params["cell"]).module.parameter_shapes(inputs, params["hidden_size"], params["num_layers"])
    k, hidden = _outputs(params, strategy), params["hidden_size"]
    for m in range(params["n_models"]):
        expected |= {f"m{m}.rnn.{name}": shape for name, shape in layer.items()}
        expected |= {f"m{m}.head.weight": (k, hidden), f"m{m}.head.bias": (k,)}
    io.check_tensors(path, tensors, expected, integer=stamps)
    for name in stamps:
        if np.any(np.diff(tensors[name]) <= 0):
            raise io.invalid(path, f"tensor {name!r}: time stamps must increase")
    if np.any(tensors["calibration.scales"] <= 0):
        raise io.invalid(path, "tensor 'calibration.scales': every scale must be positive")


def _plain(value):
    """``value`` as JSON can hold it, all the way down: numpy scalars become Python numbers,
    anything else unknown (a torch device) its name."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _axis(key, series: TimeSeries) -> dict:
    """What rebuilds a series' time axis besides its ``history.{i}.index`` tensor."""
    index = series.index
    axis = {"id": key, "points": len(series), "index_name": index.name}
    if isinstance(index, pd.RangeIndex):
        return axis | {"kind": "range", "start": int(index.start), "step": int(index.step)}
    return axis | {"kind": "datetime", "unit": index.unit, "tz": None if index.tz is None else str(index.tz)}


def _index(axis: dict, stamps) -> pd.Index:
    if axis["kind"] == "range":
        start, step = axis["start"], axis["step"]
        return pd.RangeIndex(start, start + step * axis["points"], step, name=axis["index_name"])
    index = pd.DatetimeIndex(np.asarray(stamps).astype(f"datetime64[{axis['unit']}]"), name=axis["index_name"])
    return index if axis["tz"] is None else index.tz_localize("UTC").tz_convert(axis["tz"])


def _identity(points: int, window: int) -> SeriesTransform:
    return SeriesTransform.from_dict({"transform": "none", "deseasonalise": "none", "periods": [], "keep": window,
                                      "n": points, "log": False, "fitted_periods": [], "tails": []})
