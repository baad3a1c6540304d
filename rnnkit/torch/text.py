"""The character model's torch mirror: same children, same names, same time-major forward.

Registered with ``modules.register_mirror`` so that ``to_torch`` (and so the torch backend's
trainer and runner) handles a ``CharLM`` like any engine layer. Training, evaluation and
sampling are ``rnnkit.text``'s own code on the backend interface; nothing text-specific is
left here but the shape of the model.
"""
from __future__ import annotations

from rnnkit.text.model import CharLM
from rnnkit.torch.modules import mirror_structure, register_mirror, torch

tnn = torch.nn


class TorchCharLM(tnn.Module):
    """The character model (``rnnkit.text.CharLM``) in torch: same children, same names."""

    def __init__(self, embedding: torch.nn.Module | None, rnn: torch.nn.Module, drop: torch.nn.Module,
                 head: torch.nn.Module, vocab_size: int, dtype: torch.dtype):
        super().__init__()
        self.embedding, self.rnn, self.drop, self.head = embedding, rnn, drop, head
        self.vocab_size = vocab_size
        self.dtype = dtype

    def forward(self, ids: torch.Tensor, state: torch.Tensor | tuple[torch.Tensor, torch.Tensor] | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | tuple[torch.Tensor, torch.Tensor]]:
        """Logits (T, B, V) and the final state from ids (T, B), time-major like the engine."""
        if self.embedding is not None:
            x = self.embedding(ids)
        else:  # one-hot input, as the engine's identity-row lookup
            x = torch.nn.functional.one_hot(ids, self.vocab_size).to(self.dtype)
        out, state = self.rnn(x, state)
        return self.head(self.drop(out)), state


def _mirror(m: CharLM, device, dtype) -> TorchCharLM:
    emb = None if m.embedding is None else mirror_structure(m.embedding, device, dtype)
    return TorchCharLM(emb, mirror_structure(m.rnn, device, dtype), mirror_structure(m.drop, device, dtype),
                       mirror_structure(m.head, device, dtype), m.vocab_size, dtype)


register_mirror(CharLM, _mirror)
