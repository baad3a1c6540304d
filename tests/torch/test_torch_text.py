"""Character models on the torch backend: the same training (float64, no dropout: the same
weights to 1e-8, for the reasons given in test_torch_forecast.py), the same loss (1e-10), the
same file format, and the command line's --backend torch."""
import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from rnnkit.cli import main
from rnnkit.text import (
    CharLM,
    ModelConfig,
    TrainConfig,
    Vocab,
    evaluate,
    sample,
    train,
)
from rnnkit.torch.backend import TorchBackend

TEXT = "the quick brown fox jumps over the lazy dog.\n" * 12


def fresh(cell, embedding, layers, dropout=0.0):
    config = ModelConfig(cell=cell, hidden_size=12, num_layers=layers, embedding_dim=embedding, dropout=dropout)
    return CharLM(Vocab.from_text(TEXT), config, seed=1, dtype=np.float64)


CONFIG = TrainConfig(max_steps=25, seq_len=9, batch_size=4, eval_every=10, lr=5e-3, clip_norm=1.0, seed=3)


@pytest.mark.parametrize("cell,embedding,layers", [("gru", 8, 2), ("lstm", 0, 1), ("rnn", 6, 1)])
def test_training_gives_the_weights_of_the_numpy_backend(cell, embedding, layers):
    a = train(TEXT, config=CONFIG, model=fresh(cell, embedding, layers))
    b = train(TEXT, config=CONFIG, model=fresh(cell, embedding, layers), backend="torch", device="cpu")
    assert isinstance(b.model, CharLM)
    for (name, p), (_, q) in zip(a.model.named_parameters(), b.model.named_parameters()):
        np.testing.assert_allclose(q.data, p.data, rtol=0, atol=1e-8, err_msg=name)
    np.testing.assert_allclose(b.history.train_loss, a.history.train_loss, atol=1e-10)
    np.testing.assert_allclose(b.history.val_loss, a.history.val_loss, atol=1e-10)
    assert b.history.step == a.history.step and b.model.summary["steps"] == a.model.summary["steps"]


def test_evaluation_gives_the_same_loss(rng):
    model = fresh("lstm", 8, 2)
    text = "".join(rng.choice(list(model.vocab.chars), size=700))  # streams plus a tail
    a, b = evaluate(model, text, batch_size=3, seq_len=50), evaluate(model, text, 3, 50, backend="torch", device="cpu")
    assert a.chars == b.chars and abs(a.nats - b.nats) < 1e-10


def test_sampling_through_the_adapter_gives_the_same_text():
    model = fresh("gru", 8, 1)
    runner = TorchBackend("cpu").runner(model)
    assert sample(runner, "the ", length=40, seed=5) == sample(model, "the ", length=40, seed=5)


def test_dropout_runs_are_reproducible_on_torch():
    runs = [train(TEXT, config=CONFIG, model=fresh("gru", 8, 2, dropout=0.3), backend="torch",
                  device="cpu").model for _ in range(2)]
    for p, q in zip(runs[0].parameters(), runs[1].parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_a_bad_backend_or_device_is_refused_by_name():
    with pytest.raises(ValueError, match="backend: expected one of .*, got 'jax'"):
        train(TEXT, config=CONFIG, backend="jax")
    with pytest.raises(ValueError, match="device: the numpy backend runs on 'cpu' only"):
        train(TEXT, config=CONFIG, device="cuda")


def test_cli_trains_and_evaluates_on_torch_with_the_usual_file(tmp_path, capsys):
    path = tmp_path / "input.txt"
    path.write_text(TEXT, encoding="utf-8")
    model = tmp_path / "m.safetensors"
    small = ["--hidden-size", "12", "--num-layers", "1", "--embedding-dim", "8", "--max-steps", "15",
             "--seq-len", "9", "--batch-size", "4", "--quiet"]
    assert main(["text", "train", str(path), "-o", str(model), *small, "--backend", "torch",
                 "--device", "cpu"]) == 0
    assert "saved" in capsys.readouterr().out
    lm = CharLM.load(model)  # an ordinary rnnkit file: loads on the engine
    reports = {}
    for backend in ("numpy", "torch"):
        assert main(["text", "eval", str(model), str(path), "--json", "--backend", backend]) == 0
        reports[backend] = json.loads(capsys.readouterr().out)
    assert reports["numpy"]["chars"] == reports["torch"]["chars"] == len(TEXT) - 1
    assert abs(reports["numpy"]["loss_nats"] - reports["torch"]["loss_nats"]) < 1e-5  # float32 file
    assert abs(reports["numpy"]["loss_nats"] - evaluate(lm, TEXT).nats) < 1e-12


def test_cli_refuses_a_gpu_for_numpy_and_a_missing_gpu(tmp_path, capsys):
    path = tmp_path / "input.txt"
    path.write_text(TEXT, encoding="utf-8")
    code = main(["text", "train", str(path), "-o", str(tmp_path / "m.safetensors"), "--device", "cuda", "--quiet"])
    assert code == 2 and "device: the numpy backend runs on 'cpu' only" in capsys.readouterr().err
    if not torch.cuda.is_available():
        code = main(["text", "train", str(path), "-o", str(tmp_path / "m.safetensors"), "--backend", "torch",
                     "--device", "cuda", "--quiet"])
        err = capsys.readouterr().err
        assert code == 2 and err.startswith("rnnkit: error: device: 'cuda' requested but no CUDA GPU")
    assert not (tmp_path / "m.safetensors").exists()
