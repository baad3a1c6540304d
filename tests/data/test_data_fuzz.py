"""Fuzz load_series with malformed input: it returns a valid TimeSeries or raises ValueError,
never any other exception (an uncaught pandas or UnicodeDecodeError would reach the user as a
traceback instead of a one-line message)."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnkit.data import TimeSeries, load_panel, load_series

# A warning here is a silent conversion (e.g. a complex number losing its imaginary part).
pytestmark = pytest.mark.filterwarnings("error")

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DATES = st.sampled_from(
    ["2020-01-01", "2020-01-02", "2020-01-03", "2020-02-30", "2020/01/04", "1.5.2020", "", "NaT",
     "2020-01-01T12:00:00+05:00", "2020-01-01 00:00:00Z", "1871", "19580329", "tomorrow", "0",
     "9999-12-31", "2262-04-12", "1677-09-21", "2020-W01", "2020Q1", "\u00e9t\u00e9"]
)
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["", "NA", "n/a", "NaN", "inf", "-inf", "1e999", "abc", "1,5", "1.2.3", "0x10",
                     " 3 ", "True", "None", "\"1\"", "\"a,b\"", "-", "1_000", "\u0663"]),
)
CELL = st.one_of(DATES, NUMBERS, st.text(max_size=8))
HEADER = st.lists(
    st.sampled_from(["date", "ds", "time", "year", "y", "x", "price", "", "date", "y", "Unnamed: 0"]),
    min_size=1, max_size=4,
)


@st.composite
def csv_text(draw):
    header = draw(HEADER)
    rows = draw(st.lists(st.lists(CELL, min_size=len(header) - 1, max_size=len(header) + 1), max_size=12))
    sep = draw(st.sampled_from([",", ",", ";", "\t"]))
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    if draw(st.booleans()) and len(lines) > 2:  # duplicate a line: duplicated dates
        lines.append(lines[1])
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n", "\r\n"]))


ANY_BYTES = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda s: s.encode("utf-8")),
    csv_text().map(lambda s: s.encode("utf-8")),
    csv_text().map(lambda s: s.encode("utf-16")),
    csv_text().map(lambda s: s.encode("latin-1", errors="replace")),
)


def _assert_valid(ts, target="y"):
    assert isinstance(ts, TimeSeries)
    assert len(ts) >= 1 and ts.target == target
    assert ts.values.dtype == np.float64 and np.isfinite(ts.values).all()
    assert ts.index.is_monotonic_increasing and ts.index.is_unique
    assert len(ts.index) == len(ts)
    if ts.covariates is not None:
        assert ts.covariates.shape == (len(ts), len(ts.covariate_names))
        assert np.isfinite(ts.covariates).all()
    if ts.freq is not None:
        assert len(ts.future_index(2)) == 2


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    # Module scope: hypothesis runs many examples per test call, all writing here in turn.
    return tmp_path_factory.mktemp("fuzz")


def _load(directory, raw: bytes, **kwargs):
    path = directory / "fuzz.csv"
    path.write_bytes(raw)
    try:
        return load_series(path, "y", **kwargs)
    except ValueError as exc:
        assert str(exc), "a refusal must say why"
        return None


@SETTINGS
@given(raw=ANY_BYTES, fill=st.sampled_from([None, "ffill", "interpolate"]),
       covariates=st.sampled_from([None, ["x"], ["price", "x"]]))
def test_csv_bytes(fuzz_dir, raw, fill, covariates):
    ts = _load(fuzz_dir, raw, fill=fill, covariates=covariates)
    if ts is not None:
        _assert_valid(ts)


@SETTINGS
@given(raw=csv_text().map(lambda s: s.encode("utf-8")), date=st.sampled_from([None, "date", "ds", "time"]),
       freq=st.sampled_from([None, "D", "MS"]))
def test_csv_with_explicit_date_and_freq(fuzz_dir, raw, date, freq):
    ts = _load(fuzz_dir, raw, date=date, freq=freq)
    if ts is not None:
        _assert_valid(ts)


@SETTINGS
@given(raw=csv_text().map(lambda s: s.replace("date", "ds").replace("x", "unique_id").encode("utf-8")))
def test_panel_bytes(fuzz_dir, raw):
    path = fuzz_dir / "panel.csv"
    path.write_bytes(raw)
    try:
        panel = load_panel(path)
    except ValueError:
        return
    for ts in panel.values():
        _assert_valid(ts)


@st.composite
def near_valid_csv(draw):
    """A correct file (shuffled rows, target and covariate) with up to three cells corrupted."""
    n = draw(st.integers(1, 25))
    freq = draw(st.sampled_from(["D", "MS", "h", "B", "QS"]))
    dates = pd.date_range("2019-12-30", periods=n, freq=freq)
    finite = st.floats(-1e12, 1e12, allow_nan=False)
    y = draw(st.lists(finite, min_size=n, max_size=n))
    x = draw(st.lists(finite, min_size=n, max_size=n))
    rows = [[str(dates[i]), repr(y[i]), repr(x[i])] for i in draw(st.permutations(range(n)))]
    corrupt = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 2), CELL), max_size=3))
    for r, c, cell in corrupt:
        rows[r][c] = cell
    text = "date,y,x\n" + "".join(",".join(row) + "\n" for row in rows)
    return text, not corrupt, dates, y, x


@settings(max_examples=200, deadline=None)
@given(case=near_valid_csv(), fill=st.sampled_from([None, "ffill", "interpolate"]))
def test_near_valid_csv(fuzz_dir, case, fill):
    text, clean, dates, y, x = case
    path = fuzz_dir / "near.csv"
    path.write_text(text, encoding="utf-8")
    try:
        ts = load_series(path, "y", covariates=["x"], fill=fill)
    except ValueError:
        assert not clean, "a correct file was refused"
        return
    _assert_valid(ts)
    if clean:  # exact: sorted back into time order, every value read to the last bit
        assert ts.index.equals(pd.DatetimeIndex(dates, name="date"))
        assert ts.values.tolist() == y and ts.covariates[:, 0].tolist() == x


MIXED = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(), st.text(max_size=6),
    st.just(pd.NA), st.just(pd.NaT), st.just(pd.Timestamp("2020-01-01")), st.complex_numbers(max_magnitude=5),
    st.dates().map(pd.Timestamp),
)


@SETTINGS
@given(
    y=st.lists(MIXED, min_size=0, max_size=8),
    data=st.data(),
)
def test_dataframes_of_mixed_objects(y, data):
    n = len(y)
    dates = data.draw(st.lists(st.one_of(DATES, MIXED), min_size=n, max_size=n))
    frame = pd.DataFrame({"date": pd.Series(dates, dtype=object), "y": pd.Series(y, dtype=object)})
    try:
        ts = load_series(frame, "y", fill=data.draw(st.sampled_from([None, "ffill"])))
    except ValueError:
        return
    _assert_valid(ts)


@pytest.mark.parametrize(
    "raw",
    [b"\x00\x01\x02", b"PK\x03\x04zipfile", "\ufeff".encode() + b"\xff", b"y\n" + b"1\n" * 3 + b"\x80",
     b"\"unterminated,quote\n1,2", b"y\r1\r2\r", b"y\n1e400\n", b"date,y\n2020-01-01,1\n2020-01-01,1\n"],
)
def test_known_junk(tmp_path, raw):
    ts = _load(tmp_path, raw)
    if ts is not None:
        _assert_valid(ts)
