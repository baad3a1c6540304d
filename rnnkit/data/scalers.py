"""Scalers fitted on training data only, with parameters that fit in JSON metadata.

The classic leak is fitting the scaler on the whole series (or on the test set): the model
then sees the test range's mean and extremes. Here a scaler is fitted once, on what you pass
(pass the training part), and only applies those numbers afterwards. Note that a trending
series scaled with :class:`MinMaxScaler` leaves [0, 1] on later data; that is expected, values
are never clipped, and :class:`StandardScaler` is the safer default for trends.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike

from rnnkit.exceptions import NotFittedError

_S = TypeVar("_S", bound="_Scaler")


class _Scaler:
    """Shared machinery: input checks, per-feature broadcasting, (de)serialisation.

    Fitted on 1-D data the scaler is univariate and transforms arrays of any shape (e.g.
    windows ``(m, window)`` or forecasts ``(m, horizon)``). Fitted on ``(n, features)`` it
    scales along the last axis, which must have ``features`` entries.
    """

    _learned: tuple[str, ...] = ()

    def _check_fit_input(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim not in (1, 2):
            raise ValueError(f"fit expects shape (n,) or (n, features), got {X.shape}")
        if X.shape[0] == 0:
            raise ValueError("fit got no data (0 rows)")
        if not np.isfinite(X).all():
            raise ValueError("fit got NaN or infinite values; clean or fill the series first")
        return X

    def _check_fitted(self) -> None:
        if not hasattr(self, "n_features_in_"):
            raise NotFittedError(
                f"this {type(self).__name__} is not fitted yet; call fit on the training data first"
            )

    def _check_input(self, X) -> np.ndarray:
        self._check_fitted()
        X = np.asarray(X, dtype=np.float64)
        if self.input_ndim_ == 2 and (X.ndim == 0 or X.shape[-1] != self.n_features_in_):
            raise ValueError(
                f"expected a last axis of {self.n_features_in_} features, got shape {X.shape}"
            )
        return X

    def _params(self) -> dict:
        return {}

    def to_dict(self) -> dict:
        """Parameters and learned values as plain floats, ints and lists (JSON-ready)."""
        fitted = None
        if hasattr(self, "n_features_in_"):
            fitted = {"n_features_in_": int(self.n_features_in_), "input_ndim_": int(self.input_ndim_)}
            for name in self._learned:
                fitted[name] = [float(v) for v in np.ravel(getattr(self, name))]
        return {"type": type(self).__name__, "params": self._params(), "fitted": fitted}

    @classmethod
    def from_dict(cls: type[_S], data: dict) -> _S:
        """Rebuild a scaler written by :meth:`to_dict`.

        Raises
        ------
        ValueError
            If ``data`` is for another scaler type or its learned values are malformed.
        """
        if not isinstance(data, dict) or data.get("type") != cls.__name__:
            got = data.get("type") if isinstance(data, dict) else type(data).__name__
            raise ValueError(f"expected a {cls.__name__} dict, got {got!r}")
        try:
            return cls._from_parts(data.get("params") or {}, data.get("fitted"))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed {cls.__name__} dict: {exc!r}") from exc

    @classmethod
    def _from_parts(cls, params: dict, fitted):
        scaler = cls(**params)
        if fitted is not None:
            k, ndim = int(fitted["n_features_in_"]), int(fitted["input_ndim_"])
            if ndim not in (1, 2) or (ndim == 1 and k != 1):
                raise ValueError(f"invalid fitted shape: input_ndim_={ndim}, n_features_in_={k}")
            for name in cls._learned:
                values = np.asarray(fitted[name], dtype=np.float64)
                if values.shape != (k,) or not np.isfinite(values).all():
                    raise ValueError(f"{name} must be {k} finite numbers, got {fitted[name]!r}")
                setattr(scaler, name, values if ndim == 2 else float(values[0]))
            scaler.n_features_in_, scaler.input_ndim_ = k, ndim
        return scaler

    def fit_transform(self, X: ArrayLike) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``; use on training data only."""
        return self.fit(X).transform(X)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({params})"


