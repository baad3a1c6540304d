"""Checkpoints of text training, and resuming from one: the same run as never interrupted."""
import numpy as np
import pytest

from rnnkit.text import ModelConfig, TrainConfig, train
from rnnkit.text.checkpoint import Checkpoints
from rnnkit.text.train import _Loop

TEXT = "the quick brown fox jumps over the lazy dog. " * 40


def _config(**kw):
    return TrainConfig(**dict(dict(seq_len=12, batch_size=4, max_steps=50, eval_every=20, seed=3), **kw))


@pytest.mark.parametrize("cell, dropout", [("gru", 0.0), ("lstm", 0.2)])
def test_resuming_from_a_checkpoint_gives_the_uninterrupted_run(tmp_path, monkeypatch, cell, dropout):
    shape = ModelConfig(cell=cell, hidden_size=16, num_layers=2, embedding_dim=8, dropout=dropout)
    whole = train(TEXT, shape, _config())
    path = tmp_path / "run.ckpt.safetensors"

    def stop_at_33(self, step, loss):  # an interruption (Ctrl-C) after step 33
        if step == 33:
            raise KeyboardInterrupt
    monkeypatch.setattr(_Loop, "_tick", stop_at_33)
    with pytest.raises(KeyboardInterrupt):
        train(TEXT, shape, _config(), checkpoints=Checkpoints(path, every_steps=15, every_seconds=None))
    monkeypatch.undo()
    resumed = train(TEXT, resume=path)  # from step 30
    for (name, a), (_, b) in zip(whole.model.named_parameters(), resumed.model.named_parameters()):
        assert np.array_equal(a.data, b.data), name
    assert resumed.history.step == whole.history.step
    assert resumed.history.train_loss == whole.history.train_loss
    assert resumed.history.val_loss == whole.history.val_loss
    assert resumed.model.summary["chars_trained"] == whole.model.summary["chars_trained"]


def test_resume_refuses_another_text_and_extra_settings(tmp_path):
    path = tmp_path / "run.ckpt.safetensors"
    train(TEXT, ModelConfig(hidden_size=8, num_layers=1), _config(max_steps=10),
          checkpoints=Checkpoints(path, every_steps=5))
    with pytest.raises(ValueError, match="made on another text"):
        train(TEXT + "!", resume=path)
    with pytest.raises(ValueError, match="leave model, model_config and config out"):
        train(TEXT, config=_config(), resume=path)
    model_file = tmp_path / "model.safetensors"
    train(TEXT, ModelConfig(hidden_size=8, num_layers=1), _config(max_steps=2)).model.save(model_file)
    with pytest.raises(ValueError, match="expected a charlm-checkpoint model"):
        train(TEXT, resume=model_file)  # a model file is not a checkpoint


def test_checkpoint_settings_are_checked():
    with pytest.raises(ValueError, match="every_steps"):
        Checkpoints("c.safetensors", every_steps=0)
    with pytest.raises(ValueError, match="every_seconds"):
        Checkpoints("c.safetensors", every_seconds=-1)


def test_cli_resume_after_an_interruption_writes_the_uninterrupted_model(tmp_path, monkeypatch, capsys):
    from safetensors.numpy import load_file

    from rnnkit.cli import main

    text = tmp_path / "t.txt"
    text.write_text(TEXT)
    args = ["--hidden-size", "12", "--num-layers", "1", "--seq-len", "12", "--batch-size", "4", "--max-steps", "40",
            "--eval-every", "20", "--quiet"]
    assert main(["text", "train", str(text), "-o", str(tmp_path / "whole.safetensors"), *args]) == 0

    def stop_at_27(self, step, loss):
        if step == 27:
            raise KeyboardInterrupt
    monkeypatch.setattr(_Loop, "_tick", stop_at_27)
    out = tmp_path / "m.safetensors"
    assert main(["text", "train", str(text), "-o", str(out), *args, "--checkpoint-every", "10"]) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    checkpoint = tmp_path / "m.checkpoint.safetensors"
    assert f"--resume {checkpoint}" in err and checkpoint.exists() and not out.exists()
    assert main(["text", "train", str(text), "-o", str(out), "--resume", str(checkpoint), "--hidden-size", "9"]) == 2
    assert "drop --hidden-size" in capsys.readouterr().err
    assert main(["text", "train", str(text), "-o", str(out), "--resume", str(checkpoint), "--quiet"]) == 0
    assert not checkpoint.exists()  # the model supersedes it
    whole, resumed = load_file(str(tmp_path / "whole.safetensors")), load_file(str(out))
    assert whole.keys() == resumed.keys() and all(np.array_equal(whole[k], resumed[k]) for k in whole)


def test_a_checkpoint_claiming_a_huge_model_is_refused_before_anything_is_allocated(tmp_path):
    import json

    from safetensors import safe_open
    from safetensors.numpy import save_file

    path = tmp_path / "run.ckpt.safetensors"
    train(TEXT, ModelConfig(hidden_size=8, num_layers=1), _config(max_steps=10),
          checkpoints=Checkpoints(path, every_steps=5))
    with safe_open(str(path), framework="numpy") as fh:
        meta, tensors = json.loads(fh.metadata()["rnnkit"]), {k: fh.get_tensor(k) for k in fh.keys()}
    meta["model"]["num_layers"] = 10**12  # listing the tensors it implies would exhaust memory
    save_file(tensors, str(path), metadata={"rnnkit": json.dumps(meta)})
    with pytest.raises(ValueError, match="1000000000000 layers needs at least"):
        train(TEXT, resume=path)
