"""The RNN forecaster: a small ensemble of recurrent networks on normalised windows.

Default pipeline (each choice measured in benchmarks/forecast_accuracy.py):
1. examples cut from the series at every origin, normalised window by window (``_windows.py``);
2. the latest origins held out: early stopping and the errors that calibrate the intervals;
3. ``n_models`` networks, each from its own seed (``_ensemble.py``), trained with Adam and clipping;
4. with ``refit=True`` the same networks are trained again on every origin for the number of
   steps early stopping chose, so the latest data shapes the weights too;
5. each pipeline's forecast is the mean of its networks'; the pipelines are combined per series
   by their errors on the held-out origins (``combine``); direct or recursive.
"""
from __future__ import annotations

import math
import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from rnnkit.backends import check_backend, get_backend
from rnnkit.data import TimeSeries
from rnnkit.exceptions import NotFittedError
from rnnkit.forecast._ensemble import PHASE1, REFIT, HeldOut, known_at, known_windows, summary, train_ensemble
from rnnkit.forecast._files import load_forecaster, save_forecaster
from rnnkit.forecast._future import (
    KnownInputs,
    check_calendar,
    check_holidays,
    future_frame,
    future_rows,
    merge_future,
    read_future,
)
from rnnkit.forecast._inputs import as_series, check_magnitude, season_length_for
from rnnkit.forecast._panel import DATE, ID, as_panel, check_column_names, is_panel, long_frame
from rnnkit.forecast._pipelines import Pipeline, blend, check_combine, check_pipelines, combine_weights, plan
from rnnkit.forecast._smoothing import fit_smoothers
from rnnkit.forecast._static import StaticEncoder
from rnnkit.forecast._training import predict
from rnnkit.forecast._transform import SeriesTransform, season_periods
from rnnkit.forecast._windows import WindowNormaliser, series_scale
from rnnkit.forecast.base import BaseForecaster, conformal_halfwidth, forecast_frame
from rnnkit.nn.cell_table import get_cell
from rnnkit.progress import check_progress, progress_bar

_STRATEGIES = ("auto", "direct", "recursive")
# What fit learns; a file holds exactly these (Forecaster.from_fitted).
_FITTED = ("panel_", "season_length_", "strategy_", "nets_", "pipelines_",
           "scaled_errors_", "calibration_scales_", "training_", "columns_", "known_", "static_")
_DTYPES = ("float32", "float64")


