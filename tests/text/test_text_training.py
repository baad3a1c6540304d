"""Training: the seed's "hello world", the carried state across chunks, budgets, summaries."""
import math

import numpy as np
import pytest

from rnnkit.text import ModelConfig, TrainConfig, evaluate, sample, train


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_hello_world_greedy_from_he(cell):
    """Seed 002: trained on "hello world", greedy sampling continues "he" into "hello world"."""
    result = train("hello world", ModelConfig(cell=cell, hidden_size=32, num_layers=1, embedding_dim=8),
                   TrainConfig(max_steps=300, seq_len=16, lr=1e-2))
    assert sample(result.model, "he", length=9, temperature=0) == "hello world"
    assert result.val is None  # 11 characters: too short to hold a validation part


def test_hello_world_with_the_default_model_and_short_chunks():
    """Defaults (GRU 2x256), one stream cut into chunks of 3, so the state must carry the
    context across chunks ("l" is followed by "l", "o" or "d")."""
    result = train("hello world", config=TrainConfig(max_steps=150, seq_len=3, batch_size=1))
    assert sample(result.model, "he", length=9, temperature=0) == "hello world"


PERIOD = "abcdxabcdy"  # after "abcd" comes x or y: decided by the character 5 steps back


def _train_periodic(cell, carry_state, seed=0):
    return train(PERIOD * 60, ModelConfig(cell=cell, hidden_size=32, num_layers=1, embedding_dim=8),
                 TrainConfig(seq_len=7, batch_size=8, max_steps=800, lr=1e-2, val_fraction=0.0,
                             eval_every=100, carry_state=carry_state, seed=seed))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_carried_state_lets_a_model_predict_a_period_longer_than_seq_len(cell):
    """Period 10 > seq_len 7: the x/y at the start of a chunk is decided by a character in the
    previous chunk, which only the carried state brings in. With it, every position is
    predicted (training loss ~0) and greedy generation continues the sequence."""
    result = _train_periodic(cell, carry_state=True)
    assert result.history.train_loss[-1] < 0.01
    assert sample(result.model, PERIOD, length=30, temperature=0) == PERIOD * 4
    assert evaluate(result.model, PERIOD * 20).nats < 0.05


def test_without_the_carried_state_the_chunk_starts_stay_unpredictable():
    """The same training with the state reset at every chunk: the x/y near a chunk's start is
    a coin flip, so the training loss stays near ln 2 times the share of such positions."""
    result = _train_periodic("gru", carry_state=False)
    assert result.history.train_loss[-1] > 0.05
    assert result.history.train_loss[-1] > 10 * _train_periodic("gru", True).history.train_loss[-1]


def test_same_seed_same_model():
    text = "the quick brown fox jumps over the lazy dog. " * 5
    cfg = ModelConfig(cell="lstm", hidden_size=16, num_layers=2, dropout=0.2)
    a = train(text, cfg, TrainConfig(max_steps=20, seq_len=10, batch_size=4, seed=7)).model
    b = train(text, cfg, TrainConfig(max_steps=20, seq_len=10, batch_size=4, seed=7)).model
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)


def test_validation_split_summary_and_history():
    text = "".join(chr(97 + (i * 7) % 13) for i in range(3000))
    result = train(text, ModelConfig(hidden_size=16, num_layers=1),
                   TrainConfig(max_steps=50, seq_len=20, batch_size=8, eval_every=20))
    h = result.history
    assert h.step == [20, 40, 50] and len(h.val_loss) == 3 and all(v is not None for v in h.val_loss)
    s = result.model.summary
    assert s["steps"] == 50 and s["val_chars"] == 300 and s["train_chars"] == 2700
    assert s["val_loss"] == pytest.approx(result.val.nats)
    assert s["val_bits_per_char"] == pytest.approx(result.val.nats / math.log(2))
    assert s["val_perplexity"] == pytest.approx(math.exp(result.val.nats))
    assert h.train_loss[-1] < h.train_loss[0] and h.val_loss[-1] < h.val_loss[0]


def test_time_budget_stops_training():
    result = train("abcabcabd" * 50, ModelConfig(hidden_size=8, num_layers=1),
                   TrainConfig(seconds=0.3, seq_len=8, batch_size=4))
    assert 0.3 <= result.model.summary["seconds"] < 5
    assert result.model.summary["steps"] > 1


def test_progress_bar_goes_to_stderr(capsys):
    train("hello world", ModelConfig(hidden_size=8, num_layers=1), TrainConfig(max_steps=5), progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "train" in captured.err


@pytest.mark.parametrize("kwargs,match", [
    ({"seq_len": 0}, "seq_len"), ({"lr": -1.0}, "lr"), ({"val_fraction": 1.0}, "val_fraction"),
    ({"seconds": 0}, "seconds"), ({"clip_norm": 0.0}, "clip_norm"), ({"max_steps": 2.5}, "max_steps"),
    ({"eval_every": 0}, "eval_every"),
])
def test_config_refuses_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TrainConfig(**kwargs)


@pytest.mark.parametrize("kwargs,match", [
    ({"cell": "transformer"}, "cell"), ({"hidden_size": 0}, "hidden_size"),
    ({"embedding_dim": -1}, "embedding_dim"), ({"dropout": 1.0}, "dropout"),
])
def test_model_config_refuses_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ModelConfig(**kwargs)


def test_training_refuses_empty_or_binary_text():
    with pytest.raises(ValueError, match="empty"):
        train("")
    with pytest.raises(ValueError, match="binary"):
        train("\x01\x02\x03\x04" * 10)
    with pytest.raises(ValueError, match="at least 2"):
        train("a")


def test_evaluating_by_time_adds_validation_rows_and_leaves_the_weights_alone():
    """``eval_seconds`` makes a slow run report validation losses between step evaluations; the
    trained weights are the same as without it (evaluation is read-only)."""
    from rnnkit.text import ModelConfig, TrainConfig, train

    text = "the quick brown fox jumps over the lazy dog. " * 40
    shape = ModelConfig(cell="lstm", hidden_size=16, num_layers=2, embedding_dim=8, dropout=0.2)
    by_steps = train(text, shape, TrainConfig(seq_len=12, batch_size=4, max_steps=12, eval_every=6,
                                              eval_seconds=None, seed=3))
    by_time = train(text, shape, TrainConfig(seq_len=12, batch_size=4, max_steps=12, eval_every=6,
                                             eval_seconds=1e-9, seed=3))
    assert by_steps.history.step == [6, 12]
    assert by_time.history.step == list(range(1, 13))  # every step is past a 1 ns budget
    assert all(v is not None for v in by_time.history.val_loss)
    for (name, a), (_, b) in zip(by_steps.model.named_parameters(), by_time.model.named_parameters()):
        np.testing.assert_array_equal(a.data, b.data, err_msg=name)


def test_eval_seconds_is_refused_with_early_stopping_and_when_not_positive():
    from rnnkit.text import TrainConfig
    from rnnkit.training import Schedule

    with pytest.raises(ValueError, match="eval_seconds: expected None with patience"):
        Schedule(max_steps=10, patience=3, eval_seconds=5.0)
    with pytest.raises(ValueError, match="eval_seconds: expected a positive number"):
        TrainConfig(eval_seconds=0)
