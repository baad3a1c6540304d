"""load_panel's one pass over the whole table gives what loading each series alone gives."""
import numpy as np
import pandas as pd
import pytest

import rnnkit.data.series as series_module
from rnnkit.data import load_panel


def _series_by_series(monkeypatch, *args, **kwargs):
    with monkeypatch.context() as m:
        m.setattr(series_module, "one_pass", lambda *a, **k: None)
        return load_panel(*args, **kwargs)


def _assert_same(fast, slow):
    assert list(fast) == list(slow)
    for key in slow:
        a, b = fast[key], slow[key]
        pd.testing.assert_index_equal(a.index, b.index, exact=True)
        assert a.index.freq == b.index.freq, key
        assert a.freq == b.freq, key
        np.testing.assert_array_equal(a.values, b.values)
        if b.covariates is None:
            assert a.covariates is None
        else:
            np.testing.assert_array_equal(a.covariates, b.covariates)
        assert (a.target, a.covariate_names) == (b.target, b.covariate_names)


def _part(name, dates, rng, start_missing=0):
    y = rng.normal(size=len(dates)).round(3)
    y[:start_missing] = np.nan
    return pd.DataFrame({"unique_id": name, "ds": dates, "y": y, "x": rng.normal(size=len(dates))})


def _mixed_panel(rng) -> pd.DataFrame:
    parts = [
        _part("monthly", pd.date_range("2001-03-01", periods=30, freq="MS"), rng),
        _part(7, pd.date_range("2003-01-01", periods=25, freq="MS"), rng),  # an integer id
        _part("daily", pd.date_range("2020-01-05", periods=40, freq="D"), rng),
        _part("weekly", pd.date_range("2020-01-05", periods=20, freq="W-SUN"), rng),
        _part("weekly-mon", pd.date_range("2020-01-06", periods=20, freq="W-MON"), rng),
        _part("quarterly", pd.date_range("1990-04-01", periods=16, freq="QS-JAN"), rng),
        _part("month-ends", pd.date_range("2001-01-31", periods=12, freq="ME"), rng),
        _part("hourly", pd.date_range("2021-03-01 05:00", periods=50, freq="h"), rng),
        _part("business", pd.date_range("2021-03-01", periods=30, freq="B"), rng),
        _part("irregular", pd.DatetimeIndex(["2020-01-01", "2020-01-02", "2020-01-05", "2020-01-09"]), rng),
        _part("gap", pd.date_range("2001-01-01", periods=30, freq="MS").delete(10), rng),
        _part("two", pd.date_range("2001-01-01", periods=2, freq="MS"), rng),
        _part("late-start", pd.date_range("2001-01-01", periods=30, freq="MS"), rng, start_missing=5),
        _part("monthly-2", pd.date_range("1999-12-01", periods=40, freq="MS"), rng),
    ]
    frame = pd.concat(parts, ignore_index=True)
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)  # rows in any order


@pytest.mark.parametrize("as_text", [False, True])
def test_one_pass_equals_series_by_series(monkeypatch, tmp_path, as_text):
    frame = _mixed_panel(np.random.default_rng(0))
    source = frame
    if as_text:
        source = tmp_path / "panel.csv"
        frame.to_csv(source, index=False)
    fast = load_panel(source, covariates="x")
    _assert_same(fast, _series_by_series(monkeypatch, source, covariates="x"))
    assert fast["monthly"].freq == "MS" and fast["weekly-mon"].freq == "W-MON"
    assert fast["irregular"].freq is None and fast["two"].freq is None
    assert len(fast["late-start"]) == 25


def test_one_pass_with_freq_and_fill(monkeypatch):
    rng = np.random.default_rng(1)
    frame = pd.concat([_part("a", pd.date_range("2020-01-01", periods=30, freq="D"), rng),
                       _part("b", pd.date_range("2020-01-03", periods=20, freq="D").delete(4), rng),
                       _part("c", pd.date_range("2020-02-01", periods=1, freq="D"), rng)], ignore_index=True)
    frame.loc[7, "y"] = np.nan
    for kwargs in ({"freq": "D", "fill": "ffill"}, {"fill": "interpolate"}):
        _assert_same(load_panel(frame, **kwargs), _series_by_series(monkeypatch, frame, **kwargs))


@pytest.mark.parametrize("fault", ["duplicate", "inf", "nan"])
def test_one_pass_refuses_like_series_by_series(monkeypatch, fault):
    rng = np.random.default_rng(2)
    frame = pd.concat([_part(f"s{i}", pd.date_range("2020-01-01", periods=12, freq="MS"), rng) for i in range(5)],
                      ignore_index=True)
    for row in (30, 50):  # series s2 and s4: the message names the first of them
        if fault == "duplicate":
            frame.loc[row, "ds"] = frame.loc[row + 1, "ds"]
        else:
            frame.loc[row, "y"] = np.inf if fault == "inf" else np.nan
    with pytest.raises(ValueError) as fast:
        load_panel(frame)
    with pytest.raises(ValueError) as slow:
        _series_by_series(monkeypatch, frame)
    assert str(fast.value) == str(slow.value)
    assert str(fast.value).startswith("series 's2': ")


def test_many_short_series_share_one_pass():
    """100 series of one month grid: all load through the one pass, each with its slice of it."""
    n, rows = 100, 6
    frame = pd.DataFrame({"unique_id": np.repeat(np.arange(n), rows),
                          "ds": np.tile(pd.date_range("2020-01-01", periods=rows, freq="MS"), n),
                          "y": np.arange(n * rows, dtype=float)})
    table = series_module.read_source(frame)
    codes, keys = pd.factorize(frame["unique_id"].to_numpy(), sort=False)
    done = series_module.one_pass(table, codes, len(keys), "unique_id", "y", "ds", [], None)
    assert done is not None and done.ok.all() and set(done.freq) == {"MS"}
    assert len(done.grids["MS"][0]) == rows  # one shared grid, sliced per series
    panel = load_panel(frame)
    assert list(panel) == list(range(n))
    np.testing.assert_array_equal(panel[3].values, np.arange(18, 24))