class StandardScaler(_Scaler):
    """Subtract the training mean, divide by the training standard deviation (ddof=0).

    Attributes
    ----------
    mean_, scale_ : float or numpy.ndarray
        Per feature (a float when fitted on 1-D data). A constant feature gets ``scale_ = 1``
        so it maps to 0 instead of dividing by zero.
    n_features_in_ : int
    input_ndim_ : int
        1 or 2, the shape family seen by ``fit``.

    Examples
    --------
    >>> s = StandardScaler().fit(train)               # doctest: +SKIP
    >>> z_test = s.transform(test)                    # doctest: +SKIP
    """

    _learned = ("mean_", "scale_")

    def fit(self, X: ArrayLike) -> StandardScaler:
        """Learn mean and standard deviation from ``X`` (training data only); returns self."""
        X = self._check_fit_input(X)
        mean, std = X.mean(axis=0), X.std(axis=0)
        std = np.where(std > np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0), std, 1.0)
        self.mean_ = float(mean) if X.ndim == 1 else mean
        self.scale_ = float(std) if X.ndim == 1 else std
        self.n_features_in_ = 1 if X.ndim == 1 else X.shape[1]
        self.input_ndim_ = X.ndim
        return self

    def transform(self, X: ArrayLike) -> np.ndarray:
        """``(X - mean_) / scale_``, a new array."""
        X = self._check_input(X)
        return (X - self.mean_) / self.scale_

    def inverse_transform(self, X: ArrayLike) -> np.ndarray:
        """``X * scale_ + mean_``, back to the original units."""
        X = self._check_input(X)
        return X * self.scale_ + self.mean_


class MinMaxScaler(_Scaler):
    """Map the training minimum and maximum to ``feature_range`` (default 0 to 1).

    Values outside the training range map outside ``feature_range``: nothing is clipped.

    Parameters
    ----------
    feature_range : tuple of float, default (0.0, 1.0)

    Attributes
    ----------
    data_min_, data_max_ : float or numpy.ndarray
        Training extremes per feature. A constant feature is treated as having range 1.
    n_features_in_ : int
    input_ndim_ : int
    """

    _learned = ("data_min_", "data_max_")

    def __init__(self, feature_range: Sequence[float] = (0.0, 1.0)):
        low, high = (float(v) for v in feature_range)
        if not low < high:
            raise ValueError(f"feature_range must be (low, high) with low < high, got {feature_range!r}")
        self.feature_range = (low, high)

    def _params(self) -> dict:
        return {"feature_range": list(self.feature_range)}

    def fit(self, X: ArrayLike) -> MinMaxScaler:
        """Learn minimum and maximum from ``X`` (training data only); returns self."""
        X = self._check_fit_input(X)
        self.data_min_ = float(X.min()) if X.ndim == 1 else X.min(axis=0)
        self.data_max_ = float(X.max()) if X.ndim == 1 else X.max(axis=0)
        self.n_features_in_ = 1 if X.ndim == 1 else X.shape[1]
        self.input_ndim_ = X.ndim
        return self

    def _scale_min(self):
        data_range = np.asarray(self.data_max_ - self.data_min_, dtype=np.float64)
        data_range = np.where(data_range > 0, data_range, 1.0)
        low, high = self.feature_range
        scale = (high - low) / data_range
        return scale, low - np.asarray(self.data_min_) * scale

    def transform(self, X: ArrayLike) -> np.ndarray:
        """``X * scale + min`` so that the training range maps onto ``feature_range``."""
        X = self._check_input(X)
        scale, offset = self._scale_min()
        return X * scale + offset

    def inverse_transform(self, X: ArrayLike) -> np.ndarray:
        """Undo :meth:`transform`."""
        X = self._check_input(X)
        scale, offset = self._scale_min()
        return (X - offset) / scale


def scaler_from_dict(data: dict) -> StandardScaler | MinMaxScaler:
    """Rebuild whichever scaler ``data`` describes (the ``"type"`` key chooses the class)."""
    kinds = {cls.__name__: cls for cls in (StandardScaler, MinMaxScaler)}
    kind = data.get("type") if isinstance(data, dict) else None
    if kind not in kinds:
        raise ValueError(f"unknown scaler type {kind!r}; expected one of {', '.join(kinds)}")
    return kinds[kind].from_dict(data)
