"""Training examples for the RNN forecaster, normalised window by window.

An example cut at origin t reads ``w`` past values and predicts the next ``h``. Both are
expressed relative to the window's last value and divided by one scale for the series (the
mean absolute one-step change of the training part):

    input_i  = (y_{t-w+i} - y_{t-1}) / s        target_j = (y_{t+j} - y_{t-1}) / s

so a trending price is seen as changes around its current level: the network never has to
produce a level outside the range it was trained on (the failure of one MinMax scaler over raw
levels, docs/math.md "classic mistakes"). Covariates are standardised with training statistics.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from rnnkit.data import StandardScaler
from rnnkit.data._checks import check_int
from rnnkit.forecast._inputs import MAX_MAGNITUDE
from rnnkit.nn._checks import is_real_number


def windows(values: np.ndarray, w: int) -> np.ndarray:
    """Every length-``w`` window along the first axis, as a view: (N, w) or (N, w, k)."""
    view = sliding_window_view(values, w, axis=0)
    return view if values.ndim == 1 else view.transpose(0, 2, 1)


def series_scale(values: np.ndarray) -> float:
    """Mean absolute one-step change; 1.0 for a constant series."""
    diffs = np.abs(np.diff(values))
    scale = float(diffs.mean()) if diffs.size else 0.0
    return scale if scale > 0 else 1.0


class WindowNormaliser:
    """Fit on training values (scale, covariate statistics); build normalised examples.

    An example's input is a sequence of ``window`` past steps, each
    ``[value, past covariates, known inputs, 0]``, and, when the model has inputs known ahead
    (``_future.py``), then ``horizon`` future steps ``[0, 0..., known inputs, 1]``: the network
    reads the future's prices or holidays after the past, and the last feature tells it which
    steps are to come. A global model's static covariates (``static``) are appended to every step.
    """

    def __init__(self, window: int, horizon: int):
        self.window = window
        self.horizon = horizon

    def fit(self, values: np.ndarray, covariates: np.ndarray | None, known: np.ndarray | None = None,
            static: np.ndarray | None = None) -> WindowNormaliser:
        """Learn from training rows: ``values``, past ``covariates`` and the ``known`` matrix
        (only its rows up to the training values' end are read)."""
        self.scale_ = series_scale(values)
        self.cov_scaler_ = StandardScaler().fit(covariates) if covariates is not None else None
        has_known = known is not None and known.shape[1] > 0
        self.known_scaler_ = StandardScaler().fit(known[:len(values)]) if has_known else None
        self.static_ = None if static is None or not len(static) else np.asarray(static, dtype=float)
        return self

    def inputs(self, values: np.ndarray, covariates: np.ndarray | None, known: np.ndarray | None = None) -> np.ndarray:
        """Model inputs for every window of ``values`` whose known rows are all in ``known``:
        (n_windows, steps, features), float64 (the Forecaster casts them to its networks' dtype)."""
        w = self.window
        past = windows(values, w)
        cov = None if covariates is None else windows(covariates, w)
        ahead = None
        if self.known_scaler_ is not None:
            ahead = windows(known, w + self.horizon)
            past, ahead = past[:len(ahead)], ahead[:len(past)]
            cov = None if cov is None else cov[:len(past)]
        return self.normalise(past, cov, ahead)

    def normalise(self, past: np.ndarray, cov_past: np.ndarray | None, known: np.ndarray | None = None) -> np.ndarray:
        """Inputs from raw windows ``past`` (N, w), covariate windows (N, w, k) and known-input
        windows (N, w + horizon, kf) covering the past steps and those to come."""
        n, w = past.shape
        feats = [((past - past[:, -1:]) / self.scale_)[..., None]]
        if cov_past is not None:
            feats.append(self.cov_scaler_.transform(cov_past.reshape(-1, cov_past.shape[-1])).reshape(cov_past.shape))
        if self.known_scaler_ is not None:
            scaled = self.known_scaler_.transform(known.reshape(-1, known.shape[-1])).reshape(known.shape)
            feats += [scaled[:, :w], np.zeros((n, w, 1))]
            x = np.concatenate(feats, axis=-1)
            ahead = np.zeros((n, self.horizon, x.shape[-1]))  # values and past covariates unknown
            ahead[:, :, -1 - scaled.shape[-1]:-1] = scaled[:, w:]
            ahead[:, :, -1] = 1.0
            x = np.concatenate([x, ahead], axis=1)
        else:
            x = np.concatenate(feats, axis=-1)
        if self.static_ is not None:
            x = np.concatenate([x, np.broadcast_to(self.static_, x.shape[:2] + self.static_.shape)], axis=-1)
        return x

    def examples(self, values: np.ndarray, covariates: np.ndarray | None,
                 known: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(inputs, targets, levels) for every origin with a full window and horizon (the
        inputs are materialised: a series is bounded by ``Forecaster.max_fit_points``)."""
        w, h = self.window, self.horizon
        x = self.inputs(values[:-h], None if covariates is None else covariates[:-h], known)
        future = windows(values[w:], h)
        levels = values[w - 1:len(values) - h]
        y = (future - levels[:, None]) / self.scale_
        return x, y, levels

    def to_levels(self, outputs: np.ndarray, levels: np.ndarray) -> np.ndarray:
        return levels[:, None] + self.scale_ * outputs

    def to_dict(self) -> dict:
        return {"window": self.window, "horizon": self.horizon, "scale": self.scale_,
                "covariates": None if self.cov_scaler_ is None else self.cov_scaler_.to_dict(),
                "known": None if self.known_scaler_ is None else self.known_scaler_.to_dict(),
                "static": None if self.static_ is None else self.static_.tolist()}

    @classmethod
    def from_dict(cls, d: dict) -> WindowNormaliser:
        from rnnkit.data import scaler_from_dict

        obj = cls(check_int("normaliser.window", d["window"], 2),
                  check_int("normaliser.horizon", d["horizon"]))
        if not is_real_number(d["scale"]) or not 0 < d["scale"] <= MAX_MAGNITUDE:
            raise ValueError(f"normaliser.scale: expected a positive number up to {MAX_MAGNITUDE:.0e}, "
                             f"got {d['scale']!r}")
        obj.scale_ = float(d["scale"])
        obj.cov_scaler_ = None if d["covariates"] is None else scaler_from_dict(d["covariates"])
        known, static = d.get("known"), d.get("static")  # files from before known inputs have neither
        obj.known_scaler_ = None if known is None else scaler_from_dict(known)
        if static is not None and (not isinstance(static, list) or not all(is_real_number(v) for v in static)):
            raise ValueError(f"normaliser.static: expected a list of numbers, got {static!r}")
        obj.static_ = None if not static else np.array(static, dtype=float)
        return obj
