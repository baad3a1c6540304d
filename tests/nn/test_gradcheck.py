"""Every hand-derived gradient against central finite differences (float64)."""
import numpy as np
import pytest

from rnnkit import nn
from rnnkit.nn.gradcheck_grid import other_cases, recurrent_cases

RECURRENT = list(recurrent_cases())
OTHER = list(other_cases())


@pytest.mark.parametrize("name,module,inputs", RECURRENT, ids=[c[0] for c in RECURRENT])
def test_recurrent_gradients_match_finite_differences(name, module, inputs):
    result = nn.gradcheck(module, inputs)
    assert result.passed, result.errors
    assert any(k.startswith("input") for k in result.errors)  # inputs were checked too


@pytest.mark.parametrize("name,module,inputs", OTHER, ids=[c[0] for c in OTHER])
def test_layer_and_loss_gradients_match_finite_differences(name, module, inputs):
    result = nn.gradcheck(module, inputs)
    assert result.passed, result.errors


def test_gradcheck_catches_a_wrong_gradient():
    """The check itself can fail: corrupt one backward and it must notice."""
    layer = nn.Linear(3, 2, dtype=np.float64, seed=0)
    original = layer.backward
    layer.backward = lambda dy: original(dy) * 1.01
    result = nn.gradcheck(layer, (np.ones((2, 3)),))
    assert not result.passed and result.errors["input[0]"] > 1e-3


def test_gradcheck_refuses_float32():
    with pytest.raises(ValueError, match="float64"):
        nn.gradcheck(nn.RNN(2, 3), (np.ones((2, 1, 2)),))
