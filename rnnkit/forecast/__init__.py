"""rnnkit.forecast: honest forecasts of a series, against baselines, with intervals."""
from rnnkit.forecast.base import BaseForecaster, NotFittedError
from rnnkit.forecast.baselines import ETS, AutoReg, Drift, Naive, SeasonalNaive
from rnnkit.forecast.cross_validation import coverage_by_window, cross_validation, cv_metrics
from rnnkit.forecast.forecaster import Forecaster
from rnnkit.forecast.metrics import all_metrics, coverage, interval_width, mae, mape, mase, rmse, smape

__all__ = ["BaseForecaster", "NotFittedError", "Forecaster", "Naive", "SeasonalNaive", "Drift",
           "AutoReg", "ETS", "mae", "rmse", "mape", "smape", "mase", "coverage", "interval_width",
           "all_metrics", "cross_validation", "cv_metrics", "coverage_by_window"]
