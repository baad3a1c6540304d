"""sliding_windows: right pairs, zero-copy views, clear refusals."""
import numpy as np
import pytest

from rnnkit.data import sliding_windows


def test_pairs_1d():
    values = np.arange(10.0)
    x, y = sliding_windows(values, window=3, horizon=2)
    assert x.shape == (6, 3) and y.shape == (6, 2)
    for i in range(6):
        assert x[i].tolist() == values[i : i + 3].tolist()
        assert y[i].tolist() == values[i + 3 : i + 5].tolist()
    assert y[-1, -1] == values[-1]  # the last example ends at the last point


def test_views_not_copies():
    values = np.arange(1000.0)
    x, y = sliding_windows(values, window=50, horizon=7, stride=3)
    assert np.shares_memory(x, values) and np.shares_memory(y, values)
    assert x.base is not None and not x.flags.writeable and not y.flags.writeable
    assert x.nbytes > values.nbytes  # only possible without copying because it is a view


def test_two_dimensional_features():
    values = np.arange(20.0).reshape(10, 2)  # column 0 even, column 1 odd
    x, y = sliding_windows(values, window=4, horizon=2, stride=2)
    assert x.shape == (3, 4, 2) and y.shape == (3, 2, 2)
    assert np.shares_memory(x, values) and np.shares_memory(y, values)
    np.testing.assert_array_equal(x[1], values[2:6])
    np.testing.assert_array_equal(y[1], values[6:8])
    assert np.shares_memory(y[..., 0], values)


def test_stride_count():
    x, y = sliding_windows(np.arange(11.0), window=3, horizon=1, stride=3)
    assert x[:, 0].tolist() == [0, 3, 6]  # (11 - 3 - 1) // 3 + 1 = 3
    assert y[:, 0].tolist() == [3, 6, 9]


def test_views_of_a_time_series():
    from rnnkit.data import load_dataset_series

    ts = load_dataset_series("air_passengers")
    x, _ = sliding_windows(ts.values, window=12, horizon=12)
    assert np.shares_memory(x, ts.values)


def test_refusals():
    with pytest.raises(ValueError, match=r"series has 4 points; window 3 \+ horizon 2 needs at least 5"):
        sliding_windows(np.arange(4.0), window=3, horizon=2)
    with pytest.raises(ValueError, match=r"values must have shape \(n,\) or \(n, features\)"):
        sliding_windows(np.zeros((4, 2, 2)), window=2)
    with pytest.raises(ValueError, match="window must be >= 1"):
        sliding_windows(np.arange(4.0), window=0)
    with pytest.raises(ValueError, match="stride must be >= 1"):
        sliding_windows(np.arange(4.0), window=1, stride=0)
    with pytest.raises(TypeError, match="horizon must be an integer"):
        sliding_windows(np.arange(4.0), window=1, horizon=1.5)