class Forecaster(BaseForecaster):
    """Forecast a series with recurrent networks, scikit-learn style.

    Parameters
    ----------
    horizon : int
        Steps ahead to forecast.
    season_length : "auto" or int
        Season of the series (12 for monthly data, ...); "auto" reads it from the frequency.
    pipelines : "auto" or tuple of {"raw", "log", "stl", "log+stl", "ets"}
        What the networks read, fitted on the training part only and undone on the forecast:
        "log" the log of a strictly positive series (swings that grow with the level become
        constant ones), "stl" the series with its seasons removed (STL; MSTL with the weekly
        season of hourly and half-hourly data and the yearly one of daily data, each when two
        cycles are in the data and the season is strong, see ``_transform.py``; the last
        fitted season is added back, repeated), "log+stl" both, "raw" neither. "ets" fits no
        network: it forecasts the "log+stl" series by exponential smoothing, damped trend or
        none by AICc, per series (``_smoothing.py``); at least one network pipeline is needed.
        The networks are dealt out to the network pipelines in turn. "auto" is
        ``("log", "stl", "ets")``, chosen on the tuning half of the benchmark
        (docs/forecasting.md).
    combine : {"inverse", "best", "mean"}
        How each series' forecast is made from the pipelines' forecasts, judged by their
        errors on the series' held-out latest origins (phase one, fitted before them): "best"
        the pipeline with the least error, "inverse" shares proportional to error ** -4, "mean"
        equal shares. Chosen on the tuning half of the benchmark (docs/forecasting.md).
    cell : {"gru", "lstm", "rnn"}
    window : "auto" or int
        Past steps the network reads; "auto" takes max(2 * horizon, 1.25 * season, 8),
        shortened when the series is short.
    hidden_size, num_layers : int
    strategy : {"auto", "direct", "recursive"}
        Direct: one output per step ahead. Recursive: one step, fed back ``horizon`` times.
        "auto": direct unless the series is too short to give it enough training examples.
    n_models : int, default 4
        Networks in the ensemble (independent seeds), dealt out in turn to the network
        pipelines ("auto": two of them, two networks each); each pipeline forecasts with the
        mean of its networks, and ``combine`` makes the forecast from the pipelines'.
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
    progress : bool or "auto", default "auto"
        Progress on stderr while training (a bar on a terminal, plain lines elsewhere); "auto"
        shows it only once the training has run for 5 seconds, so quick fits stay quiet.
    calendar : None, "auto" or list of str, default None
        Calendar features computed from the time stamps and read as inputs known ahead (a sine
        and a cosine each): names from "minute", "hour", "dayofweek", "dayofmonth",
        "dayofyear", "weekofyear", "month", "quarter"; "auto" those that vary within a year
        at the series' frequency (hour and day of week for hourly data, day of week and of
        year for daily data, month for monthly data, ...).
    holidays : str, optional
        A country code of the ``holidays`` package ("US", "DE", or with a subdivision "AU-VIC"):
        a 0/1 public-holiday input, known ahead.
    known_regression : bool, default True
        With inputs known ahead, first take out of each (log) series what a least-squares
        regression on them explains (each standardised, and squared where it has more than two
        values), fitted on the training part; the networks read and forecast what remains and
        the regression's effect over the forecast steps is added back (``_regression.py``;
        measured in benchmarks/known_future.py). The networks read the known inputs either way.

    Notes
    -----
    A series longer than :attr:`max_fit_points` (20,000) is fitted, and kept, as its latest
    20,000 points. The bound leaves every series of the accuracy benchmark (at most about
    5,000 points) as it is; without it the seasonal decomposition of a million points alone
    took two minutes.

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

    max_fit_points = 20_000

    def __init__(self, horizon: int = 1, season_length: int | str = "auto",
                 pipelines: str | tuple[str, ...] = "auto", combine: str = "inverse", cell: str = "gru",
                 window: int | str = "auto",
                 hidden_size: int = 32, num_layers: int = 1, strategy: str = "auto",
                 n_models: int = 4, max_steps: int = 500, eval_every: int = 25, patience: int = 5,
                 lr: float = 3e-3, batch_size: int = 64, clip_norm: float = 1.0, refit: bool = True,
                 backend: str = "numpy", device: str | None = None, dtype: str = "float32",
                 n_jobs: int | None = -1, seed: int = 0, progress: bool | str = "auto",
                 calendar: str | Sequence[str] | None = None, holidays: str | None = None,
                 known_regression: bool = True):
        self.horizon = horizon
        self.season_length = season_length
        self.pipelines = pipelines
        self.combine = combine
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
        self.calendar = calendar
        self.holidays = holidays
        self.known_regression = known_regression

    # --- configuration -------------------------------------------------------------------------
    def _validate(self, series: TimeSeries, known: Sequence[str] = ()) -> None:
        """The settings checked; ``known``: the names among ``series``' covariates known ahead."""
        get_cell(self.cell)
        if self.n_jobs is not None and (isinstance(self.n_jobs, bool) or not isinstance(self.n_jobs, (int, np.integer))
                                        or (self.n_jobs < 1 and self.n_jobs != -1)):
            raise ValueError(f"n_jobs: expected a positive integer, -1 (every core) or None, got {self.n_jobs!r}")
        for name in ("lr", "clip_norm"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not value > 0:
                raise ValueError(f"{name}: expected a positive number, got {value!r}")
        check_pipelines(self.pipelines)
        check_combine(self.combine)
        check_progress(self.progress)
        if self.dtype not in _DTYPES:
            raise ValueError(f"dtype: expected one of {_DTYPES}, got {self.dtype!r}")
        check_backend(self.backend, self.device)  # an unknown backend or device: refused now
        if self.strategy not in _STRATEGIES:
            raise ValueError(f"strategy: expected one of {_STRATEGIES}, got {self.strategy!r}")
        check_calendar(self.calendar, series.freq)
        check_holidays(self.holidays)
        if not isinstance(self.known_regression, (bool, np.bool_)):
            raise TypeError(f"known_regression: expected True or False, got {self.known_regression!r}")
        if self.strategy == "recursive" and set(series.covariate_names) - set(known):
            raise ValueError("strategy: 'recursive' needs the future of every covariate, and "
                             f"{sorted(set(series.covariate_names) - set(known))} are past-only; use "
                             "strategy='direct', or name them in future_covariates= if their future is known")
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
        # Two horizons, and at least a season and a quarter (the window of Hewamalage et al.):
        # two full seasons only cost time where the season is long (weekly data, m = 52).
        w = max(2 * h, math.ceil(1.25 * m), 8)
        # Keep at least ~half the series as origins to learn from.
        return int(max(2, min(w, (n - h) // 2)))

    def _check_length(self, series, known: Sequence[str] = ()) -> None:
        self._validate(series, known)
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
    def fit(self, y: TimeSeries | pd.Series | ArrayLike | pd.DataFrame
            | dict[str | int, TimeSeries | pd.Series | ArrayLike],
            covariates: pd.DataFrame | ArrayLike | Sequence[str] | None = None, *,
            future_covariates: pd.DataFrame | ArrayLike | Sequence[str] | None = None,
            static_covariates: pd.DataFrame | None = None, id_col: str = ID,
            time_col: str = DATE, target_col: str = "y") -> Forecaster:
        """Fit to one series, or to several at once as one global model.

        Parameters
        ----------
        y : TimeSeries, pandas Series or 1-D array (one series); or a long-format DataFrame with
            columns ``unique_id``, ``ds`` (optional) and ``y``, or a dict of series (a global
            model: one set of networks trained on windows of every series, each normalised by
            its own scale).
        covariates : for one series, a DataFrame or 2-D array aligned with ``y``; for a
            long-format frame, the names of its covariate columns. Past-only: the network reads
            their values up to the forecast origin (their future is not needed, nor used).
        future_covariates : covariates whose future is known when forecasting (prices set in
            advance, promotions, a weather forecast): for one series, a DataFrame or 2-D array
            aligned with ``y``; or the names of such columns of a long frame (or of the
            covariates of a TimeSeries). The network also reads their values over the steps it
            forecasts, so :meth:`predict` needs them (``futr_df``; :meth:`make_future_frame`
            gives the frame to fill). Both strategies use them.
        static_covariates : DataFrame, optional
            A global model's per-series attributes: one row per series, an ``id_col`` column and
            numbers (standardised across the series) or categories (one-hot encoded), read by
            the network beside every step.
        id_col, time_col, target_col : str, default "unique_id", "ds", "y"
            The long format's column names (statsforecast's keywords). A global model's
            :meth:`predict` names its id and time columns the same way (also for a dict of
            series), so a user's columns come back as they went in.

        Returns
        -------
        self
        """
        self._check_horizon()
        check_column_names(id_col=id_col, time_col=time_col, target_col=target_col)
        single = not is_panel(y, id_col)
        covariates, known = merge_future(y, covariates, future_covariates, single)
        panel = {None: as_series(y, covariates)} if single else as_panel(y, covariates, id_col, time_col, target_col)
        panel = {key: self._latest(series) for key, series in panel.items()}
        for name in _FITTED + ("series_", "calibration_errors_"):
            self.__dict__.pop(name, None)
        first = next(iter(panel.values()))
        absent = [c for c in known if c not in first.covariate_names]
        if absent:
            raise ValueError(f"future_covariates: no covariate {absent[0]!r}; the series has "
                             f"{list(first.covariate_names)}")
        self.season_length_ = season_length_for(first, self.season_length)
        self._validate(first, known)  # the settings first: they name no series
        self.known_ = KnownInputs(known, check_calendar(self.calendar, first.freq), check_holidays(self.holidays))
        self.static_ = None
        if static_covariates is not None:
            if single:
                raise ValueError("static_covariates: they describe each series of a global model; a model of "
                                 "one series has no use for them (pass None)")
            self.static_ = StaticEncoder(id_col).fit(static_covariates, list(panel))
        for key, series in panel.items():
            try:
                check_magnitude(series)
                self._check_length(series, known)
            except ValueError as exc:
                if single:
                    raise
                raise ValueError(f"series {key!r}: {exc}") from None
        statics = self._static_rows(list(panel), static_covariates)
        state = self._fit_many(list(panel.values()), statics)
        self._set_fitted(dict(state, panel_=panel, season_length_=self.season_length_, columns_=(id_col, time_col),
                              known_=self.known_, static_=self.static_))
        return self

    def _static_rows(self, keys: list, table: pd.DataFrame | None, what: str = "static_covariates") -> list:
        """Each series' encoded static covariates (None each without them): from ``table`` where
        it has the series, else (a fitted series) as fitted."""
        if self.static_ is None:
            if table is not None:
                raise ValueError(f"{what}: this model was fitted without static covariates; pass None")
            return [None] * len(keys)
        given = set() if table is None else set(table[self.static_.id_col]) if self.static_.id_col in table.columns \
            else None
        if given is None:
            raise ValueError(f"{what}: expected a column {self.static_.id_col!r} naming each series, "
                             f"got {list(table.columns)}")
        fitted = dict(zip(self.panel_, self.pipelines_[0].normalisers)) if hasattr(self, "panel_") else {}
        rows = []
        for key in keys:
            if key in given:
                rows.append(self.static_.transform(table, [key], what)[0])
            elif key in fitted:
                rows.append(fitted[key].static_)
            else:
                raise ValueError(f"{what}: no row for series {key!r}, which the model was not fitted on")
        return rows

    def _split_covariates(self, series: TimeSeries) -> tuple[np.ndarray | None, np.ndarray | None]:
        """``series``' past-only covariates (n, kp) and its known matrix over the history
        (n, kf) (``_future.py``); None for none."""
        names, known = series.covariate_names, self.known_
        past = [i for i, c in enumerate(names) if c not in known.columns]
        cov = None if series.covariates is None else np.asarray(series.covariates)
        past_cov = cov[:, past] if past else None
        if not known:
            return past_cov, None
        user = None if not known.columns else cov[:, [names.index(c) for c in known.columns]]
        return past_cov, known.matrix(series.index, user)

    def _set_fitted(self, state: dict) -> None:
        """Take the learned attributes in ``state`` (exactly those of ``_FITTED``)."""
        if set(state) != set(_FITTED):
            raise ValueError(f"state: expected the fitted attributes {sorted(_FITTED)}, got {sorted(state)}")
        check_column_names(id_col=state["columns_"][0], time_col=state["columns_"][1])
        n = len(state["panel_"])
        if len(state["calibration_scales_"]) != n or any(
                len(p.transforms) != n or len(p.normalisers) != n or len(p.weights) != n
                or len(p.smoothers) != (n if p.smoothed else 0) for p in state["pipelines_"]):
            raise ValueError(f"state: every pipeline needs a transform, a normaliser, a share (and a smoother "
                             f"pipeline a smoother) for each of the {n} series")
        shares = np.array([p.weights for p in state["pipelines_"]])
        if not np.all(np.isfinite(shares)) or np.any(shares < 0) or not np.allclose(shares.sum(axis=0), 1.0):
            raise ValueError("state: the pipelines' shares of each series' forecast must be finite, "
                             "non-negative and sum to 1")
        known, static, first = state["known_"], state["static_"], next(iter(state["panel_"].values()))
        if not set(known.columns) <= set(first.covariate_names):
            raise ValueError(f"state: known-future covariates {list(known.columns)} are not all among the "
                             f"series' covariates {list(first.covariate_names)}")
        static_width = 0 if static is None else static.width
        for norm in (n for p in state["pipelines_"] for n in p.normalisers):
            known_width = 0 if norm.known_scaler_ is None else norm.known_scaler_.n_features_in_
            if known_width != known.width or (0 if norm.static_ is None else len(norm.static_)) != static_width:
                raise ValueError(f"state: a normaliser reads {known_width} known inputs and "
                                 f"{0 if norm.static_ is None else len(norm.static_)} static ones; the model has "
                                 f"{known.width} and {static_width}")
        members = sorted(i for p in state["pipelines_"] for i in p.members)
        if members != list(range(len(state["nets_"]))):
            raise ValueError(f"state: pipelines hold networks {members}, the ensemble has {len(state['nets_'])}")
        self.__dict__.update(state)
        if None in self.panel_:  # one series: also where BaseForecaster looks for it
            self.series_ = self.panel_[None]

    @classmethod
    def from_fitted(cls, params: dict, state: dict) -> Forecaster:
        """A fitted forecaster from its parameters and learned attributes (what a file holds):
        ``state`` maps every name of ``Forecaster._FITTED`` to its value; ``panel_`` is
        ``{None: series}`` for a model of one series."""
        model = cls(**params)
        model._validate(next(iter(state["panel_"].values())), state["known_"].columns)
        model._set_fitted(state)
        return model

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

    def _fit_many(self, many: list[TimeSeries], statics: list) -> dict:
        """Train on every series (``statics``: each one's encoded static covariates or None);
        returns the learned attributes but the panel itself."""
        h, S = self.horizon, len(many)
        n_min = min(len(s) for s in many)
        w = self._window_for(n_min)
        has_past = bool(set(many[0].covariate_names) - set(self.known_.columns))
        self.strategy_ = strategy = self._resolve_strategy(n_min, w, has_past, S)
        k = self._outputs
        need = w + h + k + self._held_out(n_min, w, S) - 1  # one training example at least
        if n_min < need:
            raise ValueError(f"y: series has {n_min} points; strategy {self.strategy_!r} with window "
                             f"{w} and horizon {h} needs at least {need}")
        steps = self.n_models * self.max_steps * (2 if self.refit else 1)
        bar = progress_bar(self.progress if self._main_process() else False, steps, "training")
        pipelines = plan(self.pipelines, self.n_models)
        self.nets_ = [None] * self.n_models
        training = {"strategy": strategy, "window": w, "series": S, "pipelines": []}
        forecasts, held_errors = [], []
        splits = [self._split_covariates(s) for s in many]
        for pipe in pipelines:
            # Phase one: each series' latest origins are held out (early stopping, calibration).
            held = [HeldOut(s, w, h, k, self._held_out(len(s), w, S), self._transform_for(s, w, pipe), *split, static)
                    for s, split, static in zip(many, splits, statics)]
            pipe.transforms, pipe.normalisers = [p.transform for p in held], [p.normaliser for p in held]
            info = {"transform": pipe.transform, "deseasonalise": pipe.deseasonalise, "model": pipe.model}
            if pipe.smoothed:  # fitted on the values before each series' cut, run on through the rest
                pipe.smoothers = fit_smoothers([p.adjusted[:p.first[0]] for p in held], self.n_jobs)
                paths = [m.forecast_from(p.adjusted, p.first, h) for m, p in zip(pipe.smoothers, held)]
                for m, p in zip(pipe.smoothers, held):
                    m.advance(p.adjusted)  # without a refit it forecasts from the end of the series
            else:
                x_tr, y_tr = self._stack([(p.x, p.y) for p in held])
                x_val, y_val = self._stack([(p.x_val, p.y_val) for p in held])
                nets, summaries = train_ensemble(self, x_tr, y_tr, PHASE1, bar, pipe.members,
                                                 x_val=x_val, y_val=y_val)
                for i, net in zip(pipe.members, nets):
                    self.nets_[i] = net  # the phase-one ensemble forecasts the held-out origins
                paths = self._paths([(p.normaliser, p.past, p.cov_past, p.known, p.first) for p in held], h, nets)
                best = min(max(int(np.mean([s["best_step"] for s in summaries])), self.eval_every), self.max_steps)
                info.update(examples=len(x_tr), best_step=best, phase1=[summary(s) for s in summaries])
            forecasts.append([p.transform.inverse(f, p.first, known_at(p.known, p.first, h))
                              for p, f in zip(held, paths)])
            held_errors.append([float(np.mean(np.abs(p.actual - f))) / p.error_scale
                                for p, f in zip(held, forecasts[-1])])
            info["held_out_error"] = float(np.mean(held_errors[-1]))
            info["held_out_errors"] = [round(e, 6) for e in held_errors[-1]]  # per series, for diagnostics
            training["pipelines"].append(info)
        # Each pipeline's share of each series' forecast, from its held-out errors; then the
        # calibration: the combined phase-one forecasts' held-out errors, in units of each
        # series' scale so that one global model pools them across series.
        weights = combine_weights(np.array(held_errors), self.combine)
        for pipe, share in zip(pipelines, weights):
            pipe.weights = share.tolist()
        combined = blend(weights, forecasts)
        scales = np.array([p.error_scale for p in held])
        errors = np.concatenate([np.abs(p.actual - f) / p.error_scale for p, f in zip(held, combined)])
        training["held_out"] = int(sum(len(p.actual) for p in held))
        training["best_step"] = next(info["best_step"] for info in training["pipelines"] if "best_step" in info)
        if self.refit:  # Phase two: every origin, for the number of steps phase one chose.
            for pipe, info in zip(pipelines, training["pipelines"]):
                transforms, finals, smoothers = self._final_scalers(many, w, pipe, splits, statics)
                pipe.transforms, pipe.normalisers, pipe.smoothers = transforms, finals, smoothers
                if pipe.smoothed:
                    continue
                adjusted = [t.forward(s.values, known=known) for t, s, (_, known) in zip(transforms, many, splits)]
                x_all, y_all = self._stack([f.examples(a, *split)[:2] for f, a, split in zip(finals, adjusted, splits)])
                nets, summaries = train_ensemble(self, x_all, y_all, REFIT, bar, pipe.members,
                                                 fixed_steps=info["best_step"])
                for i, net in zip(pipe.members, nets):
                    self.nets_[i] = net
                info["refit"] = [summary(s) for s in summaries]
        if bar:
            bar.close()
        if not np.all(np.isfinite(errors)):  # never saved as if it were a model
            raise FloatingPointError("training diverged: the held-out forecasts hold NaN or infinite values; "
                                     "try a smaller lr or clip_norm")
        return {"strategy_": strategy, "nets_": self.nets_, "pipelines_": pipelines,
                "scaled_errors_": errors, "calibration_scales_": scales, "training_": training}

    def _final_scalers(self, many: list, w: int, pipe: Pipeline, splits: list,
                       statics: list) -> tuple[list, list, list]:
        """Pipeline ``pipe``'s transform, window normaliser and (a smoother pipeline) smoother for
        each series, fitted on all its values (``splits``: each one's past covariates and known
        matrix, ``statics`` its static row): what the final fit keeps, and what a forecast from
        new history fits anew."""
        transforms = [self._transform_for(s, w, pipe).fit(s.values, split[1]) for s, split in zip(many, splits)]
        adjusted = [t.forward(s.values, known=split[1]) for t, s, split in zip(transforms, many, splits)]
        normalisers = [WindowNormaliser(w, self._outputs).fit(a, *split, static)
                       for a, split, static in zip(adjusted, splits, statics)]
        smoothers = fit_smoothers(adjusted, self.n_jobs) if pipe.smoothed else []
        return transforms, normalisers, smoothers

    def _transform_for(self, series: TimeSeries, w: int, pipe: Pipeline) -> SeriesTransform:
        """The unfitted per-series transform of pipeline ``pipe`` for a series like ``series``."""
        periods = season_periods(self.season_length_, series.freq)
        return SeriesTransform(pipe.transform, pipe.deseasonalise, periods, keep=w, regress=self.known_regression)

    def _stack(self, pairs) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = zip(*pairs)
        return (np.concatenate(xs).astype(self._dtype, copy=False),
                np.concatenate(ys).astype(self._dtype, copy=False))

    def calibration(self) -> np.ndarray:
        """Held-out errors (origins, horizon) behind the intervals: absolute for a model of one
        series; a global model pools its series' errors in units of each series' scale, so it
        returns those (``scaled_errors_``; series i's intervals are ``calibration_scales_[i]``
        times them)."""
        self._check_fitted()
        return self.scaled_errors_ * self.calibration_scales_[0] if None in self.panel_ else self.scaled_errors_

    # --- forecasting ---------------------------------------------------------------------------
    def _paths(self, segments: list, h: int, nets: list) -> list[np.ndarray]:
        """Forecasts in original units from raw windows, one network call per step for all.

        ``segments`` holds ``(normaliser, past (N, w), past covariate windows (N, w, k) or None,
        known matrix (T, kf) or None, positions (N,) of each window's first forecast in it)`` per
        series; returns one (N, h) array per segment.
        """
        paths = [np.asarray(past, dtype=float) for _, past, _, _, _ in segments]
        w, k = paths[0].shape[1], self._outputs
        if segments[0][2] is not None and h > k:
            raise ValueError(f"horizon: {h} exceeds the fitted horizon {k}; with past-only "
                             "covariates the forecaster cannot go further (their future is unknown)")
        backend = get_backend(self.backend, self.device)
        cuts = np.cumsum([len(p) for p in paths])[:-1]
        while paths[0].shape[1] < w + h:
            done = paths[0].shape[1] - w
            x = np.concatenate([norm.normalise(p[:, -w:], cov, known_windows(known, first, done, w, k))
                                for (norm, _, cov, known, first), p in zip(segments, paths)])
            x = x.astype(self._dtype, copy=False)
            out = np.mean([predict(backend, net, x) for net in nets], axis=0)
            paths = [np.concatenate([p, norm.to_levels(o, p[:, -1])], axis=1)
                     for (norm, *_), p, o in zip(segments, paths, np.split(out, cuts))]
        return [p[:, w:w + h] for p in paths]

    def _last_window(self, series: TimeSeries, normaliser, transform, split: tuple, known_ahead) -> tuple:
        """The segment (see :meth:`_paths`) that forecasts from the end of ``series``: its past
        covariates and known matrix ``split``, and the known rows ahead ``known_ahead``."""
        w, n = normaliser.window, len(series)
        cov, known = split
        cov = None if cov is None else cov[-w:][None]
        past = transform.forward(np.asarray(series.values[-w:]), start=n - w,
                                 known=None if known is None else known[-w:])[None, :]
        known = None if known is None else np.concatenate([known, known_ahead])
        return normaliser, past, cov, known, np.array([n])

    def _known_ahead(self, many: list, h: int, futures: list | None) -> list:
        """Each series' known matrix over the rows ahead that an ``h``-step forecast reads, from
        the user's known-future values ``futures`` (one array per series, or None)."""
        if not self.known_:
            return [None] * len(many)
        rows = future_rows(h, self._outputs)
        futures = [None] * len(many) if futures is None else futures
        return [self.known_.matrix(s.future_index(rows), f) for s, f in zip(many, futures)]

    def _pipeline_forecasts(self, many: list, h: int, scalers: list | None = None,
                            futures: list | None = None) -> list[list[np.ndarray]]:
        """Per pipeline, the next ``h`` values of each series in its units; ``scalers`` holds
        each pipeline's (transforms, normalisers) for ``many``, by default the fitted ones;
        ``futures`` each series' known-future values."""
        per_pipeline = []
        splits = [self._split_covariates(s) for s in many]
        ahead = self._known_ahead(many, h, futures)
        for k, pipe in enumerate(self.pipelines_):
            transforms, normalisers, smoothers = ((pipe.transforms, pipe.normalisers, pipe.smoothers)
                                                  if scalers is None else scalers[k])
            if pipe.smoothed:
                paths = [m.forecast(h)[None, :] for m in smoothers]
            else:
                segments = [self._last_window(*args) for args in zip(many, normalisers, transforms, splits, ahead)]
                paths = self._paths(segments, h, [self.nets_[i] for i in pipe.members])
            per_pipeline.append([t.inverse(p, np.array([len(s)]), None if a is None else a[None, :h])[0]
                                 for s, t, p, a in zip(many, transforms, paths, ahead)])
        return per_pipeline

    def _forecasts(self, many: list, h: int, futures: list | None = None) -> list[np.ndarray]:
        """The next ``h`` values of each fitted series, in its units: the pipelines' forecasts
        combined with their fitted shares (``combine``)."""
        return blend([p.weights for p in self.pipelines_], self._pipeline_forecasts(many, h, futures=futures))

    def _forecast(self, series: TimeSeries, h: int) -> np.ndarray:
        return self._forecasts([series], h)[0]

    def recent_inputs(self, batch: int = 256, series: int = 0, net: int = 0) -> np.ndarray:
        """Network ``net``'s inputs for the latest ``batch`` windows of fitted series number
        ``series`` (transformed, deseasonalised and normalised as in training by the network's
        pipeline): what diagnostics such as the memory horizon are measured on. With inputs
        known ahead, the latest windows whose known rows lie in the history."""
        self._check_fitted()
        many = list(self.panel_.values())
        pipe = next(p for p in self.pipelines_ if net in p.members)
        data, norm, tf = many[series], pipe.normalisers[series], pipe.transforms[series]
        n, w = len(data), norm.window
        ahead = norm.horizon if self.known_ else 0
        take = min(n, batch + w - 1 + ahead, tf.keep + (n - tf.n_) if tf.periods_ else n)
        cov, known = self._split_covariates(data)
        cov = None if cov is None else cov[n - take:]
        known = None if known is None else known[n - take:]
        values = tf.forward(np.asarray(data.values[n - take:]), start=n - take, known=known)
        return norm.inputs(values, cov, known)[-batch:].astype(self._dtype, copy=False)

    def _histories(self) -> list[TimeSeries]:
        return list(self.panel_.values())

    def predict(self, horizon: int | None = None, level: float | Sequence[float] | None = None,
                y: TimeSeries | pd.Series | ArrayLike | pd.DataFrame | dict | None = None,
                covariates: pd.DataFrame | ArrayLike | Sequence[str] | None = None, *,
                futr_df: pd.DataFrame | ArrayLike | None = None,
                future_covariates: pd.DataFrame | ArrayLike | Sequence[str] | None = None,
                static_df: pd.DataFrame | None = None) -> pd.DataFrame:
        """Forecast the next ``horizon`` steps (default: the fitted horizon).

        Parameters
        ----------
        horizon : int, optional
            At most :attr:`max_horizon` (the length of the shortest history).
        level : list of numbers in (0, 100), optional
            Interval levels; adds columns ``lo_<L>`` and ``hi_<L>``.
        y : new history, optional
            Forecast from this history instead of the fitted one, without refitting the
            networks: the latest data of the same series, or (the per-window normalisation makes
            it meaningful) series the model never saw. One series, or for several a long frame
            (the ``id_col``, ``time_col`` of :meth:`fit`; the target column named as the fitted
            series' target) or a dict, as :meth:`fit` takes. Each series' transforms and scales
            are fitted on its own history, as the final fit does; a series the model was fitted
            on keeps its pipeline shares, a new one takes their mean. It must have the fitted
            frequency and covariates and at least a window of points. The model is unchanged.
        covariates, future_covariates : as for :meth:`fit`, with ``y``.
        futr_df : DataFrame or array, required when the model has known-future covariates
            Their values over the steps to forecast: for one series a DataFrame indexed by the
            future time stamps (or with the time column) or an array with a row per step; for a
            global model a long frame ``unique_id, ds, <columns>``. :meth:`make_future_frame`
            gives the frame to fill. A direct model reads the rows of its whole fitted horizon,
            also for a shorter forecast. A missing row is refused naming its (id, time stamp).
        static_df : DataFrame, optional
            With ``y`` holding series the model never saw: their static covariates (one row
            per series, as ``static_covariates`` at fit); a fitted series keeps its own.

        Returns
        -------
        One series: a DataFrame indexed by the future time stamps, column ``forecast`` (+ the
        interval columns). A global model: long format, columns ``unique_id``, ``ds`` (or the
        ``id_col``, ``time_col`` given to :meth:`fit`), ``forecast`` (+ intervals), every series
        in the order it was given.
        """
        if y is None:
            h, levels = self._check_predict_args(horizon, level)
            if static_df is not None:
                raise ValueError("static_df: it gives the static covariates of new series in y; pass y too")
            panel, scales = self.panel_, self.calibration_scales_
            points = self._forecasts(list(panel.values()), h, self._futures(futr_df, panel, h))
        else:
            panel = self._new_histories(y, covariates, future_covariates)
            h, levels = self._check_predict_args(horizon, level, [len(s) for s in panel.values()])
            points, scales = self._forecasts_from(panel, h, self._futures(futr_df, panel, h),
                                                  self._static_rows(list(panel), static_df, "static_df"))
        frames = {}
        for key, series, point, scale in zip(panel, panel.values(), points, scales):
            frames[key] = forecast_frame(series, point, levels, lambda lv, s=scale: s * conformal_halfwidth(
                self.scaled_errors_, lv, h))
        if None in panel:
            return frames[None]
        return long_frame(frames, *self.columns_)

    def _futures(self, futr_df, panel: dict, h: int) -> list:
        """The user's known-future values for each series of ``panel`` (``_future.read_future``)."""
        rows = future_rows(h, self._outputs)
        return list(read_future(futr_df, panel, self.known_.columns, rows, *self.columns_).values())

    def make_future_frame(self, horizon: int | None = None,
                          y: TimeSeries | pd.Series | ArrayLike | pd.DataFrame | dict | None = None,
                          covariates: pd.DataFrame | ArrayLike | Sequence[str] | None = None, *,
                          future_covariates: pd.DataFrame | ArrayLike | Sequence[str] | None = None) -> pd.DataFrame:
        """The ``futr_df`` that :meth:`predict` needs, its known-future columns empty (NaN), to
        fill in: for one series indexed by the future time stamps, for a global model in long
        format (``unique_id``, ``ds`` or the fitted column names). Its rows are those the
        networks read: ``horizon`` steps (default: the fitted horizon), and at least the fitted
        horizon for a direct model. ``y`` (with ``covariates``, ``future_covariates``): the new
        history :meth:`predict` will be given, as there."""
        h, _ = self._check_predict_args(horizon, None)
        panel = self.panel_ if y is None else self._new_histories(y, covariates, future_covariates)
        return future_frame(panel, self.known_.columns, future_rows(h, self._outputs), *self.columns_)

    def _new_histories(self, y, covariates, future_covariates=None) -> dict:
        """``y`` given to :meth:`predict` as ``{id: TimeSeries}`` (the fit's latest-points bound
        applied), each checked against what the model was fitted on."""
        self._check_fitted()
        id_col, time_col = self.columns_
        fitted = next(iter(self.panel_.values()))
        covariates, known = merge_future(y, covariates, future_covariates, not is_panel(y, id_col))
        if known and set(known) != set(self.known_.columns):
            raise ValueError(f"future_covariates: expected the fitted ones {list(self.known_.columns)}, "
                             f"got {list(known)}")
        if is_panel(y, id_col):
            panel = as_panel(y, covariates, id_col, time_col, fitted.target)
        else:
            panel = {None: as_series(y, covariates)}
        window = self.pipelines_[0].normalisers[0].window
        for key, series in panel.items():
            name = "y" if key is None else f"y: series {key!r}"
            if series.freq != fitted.freq:
                raise ValueError(f"{name}: expected the fitted frequency {fitted.freq!r}, got {series.freq!r}")
            if series.covariate_names != fitted.covariate_names:
                raise ValueError(f"{name}: expected the fitted covariates {list(fitted.covariate_names)}, "
                                 f"got {list(series.covariate_names)}")
            if len(series) < window + 1:
                raise ValueError(f"{name}: expected at least {window + 1} points (the model's input window of "
                                 f"{window} and one more), got {len(series)}")
            check_magnitude(series)
        return {key: self._latest(series) for key, series in panel.items()}

    def _forecasts_from(self, panel: dict, h: int, futures: list, statics: list) -> tuple[list[np.ndarray], np.ndarray]:
        """Point forecasts and interval scales of new histories, with the fitted networks and
        each series' transforms and normalisers fitted on its history as the final fit does."""
        many, known = list(panel.values()), list(self.panel_)
        splits = [self._split_covariates(s) for s in many]
        scalers = [self._final_scalers(many, pipe.normalisers[0].window, pipe, splits, statics)
                   for pipe in self.pipelines_]
        per_pipeline = self._pipeline_forecasts(many, h, scalers, futures)
        shares = []
        for pipe in self.pipelines_:
            fitted_shares = dict(zip(known, pipe.weights))
            shares.append([fitted_shares.get(key, float(np.mean(pipe.weights))) for key in panel])
        shares = np.array(shares)
        shares /= shares.sum(axis=0)  # a new series' mean shares, made to sum to one
        scales = np.array([series_scale(np.asarray(s.values, dtype=float)) for s in many])
        return blend(shares, per_pipeline), scales

    def backtest(self, y: TimeSeries | pd.Series | ArrayLike, covariates: pd.DataFrame | ArrayLike | None = None,
                 folds: int = 3, step: int | None = None,
                 level: float | Sequence[float] | None = None,
                 future_covariates: pd.DataFrame | ArrayLike | Sequence[str] | None = None) -> pd.DataFrame:
        """Rolling-origin backtest with a refit per fold (one series); see
        :func:`rnnkit.forecast.backtest.backtest`."""
        if is_panel(y):
            raise ValueError("y: backtest takes one series; for a global model, backtest each "
                             "series' forecasts from models fitted on the panel cut at each origin")
        return super().backtest(y, covariates, folds=folds, step=step, level=level,
                                future_covariates=future_covariates)

    def cross_validation(self, y: TimeSeries | pd.Series | ArrayLike | pd.DataFrame | dict, h: int | None = None,
                         n_windows: int = 3, step_size: int | None = None, refit: bool | int = True,
                         level: float | Sequence[float] | None = None,
                         covariates: pd.DataFrame | ArrayLike | Sequence[str] | None = None, *, id_col: str = ID,
                         time_col: str = DATE, target_col: str = "y",
                         future_covariates: pd.DataFrame | ArrayLike | Sequence[str] | None = None,
                         static_covariates: pd.DataFrame | None = None) -> pd.DataFrame:
        """Forecasts at ``n_windows`` cutoffs of one series or a panel against what happened,
        statsforecast's ``cross_validation``; see :func:`rnnkit.forecast.cross_validation.cross_validation`
        (this model's settings, a fresh clone per refit; the model itself is not fitted)."""
        from rnnkit.forecast.cross_validation import cross_validation

        return cross_validation(self, y, h, n_windows, step_size, refit, level, covariates,
                                id_col=id_col, time_col=time_col, target_col=target_col,
                                future_covariates=future_covariates, static_covariates=static_covariates)

    def _check_fitted(self) -> None:
        if not hasattr(self, "panel_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit(y) first")

    # --- files ---------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the fitted forecaster to one safetensors file (weights, normalisers, history,
        calibration), readable by :meth:`load` on either backend.

        Under ``torchrun`` (torch backend, several processes) only rank 0 writes: every rank
        holds the same weights, and one writer never races another for the file."""
        self._check_fitted()
        if self._main_process():
            save_forecaster(self, path)

    def _main_process(self) -> bool:
        return get_backend(self.backend, self.device).is_main()

    @classmethod
    def load(cls, path: str | os.PathLike[str], backend: str = "numpy", device: str | None = None) -> Forecaster:
        """Read a forecaster written by :meth:`save`; predicts exactly as before saving.

        A file holds the model, not where it ran: it loads on ``backend`` ("numpy" by default,
        or "torch" on ``device``) whichever backend trained it."""
        return load_forecaster(cls, path, backend, device)


