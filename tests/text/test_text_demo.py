"""The `make demo` entry point on Python's own documentation, with a tiny budget."""
import math

from rnnkit.text import pydoc_demo, pydoc_text


def test_pydoc_text_is_the_documentation_topics():
    text = pydoc_text()
    assert len(text) > 100_000 and "assert" in text


def test_pydoc_demo_trains_samples_and_measures():
    r = pydoc_demo(seconds=1.0, length=40)
    assert r.sample.startswith("The ") and len(r.sample) == 44
    assert r.steps >= 1 and r.seconds >= 1.0
    # better than a uniform guess over the vocabulary after even a second of training
    assert r.val_bits_per_char < math.log2(len(r.result.model.vocab))
    assert r.val_loss == r.result.val.nats
