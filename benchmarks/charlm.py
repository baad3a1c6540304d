"""Character language model: validation loss against training time, rnnkit vs PyTorch, and
training speed against a min-char-rnn style per-character loop.

    python benchmarks/charlm.py ../shared/data/tinyshakespeare.txt --seconds 95

Two models of the same shape (default: embedding 64 -> GRU 2 x 256 -> Linear) are trained the
same way in the same run, one after the other: the same initial weights (rnnkit's, loaded into
torch by name), the same stream batches (stateful truncated BPTT: 32 streams x 100 characters,
state carried across chunks and detached), Adam (lr 2e-3), gradient norm clipped at 5, float32,
``--threads`` threads each (1 by default: the reference curve was measured on one core). The
first 90% of the file trains and the last 10% validates. Every ``--eval-every`` seconds of
training the clock stops and the whole validation text is scored with carried state in eval
mode (``rnnkit.text.evaluate_ids``, and its torch twin here); evaluation time is not counted.

Then chars/second of training: rnnkit against a per-character, batch-1 NumPy loop written in the
style of karpathy's min-char-rnn (one-hot vanilla RNN, 25-step BPTT, Adagrad), for the same
architecture (vanilla RNN, one layer, ``--hidden-size`` units, one-hot input) and, for scale,
for the GRU model above.

The machine is shared: the load average is printed before and after; numbers taken while other
work ran are slower for both, and the comparison (same run, ratios) is what holds.
"""
from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import time

import numpy as np

from rnnkit import nn
from rnnkit.text import (
    CharLM,
    ModelConfig,
    Streams,
    Vocab,
    evaluate_ids,
    read_text,
    split_train_val,
)


# --- training with a paused clock -------------------------------------------------------------------
def train_for(step_fn, evaluate_fn, streams: Streams, init_state, seconds: float, eval_every: float):
    """Run ``step_fn(x, y, state) -> (loss, state)`` over the streams for ``seconds`` of step
    time, evaluating before training, at every multiple of ``eval_every`` seconds and at the
    end. Returns rows (nominal time, training seconds, steps, val loss) and the total steps."""
    rows, clock, step, chunk, state = [(0.0, 0.0, 0, evaluate_fn())], 0.0, 0, 0, None
    next_eval = eval_every
    while clock < seconds:
        if chunk == 0:
            state = init_state()  # streams start over: fresh state, as rnnkit.text.train does
        x, y = streams.chunk(chunk)
        start = time.perf_counter()
        loss, state = step_fn(x, y, state)
        clock += time.perf_counter() - start
        if not math.isfinite(loss):
            raise FloatingPointError(f"diverged at step {step}")
        step += 1
        chunk = (chunk + 1) % streams.n_chunks
        if clock >= next_eval or clock >= seconds:
            rows.append((min(next_eval, seconds), clock, step, evaluate_fn()))
            print(f"  {rows[-1][1]:7.1f} s  step {step:5d}  val {rows[-1][3]:.4f}", file=sys.stderr, flush=True)
            while next_eval <= clock:
                next_eval += eval_every
    return rows, step


# --- rnnkit ---------------------------------------------------------------------------------------
def rnnkit_trainer(model: CharLM, lr: float, clip: float):
    optimizer = nn.Adam(model.parameters(), lr=lr)
    criterion = nn.CrossEntropyLoss()
    V = model.vocab_size

    def step(x, y, state):
        model.zero_grad()
        logits, state = model(x, state)
        loss = criterion(logits.reshape(-1, V), y.reshape(-1))
        model.backward(criterion.backward().reshape(logits.shape))
        nn.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        return loss, state  # numpy arrays carry no graph: the next chunk starts from values

    return step


