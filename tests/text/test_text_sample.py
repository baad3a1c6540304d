"""Sampling: prime included, seeds, temperature 0, top-k, refusals."""
import numpy as np
import pytest

from rnnkit.text import CharLM, ModelConfig, Vocab, sample
from rnnkit.text.sample import next_char_distribution


@pytest.fixture(scope="module")
def model():
    return CharLM(Vocab.from_text("abcdefgh \n"), ModelConfig(hidden_size=16, num_layers=1), seed=0)


def test_same_seed_same_text_other_seed_other_text(model):
    a = sample(model, "abc", length=60, seed=1)
    assert a == sample(model, "abc", length=60, seed=1)
    assert a != sample(model, "abc", length=60, seed=2)
    assert a.startswith("abc") and len(a) == 63


def test_greedy_ignores_the_seed_and_equals_top_1(model):
    greedy = sample(model, "ab", length=40, temperature=0, seed=1)
    assert greedy == sample(model, "ab", length=40, temperature=0, seed=99)
    assert greedy == sample(model, "ab", length=40, temperature=1.0, top_k=1, seed=5)


def test_top_k_draws_only_among_the_k_most_likely():
    logits = np.array([0.0, 3.0, 1.0, 2.0, -1.0])
    p = next_char_distribution(logits, temperature=1.0, top_k=2)
    assert set(np.flatnonzero(p)) == {1, 3} and p.sum() == pytest.approx(1.0)
    assert p[1] / p[3] == pytest.approx(np.e)
    sharp = next_char_distribution(logits, temperature=0.1, top_k=None)
    assert sharp[1] > 0.99
    assert np.isfinite(next_char_distribution(logits * 1e4, 1e-3, None)).all()  # no overflow


def test_sampled_characters_are_never_outside_top_k(model):
    rng_text = sample(model, "a", length=300, temperature=2.0, top_k=3, seed=0)
    # recompute each step's top 3 by feeding the text back in
    ids = model.vocab.encode(rng_text)
    logits, _ = model(ids[:-1, None])
    top3 = np.argsort(logits[:, 0], axis=1)[:, -3:]
    assert all(ids[t + 1] in top3[t] for t in range(len(ids) - 1))


def test_empty_prime_starts_from_a_newline(model):
    out = sample(model, "", length=10, seed=0)
    assert out.startswith("\n") and len(out) == 11
    assert sample(model, "xyz"[:0], length=0) == "\n"


def test_sampling_leaves_training_mode_alone():
    lm = CharLM(Vocab("ab"), ModelConfig(hidden_size=4, num_layers=2, dropout=0.5), seed=0)
    assert lm.training
    sample(lm, "ab", length=5)
    assert lm.training


@pytest.mark.parametrize("kwargs,match", [
    ({"prime": "abz"}, "prime.*'z'"), ({"length": -1}, "length"), ({"temperature": -0.5}, "temperature"),
    ({"top_k": 0}, "top_k"), ({"temperature": float("nan")}, "temperature"),
])
def test_refusals(model, kwargs, match):
    with pytest.raises(ValueError, match=match):
        sample(model, **{"prime": "ab", **kwargs})


def test_generate_streams_the_same_text_as_sample_in_bounded_pieces():
    from rnnkit.text import CharLM, ModelConfig, Vocab, generate, sample

    lm = CharLM(Vocab("\n abc"), ModelConfig(hidden_size=6, num_layers=1, embedding_dim=3))
    pieces = list(generate(lm, "ab", length=600, temperature=0.9, seed=4, chunk=256))
    assert "".join(pieces) == sample(lm, "ab", length=600, temperature=0.9, seed=4)
    assert [len(p) for p in pieces] == [2, 256, 256, 88]
