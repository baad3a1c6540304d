"""One spelling per idea: ``TrainConfig`` says ``max_steps`` and ``eval_every``, as
``rnnkit.training.Schedule`` and ``Forecaster`` do. The old ``steps`` and ``eval_interval`` work
for one release with a ``DeprecationWarning``, and model files written with them still load."""
import dataclasses
import inspect
import json
import warnings

import pytest

from rnnkit import io
from rnnkit.text import CharLM, ModelConfig, TrainConfig, Vocab, train
from rnnkit.training import Schedule


def test_the_new_names_are_the_fields_and_need_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        config = TrainConfig(max_steps=30, eval_every=10)
    assert (config.max_steps, config.eval_every) == (30, 10)
    names = [f.name for f in dataclasses.fields(TrainConfig)]
    assert "max_steps" in names and "eval_every" in names
    assert "steps" not in names and "eval_interval" not in names
    assert set(inspect.signature(TrainConfig).parameters) == set(names)  # the old names are not advertised
    assert {"max_steps", "eval_every"} <= {f.name for f in dataclasses.fields(Schedule)}  # the same words


def test_positional_order_is_unchanged():
    assert TrainConfig(50, 8, 300) == TrainConfig(seq_len=50, batch_size=8, max_steps=300)


def test_step_limit_is_the_old_resolved_max_steps():
    assert TrainConfig().max_steps is None and TrainConfig().step_limit == TrainConfig.DEFAULT_STEPS == 1000
    assert TrainConfig(seconds=5.0).step_limit is None  # only the time budget limits
    assert TrainConfig(max_steps=7).step_limit == 7 == TrainConfig(max_steps=7, seconds=5.0).step_limit


def test_old_arguments_warn_and_map_to_the_new_fields():
    with pytest.warns(DeprecationWarning, match=r"TrainConfig\(steps=\.\.\.\) is deprecated; use max_steps=") as rec:
        old = TrainConfig(steps=40, seq_len=8)
    assert rec[0].filename == __file__  # the warning points at the caller
    assert old == TrainConfig(max_steps=40, seq_len=8)
    with pytest.warns(DeprecationWarning, match=r"eval_interval=\.\.\.\) is deprecated; use eval_every="):
        old = TrainConfig(eval_interval=5)
    assert old.eval_every == 5
    with pytest.warns(DeprecationWarning) as rec:
        old = TrainConfig(steps=40, eval_interval=5)
    assert len(rec) == 2 and old == TrainConfig(max_steps=40, eval_every=5)
    assert old.to_dict()["max_steps"] == 40 and "steps" not in old.to_dict()  # files get the new names


def test_old_arguments_are_still_checked_and_refused_alongside_the_new():
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="max_steps"):
        TrainConfig(steps=0)
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="eval_every"):
        TrainConfig(eval_interval=0)
    with pytest.raises(TypeError, match="steps= is the deprecated spelling of max_steps="):
        TrainConfig(steps=1, max_steps=1)
    with pytest.raises(TypeError, match="eval_every= only"):
        TrainConfig(eval_interval=1, eval_every=1)


def test_old_attributes_warn_and_read_and_write_the_new_fields():
    config = TrainConfig(max_steps=12, eval_every=3)
    with pytest.warns(DeprecationWarning, match=r"TrainConfig\.steps is deprecated; use TrainConfig\.max_steps"):
        assert config.steps == 12
    with pytest.warns(DeprecationWarning, match="use TrainConfig.eval_every"):
        assert config.eval_interval == 3
    with pytest.warns(DeprecationWarning):
        config.steps, config.eval_interval = 20, 4
    assert (config.max_steps, config.eval_every) == (20, 4)


def test_replace_and_repr_use_the_new_names():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        config = dataclasses.replace(TrainConfig(max_steps=3), eval_every=2)
    assert config == TrainConfig(max_steps=3, eval_every=2)
    assert "max_steps=3" in repr(config) and "eval_every=2" in repr(config)


def test_training_with_the_old_names_is_the_same_run():
    text = "abcabcabd" * 20
    model = ModelConfig(hidden_size=8, num_layers=1)
    new = train(text, model, TrainConfig(max_steps=12, eval_every=5, seq_len=8, batch_size=2))
    with pytest.warns(DeprecationWarning):
        config = TrainConfig(steps=12, eval_interval=5, seq_len=8, batch_size=2)
    old = train(text, model, config)
    assert old.history.step == new.history.step == [5, 10, 12]
    assert old.history.train_loss == new.history.train_loss


def test_from_dict_reads_new_and_old_files():
    config = TrainConfig(max_steps=30, eval_every=10, seq_len=16, seconds=2.5)
    assert TrainConfig.from_dict(config.to_dict()) == config
    old = {**config.to_dict()}
    old["steps"], old["eval_interval"] = old.pop("max_steps"), old.pop("eval_every")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a file is not code: no warning for it
        assert TrainConfig.from_dict(old) == config
    assert TrainConfig.from_dict({"seq_len": 7}) == TrainConfig(seq_len=7)  # missing keys: defaults
    with pytest.raises(ValueError, match="unknown key 'epochs'"):
        TrainConfig.from_dict({"epochs": 3})
    with pytest.raises(ValueError, match="both 'max_steps' and 'steps'"):
        TrainConfig.from_dict({"max_steps": 3, "steps": 3})
    with pytest.raises(ValueError, match="JSON object"):
        TrainConfig.from_dict([("seq_len", 3)])


def _old_format_file(tmp_path):
    """A model file as the previous release wrote it: ``steps`` and ``eval_interval`` in the
    saved train config."""
    lm = CharLM(Vocab.from_text("hello world\n"), ModelConfig(hidden_size=6, num_layers=1, embedding_dim=3), seed=2)
    lm.summary = {"steps": 25}
    train_config = {"seq_len": 100, "batch_size": 32, "steps": 25, "seconds": None, "lr": 2e-3,
                    "clip_norm": 5.0, "val_fraction": 0.1, "eval_interval": 200, "eval_chars": 200_000,
                    "carry_state": True, "seed": 0}
    path = tmp_path / "old.safetensors"
    lm.save(path, train_config=train_config)
    return lm, path


def test_a_file_with_the_old_train_config_still_loads(tmp_path):
    lm, path = _old_format_file(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = CharLM.load(path)
        config = TrainConfig.from_dict(io.load_model(path, kind="charlm")[1]["train"])
    assert back.vocab == lm.vocab and back.summary == {"steps": 25}
    assert config == TrainConfig(max_steps=25, eval_every=200)


def test_a_saved_train_config_holds_the_new_names(tmp_path):
    lm, _ = _old_format_file(tmp_path)
    path = tmp_path / "new.safetensors"
    lm.save(path, train_config=TrainConfig(max_steps=25).to_dict())
    saved = json.loads(json.dumps(io.load_model(path, kind="charlm")[1]["train"]))
    assert saved["max_steps"] == 25 and saved["eval_every"] == 200
    assert "steps" not in saved and "eval_interval" not in saved
