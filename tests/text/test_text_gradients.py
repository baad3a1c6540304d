"""The gradients of the whole language model (embedding or one-hot -> RNN/LSTM/GRU -> dropout ->
Linear -> cross-entropy) against central finite differences in float64, on a chunk that
starts from the state carried over from the previous chunk, as in training."""
import numpy as np
import pytest

from rnnkit import nn
from rnnkit.text import CharLM, ModelConfig, Vocab


class ChunkLoss(nn.Module):
    """Mean cross-entropy of one chunk from a fixed (carried, detached) initial state.

    ``forward()`` returns the scalar loss and ``backward(g)`` fills the model's gradients, the
    interface ``nn.gradcheck`` expects; the state is a constant, exactly as training treats it.
    """

    def __init__(self, lm, x, y, state):
        super().__init__()
        self.lm, self.x, self.y, self.state = lm, x, y, state
        self.criterion = nn.CrossEntropyLoss()

    def forward(self):
        logits, _ = self.lm(self.x, self.state)
        self._shape = logits.shape
        return self.criterion(logits.reshape(-1, self.lm.vocab_size), self.y.reshape(-1))

    def backward(self, grad=1.0):
        self.lm.backward(self.criterion.backward(grad).reshape(self._shape))


def _chunks(vocab_size, seed=0, T=5, B=3):
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, vocab_size, size=(2 * T + 1, B))
    return (ids[:T], ids[1:T + 1]), (ids[T:2 * T], ids[T + 1:2 * T + 1])


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("embedding_dim,dropout", [(3, 0.0), (0, 0.0), (3, 0.3)])
def test_language_model_gradients_with_carried_state(cell, embedding_dim, dropout):
    vocab = Vocab("abcdef")
    lm = CharLM(vocab, ModelConfig(cell=cell, hidden_size=4, num_layers=2,
                                   embedding_dim=embedding_dim, dropout=dropout),
                seed=1, dtype=np.float64)
    (x0, _), (x1, y1) = _chunks(len(vocab))
    _, carried = lm(x0)  # the previous chunk; its final state starts this one
    assert np.abs(carried if cell != "lstm" else carried[0]).max() > 0.05  # really non-zero
    result = nn.gradcheck(ChunkLoss(lm, x1, y1, carried), (), eps=1e-5, tolerance=1e-5)
    names = {"rnn.weight_hh_l1", "head.weight", "head.bias", "rnn.bias_ih_l0"}
    if embedding_dim:
        names.add("embedding.weight")
    assert names <= {n.removeprefix("lm.") for n in result.errors}
    assert result.passed, result.errors


def test_own_central_differences_on_a_single_weight():
    """Independent of nn.gradcheck: perturb one recurrent weight by hand."""
    vocab = Vocab("xyz")
    lm = CharLM(vocab, ModelConfig(cell="gru", hidden_size=3, num_layers=1, embedding_dim=2),
                seed=3, dtype=np.float64)
    (x0, _), (x1, y1) = _chunks(len(vocab), seed=5)
    _, carried = lm(x0)
    loss = ChunkLoss(lm, x1, y1, carried)
    lm.zero_grad()
    loss()
    loss.backward()
    w = lm.rnn.weight_hh_l0
    analytic = w.grad[4, 1]
    eps, saved = 1e-6, w.data[4, 1]
    w.data[4, 1] = saved + eps
    plus = loss()
    w.data[4, 1] = saved - eps
    minus = loss()
    w.data[4, 1] = saved
    assert analytic == pytest.approx((plus - minus) / (2 * eps), rel=1e-6, abs=1e-10)


def test_carried_state_continues_the_sequence_and_truncates_the_gradient():
    """Forward: chunk 2 from chunk 1's final state gives the logits of one long pass.
    Backward: the chunk gradients add up to the two-chunk gradient minus exactly the part that
    would flow from chunk 2 back into chunk 1 (checked non-zero), i.e. the state is detached."""
    vocab = Vocab("abcd")
    lm = CharLM(vocab, ModelConfig(cell="lstm", hidden_size=4, num_layers=2, embedding_dim=2),
                seed=0, dtype=np.float64)
    (x0, y0), (x1, y1) = _chunks(len(vocab), seed=2)
    whole_logits, _ = lm(np.concatenate([x0, x1]))
    _, carried = lm(x0)
    part_logits, _ = lm(x1, carried)
    np.testing.assert_allclose(part_logits, whole_logits[len(x0):], rtol=1e-12, atol=1e-12)

    def grads(loss):
        lm.zero_grad()
        loss()
        loss.backward()
        return {n: p.grad.copy() for n, p in lm.named_parameters()}

    g0 = grads(ChunkLoss(lm, x0, y0, None))
    g1 = grads(ChunkLoss(lm, x1, y1, carried))
    gw = grads(ChunkLoss(lm, np.concatenate([x0, x1]), np.concatenate([y0, y1]), None))
    # equal chunk lengths: mean over both = (L0 + L1) / 2
    name = "rnn.weight_hh_l0"
    cross = 2 * gw[name] - (g0[name] + g1[name])
    assert np.abs(cross).max() > 1e-4  # the part truncated BPTT leaves out
    # the head sees no recurrence: its gradient is the same either way
    np.testing.assert_allclose(g0["head.weight"] + g1["head.weight"], 2 * gw["head.weight"], rtol=1e-10, atol=1e-12)
