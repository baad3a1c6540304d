"""Engine <-> torch mirrors: same keys, same dtype, same outputs (float64: to 1e-10), devices,
and the one-line message when torch is missing."""
import sys

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")

from rnnkit import nn
from rnnkit.backends import get_backend
from rnnkit.forecast._training import build_network
from rnnkit.text import CharLM, ModelConfig, Vocab
from rnnkit.torch import TORCH_MISSING, TorchMissingError, require_torch
from rnnkit.torch import text as _registers_the_charlm_mirror  # noqa: F401
from rnnkit.torch.devices import resolve_device
from rnnkit.torch.modules import copy_to_engine, to_torch

CELLS = ["rnn", "lstm", "gru"]


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("layers", [1, 2])
def test_forecast_network_mirror_gives_the_same_outputs(cell, layers, rng):
    net = build_network(cell, 3, 8, layers, 4, seed=1, dtype=np.float64)
    mirror = to_torch(net, "cpu").eval()
    assert list(mirror.state_dict()) == list(net.state_dict())  # the same names, in order
    x = rng.normal(size=(5, 9, 3))
    net.eval()
    np.testing.assert_allclose(mirror(torch.from_numpy(x)).detach().numpy(), net(x), rtol=0, atol=1e-10)


def test_relu_rnn_and_bidirectional_layers_mirror_too(rng):
    for layer in (nn.RNN(3, 5, num_layers=2, nonlinearity="relu", dtype=np.float64, seed=0),
                  nn.LSTM(3, 5, bidirectional=True, batch_first=True, dtype=np.float64, seed=0),
                  nn.GRU(3, 5, bias=False, dtype=np.float64, seed=0)):
        mirror = to_torch(layer, "cpu")
        x = rng.normal(size=(4, 6, 3))
        out, _ = layer(x)
        np.testing.assert_allclose(mirror(torch.from_numpy(x))[0].detach().numpy(), out, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_both_ways(dtype):
    net = build_network("gru", 2, 4, 1, 1, seed=0, dtype=dtype)
    mirror = to_torch(net, "cpu")
    assert {p.dtype for p in mirror.parameters()} == {torch.float32 if dtype == np.float32 else torch.float64}
    with torch.no_grad():
        for p in mirror.parameters():
            p.add_(1.0)
    before = net.state_dict()
    copy_to_engine(mirror, net)
    for name, value in net.state_dict().items():
        assert value.dtype == dtype
        np.testing.assert_allclose(value, before[name] + 1.0, rtol=1e-6)


@pytest.mark.parametrize("cell,embedding,layers", [("gru", 8, 2), ("lstm", 0, 1), ("rnn", 6, 2)])
def test_charlm_mirror_gives_the_same_logits_and_state(cell, embedding, layers, rng):
    vocab = Vocab.from_text("hello world, how are you?")
    lm = CharLM(vocab, ModelConfig(cell=cell, hidden_size=7, num_layers=layers, embedding_dim=embedding),
                seed=3, dtype=np.float64).eval()
    mirror = to_torch(lm, "cpu")
    assert list(mirror.state_dict()) == list(lm.state_dict())
    ids = rng.integers(0, len(vocab), size=(6, 3))
    logits, state = lm(ids)
    t_logits, t_state = mirror(torch.from_numpy(ids))
    np.testing.assert_allclose(t_logits.detach().numpy(), logits, atol=1e-10)
    def flat(s):
        return np.concatenate([np.asarray(v.detach() if hasattr(v, "detach") else v).ravel()
                                         for v in (s if isinstance(s, tuple) else (s,))])
    np.testing.assert_allclose(flat(t_state), flat(state), atol=1e-10)


def test_device_choice():
    assert resolve_device(None).type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="device: expected 'cpu', 'cuda' or 'cuda:N', got 'gpu'"):
        resolve_device("gpu")
    with pytest.raises(TypeError, match="device"):
        resolve_device(0)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match=r"no CUDA GPU is available \(torch.cuda.is_available\(\) is False\)"):
            resolve_device("cuda")
    with pytest.raises(ValueError, match="numpy backend runs on 'cpu' only"):
        get_backend("numpy", "cuda")


def test_mirroring_something_else_is_refused():
    with pytest.raises(TypeError, match="module: expected an rnnkit Sequential"):
        to_torch(nn.Sequential(nn.Linear(2, 2), _Odd()), "cpu")


class _Odd(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(np.zeros(1))


@pytest.fixture
def no_torch(monkeypatch):
    """Pretend torch is not installed: `import torch` raises ImportError, and the rnnkit
    modules that hold it are forgotten so that they import it again."""
    monkeypatch.setitem(sys.modules, "torch", None)
    for name in list(sys.modules):
        if name.startswith("rnnkit.torch.") and name != "rnnkit.torch._require":
            monkeypatch.delitem(sys.modules, name)


def test_without_torch_a_clear_message(no_torch, tmp_path, capsys):
    with pytest.raises(ImportError, match="pip install 'rnnkit\\[torch\\]'") as info:
        require_torch()
    assert str(info.value) == TORCH_MISSING and isinstance(info.value, ValueError)
    with pytest.raises(TorchMissingError):
        get_backend("torch", "cpu")
    from rnnkit.forecast import Forecaster

    with pytest.raises(TorchMissingError):
        Forecaster(horizon=2, backend="torch").fit(np.arange(40.0))
    from rnnkit.torch import distributed  # needs no torch: a single process is rank 0

    assert distributed.is_main() and distributed.world_size() == 1
    (tmp_path / "t.txt").write_text("hello world " * 20)
    from rnnkit.cli import main

    code = main(["text", "train", str(tmp_path / "t.txt"), "-o", str(tmp_path / "m.safetensors"),
                 "--backend", "torch", "--max-steps", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err == f"rnnkit: error: {TORCH_MISSING}\n"
    pd.DataFrame({"y": np.sin(np.arange(40.0))}).to_csv(tmp_path / "y.csv", index=False)
    code = main(["fit", str(tmp_path / "y.csv"), "-H", "2", "--backend", "torch", "-o",
                 str(tmp_path / "m.safetensors"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err == f"rnnkit: error: {TORCH_MISSING}\n"
    assert not (tmp_path / "m.safetensors").exists()