# --- torch, the same model ------------------------------------------------------------------------
def torch_model(torch, ours: CharLM):
    """A torch.nn twin of ``ours`` with the same names, loaded from its weights."""
    cfg, V = ours.config, ours.vocab_size

    class TorchCharLM(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(V, cfg.embedding_dim) if cfg.embedding_dim else None
            n_in = cfg.embedding_dim or V
            self.rnn = getattr(torch.nn, cfg.cell.upper())(n_in, cfg.hidden_size, cfg.num_layers,
                                                          dropout=cfg.dropout)
            self.drop = torch.nn.Dropout(cfg.dropout)
            self.head = torch.nn.Linear(cfg.hidden_size, V)

        def forward(self, ids, state=None):
            x = self.embedding(ids) if self.embedding is not None else \
                torch.nn.functional.one_hot(ids, V).float()
            out, state = self.rnn(x, state)
            return self.head(self.drop(out)), state

    model = TorchCharLM()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    return model


def torch_trainer(torch, model, lr: float, clip: float):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    V = model.head.out_features

    def detach(state):
        return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()

    def step(x, y, state):
        optimizer.zero_grad()
        logits, state = model(torch.from_numpy(x), state)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), torch.from_numpy(y).reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        return loss.item(), detach(state)  # truncated BPTT: no gradient into the previous chunk

    return step


def torch_evaluate(torch, model, ids, batch_size: int, seq_len: int) -> float:
    """The torch twin of ``rnnkit.text.evaluate_ids``: the same streams, tail and sum."""
    streams = Streams(ids, batch_size, seq_len)
    V = model.head.out_features
    model.eval()
    total, state = 0.0, None
    with torch.no_grad():
        for x, y in streams:
            logits, state = model(torch.from_numpy(x), state)
            total += torch.nn.functional.cross_entropy(
                logits.reshape(-1, V), torch.from_numpy(y).reshape(-1), reduction="sum").item()
        x, y = streams.tail
        if len(x):
            last = tuple(s[:, -1:].contiguous() for s in state) if isinstance(state, tuple) \
                else state[:, -1:].contiguous()
            for start in range(0, len(x), seq_len):
                logits, last = model(torch.from_numpy(np.ascontiguousarray(x[start:start + seq_len])), last)
                total += torch.nn.functional.cross_entropy(
                    logits.reshape(-1, V), torch.from_numpy(np.ascontiguousarray(y[start:start + seq_len])).reshape(-1),
                    reduction="sum").item()
    model.train()
    return total / (streams.n_targets + len(streams.tail[0]))


# --- min-char-rnn style loop ------------------------------------------------------------------------
def minchar_rnn_chars_per_second(ids, V: int, H: int, seconds: float, seq_length: int = 25,
                                 lr: float = 1e-1, seed: int = 0) -> tuple[float, float]:
    """Train a one-hot vanilla RNN one character at a time, as karpathy's min-char-rnn.py does
    (column vectors, a Python loop over the steps of forward and backward, Adagrad, gradients
    clipped to [-5, 5]), in float32 like the rest of this benchmark. Returns (chars/s, last
    smoothed loss)."""
    rng = np.random.default_rng(seed)
    f32 = np.float32
    Wxh = (rng.standard_normal((H, V)) * 0.01).astype(f32)
    Whh = (rng.standard_normal((H, H)) * 0.01).astype(f32)
    Why = (rng.standard_normal((V, H)) * 0.01).astype(f32)
    bh, by = np.zeros((H, 1), f32), np.zeros((V, 1), f32)
    params = [Wxh, Whh, Why, bh, by]
    mem = [np.zeros_like(p) for p in params]
    smooth = -math.log(1.0 / V)

    def loss_fun(inputs, targets, hprev):
        xs, hs, ps = {}, {-1: hprev}, {}
        loss = 0.0
        for t in range(len(inputs)):
            xs[t] = np.zeros((V, 1), f32)
            xs[t][inputs[t]] = 1
            hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
            ys = Why @ hs[t] + by
            shifted = ys - ys.max()
            e = np.exp(shifted)
            total = e.sum()
            ps[t] = e / total
            loss += math.log(total) - shifted[targets[t], 0]  # log-softmax: no log(0) in float32
        dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
        dbh, dby = np.zeros_like(bh), np.zeros_like(by)
        dhnext = np.zeros_like(hs[0])
        for t in reversed(range(len(inputs))):
            dy = ps[t].copy()
            dy[targets[t]] -= 1
            dWhy += dy @ hs[t].T
            dby += dy
            dh = Why.T @ dy + dhnext
            dhraw = (1 - hs[t] * hs[t]) * dh
            dbh += dhraw
            dWxh += dhraw @ xs[t].T
            dWhh += dhraw @ hs[t - 1].T
            dhnext = Whh.T @ dhraw
        grads = [dWxh, dWhh, dWhy, dbh, dby]
        for g in grads:
            np.clip(g, -5, 5, out=g)
        return loss, grads, hs[len(inputs) - 1]

    p, chars, hprev = 0, 0, np.zeros((H, 1), f32)
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if p + seq_length + 1 >= len(ids):
            hprev, p = np.zeros((H, 1), f32), 0
        inputs, targets = ids[p:p + seq_length], ids[p + 1:p + seq_length + 1]
        loss, grads, hprev = loss_fun(inputs, targets, hprev)
        smooth = smooth * 0.999 + loss / seq_length * 0.001
        for param, g, m in zip(params, grads, mem):
            m += g * g
            param += -lr * g / np.sqrt(m + 1e-8)
        p += seq_length
        chars += seq_length
    return chars / (time.perf_counter() - start), smooth


