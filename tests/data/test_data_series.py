"""load_series / load_panel / TimeSeries / check_length: what loads, and every refusal."""
import numpy as np
import pandas as pd
import pytest

from rnnkit.data import TimeSeries, check_length, load_panel, load_series


@pytest.fixture
def write(tmp_path):
    def _write(text, name="data.csv"):
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


MONTHLY = "date,price,temp\n2020-03-01,3,13\n2020-01-01,1,11\n2020-02-01,2,12\n2020-04-01,4,14\n"


# ---- loading ----------------------------------------------------------------------------------

def test_csv_sorted_by_date_with_inferred_freq(write):
    ts = load_series(write(MONTHLY), "price", covariates=["temp"])
    assert isinstance(ts, TimeSeries)
    assert list(ts.values) == [1, 2, 3, 4]
    assert ts.values.dtype == np.float64 and ts.covariates.dtype == np.float64
    assert ts.covariates[:, 0].tolist() == [11, 12, 13, 14]
    assert ts.freq == "MS" and ts.index.is_monotonic_increasing
    assert ts.target == "price" and ts.covariate_names == ("temp",)


def test_dataframe_series_and_index_dates():
    idx = pd.date_range("2021-01-01", periods=5, freq="D")
    from_series = load_series(pd.Series(np.arange(5.0), index=idx), "y")
    assert from_series.freq == "D" and from_series.target == "y"
    frame = pd.DataFrame({"y": np.arange(5.0)}, index=pd.period_range("2000Q1", periods=5, freq="Q"))
    assert load_series(frame, "y").freq == "QS-JAN"
    named = pd.DataFrame({"y": np.arange(5.0)}, index=idx.rename("when"))
    assert load_series(named, "y", date="when").index.equals(idx.rename("when"))  # the user's name kept
    assert load_series(pd.Series(np.arange(5.0), index=idx), "y").index.name == "date"  # unnamed: "date"


@pytest.mark.parametrize(
    "header, cells, freq",
    [
        ("ds", ["2020-01-01", "2020-01-02", "2020-01-03"], "D"),
        ("timestamp", ["2020-01-01 00:00", "2020-01-01 01:00", "2020-01-01 02:00"], "h"),
        ("year", ["1871", "1872", "1873"], "YS-JAN"),
        ("order_date", ["2020-01-01", "2020-01-08", "2020-01-15"], "W-WED"),
        ("when", ["2020-01-31", "2020-02-29", "2020-03-31"], "ME"),  # found by parsing, not name
    ],
)
def test_date_column_found(write, header, cells, freq):
    text = f"{header},y\n" + "".join(f"{c},{i}\n" for i, c in enumerate(cells))
    assert load_series(write(text), "y").freq == freq


def test_no_date_gives_integer_steps(write):
    ts = load_series(write("step,y\n1,5\n2,6\n3,7\n"), "y")
    assert isinstance(ts.index, pd.RangeIndex) and ts.freq is None
    assert ts.future_index(2).tolist() == [3, 4]


def test_freq_override_for_trading_days(write):
    # Mon 6, Tue 7, Thu 9 (Wed a holiday): infer_freq finds nothing, freq="B" is honest.
    text = "date,close\n2020-01-06,1\n2020-01-07,2\n2020-01-09,3\n"
    assert load_series(write(text), "close").freq is None
    ts = load_series(write(text), "close", freq="B")
    assert ts.freq == "B"
    assert [d.date().isoformat() for d in ts.future_index(2)] == ["2020-01-10", "2020-01-13"]


def test_fill_rules(write):
    text = "date,y\n2020-01-01,1\n2020-01-02,\n2020-01-03,NA\n2020-01-04,4\n2020-01-05,n/a\n"
    assert load_series(write(text), "y", fill="ffill").values.tolist() == [1, 1, 1, 4, 4]
    assert load_series(write(text), "y", fill="interpolate").values.tolist() == [1, 2, 3, 4, 4]


def test_interpolate_weights_by_time(write):
    text = "date,y\n2020-01-01,0\n2020-01-02,\n2020-01-05,4\n"
    assert load_series(write(text), "y", fill="interpolate").values.tolist() == [0, 1, 4]


def test_bom_and_spaces_after_commas(write):
    ts = load_series(write("\ufeffdate, y\n2020-01-01, 1\n2020-01-02, 2\n"), "y")
    assert ts.values.tolist() == [1, 2]


