"""The character language model: embedding (or one-hot) -> RNN/LSTM/GRU -> dropout -> Linear.

Time-major throughout: ids (T, B) give logits (T, B, V) over the next character. ``forward``
takes and returns the recurrent state, so training can carry it from one chunk to the next
and sampling can feed one character at a time. Parameter names are torch's, under the
module's place: ``embedding.weight``, ``rnn.weight_ih_l0``, ..., ``head.weight``, ``head.bias``,
so the layers load into ``torch.nn.Embedding``/``GRU``/``Linear`` as they are.

On disk (:meth:`CharLM.save`, :meth:`CharLM.load`): one safetensors file via ``rnnkit.io``
(kind ``"charlm"``) holding those tensors; the metadata holds the vocabulary as one string in
id order, the model and training configurations and the training summary. Loading rebuilds the
model from the configuration and refuses anything that does not match it exactly: a missing,
extra or misshapen tensor, a vocabulary whose size disagrees with the tensors, non-finite weights.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from os import PathLike
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from rnnkit import io, nn
from rnnkit.nn.cell_table import get_cell, make_recurrent
from rnnkit.nn.recurrent import States
from rnnkit.nn.seeding import derive
from rnnkit.text.vocab import Vocab

KIND = "charlm"  # the kind of model file (rnnkit.io)


@dataclass(frozen=True)
class ModelConfig:
    """Shape of a :class:`CharLM`.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"}, default "gru"
    hidden_size : int, default 256
    num_layers : int, default 2
    embedding_dim : int, default 64
        Size of the learned character vectors; 0 feeds one-hot vectors instead, as
        min-char-rnn and char-rnn do (no ``embedding.weight``).
    dropout : float in [0, 1), default 0.0
        Applied in training between recurrent layers and to the top layer's output,
        as in char-rnn.
    """

    cell: str = "gru"
    hidden_size: int = 256
    num_layers: int = 2
    embedding_dim: int = 64
    dropout: float = 0.0

    def __post_init__(self):
        get_cell(self.cell)
        for name in ("hidden_size", "num_layers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name}: expected a positive integer, got {value!r}")
        e = self.embedding_dim
        if isinstance(e, bool) or not isinstance(e, (int, np.integer)) or e < 0:
            raise ValueError(f"embedding_dim: expected a non-negative integer (0 = one-hot), got {e!r}")
        d = self.dropout
        if isinstance(d, bool) or not isinstance(d, (int, float)) or not 0.0 <= d < 1.0:
            raise ValueError(f"dropout: expected a number in [0, 1), got {d!r}")

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelConfig:
        """Rebuild from :meth:`to_dict`, refusing unknown or missing keys (a foreign file)."""
        if not isinstance(d, dict):
            raise ValueError(f"model config: expected a JSON object, got {type(d).__name__}")
        names = {f.name for f in fields(cls)}
        if set(d) != names:
            raise ValueError(f"model config: expected keys {sorted(names)}, got {sorted(d)}")
        return cls(**d)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class CharLM(nn.Module):
    """Next-character model over a :class:`Vocab`.

    Parameters
    ----------
    vocab : Vocab
    config : ModelConfig, optional (defaults: GRU 2 x 256, embedding 64)
    seed : int, SeedSequence or None, default 0
        Initial weights and dropout masks; the same seed gives the same model (None: fresh
        entropy, as the engine's layers).
    dtype : float32 (default) or float64 (gradient checks)

    Attributes
    ----------
    vocab, config
    embedding : nn.Embedding or None (one-hot input)
    rnn : nn.RNN, nn.LSTM or nn.GRU
    drop : nn.Dropout
    head : nn.Linear
    summary : dict
        Training summary (empty until trained or loaded from a file).
    """

    def __init__(self, vocab: Vocab, config: ModelConfig | None = None,
                 seed: int | np.random.SeedSequence | None = 0, dtype: DTypeLike = np.float32):
        super().__init__()
        if not isinstance(vocab, Vocab):
            raise ValueError(f"vocab: expected a Vocab, got {type(vocab).__name__}")
        config = config or ModelConfig()
        self.vocab, self.config, self.dtype = vocab, config, np.dtype(dtype)
        self.summary: dict[str, Any] = {}
        V = len(vocab)
        seeds = [derive(seed, part) for part in range(4)]  # embedding, rnn, dropout, head
        if config.embedding_dim:
            self.embedding = nn.Embedding(V, config.embedding_dim, dtype=dtype, seed=seeds[0])
            n_in = config.embedding_dim
        else:
            self.embedding = None
            n_in = V
        self.rnn = make_recurrent(config.cell, n_in, config.hidden_size, num_layers=config.num_layers,
                                  dropout=config.dropout, dtype=dtype, seed=seeds[1])
        self.drop = nn.Dropout(config.dropout, seed=seeds[2])
        self.head = nn.Linear(config.hidden_size, V, dtype=dtype, seed=seeds[3])

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def extra_repr(self) -> str:
        return f"vocab={len(self.vocab)}"

    # --- state ------------------------------------------------------------------------------
    def init_state(self, batch_size: int) -> States:
        """Zero recurrent state for ``batch_size`` streams: (L, B, H), for the LSTM a pair."""
        shape = (self.config.num_layers, batch_size, self.config.hidden_size)
        if self.config.cell == "lstm":
            return np.zeros(shape, self.dtype), np.zeros(shape, self.dtype)
        return np.zeros(shape, self.dtype)

    @staticmethod
    def state_rows(state: States, rows: slice | Sequence[int] | np.ndarray) -> States:
        """The state of some streams only (``rows``: a slice or index array of the batch axis)."""
        if isinstance(state, tuple):
            return tuple(np.ascontiguousarray(s[:, rows]) for s in state)
        return np.ascontiguousarray(state[:, rows])

    # --- forward / backward ---------------------------------------------------------------------
    def forward(self, ids: ArrayLike, state: States | None = None) -> tuple[np.ndarray, States]:
        """Logits for the character after each input.

        Parameters
        ----------
        ids : int array (T, B)
            Character ids, time-major.
        state : recurrent state from :meth:`init_state` or a previous call; zeros if None.

        Returns
        -------
        logits : array (T, B, V)
        state : the state after the last step, to start the next chunk from.
        """
        ids = np.asarray(ids)
        if ids.ndim != 2:
            raise ValueError(f"ids: expected a (T, B) array of character ids, got shape {ids.shape}")
        if self.embedding is not None:
            x = self.embedding(ids)
        else:
            if ids.dtype.kind not in "iu" or (ids.size and (ids.min() < 0 or ids.max() >= self.vocab_size)):
                raise ValueError(f"ids: expected integers in [0, {self.vocab_size - 1}]")
            x = np.zeros(ids.shape + (self.vocab_size,), dtype=self.dtype)  # one-hot, no V x V table
            np.put_along_axis(x, ids[..., None], 1.0, axis=-1)
        out, state = self.rnn(x, state)
        return self.head(self.drop(out)), state

    def backward(self, dlogits: ArrayLike) -> None:
        """Backpropagate the gradient of the logits of the last :meth:`forward` into every
        parameter's ``grad``. No gradient flows out of the final state (``dh_n = None``):
        that is the truncation of truncated BPTT, and the gradient reaching the initial state
        is dropped for the same reason (the previous chunk is already done)."""
        dout = self.drop.backward(self.head.backward(dlogits))
        dx, _ = self.rnn.backward(dout, None)
        if self.embedding is not None:
            self.embedding.backward(dx)

    # --- files ------------------------------------------------------------------------------------
    @staticmethod
    def parameter_shapes(vocab_size: int, config: ModelConfig) -> dict[str, tuple[int, ...]]:
        """Every parameter's name and shape for a vocabulary and config, without allocating."""
        V, H = vocab_size, config.hidden_size
        shapes = {"embedding.weight": (V, config.embedding_dim)} if config.embedding_dim else {}
        n_in = config.embedding_dim or V
        layer = get_cell(config.cell).module.parameter_shapes(n_in, H, config.num_layers)
        return shapes | {f"rnn.{k}": v for k, v in layer.items()} | {"head.weight": (V, H), "head.bias": (V,)}

    @classmethod
    def file_shapes(cls, path: str | PathLike, tensors: dict, vocab_size: int,
                    config: ModelConfig) -> dict[str, tuple[int, ...]]:
        """:meth:`parameter_shapes` for a file's claimed config, after refusing a claim of more
        layers than the file has tensors (listing 10**12 layers' names would exhaust memory)."""
        io.check_claimed_tensors(path, tensors, f"{config.num_layers} layers", 2 * config.num_layers)
        return cls.parameter_shapes(vocab_size, config)

    def save(self, path: str | PathLike, train_config: dict | None = None) -> None:
        """Write the model (weights, vocabulary, config, ``summary``, and ``train_config`` if
        given) to one safetensors file at ``path``, atomically; read it with :meth:`load`."""
        tensors = {name: p.data.astype(np.float32) for name, p in self.named_parameters()}
        metadata = {
            "vocab": self.vocab.chars,
            "model": self.config.to_dict(),
            "train": train_config or {},
            "summary": self.summary,
        }
        io.save_model(path, tensors, kind=KIND, metadata=metadata)

    @classmethod
    def load(cls, path: str | PathLike) -> CharLM:
        """Read a model written by :meth:`save`.

        Raises ``ValueError`` (one line naming the file) for a missing, truncated, pickle or
        foreign file, another kind of rnnkit model, or contents that do not fit together.
        """
        tensors, meta = io.load_model(path, kind=KIND)
        where = f"model {str(path)!r}"
        try:
            vocab = Vocab(meta.get("vocab"))
            config = ModelConfig.from_dict(meta.get("model"))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{where}: {exc}") from None
        # Names and shapes first, from the metadata alone: a small file claiming a huge model
        # is refused before anything is allocated for it.
        io.check_tensors(path, tensors, cls.file_shapes(path, tensors, len(vocab), config))
        model = cls(vocab, config)
        model.load_state_dict(tensors)
        summary = meta.get("summary", {})
        model.summary = summary if isinstance(summary, dict) else {}
        return model
