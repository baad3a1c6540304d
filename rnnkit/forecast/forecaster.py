"""The RNN forecaster: a small ensemble of recurrent networks on normalised windows.

Default pipeline (each choice measured in benchmarks/forecast_accuracy.py):
1. examples cut from the series at every origin, normalised window by window (``_windows.py``);
2. the latest origins held out: early stopping and the errors that calibrate the intervals;
3. ``n_models`` networks (seeds ``seed, seed+1, ...``) trained with Adam and clipping;
4. with ``refit=True`` the same networks are trained again on every origin for the number of
   steps early stopping chose, so the latest data shapes the weights too;
5. the forecast is the ensemble mean; direct (one output per step ahead) or recursive.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from rnnkit import io
from rnnkit.data import TimeSeries
from rnnkit.forecast._training import build_network, predict_batches, train_network
from rnnkit.forecast._windows import WindowNormaliser, windows as _windows
from rnnkit.forecast.base import BaseForecaster

_CELLS = ("rnn", "lstm", "gru")
_STRATEGIES = ("auto", "direct", "recursive")


class Forecaster(BaseForecaster):
    """Forecast a series with recurrent networks, scikit-learn style.

    Parameters
    ----------
    horizon : int
        Steps ahead to forecast.
    season_length : "auto" or int
        Season of the series (12 for monthly data, ...); "auto" reads it from the frequency.
    cell : {"gru", "lstm", "rnn"}
    window : "auto" or int
        Past steps the network reads; "auto" takes max(2 * season, 2 * horizon, 8), shortened
        when the series is short.
    hidden_size, num_layers : int
    strategy : {"auto", "direct", "recursive"}
        Direct: one output per step ahead. Recursive: one step, fed back ``horizon`` times.
        "auto": direct unless the series is too short to give it enough training examples.
    n_models : int
        Networks in the ensemble (different seeds), averaged.
    max_steps, eval_every, patience : int
        Training budget in minibatch steps; evaluate on held-out origins every ``eval_every``
        steps and stop after ``patience`` evaluations without improvement.
    lr, batch_size, clip_norm : training settings (Adam, global-norm clipping)
    refit : bool
        Train again on all origins for the chosen number of steps.
    seed : int
        Every random choice derives from it; the same seed gives the same forecasts.
    progress : bool
        Show a progress bar on stderr while training.

    Examples
    --------
    >>> from rnnkit.data import load_dataset_series
    >>> from rnnkit.forecast import Forecaster
    >>> y = load_dataset_series("air_passengers")
    >>> fc = Forecaster(horizon=12, seed=0).fit(y[:-12])           # doctest: +SKIP
    >>> fc.predict(level=[80, 95]).columns.tolist()                 # doctest: +SKIP
    ['forecast', 'lo_80', 'hi_80', 'lo_95', 'hi_95']
    """

    def __init__(self, horizon: int = 1, season_length="auto", cell: str = "gru", window="auto",
                 hidden_size: int = 32, num_layers: int = 1, strategy: str = "auto",
                 n_models: int = 3, max_steps: int = 500, eval_every: int = 25, patience: int = 5,
                 lr: float = 3e-3, batch_size: int = 64, clip_norm: float = 1.0, refit: bool = True,
                 seed: int = 0, progress: bool = False):
        self.horizon = horizon
        self.season_length = season_length
        self.cell = cell
        self.window = window
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.strategy = strategy
        self.n_models = n_models
        self.max_steps = max_steps
        self.eval_every = eval_every
        self.patience = patience
        self.lr = lr
        self.batch_size = batch_size
        self.clip_norm = clip_norm
        self.refit = refit
        self.seed = seed
        self.progress = progress

    # --- configuration -------------------------------------------------------------------------
    def _validate(self, series: TimeSeries) -> None:
        if self.cell not in _CELLS:
            raise ValueError(f"cell: expected one of {_CELLS}, got {self.cell!r}")
        if self.strategy not in _STRATEGIES:
            raise ValueError(f"strategy: expected one of {_STRATEGIES}, got {self.strategy!r}")
        if self.strategy == "recursive" and series.covariates is not None:
            raise ValueError("strategy: 'recursive' needs future covariates, which are unknown; "
                             "use strategy='direct' with past covariates")
        for name in ("hidden_size", "num_layers", "n_models", "max_steps", "eval_every",
                     "patience", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name}: expected a positive integer, got {value!r}")

    def _window_for(self, n: int) -> int:
        h, m = self.horizon, self.season_length_
        if self.window != "auto":
            if isinstance(self.window, bool) or not isinstance(self.window, (int, np.integer)) or self.window < 2:
                raise ValueError(f"window: expected 'auto' or an integer >= 2, got {self.window!r}")
            return int(self.window)
        w = max(2 * m, 2 * h, 8)
        # Keep at least ~half the series as origins to learn from.
        return int(max(2, min(w, (n - h) // 2)))

    def _check_length(self, series) -> None:
        self._validate(series)
        h = self.horizon
        w = self._window_for(len(series))
        need = w + h + 4
        if len(series) < need:
            raise ValueError(f"y: series has {len(series)} points; window {w} + horizon {h} "
                             f"needs at least {need}")

    @property
    def _outputs(self) -> int:
        return self.horizon if self.strategy_ == "direct" else 1

    # --- fitting -------------------------------------------------------------------------------
    def _held_out(self, n: int, w: int) -> int:
        """How many of the latest origins to hold out (early stopping, interval calibration)."""
        origins = n - w - self.horizon + 1
        return int(max(1, min(max(5, math.ceil(0.15 * origins)), origins // 3, 60)))

    def _resolve_strategy(self, n: int, w: int, has_covariates: bool) -> str:
        """``"auto"``: direct when it leaves enough training examples or covariates are given
        (their future is unknown), else recursive (a one-step model has ``horizon - 1`` more
        examples to learn from)."""
        if self.strategy != "auto":
            return self.strategy
        if has_covariates:
            return "direct"
        cut = n - self.horizon - self._held_out(n, w) + 1
        direct_examples = cut - w - self.horizon + 1
        return "direct" if direct_examples >= max(40, 3 * self.horizon) else "recursive"

    def _train_ensemble(self, x, y, seed_offset: int, tick, **kwargs) -> tuple[list, list]:
        nets, summaries = [], []
        for i in range(self.n_models):
            net = build_network(self.cell, x.shape[-1], self.hidden_size, self.num_layers,
                                y.shape[1], self.seed + i)
            summaries.append(train_network(
                net, x, y, lr=self.lr, batch_size=self.batch_size, max_steps=self.max_steps,
                eval_every=self.eval_every, patience=self.patience, clip_norm=self.clip_norm,
                seed=self.seed + seed_offset + i, on_step=tick, **kwargs))
            nets.append(net)
        return nets, summaries

    def _fit(self, series: TimeSeries) -> None:
        values, cov = np.asarray(series.values), series.covariates
        n, h = len(values), self.horizon
        w = self._window_for(n)
        self.strategy_ = self._resolve_strategy(n, w, cov is not None)
        k = self._outputs
        # Phase one: everything from `cut` on is held out. Training examples have their targets
        # before `cut`; held-out origins start at `cut` and each has a full horizon after it.
        n_val = self._held_out(n, w)
        cut = n - h - n_val + 1
        head_cov = None if cov is None else cov[:cut]
        phase1 = WindowNormaliser(w, k).fit(values[:cut], head_cov)
        x_tr, y_tr, _ = phase1.examples(values[:cut], head_cov)
        past = _windows(values, w)[cut - w:cut - w + n_val]
        cov_past = None if cov is None else _windows(cov, w)[cut - w:cut - w + n_val]
        actual = _windows(values[cut:], h)[:n_val]
        x_val = phase1.normalise(past, cov_past)
        y_val = ((actual[:, :k] - past[:, -1:]) / phase1.scale_).astype(np.float32)

        bar = _progress(self.progress, self.n_models * self.max_steps * (2 if self.refit else 1))
        tick = (lambda: bar.update(1)) if bar else None
        nets, summaries = self._train_ensemble(x_tr, y_tr, 1000, tick, x_val=x_val, y_val=y_val)
        self.normaliser_, self.nets_ = phase1, nets
        # Calibration: absolute errors of the phase-one ensemble on the held-out origins.
        self._held_out_errors = np.abs(actual - self._paths(past, cov_past, h))
        best = max(int(np.mean([s["best_step"] for s in summaries])), self.eval_every)
        self.training_ = {"strategy": self.strategy_, "window": w, "held_out": n_val,
                          "examples": len(x_tr), "best_step": best,
                          "phase1": [_summary(s) for s in summaries]}
        if self.refit:  # Phase two: every origin, for the number of steps phase one chose.
            final = WindowNormaliser(w, k).fit(values, cov)
            x_all, y_all, _ = final.examples(values, cov)
            nets, summaries = self._train_ensemble(x_all, y_all, 2000, tick, fixed_steps=best)
            self.normaliser_, self.nets_ = final, nets
            self.training_["refit"] = [_summary(s) for s in summaries]
        if bar:
            bar.close()

    def _calibration_errors(self, series) -> np.ndarray:
        return self._held_out_errors

    # --- forecasting ---------------------------------------------------------------------------
    def _paths(self, past: np.ndarray, cov_past, h: int) -> np.ndarray:
        """Forecasts (N, h) in original units from raw windows (N, w) (+ covariates)."""
        paths = np.asarray(past, dtype=float)
        w = paths.shape[1]
        if cov_past is not None and h > self._outputs:
            raise ValueError(f"horizon: {h} exceeds the fitted horizon {self._outputs}; with "
                             "covariates the forecaster cannot go further (their future is unknown)")
        while paths.shape[1] < w + h:
            window = paths[:, -w:]
            x = self.normaliser_.normalise(window, cov_past)
            out = np.mean([predict_batches(net, x) for net in self.nets_], axis=0)
            paths = np.concatenate([paths, self.normaliser_.to_levels(out, window[:, -1])], axis=1)
        return paths[:, w:w + h]

    def _forecast(self, series: TimeSeries, h: int) -> np.ndarray:
        w = self.normaliser_.window
        past = np.asarray(series.values[-w:])[None, :]
        cov = None if series.covariates is None else np.asarray(series.covariates[-w:])[None]
        return self._paths(past, cov, h)[0]

    # --- files ---------------------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the fitted forecaster to one safetensors file (weights, scaler, history)."""
        self._check_fitted()
        tensors = {"history.values": np.asarray(self.series_.values),
                   "calibration.errors": self.calibration()}
        if self.series_.covariates is not None:
            tensors["history.covariates"] = np.asarray(self.series_.covariates)
        for i, net in enumerate(self.nets_):
            tensors.update(io.prefixed_state(f"m{i}.rnn", net[0]))
            tensors.update(io.prefixed_state(f"m{i}.head", net[2]))
        index = self.series_.index
        meta = {
            "config": self.get_params(),
            "season_length": self.season_length_,
            "strategy": self.strategy_,
            "normaliser": self.normaliser_.to_dict(),
            "data": {"target": self.series_.target, "covariates": list(self.series_.covariate_names),
                     "freq": self.series_.freq, "points": len(self.series_),
                     "index": [str(t) for t in index] if isinstance(index, pd.DatetimeIndex) else None,
                     "index_start": int(index.start) if isinstance(index, pd.RangeIndex) else None,
                     "index_name": index.name},
            "training": self.training_,
        }
        io.save_model(path, tensors, kind="forecaster", metadata=meta)

    @classmethod
    def load(cls, path) -> "Forecaster":
        """Read a forecaster written by :meth:`save`; predicts exactly as before saving."""
        tensors, meta = io.load_model(path, kind="forecaster")
        try:
            model = cls(**meta["config"])
            data = meta["data"]
            if data["index"] is not None:
                index = pd.DatetimeIndex(data["index"], name=data["index_name"])
            else:
                index = pd.RangeIndex(data["index_start"], data["index_start"] + data["points"],
                                      name=data["index_name"])
            series = TimeSeries(index=index, values=tensors["history.values"],
                                covariates=tensors.get("history.covariates"), target=data["target"],
                                covariate_names=tuple(data["covariates"]), freq=data["freq"])
            model.season_length_ = int(meta["season_length"])
            model.strategy_ = meta["strategy"]
            model.normaliser_ = WindowNormaliser.from_dict(meta["normaliser"])
            n_inputs = 1 + len(data["covariates"])
            model.nets_ = []
            for i in range(model.n_models):
                net = build_network(model.cell, n_inputs, model.hidden_size, model.num_layers, model._outputs, 0)
                net[0].load_state_dict(io.unprefixed_state(f"m{i}.rnn", tensors))
                net[2].load_state_dict(io.unprefixed_state(f"m{i}.head", tensors))
                model.nets_.append(net)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"model {str(path)!r}: incomplete forecaster file ({exc})") from None
        model.series_ = series
        model._held_out_errors = model.calibration_errors_ = tensors["calibration.errors"]
        model.training_ = meta["training"]
        return model


def _summary(s: dict) -> dict:
    return {"steps": s["steps"], "best_step": s["best_step"], "seconds": round(s["seconds"], 3),
            "train_curve": s["train_curve"], "val_curve": s["val_curve"]}


def _progress(enabled: bool, total: int):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="training", unit="step", leave=False)
