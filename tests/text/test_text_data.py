"""Reading text files, the validation split and the parallel streams of stateful TBPTT."""
import itertools

import numpy as np
import pytest

from rnnkit.text import Streams, read_text, split_train_val
from rnnkit.text.data import stream_batch_size


def test_read_text_keeps_newlines_and_drops_a_bom(tmp_path):
    f = tmp_path / "t.txt"
    f.write_bytes("\ufeffline one\r\nzwei é\n".encode("utf-8"))
    assert read_text(f) == "line one\r\nzwei é\n"


@pytest.mark.parametrize("content,message", [
    (b"", "empty"),
    (b"abc\x00def", "binary"),
    (b"caf\xe9 au lait", "not UTF-8"),
    (bytes(range(1, 32)) * 20, "binary"),
])
def test_read_text_refuses_empty_binary_and_non_utf8(tmp_path, content, message):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        read_text(f)


def test_read_text_refuses_missing_file_and_directory(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        read_text(tmp_path / "nope.txt")
    with pytest.raises(ValueError, match="directory"):
        read_text(tmp_path)


def test_validation_is_the_last_part():
    ids = np.arange(100)
    train, val = split_train_val(ids, 0.1)
    assert list(train) == list(range(90)) and list(val) == list(range(90, 100))
    train, val = split_train_val(np.arange(11), 0.1)  # one character would hold no pair
    assert len(train) == 11 and len(val) == 0


def test_streams_are_contiguous_across_chunks():
    ids = np.arange(1000)
    s = Streams(ids, batch_size=4, seq_len=7)
    assert s.batch_size == 4 and s.length == 249
    chunks = list(s)
    assert len(chunks) == s.n_chunks == 36
    # row b of chunk i+1 starts where row b of chunk i ended, so the carried state fits
    for (x0, y0), (x1, _) in itertools.pairwise(chunks):
        assert np.array_equal(x1[0], x0[-1] + 1)
        assert np.array_equal(y0, x0 + 1)  # targets are the next characters
    # streams are consecutive pieces of the text; the tail continues the last one
    assert np.array_equal(np.concatenate([c[0] for c in chunks])[:, 1], np.arange(249, 498))
    x_tail, y_tail = s.tail
    assert x_tail[:, 0].tolist() == [996, 997, 998] and y_tail[:, 0].tolist() == [997, 998, 999]
    assert s.n_targets + len(x_tail) == 999


def test_a_short_text_trains_as_one_stream():
    assert stream_batch_size(11, 32, 100) == 1
    assert stream_batch_size(1001, 32, 100) == 10
    assert Streams(np.arange(11), 32, 100).chunk(0)[0].shape == (10, 1)