# ---- refusals ---------------------------------------------------------------------------------

def test_refuses_missing_column_listing_available(write):
    with pytest.raises(ValueError, match=r"column 'prise' not found; available columns: 'date', 'price', 'temp'"):
        load_series(write(MONTHLY), "prise")
    with pytest.raises(ValueError, match=r"columns 'a', 'b' not found"):
        load_series(write(MONTHLY), "price", covariates=["a", "b"])
    with pytest.raises(ValueError, match=r"date column 'day' not found"):
        load_series(write(MONTHLY), "price", date="day")


def test_refuses_other_separator_with_hint(write):
    with pytest.raises(ValueError, match="another separator"):
        load_series(write("date;y\n2020-01-01;1\n"), "y")


def test_refuses_non_numeric_naming_lines_and_values(write):
    text = "date,price\n2020-01-01,1\n2020-01-02,abc\n2020-01-03,3\n2020-01-04,1.2.3\n"
    with pytest.raises(ValueError, match=r"column 'price': non-numeric values at lines 3, 5 \('abc', '1.2.3'\)"):
        load_series(write(text), "price")


def test_refuses_non_numeric_in_dataframe_naming_index_labels():
    frame = pd.DataFrame({"y": [1, "x", 3.0], "c": [1, 2, 3]}, index=[10, 11, 12])
    with pytest.raises(ValueError, match=r"column 'y': non-numeric values at row 11 \('x'\)"):
        load_series(frame, "y")
    with pytest.raises(ValueError, match=r"column 'c': missing values at row 12"):
        load_series(pd.DataFrame({"y": [1.0, 2.0, 3.0], "c": [1, 2, None]}, index=[10, 11, 12]), "y", covariates="c")


def test_refuses_missing_values_unless_fill(write):
    text = "date,y\n2020-01-01,1\n2020-01-02,\n2020-01-03,NaN\n"
    with pytest.raises(ValueError, match=r"column 'y': missing values at lines 3, 4; pass fill="):
        load_series(write(text), "y")


def test_refuses_leading_gap_even_with_fill(write):
    text = "date,y\n2020-01-03,3\n2020-01-01,\n2020-01-02,2\n"  # the gap comes first once sorted
    for fill in ("ffill", "interpolate"):
        with pytest.raises(ValueError, match=r"leading missing values at line 3 cannot be filled"):
            load_series(write(text), "y", fill=fill)


def test_refuses_inf_even_with_fill(write):
    text = "date,y\n2020-01-01,1\n2020-01-02,inf\n2020-01-03,-1e999\n"
    with pytest.raises(ValueError, match=r"column 'y': infinite values at lines 3, 4 \(inf, -inf\)"):
        load_series(write(text), "y", fill="ffill")


def test_refuses_duplicate_timestamps_naming_them(write):
    text = "date,y\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n2020-01-03,4\n2020-01-03,5\n"
    with pytest.raises(ValueError, match=r"duplicate timestamps 2020-01-02 \(lines 3, 4\), 2020-01-03 \(lines 5, 6\)"):
        load_series(write(text), "y")
    idx = pd.DatetimeIndex(["2020-01-01", "2020-01-01", "2020-01-02"])
    with pytest.raises(ValueError, match=r"duplicate timestamps 2020-01-01 \(2 times\)"):
        load_series(pd.DataFrame({"y": [1.0, 2.0, 3.0]}, index=idx), "y")


def test_refuses_unparseable_and_missing_dates(write):
    text = "date,y\n2020-01-01,1\n2020-13-45,2\nyesterday,3\n"
    with pytest.raises(ValueError, match=r"date column 'date': unparseable dates at lines 3, 4 \('2020-13-45', 'yesterday'\)"):
        load_series(write(text), "y")
    with pytest.raises(ValueError, match=r"date column 'date': unparseable dates at line 3 \(''\)"):
        load_series(write("date,y\n2020-01-01,1\n,2\n"), "y")
    with pytest.raises(ValueError, match=r"holds numbers that are not calendar years"):
        load_series(write("t,y\n1,1\n2,2\n"), "y", date="t")


