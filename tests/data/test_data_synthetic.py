"""Synthetic memory tasks: exactly the sequences their docstrings define, seeded, and the stated
baselines are the real ones."""
import doctest
import math

import numpy as np
import pytest

from rnnkit import nn
from rnnkit.data import (
    ADDING_BASELINE_MSE,
    adding_problem,
    copy_chance_loss,
    copy_task,
    synthetic,
)


def test_docstring_examples():
    result = doctest.testmod(synthetic, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("length", [2, 3, 50, 101])
def test_adding_one_marker_per_half_and_target_is_their_sum(length):
    x, y = adding_problem(64, length, seed=1)
    assert x.shape == (64, length, 2) and y.shape == (64, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    values, marks = x[..., 0], x[..., 1]
    assert set(np.unique(marks)) <= {0.0, 1.0}
    half = length // 2
    assert np.all(marks[:, :half].sum(axis=1) == 1) and np.all(marks[:, half:].sum(axis=1) == 1)
    assert np.all((values >= 0) & (values < 1))
    np.testing.assert_allclose(y[:, 0], (values * marks).sum(axis=1), rtol=1e-6)


def test_adding_baseline_is_the_mse_of_always_answering_one():
    _, y = adding_problem(100_000, 4, seed=2, dtype=np.float64)
    assert abs(np.mean((y - 1.0) ** 2) - ADDING_BASELINE_MSE) < 0.003
    assert abs(y.mean() - 1.0) < 0.005  # 1 is the best constant answer


def test_adding_markers_reach_both_ends_of_each_half():
    x, _ = adding_problem(4000, 10, seed=3)
    positions = np.flatnonzero(x[..., 1].sum(axis=0))
    assert positions.tolist() == list(range(10))


def test_copy_layout():
    x, y = copy_task(32, 30, n_symbols=8, n_recall=5, seed=4)
    assert x.shape == (32, 30, 9) and y.shape == (32, 5) and y.dtype == np.int64
    assert y.min() >= 0 and y.max() < 8
    np.testing.assert_array_equal(x[:, :5, :8].argmax(axis=-1), y)
    assert np.all(x[:, :5].sum(axis=-1) == 1)  # exactly one symbol per shown step
    assert not x[:, 5:25].any()  # the blank delay
    assert np.all(x[:, 25:, 8] == 1) and not x[:, 25:, :8].any()  # only the recall flag
    assert not x[:, :25, 8].any()


def test_copy_shortest_sequence_has_no_delay():
    x, y = copy_task(3, 4, n_symbols=3, n_recall=2, seed=5)
    np.testing.assert_array_equal(x[:, :2, :3].argmax(axis=-1), y)
    assert np.all(x[:, 2:, 3] == 1)


def test_copy_chance_loss_is_the_cross_entropy_of_a_uniform_guess():
    _, y = copy_task(10, 12, n_symbols=8, n_recall=5, seed=6)
    uniform = np.zeros((y.size, 8), np.float32)
    assert math.isclose(nn.cross_entropy(uniform, y.reshape(-1)), copy_chance_loss(8), rel_tol=1e-6)


@pytest.mark.parametrize("make", [adding_problem, copy_task])
def test_same_seed_same_batch(make):
    a, b, c = make(8, 20, seed=7), make(8, 20, seed=7), make(8, 20, seed=8)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_a_generator_seed_streams_new_batches():
    rng = np.random.default_rng(9)
    first, second = adding_problem(8, 20, seed=rng), adding_problem(8, 20, seed=rng)
    assert not np.array_equal(first[0], second[0])


@pytest.mark.parametrize("call, error", [
    (lambda: adding_problem(4, 1), ValueError),
    (lambda: adding_problem(0, 10), ValueError),
    (lambda: adding_problem(4, 10.0), TypeError),
    (lambda: copy_task(4, 9, n_recall=5), ValueError),
    (lambda: copy_task(4, 20, n_symbols=1), ValueError),
    (lambda: copy_task(4, 20, n_recall=True), TypeError),
    (lambda: copy_chance_loss(1), ValueError),
])
def test_bad_arguments_are_refused_by_name(call, error):
    with pytest.raises(error):
        call()
