"""The part of a series that its inputs known ahead explain, fitted by least squares.

With covariates known ahead (a temperature forecast, promotions, holidays, the calendar) the
forecaster first takes out of the (log) series what a regression on them explains,

    z_t = c + sum_j beta_j f_j(k_t) + rest_t,

and the seasonal decomposition and the network then work on ``rest``; the forecast gets the
regression's effect over the forecast steps added back (it is known there: that is what "known
ahead" means). ``f`` is each known column standardised, and its square for a column with more
than two distinct values (a bowl: electricity demand rises in the heat and in the cold), so a
flag such as a holiday stays one 0/1 feature. It is the regression part of ARIMA with
regressors, fitted once by ordinary least squares (minimum-norm where features are collinear)
on the values the transform is fitted on, and only there. A network learning the same effect
from a few hundred windows does it less well (benchmarks/known_future.py, mean MASE with the
inputs read by the networks alone / with this step first: daily electricity demand, where it
was designed, 0.635 / 0.535; checked on half-hourly demand 1.246 / 0.989, a pizza place's
takings with its closing days 2.098 / 1.068, Box-Jenkins sales with their leading indicator
0.609 / 0.406).
"""
from __future__ import annotations

import numpy as np

from rnnkit.forecast._inputs import MAX_MAGNITUDE


class KnownRegression:
    """``effect(known)``: the fitted regression's part of the series at rows ``known`` of the
    known matrix (its intercept left in what remains)."""

    def fit(self, z: np.ndarray, known: np.ndarray) -> KnownRegression:
        known = np.asarray(known, dtype=float)
        self.mean_ = known.mean(axis=0)
        spread = known.std(axis=0)
        self.scale_ = np.where(spread > 0, spread, 1.0)
        self.squared_ = np.array([len(np.unique(c)) > 2 for c in known.T], dtype=bool)
        features = self._features(known)
        design = np.column_stack([np.ones(len(z)), features])
        coef, *_ = np.linalg.lstsq(design, np.asarray(z, dtype=float), rcond=None)
        self.coef_ = coef[1:]
        return self

    def _features(self, known: np.ndarray) -> np.ndarray:
        standard = (known - self.mean_) / self.scale_
        return np.concatenate([standard, standard[..., self.squared_] ** 2], axis=-1)

    def effect(self, known: np.ndarray) -> np.ndarray:
        """The regression's part at each row of ``known`` (..., width): shape (...)."""
        return self._features(np.asarray(known, dtype=float)) @ self.coef_

    def to_dict(self) -> dict:
        return {"mean": self.mean_.tolist(), "scale": self.scale_.tolist(), "squared": self.squared_.tolist(),
                "coef": self.coef_.tolist()}

    @classmethod
    def from_dict(cls, d: dict, width: int) -> KnownRegression:
        """Rebuild from :meth:`to_dict` for a known matrix of ``width`` columns, refusing
        (``ValueError``) what :meth:`fit` cannot have made."""
        obj = cls()
        try:
            obj.mean_, obj.scale_ = (np.asarray(d[k], dtype=float) for k in ("mean", "scale"))
            obj.squared_ = np.asarray(d["squared"])
            obj.coef_ = np.asarray(d["coef"], dtype=float)
        except (KeyError, TypeError, ValueError):
            raise ValueError("transform.regression: expected lists mean, scale, squared and coef") from None
        if obj.squared_.dtype != bool:
            raise ValueError("transform.regression.squared: expected true/false for each known input")
        shapes_ok = obj.mean_.shape == obj.scale_.shape == obj.squared_.shape == (width,)
        if not shapes_ok or obj.coef_.shape != (width + int(obj.squared_.sum()),):
            raise ValueError(f"transform.regression: expected {width} known inputs and a coefficient per feature")
        values = np.concatenate([obj.mean_, obj.scale_, obj.coef_])
        if not np.all(np.abs(values) <= MAX_MAGNITUDE) or not np.all(obj.scale_ > 0):  # NaN fails too
            raise ValueError("transform.regression: NaN, infinite, huge or non-positive scale values")
        return obj