def test_refuses_empty_and_header_only(write):
    with pytest.raises(ValueError, match="the file is empty"):
        load_series(write(""), "y")
    with pytest.raises(ValueError, match="the file is empty"):
        load_series(write("\n\n  \n"), "y")
    with pytest.raises(ValueError, match="header but no data rows"):
        load_series(write("date,y\n"), "y")
    with pytest.raises(ValueError, match="no data rows"):
        load_series(pd.DataFrame({"y": []}), "y")


def test_refuses_binary_and_non_utf8(write):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    with pytest.raises(ValueError, match=r"not a CSV file \(it contains binary data\)"):
        load_series(write(png), "y")
    with pytest.raises(ValueError, match=r"not a UTF-8 text CSV \(byte 0xe9 at offset 7\)"):
        load_series(write("date,y\n\xe9t\xe9,1\n".encode("latin-1")), "y")


def test_refuses_ragged_csv_in_one_line(write):
    with pytest.raises(ValueError, match=r"not a valid CSV \(Error tokenizing data") as info:
        load_series(write("date,y\n2020-01-01,1\n2020-01-02,2,3,4\n"), "y")
    assert "\n" not in str(info.value)


def test_refuses_bad_arguments(write):
    path = write(MONTHLY)
    with pytest.raises(ValueError, match="fill must be None, 'ffill' or 'interpolate'"):
        load_series(path, "price", fill="zero")
    with pytest.raises(ValueError, match="freq='fortnightly' is not a pandas frequency"):
        load_series(path, "price", freq="fortnightly")
    with pytest.raises(ValueError, match="cannot also be a covariate"):
        load_series(path, "price", covariates=["price"])
    with pytest.raises(ValueError, match="cannot be both the date and a value column"):
        load_series(path, "price", date="temp", covariates=["temp"])
    with pytest.raises(ValueError, match="unsupported file type '.xlsx'"):
        load_series(path.with_suffix(".xlsx"), "price")
    with pytest.raises(ValueError, match="appears 2 times"):
        load_series(pd.DataFrame([[1.0, 2.0]], columns=["y", "y"]), "y")
    with pytest.raises(FileNotFoundError):
        load_series(path.with_name("absent.csv"), "price")
    with pytest.raises(TypeError, match="source must be a path"):
        load_series([1, 2, 3], "y")


def test_parquet(tmp_path):
    frame = pd.DataFrame({"ds": pd.date_range("2020", periods=4, freq="D"), "y": [1.0, 2, 3, 4]})
    try:
        frame.to_parquet(tmp_path / "s.parquet")
    except ImportError:
        (tmp_path / "s.parquet").write_bytes(b"PAR1 not really")
        with pytest.raises(ImportError, match="pyarrow"):
            load_series(tmp_path / "s.parquet", "y")
        return
    assert load_series(tmp_path / "s.parquet", "y").freq == "D"
    (tmp_path / "bad.parquet").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="not a readable Parquet file"):
        load_series(tmp_path / "bad.parquet", "y")


def test_messages_stay_short_with_many_bad_rows(write):
    text = "date,y\n" + "".join(f"2020-01-{d:02d},x{d}\n" for d in range(1, 29))
    with pytest.raises(ValueError, match=r"lines 2, 3, 4, 5, 6 and 23 more") as info:
        load_series(write(text), "y")
    assert len(str(info.value)) < 200


# ---- TimeSeries ---------------------------------------------------------------------------------

def _monthly(n=10, covariates=True):
    frame = pd.DataFrame(
        {"date": pd.date_range("2020-01-01", periods=n, freq="MS"), "y": np.arange(n, dtype=float),
         "x": np.arange(n, dtype=float) * 10}
    )
    return load_series(frame, "y", covariates=["x"] if covariates else None)


def test_slicing_returns_views_and_keeps_freq():
    ts = _monthly()
    part = ts[2:5]
    assert isinstance(part, TimeSeries) and len(part) == 3 and part.freq == "MS"
    assert np.shares_memory(part.values, ts.values) and np.shares_memory(part.covariates, ts.covariates)
    assert part.index[0] == pd.Timestamp("2020-03-01")
    assert ts.tail(3).values.tolist() == [7, 8, 9] and ts.head(2).values.tolist() == [0, 1]
    assert len(ts.tail(0)) == 0
    with pytest.raises(TypeError, match="slices only"):
        ts[3]
    with pytest.raises(ValueError, match="no step"):
        ts[::2]


