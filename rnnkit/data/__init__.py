"""rnnkit.data: series and windows in, nothing else.

Load and validate a series (CSV, Parquet, DataFrame), use a bundled real dataset, cut it into
(window, horizon) examples without copying, scale it with statistics of the training part
only, and split it chronologically or into rolling-origin backtest folds.

>>> from rnnkit.data import load_dataset_series, sliding_windows, train_val_test_split
>>> ts = load_dataset_series("air_passengers")
>>> train, val, test = train_val_test_split(len(ts), val=12, test=12)
>>> x, y = sliding_windows(ts.values[train], window=24, horizon=12)
>>> x.shape, y.shape
((85, 24), (85, 12))
"""
from rnnkit.data.datasets import (
    DatasetInfo,
    dataset_info,
    list_datasets,
    load_dataset,
    load_dataset_series,
)
from rnnkit.data.panel_datasets import PANELS as PANELS_BUNDLED
from rnnkit.data.panel_datasets import PanelInfo, list_panels, load_panel_dataset, panel_info
from rnnkit.data.scalers import (
    MinMaxScaler,
    NotFittedError,
    StandardScaler,
    scaler_from_dict,
)
from rnnkit.data.series import check_length, load_panel, load_series
from rnnkit.data.splits import Fold, rolling_origin_folds, train_val_test_split
from rnnkit.data.synthetic import (
    ADDING_BASELINE_MSE,
    adding_problem,
    copy_chance_loss,
    copy_task,
)
from rnnkit.data.timeseries import TimeSeries
from rnnkit.data.windows import sliding_windows

__all__ = [
    "ADDING_BASELINE_MSE",
    "DatasetInfo",
    "Fold",
    "MinMaxScaler",
    "NotFittedError",
    "PANELS_BUNDLED",
    "PanelInfo",
    "StandardScaler",
    "TimeSeries",
    "adding_problem",
    "check_length",
    "copy_chance_loss",
    "copy_task",
    "dataset_info",
    "list_datasets",
    "list_panels",
    "load_dataset",
    "load_dataset_series",
    "load_panel",
    "load_panel_dataset",
    "panel_info",
    "load_series",
    "rolling_origin_folds",
    "scaler_from_dict",
    "sliding_windows",
    "train_val_test_split",
]