def rnnkit_chars_per_second(model: CharLM, streams: Streams, seconds: float, lr: float, clip: float) -> float:
    step = rnnkit_trainer(model, lr, clip)
    chars, clock, chunk, state = 0, 0.0, 0, model.init_state(streams.batch_size)
    while clock < seconds:
        x, y = streams.chunk(chunk)
        start = time.perf_counter()
        _, state = step(x, y, state)
        clock += time.perf_counter() - start
        chars += x.size
        chunk = (chunk + 1) % streams.n_chunks
        if chunk == 0:
            state = model.init_state(streams.batch_size)
    return chars / clock


TARGETS = (2.2, 2.0, 1.9, 1.8, 1.75, 1.7, 1.66, 1.62, 1.6, 1.55, 1.5)  # 1.66: the reference at 95 s


# --- report -----------------------------------------------------------------------------------------
def time_to_reach(rows, target: float) -> float | None:
    """Training seconds at which a curve first reaches ``target`` (linear between evaluations)."""
    for (_, t0, _, v0), (_, t1, _, v1) in itertools.pairwise(rows):  # rows[0]: before training
        if v1 <= target < v0:
            return t0 + (t1 - t0) * (v0 - target) / (v0 - v1)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="training text, e.g. ../shared/data/tinyshakespeare.txt")
    parser.add_argument("--seconds", type=float, default=95.0, help="training time per model")
    parser.add_argument("--eval-every", type=float, default=None,
                        help="seconds of training between evaluations [default: seconds / 10]")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cell", default="gru", choices=["rnn", "lstm", "gru"])
    parser.add_argument("--hidden-size", type=int, default=256)
    parser.add_argument("--num-layers", type=int, default=2)
    parser.add_argument("--embedding-dim", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seq-len", type=int, default=100)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--clip", type=float, default=5.0)
    parser.add_argument("--eval-batch-size", type=int, default=64)
    parser.add_argument("--speed-seconds", type=float, default=20.0,
                        help="seconds for each chars/second measurement")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-torch", action="store_true")
    args = parser.parse_args()
    eval_every = args.eval_every or args.seconds / 10

    from threadpoolctl import threadpool_limits

    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    text = read_text(args.file)
    vocab = Vocab.from_text(text)
    ids = vocab.encode(text)
    train_ids, val_ids = split_train_val(ids, 0.1)
    streams = Streams(train_ids, args.batch_size, args.seq_len)
    cfg = ModelConfig(cell=args.cell, hidden_size=args.hidden_size, num_layers=args.num_layers,
                      embedding_dim=args.embedding_dim)
    print(f"{args.file}: {len(text)} chars, {len(vocab)} distinct; train {len(train_ids)}, "
          f"val {len(val_ids)} (last 10%)")
    print(f"model: embedding {cfg.embedding_dim} -> {cfg.cell.upper()} {cfg.num_layers}x{cfg.hidden_size} "
          f"-> Linear {len(vocab)}; batch {streams.batch_size} streams x {args.seq_len} chars, "
          f"Adam lr {args.lr}, clip {args.clip}, float32, {args.threads} thread(s), {args.seconds:g} s each")
    print(f"numpy {np.__version__}, torch {torch.__version__}; load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    with threadpool_limits(limits=args.threads):
        ours = CharLM(vocab, cfg, seed=args.seed)
        theirs = torch_model(torch, ours)  # built before training: the same initial weights
        print("training rnnkit ...", file=sys.stderr, flush=True)
        rows_ours, steps_ours = train_for(
            rnnkit_trainer(ours, args.lr, args.clip),
            lambda: evaluate_ids(ours, val_ids, batch_size=args.eval_batch_size).nats,
            streams, lambda: ours.init_state(streams.batch_size), args.seconds, eval_every)
        rows_theirs, steps_theirs = [], 0
        if not args.skip_torch:
            print("training torch ...", file=sys.stderr, flush=True)
            rows_theirs, steps_theirs = train_for(
                torch_trainer(torch, theirs, args.lr, args.clip),
                lambda: torch_evaluate(torch, theirs, val_ids, args.eval_batch_size, 256),
                streams, lambda: None, args.seconds, eval_every)

        print("\nvalidation loss (nats/char) against training time (evaluation time excluded)")
        print(f"{'time s':>7} {'rnnkit step':>11} {'rnnkit val':>10} {'torch step':>10} {'torch val':>9}")
        for i, (nominal, _, step, val) in enumerate(rows_ours):
            other = rows_theirs[i] if i < len(rows_theirs) else None
            right = f"{other[2]:10d} {other[3]:9.4f}" if other else f"{'-':>10} {'-':>9}"
            print(f"{nominal:7.1f} {step:11d} {val:10.4f} {right}")
        t_ours, t_theirs = rows_ours[-1][1], rows_theirs[-1][1] if rows_theirs else math.nan
        sps_ours = steps_ours / t_ours
        chars_step = streams.batch_size * args.seq_len
        print(f"\nrnnkit: {steps_ours} steps, {sps_ours:.2f} steps/s, {sps_ours * chars_step:.0f} chars/s, "
              f"final val {rows_ours[-1][3]:.4f} nats ({rows_ours[-1][3] / math.log(2):.3f} bpc)")
        if rows_theirs:
            sps_theirs = steps_theirs / t_theirs
            print(f"torch:  {steps_theirs} steps, {sps_theirs:.2f} steps/s, {sps_theirs * chars_step:.0f} chars/s, "
                  f"final val {rows_theirs[-1][3]:.4f} nats ({rows_theirs[-1][3] / math.log(2):.3f} bpc)")
            print(f"time per step rnnkit / torch: {sps_theirs / sps_ours:.3f}")
            print("\ntime to reach a validation loss (linear between evaluations; goal: ratio <= 1.05)")
            print(f"{'val loss':>8} {'rnnkit s':>9} {'torch s':>8} {'ratio':>6}")
            for target in TARGETS:
                a, b = time_to_reach(rows_ours, target), time_to_reach(rows_theirs, target)
                if a is not None and b is not None:
                    print(f"{target:8.2f} {a:9.1f} {b:8.1f} {a / b:6.3f}")

        print(f"\ntraining speed, chars/second ({args.speed_seconds:g} s each)")
        rnn_cfg = ModelConfig(cell="rnn", hidden_size=args.hidden_size, num_layers=1, embedding_dim=0)
        loop = minchar_rnn_chars_per_second(train_ids, len(vocab), args.hidden_size, args.speed_seconds)[0]
        same = rnnkit_chars_per_second(CharLM(vocab, rnn_cfg, seed=args.seed), streams,
                                       args.speed_seconds, args.lr, args.clip)
        gru = sps_ours * chars_step
        print(f"min-char-rnn style loop, one-hot RNN 1x{args.hidden_size}, batch 1: {loop:9.0f}")
        print(f"rnnkit, one-hot RNN 1x{args.hidden_size}, batch {streams.batch_size}x{args.seq_len}: "
              f"{same:9.0f}  ({same / loop:.1f}x the loop; goal >= 20x)")
        print(f"rnnkit, the {cfg.cell.upper()} {cfg.num_layers}x{cfg.hidden_size} model above:          "
              f"{gru:9.0f}  ({gru / loop:.1f}x the loop)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
