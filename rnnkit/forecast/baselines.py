"""Baselines with the Forecaster's interface: Naive, SeasonalNaive, Drift, AutoReg, ETS.

Every forecast is judged against these. AutoReg and ETS come from statsmodels: AutoReg with the
number of lags chosen by AIC, ETS with the error/trend/seasonal form chosen by AICc.
"""
from __future__ import annotations

import warnings

import numpy as np

from rnnkit.forecast.base import BaseForecaster


class Naive(BaseForecaster):
    """Repeat the last value."""

    def __init__(self, horizon: int = 1):
        self.horizon = horizon

    def _fit(self, series):
        pass

    def _forecast(self, series, h):
        return np.full(h, series.values[-1])


class SeasonalNaive(BaseForecaster):
    """Repeat the last season: yhat_{n+j} = y_{n+j-m*k} for the smallest k >= 1 that reaches back."""

    def __init__(self, horizon: int = 1, season_length: int | str = "auto"):
        self.horizon = horizon
        self.season_length = season_length

    def _fit(self, series):
        pass

    def _forecast(self, series, h):
        m = min(self.season_length_, len(series))
        last = series.values[-m:]
        return np.resize(last, h) if m > 0 else np.full(h, series.values[-1])


class Drift(BaseForecaster):
    """Last value plus the average change so far: a straight line through the first and last."""

    def __init__(self, horizon: int = 1):
        self.horizon = horizon

    def _fit(self, series):
        y = series.values
        self.slope_ = (y[-1] - y[0]) / (len(y) - 1)

    def _forecast(self, series, h):
        return series.values[-1] + self.slope_ * np.arange(1, h + 1)


class AutoReg(BaseForecaster):
    """statsmodels AutoReg with a constant, lags 1..p, p chosen by AIC up to ``max_lags``
    (default: two seasons, at least 4, at most a third of the series)."""

    max_fit_points = 10_000  # the order search refits every lag order: 19 s at 10,000 hourly points

    def __init__(self, horizon: int = 1, season_length: int | str = "auto", max_lags: int | None = None):
        self.horizon = horizon
        self.season_length = season_length
        self.max_lags = max_lags

    def _fit(self, series):
        from statsmodels.tsa.ar_model import AutoReg as SMAutoReg
        from statsmodels.tsa.ar_model import ar_select_order

        y = np.asarray(series.values)
        cap = max(1, len(y) // 3 - 1)
        max_lags = self.max_lags or max(4, 2 * self.season_length_)
        max_lags = min(max_lags, cap)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sel = ar_select_order(y, maxlag=max_lags, ic="aic", trend="c")
            lags = sel.ar_lags if sel.ar_lags else 0
            self.result_ = SMAutoReg(y, lags=lags, trend="c").fit()
        self.lags_ = lags

    def _forecast(self, series, h):
        n = len(self.result_.model.endog)
        return np.asarray(self.result_.predict(start=n, end=n + h - 1))


class ETS(BaseForecaster):
    """statsmodels ETSModel: additive errors; trend none / additive / damped; seasonality none or
    additive (when two full seasons exist); the form with the lowest AICc wins. ``form`` fixes
    the form instead, e.g. ``("add", True, None)`` for (trend, damped, seasonal)."""

    # statsmodels' ETS takes about 2 s a fit at 2,000 hourly points and 15 at 20,000, and intervals
    # refit it at 19 origins; its forecast weighs the past down exponentially, so what lies more
    # than 2,000 points back hardly reaches it.
    max_fit_points = 2_000

    def __init__(self, horizon: int = 1, season_length: int | str = "auto",
                 form: tuple[str | None, bool, str | None] | None = None):
        self.horizon = horizon
        self.season_length = season_length
        self.form = form

    def _calibration_clone(self):
        # Refits at earlier origins keep the chosen form: the choice is part of the model.
        model = super()._calibration_clone()
        model.form = self.form_
        return model

    def _fit(self, series):
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        y = np.asarray(series.values, dtype=float)
        m = self.season_length_
        seasonal = [None, "add"] if m > 1 and len(y) >= 2 * m + 2 else [None]
        forms = [(t, d, s) for s in seasonal for t, d in ((None, False), ("add", False), ("add", True))]
        if self.form is not None:
            forms = [tuple(self.form)]
        best = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for trend, damped, season in forms:
                try:
                    result = ETSModel(y, error="add", trend=trend, damped_trend=damped, seasonal=season,
                                      seasonal_periods=m if season else None).fit(disp=False)
                except (ValueError, np.linalg.LinAlgError):
                    continue
                if np.isfinite(result.aicc) and (best is None or result.aicc < best[0].aicc):
                    best = (result, (trend, damped, season))
        if best is None:
            raise ValueError("y: no ETS form could be fitted to this series")
        self.result_, self.form_ = best

    def _forecast(self, series, h):
        return np.asarray(self.result_.forecast(h))


BASELINES = {"naive": Naive, "seasonal_naive": SeasonalNaive, "drift": Drift,
             "autoreg": AutoReg, "ets": ETS}


def make_model(cls: type[BaseForecaster], horizon: int, season_length: int | str = "auto") -> BaseForecaster:
    """An unfitted ``cls`` for ``horizon``, given ``season_length`` if it takes one."""
    if "season_length" in cls.__init__.__code__.co_varnames:
        return cls(horizon=horizon, season_length=season_length)
    return cls(horizon=horizon)
