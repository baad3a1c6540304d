"""Every bundled dataset loads offline, as promised, and without unpickling anything."""
import pickle

import numpy as np
import pandas as pd
import pytest

from rnnkit.data import dataset_info, list_datasets, load_dataset, load_dataset_series
from rnnkit.data.datasets import DATASETS

REQUIRED = {
    "dax", "goog", "seattle_weather", "co2", "air_passengers", "sunspots", "macro_rates", "nile",
}


def test_registry_has_the_promised_datasets():
    table = list_datasets()
    assert REQUIRED <= set(table["name"]) and len(table) >= 12
    assert {"name", "description", "freq", "length", "source", "season_length", "target"} <= set(table.columns)
    season = {"MS": 12, "QS-JAN": 4, "YS-JAN": 1, "B": 5, "D": 7}
    for row in table.itertuples():
        assert row.season_length == season[row.freq], row.name


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_dataset_loads_as_promised(name):
    info = dataset_info(name)
    frame = load_dataset(name)
    assert list(frame.columns[:2]) == ["date", info.target]
    assert set(info.covariates) <= set(frame.columns)
    assert len(frame) == info.length
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    target = frame[info.target].to_numpy()
    assert target.dtype == np.float64 and np.isfinite(target).all()
    for c in info.covariates:
        assert np.isfinite(frame[c].to_numpy(dtype=float)).all()
    # A regular calendar with the promised frequency: no gaps, no duplicates.
    dates = pd.DatetimeIndex(frame["date"])
    assert dates.equals(pd.date_range(dates[0], periods=len(dates), freq=info.freq))
    ts = load_dataset_series(name)
    assert len(ts) == info.length and ts.freq == info.freq
    assert ts.covariate_names == info.covariates


def test_known_values():
    # Published values, to catch a vendored file or a calendar going wrong.
    air = load_dataset("air_passengers")
    assert air["passengers"].iloc[:3].tolist() == [112, 118, 132] and air["passengers"].sum() == 40363
    assert air["date"].iloc[-1] == pd.Timestamp("1960-12-01")
    nile = load_dataset("nile")
    assert nile["volume"].iloc[0] == 1120 and nile["date"].iloc[0] == pd.Timestamp("1871-01-01")
    dax = load_dataset("dax")
    assert dax["DAX"].iloc[0] == 1628.75 and dax["date"].iloc[0] == pd.Timestamp("1991-07-01")
    macro = load_dataset("macro_rates")
    assert macro["date"].iloc[-1] == pd.Timestamp("2009-07-01") and macro["tbilrate"].iloc[0] == 2.82
    assert load_dataset("macro_infl")["date"].iloc[0] == pd.Timestamp("1959-04-01")
    assert load_dataset("co2")["date"].iloc[0] == pd.Timestamp("1958-03-01")


def test_loading_never_unpickles(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pickle used")

    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    monkeypatch.setattr(pd, "read_pickle", refuse)
    for name in DATASETS:
        load_dataset(name)


def test_each_load_is_a_fresh_frame():
    a = load_dataset("nile")
    a.loc[0, "volume"] = -1.0
    assert load_dataset("nile")["volume"].iloc[0] == 1120


def test_unknown_name_suggests():
    with pytest.raises(ValueError, match=r"unknown dataset 'airpassengers'; did you mean 'air_passengers'"):
        load_dataset("airpassengers")


def test_elec_daily_starts_on_new_years_day_2014():
    # fpp2's series has no dates; its work-day flag pins them: weekdays that are not public
    # holidays in Victoria, for the 365 days from 2014-01-01 exactly.
    import holidays

    frame = load_dataset("elec_daily")
    dates = pd.DatetimeIndex(frame["date"])
    assert dates[0] == pd.Timestamp("2014-01-01") and dates[-1] == pd.Timestamp("2014-12-31")
    vic = holidays.country_holidays("AU", subdiv="VIC", years=[2014])
    workday = (dates.day_of_week < 5) & ~np.isin(dates.date, list(vic))
    assert np.array_equal(frame["workday"].to_numpy(), workday.astype(float))


def test_bundled_panels_load_as_promised():
    from rnnkit.data import list_panels, load_panel, load_panel_dataset, panel_info

    assert list(list_panels()["name"]) == ["prison_lf"]
    info = panel_info("prison_lf")
    df, static = load_panel_dataset("prison_lf")
    assert list(df.columns) == ["unique_id", "ds", "y"] and list(static.columns) == ["unique_id", *info.static]
    panel = load_panel(df)
    assert len(panel) == info.n_series == len(static) and set(static.unique_id) == set(panel)
    assert all(len(s) == info.length and s.freq == info.freq for s in panel.values())
    assert static.set_index("unique_id").loc["NSW/Male/Sentenced"].tolist() == ["NSW", "Male", "Sentenced"]
    with pytest.raises(ValueError, match="did you mean 'prison_lf'"):
        panel_info("prison")
