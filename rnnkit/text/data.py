"""Text in, batches out: reading a text file safely, the validation split and the parallel
streams of stateful truncated backpropagation through time (TBPTT).

Streams, as in karpathy/char-rnn: the text is cut into ``batch_size`` contiguous pieces, one
per batch row. Step ``i`` takes characters ``[i * seq_len, (i + 1) * seq_len)`` of every piece,
so row ``b`` of step ``i + 1`` continues row ``b`` of step ``i`` and the hidden state at the
end of one chunk is the right starting state of the next. Arrays are time-major, (T, B).
"""
from __future__ import annotations

from collections.abc import Iterator
from os import PathLike
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

# Text has few control characters; a file with many (but no NUL) is binary data that happens
# to decode, e.g. a UTF-16 file with only ASCII would have NULs, a packed number table not.
_TEXT_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}
_MAX_CONTROL_SHARE = 0.10


def read_text(path: str | PathLike[str]) -> str:
    """Read a UTF-8 text file for training or evaluation.

    Raises ``ValueError`` (one line, naming the file) for a missing, empty, binary or non-UTF-8
    file. A leading byte-order mark is dropped; newlines are kept as they are (``\\r\\n`` stays
    two characters), since the model learns whatever the file holds.
    """
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{str(path)!r}: no such file")
    if path.is_dir():
        raise ValueError(f"{str(path)!r}: is a directory, expected a text file")
    data = path.read_bytes()
    if not data:
        raise ValueError(f"{str(path)!r}: the file is empty")
    if b"\x00" in data:
        raise ValueError(f"{str(path)!r}: looks like a binary file (it contains NUL bytes), "
                         "expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{str(path)!r}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                         f"{exc.start} cannot be decoded)") from None
    check_text(text, str(path))
    return text


def check_text(text: str, what: str = "text") -> str:
    """Refuse an empty string or one that is mostly control characters (binary data)."""
    if not isinstance(text, str):
        raise ValueError(f"{what}: expected a string, got {type(text).__name__}")
    if not text:
        raise ValueError(f"{what}: the text is empty")
    sample = text[:100_000]
    controls = sum(1 for c in sample if c < " " and c not in _TEXT_CONTROLS)
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise ValueError(f"{what}: looks like binary data ({controls} of the first {len(sample)} "
                         "characters are control characters), expected text")
    return text


def split_train_val(ids: np.ndarray, val_fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """The first ``1 - val_fraction`` of ``ids`` for training and the last part for validation.

    Validation comes last (not sampled at random) so that it is text the model has not seen
    in any context, as in char-rnn and nanoGPT. A validation part shorter than two characters
    holds no (input, target) pair; then everything trains and the validation part is empty.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction: expected a number in [0, 1), got {val_fraction!r}")
    n_val = int(len(ids) * val_fraction)
    if n_val < 2 or len(ids) - n_val < 2:
        return ids, ids[:0]
    return ids[: len(ids) - n_val], ids[len(ids) - n_val:]


def stream_batch_size(n_chars: int, batch_size: int, seq_len: int) -> int:
    """Rows actually used: at most ``batch_size``, but each stream keeps at least ``seq_len``
    targets when the text allows, so a short text trains as one long stream rather than as
    many one-character pieces with no context."""
    n_targets = n_chars - 1
    if n_targets < 1:
        raise ValueError(f"text: expected at least 2 characters, got {n_chars}")
    return max(1, min(batch_size, n_targets // seq_len))


class Streams:
    """The parallel streams of a text, cut into consecutive chunks.

    Parameters
    ----------
    ids : int array (N,)
        The text as character ids.
    batch_size : int
        Wanted number of streams; fewer are used for a short text (:func:`stream_batch_size`).
    seq_len : int
        Time steps per chunk. The last chunk of an epoch may be shorter.

    Attributes
    ----------
    batch_size : int
        Streams actually used.
    length : int
        Targets per stream; ``batch_size * length`` targets in all. The up to ``batch_size - 1``
        targets left over are in :attr:`tail`.
    n_chunks : int
        Chunks per pass over the streams.
    """

    def __init__(self, ids: ArrayLike, batch_size: int, seq_len: int):
        ids = np.asarray(ids)
        if ids.ndim != 1 or ids.dtype.kind not in "iu":
            raise ValueError(f"ids: expected a 1-D integer array, got {ids.dtype} shape {ids.shape}")
        if seq_len < 1 or batch_size < 1:
            raise ValueError(f"seq_len and batch_size: expected positive integers, got {seq_len}, {batch_size}")
        self.seq_len = int(seq_len)
        self.batch_size = stream_batch_size(len(ids), int(batch_size), self.seq_len)
        B = self.batch_size
        self.length = (len(ids) - 1) // B
        used = B * self.length
        # time-major copies: each chunk is then a contiguous block of rows, no gather per step
        self.inputs = np.ascontiguousarray(ids[:used].reshape(B, self.length).T)
        self.targets = np.ascontiguousarray(ids[1: used + 1].reshape(B, self.length).T)
        self.n_chunks = -(-self.length // self.seq_len)
        # the targets after the last full column continue the last stream
        self.tail = (ids[used: len(ids) - 1, None], ids[used + 1:, None])

    def chunk(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Inputs and targets (T, B) of chunk ``i``: every stream's next ``seq_len`` characters."""
        if not 0 <= i < self.n_chunks:
            raise IndexError(f"chunk {i} out of range [0, {self.n_chunks})")
        rows = slice(i * self.seq_len, (i + 1) * self.seq_len)
        return self.inputs[rows], self.targets[rows]

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for i in range(self.n_chunks):
            yield self.chunk(i)

    @property
    def n_targets(self) -> int:
        """Targets in the streams (without the tail)."""
        return self.batch_size * self.length