def test_arrays_are_read_only():
    ts = _monthly()
    with pytest.raises(ValueError, match="read-only"):
        ts.values[0] = 99
    with pytest.raises(ValueError, match="read-only"):
        ts.covariates[0, 0] = 99
    with pytest.raises(AttributeError):
        ts.values = np.zeros(10)


def test_constructor_does_not_freeze_callers_array():
    values = np.arange(3.0)
    TimeSeries(pd.RangeIndex(3), values)
    values[0] = 5.0  # still writeable


def test_future_index_and_to_frame():
    ts = _monthly()
    assert ts.future_index(2).tolist() == [pd.Timestamp("2020-11-01"), pd.Timestamp("2020-12-01")]
    frame = ts.to_frame()
    assert list(frame.columns) == ["y", "x"] and frame.index.name == "date" and len(frame) == 10
    frame.iloc[0, 0] = -1.0  # a copy: the series is untouched
    assert ts.values[0] == 0.0
    irregular = load_series(pd.DataFrame({"date": ["2020-01-01", "2020-01-02", "2020-01-05"], "y": [1, 2, 3]}), "y")
    with pytest.raises(ValueError, match="without a frequency"):
        irregular.future_index(1)
    with pytest.raises(ValueError, match="h must be >= 1"):
        ts.future_index(0)


def test_constructor_checks_shapes():
    with pytest.raises(ValueError, match=r"values has 2 points but index has 3"):
        TimeSeries(pd.RangeIndex(3), np.zeros(2))
    with pytest.raises(ValueError, match=r"covariates must have shape \(3, k\)"):
        TimeSeries(pd.RangeIndex(3), np.zeros(3), covariates=np.zeros(3), covariate_names=("a",))
    with pytest.raises(TypeError, match="DatetimeIndex or RangeIndex"):
        TimeSeries(pd.Index([1, 5, 9]), np.zeros(3))


def test_check_length():
    check_length(_monthly(48), window=36, horizon=12)
    with pytest.raises(ValueError, match=r"^series has 40 points; window 36 \+ horizon 12 needs at least 48$"):
        check_length(_monthly(40), window=36, horizon=12)
    with pytest.raises(ValueError, match="window must be >= 1"):
        check_length(_monthly(40), window=0, horizon=1)


# ---- panels -------------------------------------------------------------------------------------

def test_load_panel_long_format(write):
    text = (
        "unique_id,ds,y\n"
        "b,2020-01-02,20\na,2020-01-01,1\na,2020-01-02,2\nb,2020-01-01,10\na,2020-01-03,3\nb,2020-01-03,30\n"
    )
    panel = load_panel(write(text))
    assert list(panel) == ["b", "a"]
    assert panel["a"].values.tolist() == [1, 2, 3] and panel["b"].values.tolist() == [10, 20, 30]
    assert panel["a"].freq == "D"


def test_load_panel_names_the_series_and_line(write):
    text = "unique_id,ds,y\na,2020-01-01,1\nb,2020-01-01,x\na,2020-01-02,2\n"
    with pytest.raises(ValueError, match=r"series 'b': column 'y': non-numeric values at line 3 \('x'\)"):
        load_panel(write(text))
    with pytest.raises(ValueError, match=r"column 'series' not found"):
        load_panel(write(text), id_col="series")
    with pytest.raises(ValueError, match=r"column 'unique_id': missing series ids at line 2"):
        load_panel(write("unique_id,ds,y\n,2020-01-01,1\n"))


@pytest.mark.parametrize("per_year,freq", [(12, "MS"), (4, "QS")])
def test_decimal_years_of_an_r_ts_export_are_dates(write, per_year, freq):
    """Regression: R's time() column (1973.083 ...) was read as integer steps with season 1."""
    times = np.round(1973 + 5 / 12 * (per_year == 12) + np.arange(30) / per_year, 3)
    text = "time,value\n" + "".join(f"{t},{i}\n" for i, t in enumerate(times))
    series = load_series(write(text), target="value")
    first = "1973-06-01" if per_year == 12 else "1973-01-01"
    assert str(series.index[0].date()) == first and series.freq.startswith(freq)
    assert len(series) == 30 and series.index.is_monotonic_increasing
    with pytest.raises(ValueError, match="not calendar years"):  # an irregular grid is not guessed
        load_series(write("time,value\n1973.1,1\n1973.37,2\n1974.9,3\n"), target="value", date="time")


