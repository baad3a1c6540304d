"""The character vocabulary: stable order, encoding, refusals."""
import numpy as np
import pytest

from rnnkit.text import Vocab


def test_ids_follow_code_point_order_whatever_the_text_order():
    assert Vocab.from_text("hello world").chars == " dehlorw"
    assert Vocab.from_text("dlrow olleh") == Vocab.from_text("hello world")


def test_encode_decode_round_trip_with_non_ascii():
    text = "Grüße, 世界!\n\té"
    v = Vocab.from_text(text)
    ids = v.encode(text)
    assert ids.dtype == np.int64 and ids.shape == (len(text),)
    assert v.decode(ids) == text
    assert list(v.encode("é")) == [v.chars.index("é")]


def test_unknown_characters_are_named():
    v = Vocab.from_text("abc")
    with pytest.raises(ValueError, match=r"2 character\(s\) not in the model's vocabulary.*'x', 'z'"):
        v.encode("abxzc", what="prime")
    assert v.unknown("abxzc") == ["x", "z"]


@pytest.mark.parametrize("chars", ["", "ba", "aa", 3])
def test_constructor_refuses_bad_vocabularies(chars):
    with pytest.raises(ValueError, match="vocabulary"):
        Vocab(chars)


def test_decode_refuses_out_of_range_ids():
    with pytest.raises(ValueError, match="ids"):
        Vocab("ab").decode([0, 2])
