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
import os

import numpy as np
import pandas as pd

from rnnkit._backend import check_backend
from rnnkit.data import TimeSeries
from rnnkit.forecast._files import load_forecaster, save_forecaster
from rnnkit.forecast._inputs import season_length_for
from rnnkit.forecast._panel import as_panel, is_panel, long_frame
from rnnkit.forecast._training import NumpyBackend, build_network, get_backend
from rnnkit.forecast._windows import WindowNormaliser
from rnnkit.forecast._windows import windows as _windows
from rnnkit.forecast.base import BaseForecaster, conformal_halfwidth, forecast_frame

_CELLS = ("rnn", "lstm", "gru")
_STRATEGIES = ("auto", "direct", "recursive")
_DTYPES = ("float32", "float64")


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
    backend : {"numpy", "torch"}
        Where the networks train and run: the NumPy engine, or PyTorch (GPU, several processes
        under ``torchrun``; docs/distributed.md). Both give the same results for the same seed
        up to floating-point rounding, and read each other's files.
    device : str, optional
        torch backend only: "cpu", "cuda", "cuda:1", ...; None takes cuda when available.
    dtype : {"float32", "float64"}
        Precision of the networks.
    n_jobs : int or None, default -1
        Processes that train the ensemble's networks side by side (numpy backend): -1 one per
        network (at most twice the cores), None or 1 none. Each network trains alone from its
        own seed, so the forecasts are the same for every value.
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

    Several series as one global model, in long format (``unique_id``, ``ds``, ``y``):

    >>> fc = Forecaster(horizon=14).fit(panel_frame)                # doctest: +SKIP
    >>> fc.predict(level=[90]).columns.tolist()                     # doctest: +SKIP
    ['unique_id', 'ds', 'forecast', 'lo_90', 'hi_90']
    """

    def __init__(self, horizon: int = 1, season_length="auto", cell: str = "gru", window="auto",
                 hidden_size: int = 32, num_layers: int = 1, strategy: str = "auto",
                 n_models: int = 3, max_steps: int = 500, eval_every: int = 25, patience: int = 5,
                 lr: float = 3e-3, batch_size: int = 64, clip_norm: float = 1.0, refit: bool = True,
                 backend: str = "numpy", device: str | None = None, dtype: str = "float32",
                 n_jobs: int | None = -1, seed: int = 0, progress: bool = False):
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
        self.backend = backend
        self.device = device
        self.dtype = dtype
        self.n_jobs = n_jobs
        self.seed = seed
        self.progress = progress

    # --- configuration -------------------------------------------------------------------------
    def _validate(self, series: TimeSeries) -> None:
        if self.cell not in _CELLS:
            raise ValueError(f"cell: expected one of {_CELLS}, got {self.cell!r}")
        if self.n_jobs is not None and (isinstance(self.n_jobs, bool) or not isinstance(self.n_jobs, (int, np.integer))
                                        or (self.n_jobs < 1 and self.n_jobs != -1)):
            raise ValueError(f"n_jobs: expected a positive integer, -1 (every core) or None, got {self.n_jobs!r}")
        for name in ("lr", "clip_norm"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not value > 0:
                raise ValueError(f"{name}: expected a positive number, got {value!r}")
        if self.dtype not in _DTYPES:
            raise ValueError(f"dtype: expected one of {_DTYPES}, got {self.dtype!r}")
        check_backend(self.backend, self.device)  # an unknown backend or device: refused now
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
    def _dtype(self) -> np.dtype:
        return np.dtype(self.dtype)

    @property
    def _outputs(self) -> int:
        return self.horizon if self.strategy_ == "direct" else 1

    # --- fitting -------------------------------------------------------------------------------
    def fit(self, y, covariates=None):
        """Fit to one series, or to several at once as one global model.

        Parameters
        ----------
        y : TimeSeries, pandas Series or 1-D array (one series); or a long-format DataFrame with
            columns ``unique_id``, ``ds`` (optional) and ``y``, or a dict of series (a global
            model: one set of networks trained on windows of every series, each normalised by
            its own scale).
        covariates : for one series, a DataFrame or 2-D array aligned with ``y``; for a
            long-format frame, the names of its covariate columns.

        Returns
        -------
        self
        """
        if not is_panel(y):
            self.__dict__.pop("panel_", None)
            return super().fit(y, covariates)
        self._check_horizon()
        panel = as_panel(y, covariates)
        for name in ("series_", "calibration_errors_"):
            self.__dict__.pop(name, None)
        self.season_length_ = season_length_for(next(iter(panel.values())), self.season_length)
        for key, series in panel.items():
            try:
                self._check_length(series)
            except ValueError as exc:
                raise ValueError(f"series {key!r}: {exc}") from None
        self._fit_many(list(panel.values()))
        self.panel_ = panel
        return self

    def _fit(self, series: TimeSeries) -> None:
        self._fit_many([series])

    def _held_out(self, n: int, w: int, n_series: int = 1) -> int:
        """How many of a series' latest origins to hold out (early stopping, interval
        calibration); a global model holds out fewer per series, ~600 in all."""
        origins = n - w - self.horizon + 1
        cap = 60 if n_series == 1 else max(1, math.ceil(600 / n_series))
        return int(max(1, min(max(5, math.ceil(0.15 * origins)), origins // 3, cap)))

    def _resolve_strategy(self, n: int, w: int, has_covariates: bool, n_series: int = 1) -> str:
        """``"auto"``: direct when it leaves enough training examples or covariates are given
        (their future is unknown), else recursive (a one-step model has ``horizon - 1`` more
        examples to learn from)."""
        if self.strategy != "auto":
            return self.strategy
        if has_covariates:
            return "direct"
        cut = n - self.horizon - self._held_out(n, w, n_series) + 1
        direct_examples = n_series * (cut - w - self.horizon + 1)
        return "direct" if direct_examples >= max(40, 3 * self.horizon) else "recursive"

    def _train_ensemble(self, x, y, seed_offset: int, bar, **kwargs) -> tuple[list, list]:
        """Train the ``n_models`` networks, in worker processes when ``n_jobs`` allows: each
        network is trained alone from its own seed, so the result does not depend on it."""
        shape = (self.cell, x.shape[-1], self.hidden_size, self.num_layers, y.shape[1])
        settings = dict(lr=self.lr, batch_size=self.batch_size, max_steps=self.max_steps,
                        eval_every=self.eval_every, patience=self.patience,
                        clip_norm=self.clip_norm, **kwargs)
        jobs = self._jobs()
        if jobs == 1:
            backend = get_backend(self.backend, self.device)
            tick = (lambda: bar.update(1)) if bar else None
            results = [_train_one(backend, shape, self._dtype, self.seed + i, x, y,
                                  dict(settings, seed=self.seed + seed_offset + i, on_step=tick))
                       for i in range(self.n_models)]
        else:
            from joblib import Parallel, delayed

            tasks = (delayed(_train_one)(NumpyBackend(), shape, self._dtype, self.seed + i, x, y,
                                         dict(settings, seed=self.seed + seed_offset + i))
                     for i in range(self.n_models))
            results = []
            for net, summary in Parallel(n_jobs=jobs, return_as="generator")(tasks):
                results.append((net, summary))
                if bar:
                    bar.update(summary["steps"])
        return [r[0] for r in results], [r[1] for r in results]

    def _jobs(self) -> int:
        """Worker processes for the ensemble: 1 on the torch backend (it has its own
        parallelism) and for a single network; else ``n_jobs``, where -1 means one per network
        up to twice the cores (measured: 3 networks on 2 cores finish sooner all at once than
        two then one, 17 s against 20 s for nottem)."""
        if self.backend != "numpy" or self.n_models == 1 or self.n_jobs in (None, 1):
            return 1
        limit = 2 * (os.cpu_count() or 1) if self.n_jobs == -1 else self.n_jobs
        return max(1, min(self.n_models, limit))

    def _fit_many(self, many: list[TimeSeries]) -> None:
        h, S = self.horizon, len(many)
        n_min = min(len(s) for s in many)
        w = self._window_for(n_min)
        self.strategy_ = self._resolve_strategy(n_min, w, many[0].covariates is not None, S)
        k = self._outputs
        need = w + h + k + self._held_out(n_min, w, S) - 1  # one training example at least
        if n_min < need:
            raise ValueError(f"y: series has {n_min} points; strategy {self.strategy_!r} with window "
                             f"{w} and horizon {h} needs at least {need}")
        # Phase one: each series' latest origins are held out (early stopping, calibration).
        held = [_HeldOut(s, w, h, k, self._held_out(len(s), w, S)) for s in many]
        x_tr, y_tr = self._stack([(p.x, p.y) for p in held])
        x_val, y_val = self._stack([(p.x_val, p.y_val) for p in held])
        bar = _progress(self.progress and self._main_process(), self.n_models * self.max_steps * (2 if self.refit else 1))
        nets, summaries = self._train_ensemble(x_tr, y_tr, 1000, bar, x_val=x_val, y_val=y_val)
        self.nets_ = nets
        # Calibration: the phase-one ensemble's held-out errors, in units of each series' scale
        # so that one global model pools them across series.
        forecasts = self._paths([(p.normaliser, p.past, p.cov_past) for p in held], h)
        self.calibration_scales_ = np.array([p.normaliser.scale_ for p in held])
        self.scaled_errors_ = np.concatenate(
            [np.abs(p.actual - f) / p.normaliser.scale_ for p, f in zip(held, forecasts)])
        self.normalisers_ = [p.normaliser for p in held]
        best = min(max(int(np.mean([s["best_step"] for s in summaries])), self.eval_every), self.max_steps)
        self.training_ = {"strategy": self.strategy_, "window": w, "series": S,
                          "held_out": int(sum(len(p.actual) for p in held)),
                          "examples": len(x_tr), "best_step": best,
                          "phase1": [_summary(s) for s in summaries]}
        if self.refit:  # Phase two: every origin, for the number of steps phase one chose.
            finals = [WindowNormaliser(w, k).fit(s.values, s.covariates) for s in many]
            x_all, y_all = self._stack([f.examples(s.values, s.covariates)[:2] for f, s in zip(finals, many)])
            nets, summaries = self._train_ensemble(x_all, y_all, 2000, bar, fixed_steps=best)
            self.normalisers_, self.nets_ = finals, nets
            self.training_["refit"] = [_summary(s) for s in summaries]
        self.normaliser_ = self.normalisers_[0]
        if bar:
            bar.close()

    def _stack(self, pairs) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = zip(*pairs)
        return (np.concatenate(xs).astype(self._dtype, copy=False),
                np.concatenate(ys).astype(self._dtype, copy=False))

    def _calibration_errors(self, series) -> np.ndarray:
        return self.scaled_errors_ * self.calibration_scales_[0]

    def calibration(self) -> np.ndarray:
        """Absolute held-out errors (origins, horizon) behind the intervals. A global model
        pools its series' errors in units of each series' scale, so it returns those
        (``scaled_errors_``; series i's intervals are ``calibration_scales_[i]`` times them)."""
        if hasattr(self, "panel_"):
            return self.scaled_errors_
        return super().calibration()

    # --- forecasting ---------------------------------------------------------------------------
    def _paths(self, segments: list, h: int) -> list[np.ndarray]:
        """Forecasts in original units from raw windows, one network call per step for all.

        ``segments`` holds ``(normaliser, past (N, w), covariate windows (N, w, k) or None)``
        per series; returns one (N, h) array per segment.
        """
        paths = [np.asarray(past, dtype=float) for _, past, _ in segments]
        w = paths[0].shape[1]
        if segments[0][2] is not None and h > self._outputs:
            raise ValueError(f"horizon: {h} exceeds the fitted horizon {self._outputs}; with "
                             "covariates the forecaster cannot go further (their future is unknown)")
        backend = get_backend(self.backend, self.device)
        cuts = np.cumsum([len(p) for p in paths])[:-1]
        while paths[0].shape[1] < w + h:
            x = np.concatenate([norm.normalise(p[:, -w:], cov) for (norm, _, cov), p in zip(segments, paths)])
            x = x.astype(self._dtype, copy=False)
            out = np.mean([backend.predict(net, x) for net in self.nets_], axis=0)
            paths = [np.concatenate([p, norm.to_levels(o, p[:, -1])], axis=1)
                     for (norm, _, _), p, o in zip(segments, paths, np.split(out, cuts))]
        return [p[:, w:w + h] for p in paths]

    def _last_window(self, series: TimeSeries, normaliser) -> tuple:
        w = normaliser.window
        cov = None if series.covariates is None else np.asarray(series.covariates[-w:])[None]
        return normaliser, np.asarray(series.values[-w:])[None, :], cov

    def _forecast(self, series: TimeSeries, h: int) -> np.ndarray:
        return self._paths([self._last_window(series, self.normaliser_)], h)[0][0]

    def predict(self, horizon: int | None = None, level=None) -> pd.DataFrame:
        """Forecast the next ``horizon`` steps (default: the fitted horizon).

        Parameters
        ----------
        horizon : int, optional
        level : list of numbers in (0, 100), optional
            Interval levels; adds columns ``lo_<L>`` and ``hi_<L>``.

        Returns
        -------
        One series: a DataFrame indexed by the future time stamps, column ``forecast`` (+ the
        interval columns). A global model: long format, columns ``unique_id``, ``ds``,
        ``forecast`` (+ intervals), every series in the order it was given.
        """
        if not hasattr(self, "panel_"):
            return super().predict(horizon, level)
        h, levels = self._check_predict_args(horizon, level)
        panel = self.panel_
        points = self._paths([self._last_window(s, n) for s, n in zip(panel.values(), self.normalisers_)], h)
        frames = {}
        for key, series, point, scale in zip(panel, panel.values(), points, self.calibration_scales_):
            frames[key] = forecast_frame(series, point[0], levels, lambda lv, s=scale: s * conformal_halfwidth(
                self.scaled_errors_, lv, h))
        return long_frame(frames)

    def backtest(self, y, covariates=None, folds: int = 3, step: int | None = None, level=None):
        """Rolling-origin backtest with a refit per fold (one series); see
        :func:`rnnkit.forecast.backtest.backtest`."""
        if is_panel(y):
            raise ValueError("y: backtest takes one series; for a global model, backtest each "
                             "series' forecasts from models fitted on the panel cut at each origin")
        return super().backtest(y, covariates, folds=folds, step=step, level=level)

    def _check_fitted(self) -> None:
        if not hasattr(self, "panel_"):
            super()._check_fitted()

    # --- files ---------------------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the fitted forecaster to one safetensors file (weights, normalisers, history,
        calibration), readable by :meth:`load` on either backend.

        Under ``torchrun`` (torch backend, several processes) only rank 0 writes: every rank
        holds the same weights, and one writer never races another for the file."""
        self._check_fitted()
        if self._main_process():
            save_forecaster(self, path)

    def _main_process(self) -> bool:
        if self.backend != "torch":
            return True
        from rnnkit.torch.distributed import is_main

        return is_main()

    @classmethod
    def load(cls, path, backend: str = "numpy", device: str | None = None) -> Forecaster:
        """Read a forecaster written by :meth:`save`; predicts exactly as before saving.

        A file holds the model, not where it ran: it loads on ``backend`` ("numpy" by default,
        or "torch" on ``device``) whichever backend trained it."""
        return load_forecaster(cls, path, backend, device)


class _HeldOut:
    """Phase one for one series: training examples whose targets end before ``cut`` and the
    held-out origins from ``cut`` on, each with a full horizon after it."""

    def __init__(self, series: TimeSeries, w: int, h: int, k: int, n_val: int):
        values, cov = np.asarray(series.values), series.covariates
        cut = len(values) - h - n_val + 1
        head_cov = None if cov is None else cov[:cut]
        self.normaliser = WindowNormaliser(w, k).fit(values[:cut], head_cov)
        self.x, self.y, _ = self.normaliser.examples(values[:cut], head_cov)
        self.past = _windows(values, w)[cut - w:cut - w + n_val]
        self.cov_past = None if cov is None else _windows(cov, w)[cut - w:cut - w + n_val]
        self.actual = _windows(values[cut:], h)[:n_val]
        self.x_val = self.normaliser.normalise(self.past, self.cov_past)
        self.y_val = (self.actual[:, :k] - self.past[:, -1:]) / self.normaliser.scale_


def _train_one(backend, shape: tuple, dtype, init_seed: int, x, y, settings: dict) -> tuple:
    """Build one network from ``init_seed`` and train it; module level so that worker
    processes can run it."""
    net = build_network(*shape, init_seed, dtype=dtype)
    return net, backend.train(net, x, y, **settings)


def _summary(s: dict) -> dict:
    return {"steps": s["steps"], "best_step": s["best_step"], "seconds": round(s["seconds"], 3),
            "train_curve": s["train_curve"], "val_curve": s["val_curve"]}


def _progress(enabled: bool, total: int):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="training", unit="step", leave=False)