def test_panel_series_that_start_later_are_trimmed_not_refused(write):
    """Regression: a wide table melted to long format gives later-starting series empty cells
    before their start; they were refused as missing values."""
    text = ("unique_id,ds,y,x\n"
            "a,2020-01-01,1,0\na,2020-01-02,2,0\na,2020-01-03,3,0\na,2020-01-04,4,0\n"
            "b,2020-01-01,,0\nb,2020-01-02,,0\nb,2020-01-03,30,0\nb,2020-01-04,40,1\n")
    panel = load_panel(write(text), covariates="x")
    assert panel["a"].values.tolist() == [1, 2, 3, 4]
    assert panel["b"].values.tolist() == [30, 40] and panel["b"].covariates.ravel().tolist() == [0, 1]
    assert str(panel["b"].index[0].date()) == "2020-01-03" and panel["b"].freq == "D"
    gap = text.replace("b,2020-01-02,,", "b,2020-01-02,20,").replace("b,2020-01-03,30", "b,2020-01-03,")
    with pytest.raises(ValueError, match=r"series 'b': column 'y': missing values at line 8"):
        load_panel(write(gap))  # a gap after the start is still the user's to fill


def test_load_panel_is_linear_in_rows(write):
    """Regression: each id was matched by scanning every row (16,000 series x 40 rows: 345 s)."""
    n_series, length = 300, 5
    ids = np.repeat([f"s{i}" for i in range(n_series)], length)
    frame = pd.DataFrame({"unique_id": ids, "ds": np.tile(pd.date_range("2020-01-01", periods=length), n_series),
                          "y": np.arange(n_series * length, dtype=float)})
    panel = load_panel(frame.sample(frac=1.0, random_state=0))  # rows in any order
    assert list(panel)[:2] == list(pd.unique(frame.sample(frac=1.0, random_state=0)["unique_id"]))[:2]
    assert all(panel[f"s{i}"].values.tolist() == list(range(i * length, (i + 1) * length)) for i in range(n_series))


@pytest.mark.parametrize("junk", ["now", "today", "12:30", "March", "3rd"])
def test_refuses_dates_that_depend_on_today(write, junk):
    # Regression: dateutil completed these from the current date (or year 1) without a word.
    text = f"date,y\n2020-01-01,1\n{junk},2\n2020-01-03,3\n"
    with pytest.raises(ValueError, match=rf"unparseable dates at line 3 \('{junk}'\); a date needs a 4-digit year"):
        load_series(write(text), "y")


def test_text_column_of_month_names_is_not_taken_for_dates(write):
    ts = load_series(write("label,y\nMarch,1\nApril,2\n"), "y")
    assert isinstance(ts.index, pd.RangeIndex)


def test_refuses_freq_the_dates_are_not_on(write):
    text = "date,y\n2020-01-31,1\n2020-02-29,2\n2020-03-31,3\n"
    with pytest.raises(ValueError, match=r"dates not on freq='MS' at lines 2, 3, 4 \(2020-01-31"):
        load_series(write(text), "y", freq="MS")
    assert load_series(write(text), "y", freq="ME").freq == "ME"
    with pytest.raises(ValueError, match=r"freq='s' is far finer than the data"):
        load_series(write(text), "y", freq="s")
    with pytest.raises(ValueError, match=r"freq='Q' is not a pandas frequency .*QE"):
        load_series(write(text), "y", freq="Q")


def test_label_of_a_timestamp_outside_pythons_datetime_range():
    """Regression (found by the fuzz test): naming a duplicated date in year -1000 raised
    NotImplementedError instead of building the message."""
    import pandas as pd

    from rnnkit.data._messages import label

    assert label(pd.Timestamp("-1000-01-01")) == "-1000-01-01"
    assert label(pd.Timestamp("2020-03-04")) == "2020-03-04"
    assert label(pd.Timestamp("2020-03-04 12:30")) == "2020-03-04 12:30:00"


