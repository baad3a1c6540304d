"""Fuzzing the text inputs: any bytes are read or refused with ValueError, never anything else;
any text round-trips through its vocabulary."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnkit.text import Streams, Vocab, read_text


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_are_read_or_refused_with_one_value_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "f.txt"
    path.write_bytes(data)
    try:
        text = read_text(path)
    except ValueError as exc:
        assert "\n" not in str(exc)  # one line for the CLI
    else:
        assert isinstance(text, str) and text


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=200))
def test_any_text_round_trips_through_its_vocabulary(text):
    v = Vocab.from_text(text)
    assert v.decode(v.encode(text)) == text
    assert Vocab(v.chars) == v


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 300), st.integers(1, 40), st.integers(1, 50))
def test_streams_cover_every_target_once(n, batch_size, seq_len):
    ids = np.arange(n)
    s = Streams(ids, batch_size, seq_len)
    targets = np.concatenate([y.T.reshape(-1) for _, y in s]) if s.n_chunks else np.empty(0, int)
    covered = np.sort(np.concatenate([targets, s.tail[1][:, 0]]))
    assert np.array_equal(covered, np.arange(1, n))
