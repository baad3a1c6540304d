"""Chronological splits and rolling-origin folds never let training reach the future."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnkit.data import rolling_origin_folds, train_val_test_split


def test_split_fractions_round_up_and_tile():
    train, val, test = train_val_test_split(95, val=0.1, test=0.2)
    assert (train, val, test) == (slice(0, 66), slice(66, 76), slice(76, 95))


def test_split_counts_and_empty_val():
    assert train_val_test_split(100, val=0, test=12) == (slice(0, 88), slice(88, 88), slice(88, 100))


def test_split_refusals():
    with pytest.raises(ValueError, match="leaves none for training"):
        train_val_test_split(10, val=5, test=5)
    with pytest.raises(ValueError, match=r"val as a fraction must be in \[0, 1\)"):
        train_val_test_split(10, val=1.5)
    with pytest.raises(TypeError, match="test must be a fraction"):
        train_val_test_split(10, test="20%")


@given(n=st.integers(1, 500), val=st.floats(0, 0.49), test=st.floats(0, 0.49))
@settings(max_examples=100, deadline=None)
def test_split_is_chronological_partition(n, val, test):
    try:
        parts = train_val_test_split(n, val=val, test=test)
    except ValueError:
        return
    covered = [i for s in parts for i in range(n)[s]]
    assert covered == list(range(n))


def test_folds_example():
    folds = rolling_origin_folds(100, horizon=12, folds=3)
    assert [tuple(f) for f in folds] == [(64, slice(64, 76)), (76, slice(76, 88)), (88, slice(88, 100))]
    assert folds[0].train == slice(0, 64)


@given(
    n=st.integers(1, 400), horizon=st.integers(1, 30), folds=st.integers(1, 10),
    step=st.one_of(st.none(), st.integers(1, 30)), min_train=st.integers(1, 50),
)
@settings(max_examples=200, deadline=None)
def test_folds_never_overlap_their_future(n, horizon, folds, step, min_train):
    try:
        result = rolling_origin_folds(n, horizon, folds, step=step, min_train=min_train)
    except ValueError as exc:
        assert "need at least" in str(exc)
        return
    assert len(result) == folds
    for fold in result:
        train = range(n)[fold.train]
        test = range(n)[fold.test]
        assert len(test) == horizon and len(train) >= min_train
        assert max(train) < min(test)  # training ends strictly before the forecast starts
        assert fold.test.stop <= n
    assert result[-1].test.stop == n
    ends = [f.train_end for f in result]
    assert ends == sorted(ends)


def test_folds_refuse_short_series():
    with pytest.raises(ValueError, match=r"series has 30 points; 3 folds of horizon 12 with step 12 and min_train 1 need at least 37"):
        rolling_origin_folds(30, horizon=12, folds=3)