def test_number_formats_and_the_hints_when_they_are_wrong(write):
    us = write('date,sales\n2020-01-01,"1,157"\n2020-02-01,"12,203.5"\n', name="us.csv")
    with pytest.raises(ValueError, match=r"',' between thousands: pass thousands=','"):
        load_series(us, target="sales")
    assert load_series(us, target="sales", thousands=",").values.tolist() == [1157.0, 12203.5]
    de = write("date;y\n2020-01-01;1.157,5\n2020-02-01;3,25\n", name="de.csv")
    assert load_series(de, target="y", sep=";", decimal=",", thousands=".").values.tolist() == [1157.5, 3.25]
    with pytest.raises(ValueError, match=r"decimal comma: pass decimal=',', thousands='\.'"):
        load_series(de, target="y", sep=";")
    with pytest.raises(ValueError, match=r"decimal comma: pass thousands='\.'"):
        load_series(de, target="y", sep=";", decimal=",")
    french = write("date;y\n2020-01-01;1 157,5\n2020-02-01;3,25\n", name="fr.csv")
    assert load_series(french, target="y", sep=";", decimal=",", thousands=" ").values.tolist() == [1157.5, 3.25]
    for kwargs, match in [({"decimal": ",", "thousands": ","}, "thousands: must differ"),
                          ({"sep": "ab"}, "sep: expected one character"), ({"decimal": "1"}, "decimal: expected")]:
        with pytest.raises(ValueError, match=match):
            load_series(us, target="sales", **kwargs)


@pytest.mark.parametrize("text,line", [
    ('date,sales\n2020-01-01,"1"\n2020-02-01,x\n', 3),             # quoted cells
    ("date,sales\n2020-01-01,1\n\n\n2020-02-01,x\n", 5),           # blank lines skipped
    ('date,note,sales\n2020-01-01,"a\nb",1\n2020-02-01,c,x\n', 4),  # a quoted cell over two lines
])
def test_messages_name_the_file_line_even_with_quotes_and_blank_lines(write, text, line):
    """Regression: such files were reported by 0-based data-row numbers."""
    with pytest.raises(ValueError, match=rf"non-numeric values at line {line} \('x'\)"):
        load_series(write(text), target="sales")


def test_a_possible_thousands_misreading_is_a_warning(write):
    """Regression: a German 1.157 (= 1157) was read as 1.157 without a word."""
    german = write("date;y\n2020-01-01;1.157\n2020-02-01;1.203\n2020-03-01;2.001\n")
    with pytest.warns(UserWarning, match=r"exactly three decimals .*thousands='\.', decimal=','"):
        assert load_series(german, target="y", sep=";").values.tolist() == [1.157, 1.203, 2.001]
    assert load_series(german, target="y", sep=";", thousands=".", decimal=",").values.tolist() == [1157, 1203, 2001]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # decimals below one, or of other lengths: no warning
        load_series(write("date,y\n2020-01-01,0.125\n2020-02-01,1.250\n2020-03-01,2.375\n"), target="y")
        load_series(write("date,y\n2020-01-01,1.5\n2020-02-01,1.203\n2020-03-01,2.001\n"), target="y")


@pytest.mark.parametrize("freq, start, local", [("D", "2021-03-20", True), ("MS", "2021-01-01", True),
                                                ("h", "2021-03-27 20:00", False), ("h", "2021-10-30 20:00", False)])
def test_one_time_zone_across_daylight_saving_time_parses(freq, start, local):
    """+01:00 in winter, +02:00 in summer: daily and monthly stamps are read as local wall-clock
    times (regular there), hourly ones in UTC (regular there, while the local clock skips or
    repeats an hour)."""
    stamps = pd.date_range(start, periods=60, freq=freq, tz="Europe/Berlin")
    assert stamps.map(lambda t: t.utcoffset()).nunique() == 2  # the span crosses a change of offset
    frame = pd.DataFrame({"date": stamps.map(lambda t: t.isoformat()), "y": np.arange(60.0)})
    series = load_series(frame, target="y", date="date")
    assert series.freq == freq
    expected = stamps.tz_localize(None) if local else stamps.tz_convert("UTC")
    assert list(series.index) == list(expected)


@pytest.mark.parametrize("freq, error, message", [(True, TypeError, "expected a pandas frequency string"),
                                                  (12, TypeError, "got 12"),
                                                  ("fortnightly", ValueError, "'fortnightly' is not a pandas")])
def test_a_time_series_refuses_a_frequency_pandas_cannot_read(freq, error, message):
    """Checked on construction, not when the first forecast extends the dates."""
    index = pd.date_range("2020-01-01", periods=3, freq="D")
    with pytest.raises(error, match=message):
        TimeSeries(index=index, values=[1.0, 2.0, 3.0], freq=freq)
