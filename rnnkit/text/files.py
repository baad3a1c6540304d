"""Character models on disk: one safetensors file via ``rnnkit.io`` (kind ``"charlm"``).

Tensors keep torch names (``embedding.weight``, ``rnn.weight_ih_l0``, ..., ``head.weight``);
the metadata holds the vocabulary as one string in id order, the model and training
configurations and the training summary. Loading rebuilds the model from the configuration
and refuses anything that does not match it exactly: a missing, extra or misshapen tensor, a
vocabulary whose size disagrees with the tensors, non-finite weights.
"""
from __future__ import annotations

import numpy as np

from rnnkit import io
from rnnkit.text.model import CharLM, ModelConfig
from rnnkit.text.vocab import Vocab

KIND = "charlm"


def save(model: CharLM, path, train_config: dict | None = None) -> None:
    """Write ``model`` (weights, vocabulary, config, ``model.summary``) to ``path`` atomically."""
    tensors = {name: p.data.astype(np.float32) for name, p in model.named_parameters()}
    metadata = {
        "vocab": model.vocab.chars,
        "model": model.config.to_dict(),
        "train": train_config or {},
        "summary": model.summary,
    }
    io.save_model(path, tensors, kind=KIND, metadata=metadata)


def load(path) -> CharLM:
    """Read a model written by :func:`save`.

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
    model = CharLM(vocab, config)
    try:
        model.load_state_dict(tensors)  # strict: every name and shape must match
    except ValueError as exc:
        raise ValueError(f"{where}: {exc} (vocabulary of {len(vocab)} characters, "
                         f"{config.cell} {config.num_layers}x{config.hidden_size})") from None
    for name, p in model.named_parameters():
        if not np.all(np.isfinite(p.data)):
            raise ValueError(f"{where}: tensor {name!r} holds NaN or infinite values")
    summary = meta.get("summary", {})
    model.summary = summary if isinstance(summary, dict) else {}
    return model
