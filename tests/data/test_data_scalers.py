"""Scalers: round trips, refusal before fit, JSON metadata, and no leakage from the test part."""
import json

import numpy as np
import pytest

from rnnkit.data import (
    MinMaxScaler,
    NotFittedError,
    StandardScaler,
    scaler_from_dict,
    sliding_windows,
    train_val_test_split,
)

SCALERS = [StandardScaler, MinMaxScaler]


@pytest.mark.parametrize("cls", SCALERS)
def test_fit_returns_self_and_round_trips(cls, rng):
    X = rng.normal(5.0, 3.0, size=(50, 3))
    scaler = cls()
    assert scaler.fit(X) is scaler
    assert scaler.n_features_in_ == 3
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X)), X, rtol=1e-12)
    x = rng.normal(size=40)
    s1 = cls().fit(x)
    np.testing.assert_allclose(s1.inverse_transform(s1.transform(x)), x, rtol=1e-12)


def test_standard_scaler_statistics(rng):
    X = rng.normal(5.0, 3.0, size=(200, 2))
    Z = StandardScaler().fit_transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-12)


def test_minmax_maps_training_range_and_does_not_clip():
    train, later = np.arange(10.0), np.array([9.0, 18.0])  # a trend leaves the training range
    s = MinMaxScaler().fit(train)
    assert s.transform(train).min() == 0.0 and s.transform(train).max() == 1.0
    assert s.transform(later).tolist() == [1.0, 2.0]
    assert MinMaxScaler(feature_range=(-1, 1)).fit(train).transform(np.array([0.0, 9.0])).tolist() == [-1.0, 1.0]


@pytest.mark.parametrize("cls", SCALERS)
def test_constant_feature_does_not_divide_by_zero(cls):
    X = np.column_stack([np.full(5, 7.0), np.arange(5.0)])
    Z = cls().fit(X).transform(X)
    assert np.isfinite(Z).all()


@pytest.mark.parametrize("cls", SCALERS)
def test_univariate_scaler_applies_to_windows_and_forecasts(cls, rng):
    series = rng.normal(size=100)
    scaler = cls().fit(series)
    x, _ = sliding_windows(series, window=10, horizon=3)
    np.testing.assert_allclose(scaler.transform(x)[5], scaler.transform(series[5:15]))


@pytest.mark.parametrize("cls", SCALERS)
def test_refuses_before_fit(cls):
    for method in ("transform", "inverse_transform"):
        with pytest.raises(ValueError, match="not fitted yet; call fit"):
            getattr(cls(), method)(np.zeros(3))
    with pytest.raises(NotFittedError):
        cls().transform(np.zeros(3))


@pytest.mark.parametrize("cls", SCALERS)
def test_refuses_bad_input(cls):
    with pytest.raises(ValueError, match="NaN or infinite"):
        cls().fit(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="no data"):
        cls().fit(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="expected a last axis of 2 features"):
        cls().fit(np.zeros((4, 2))).transform(np.zeros((4, 3)))


@pytest.mark.parametrize("cls", SCALERS)
def test_leakage_scaler_never_sees_test_values(cls, rng):
    """The classic mistake: statistics from the test range. Fit on train, then change the
    test part wildly: neither the learned values nor the scaled training data may move."""
    values = np.cumsum(rng.normal(size=300)) + 100.0  # a trending series
    train, _, test = train_val_test_split(len(values), val=0.1, test=0.2)
    scaler = cls().fit(values[train])
    before = scaler.to_dict()
    z_train = scaler.transform(values[train])

    poisoned = values.copy()
    poisoned[test] = 1e9
    refit = cls().fit(poisoned[train])
    assert refit.to_dict() == before
    scaler.transform(poisoned[test])  # transforming test data must not update anything
    assert scaler.to_dict() == before
    np.testing.assert_array_equal(refit.transform(poisoned[train]), z_train)
    # and the fitted statistics are those of the training part only
    learned = before["fitted"]
    if cls is StandardScaler:
        assert learned["mean_"] == [pytest.approx(values[train].mean())]
    else:
        assert learned["data_max_"] == [values[train].max()]


@pytest.mark.parametrize("cls", SCALERS)
@pytest.mark.parametrize("shape", [(30,), (30, 3)])
def test_to_dict_is_json_and_round_trips(cls, shape, rng):
    X = rng.normal(size=shape)
    scaler = cls().fit(X)
    data = json.loads(json.dumps(scaler.to_dict()))
    for again in (cls.from_dict(data), scaler_from_dict(data)):
        assert type(again) is cls
        np.testing.assert_array_equal(again.transform(X), scaler.transform(X))
    unfitted = json.loads(json.dumps(cls().to_dict()))
    with pytest.raises(ValueError, match="not fitted"):
        cls.from_dict(unfitted).transform(X)


def test_from_dict_refuses_malformed():
    good = StandardScaler().fit(np.arange(5.0)).to_dict()
    with pytest.raises(ValueError, match="expected a MinMaxScaler dict"):
        MinMaxScaler.from_dict(good)
    bad = json.loads(json.dumps(good))
    bad["fitted"]["scale_"] = ["x"]
    with pytest.raises(ValueError):
        StandardScaler.from_dict(bad)
    del bad["fitted"]["scale_"]
    with pytest.raises(ValueError, match="malformed StandardScaler dict"):
        StandardScaler.from_dict(bad)
    with pytest.raises(ValueError, match="unknown scaler type"):
        scaler_from_dict({"type": "RobustScaler"})
