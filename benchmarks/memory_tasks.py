"""Long-memory benchmarks: which sequence lengths each recurrent cell learns within a budget.

    python benchmarks/memory_tasks.py                          # the full grid (19 min of CPU)
    python benchmarks/memory_tasks.py --quick                  # smoke run (about 1 min of CPU)
    python benchmarks/memory_tasks.py --figures docs/figures   # also plot the results
    python benchmarks/memory_tasks.py --clipping-figure        # tanh RNN with/without clipping

(CPU times on the project machine, one BLAS thread; the full grid took 28 minutes of wall time
there while other work shared the two cores.) docs/gradients.md shows and discusses the results.

Tasks (generators in ``rnnkit.data.synthetic``; docs/gradients.md defines them in full):

- **adding**: two channels, values ~ U(0, 1) and a marker with one 1 in each half of the
  sequence; predict the sum of the two marked values at the last step (MSE). Always answering
  1 scores 1/6 = 0.167; *solved* means a test MSE below 0.01.
- **copy**: 5 symbols out of 8 shown one-hot in the first 5 steps, a blank delay, then a
  "recall" flag on the last 5 steps, where the model must output the 5 symbols in order
  (cross-entropy over the 5 recall steps). Guessing scores log 8 = 2.079 nats and 12.5%
  accuracy; *solved* means at least 99% of the test symbols recalled correctly.

The length T counts every step, so the first marked value of the adding problem can be T - 1
steps from the answer and every symbol of the copy task is recalled T - 5 steps after it was
shown.

Cells, all from ``rnnkit.nn`` with one layer of ``--hidden`` units and a ``Linear`` head:
``rnn-tanh`` (torch's default initialisation), ``irnn`` (``nn.RNN(nonlinearity="relu")``
with ``weight_hh`` = identity and zero biases, as Le et al. 2015, and small input weights
~ N(0, 0.001^2), as in Keras's IRNN example), ``lstm`` and ``gru`` (torch's initialisation).

Training: a fresh seeded batch every step, Adam (lr 1e-3; 1e-4 for the IRNN, whose identity
recurrence makes large steps unstable; Le et al. used SGD, we use one optimiser for every cell
so that the cells are what differs), global gradient norm clipped at 1. A run stops when it
is solved on a seeded validation batch (checked every ``--eval-every`` steps), when it has
made ``--max-steps`` steps or when it has used ``--seconds`` of CPU time, whichever comes
first (CPU time of this process, so that other work on a shared machine does not shrink the
budget; with one BLAS thread it is the compute time of the run). The reported loss is that of a
separate seeded test batch. Data seeds depend on (seed, task, length) only, so every cell sees
the same batches. A run stopped by the seconds cap depends on the machine's speed; one stopped
by steps or by success does not (the same seed gives the same numbers). Budgets are small on
purpose (NumPy on one core): "not solved within budget" means exactly that, not that the cell
cannot learn the task.

``--clipping-figure`` trains a tanh RNN on the adding problem (``--clip-length`` 200) twice from
the same weights and batches, with and without ``clip_grad_norm_``, using plain SGD and a
recurrent matrix started at ``--clip-gain`` (1.5) times an orthogonal matrix, so that gradients
explode; it records the loss and the global gradient norm at every step.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from rnnkit import nn
from rnnkit.data import ADDING_BASELINE_MSE, adding_problem, copy_chance_loss, copy_task

CELLS = ("rnn-tanh", "irnn", "lstm", "gru")
TASKS = ("adding", "copy")
N_SYMBOLS, N_RECALL = 8, 5
ADDING_SOLVED_MSE = 0.01
COPY_SOLVED_ACCURACY = 0.99
LOSS_AXIS_TOP = 1e3  # the clipping figure cuts the diverging run's loss here, and says so
TRAIN, VALIDATION, TEST = 0, 1, 2  # data-seed roles: the three streams never share a batch


# --- models ---------------------------------------------------------------------------------------
class Tail(nn.Module):
    """Keep the last ``k`` steps of a batch-first sequence output (``LastStep`` for k > 1)."""

    def __init__(self, k: int):
        super().__init__()
        self.k = k
        self._shape = None

    def forward(self, x):
        self._shape, self._dtype = x.shape, x.dtype
        return x[:, -self.k:]

    def backward(self, dy):
        dx = np.zeros(self._shape, dtype=self._dtype)
        dx[:, -self.k:] = dy
        return dx


def recurrent_layer(cell: str, n_in: int, hidden: int, seed: int) -> nn.RNNBase:
    """One batch-first recurrent layer; the IRNN starts at W_hh = I with small input weights."""
    if cell in ("lstm", "gru"):
        return getattr(nn, cell.upper())(n_in, hidden, batch_first=True, seed=seed)
    if cell == "rnn-tanh":
        return nn.RNN(n_in, hidden, batch_first=True, seed=seed)
    layer = nn.RNN(n_in, hidden, nonlinearity="relu", batch_first=True, seed=seed)
    rng = np.random.default_rng(seed)
    layer.weight_ih_l0.data[:] = rng.normal(0.0, 1e-3, layer.weight_ih_l0.shape)
    layer.weight_hh_l0.data[:] = np.eye(hidden)
    layer.bias_ih_l0.data[:] = 0.0
    layer.bias_hh_l0.data[:] = 0.0
    return layer


# --- tasks ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Task:
    """What differs between the two tasks: data, head, loss, and when it counts as solved."""

    name: str
    id: int

    @property
    def n_in(self) -> int:
        return 2 if self.name == "adding" else N_SYMBOLS + 1

    @property
    def baseline(self) -> float:
        """Expected loss without memory: always answering 1, or guessing uniformly."""
        return ADDING_BASELINE_MSE if self.name == "adding" else copy_chance_loss(N_SYMBOLS)

    def baseline_loss(self, y) -> float:
        """The same baseline on the test batch itself, to compare the test loss with."""
        return float(np.mean((y - 1.0) ** 2)) if self.name == "adding" else self.baseline

    def batch(self, n: int, length: int, seed):
        if self.name == "adding":
            return adding_problem(n, length, seed=seed)
        return copy_task(n, length, n_symbols=N_SYMBOLS, n_recall=N_RECALL, seed=seed)

    def model(self, cell: str, hidden: int, seed: int) -> nn.Sequential:
        rnn = recurrent_layer(cell, self.n_in, hidden, seed)
        if self.name == "adding":
            return nn.Sequential(rnn, nn.LastStep(batch_first=True), nn.Linear(hidden, 1, seed=seed))
        return nn.Sequential(rnn, Tail(N_RECALL), nn.Linear(hidden, N_SYMBOLS, seed=seed))

    def loss_and_grad(self, out, y):
        """Mean loss of a batch and its gradient with respect to the model output."""
        if self.name == "adding":
            criterion = nn.MSELoss()
            return criterion(out, y), criterion.backward()
        criterion = nn.CrossEntropyLoss()
        loss = criterion(out.reshape(-1, N_SYMBOLS), y.reshape(-1))
        return loss, criterion.backward().reshape(out.shape)

    def accuracy(self, out, y) -> float | None:
        return None if self.name == "adding" else float((out.argmax(axis=-1) == y).mean())

    def solved(self, loss: float, accuracy: float | None) -> bool:
        if self.name == "adding":
            return loss < ADDING_SOLVED_MSE
        return accuracy is not None and accuracy >= COPY_SOLVED_ACCURACY


def data_seed(seed: int, task: Task, length: int, role: int) -> list[int]:
    return [seed, task.id, length, role]


# --- training -------------------------------------------------------------------------------------
def evaluate(model, task: Task, x, y, chunk: int = 250) -> tuple[float, float | None]:
    """Loss and accuracy on a fixed batch, in eval mode, ``chunk`` sequences at a time."""
    model.eval()
    outs = [model(x[i:i + chunk]) for i in range(0, len(x), chunk)]
    model.train()
    out = np.concatenate(outs)
    loss, _ = task.loss_and_grad(out, y)
    return loss, task.accuracy(out, y)


@dataclass
class RunResult:
    task: str
    cell: str
    length: int
    test_loss: float
    test_accuracy: float | None
    baseline: float
    solved: bool
    stopped_by: str  # "solved", "steps", "seconds" or "diverged"
    steps: int
    seconds: float


def train_run(task: Task, cell: str, length: int, args) -> RunResult:
    """Train one (task, cell, length) until solved on validation or out of budget."""
    model = task.model(cell, args.hidden, args.seed)
    lr = args.irnn_lr if cell == "irnn" else args.lr
    optimizer = nn.Adam(model.parameters(), lr=lr)
    stream = np.random.default_rng(data_seed(args.seed, task, length, TRAIN))
    x_val, y_val = task.batch(args.val_size, length, data_seed(args.seed, task, length, VALIDATION))
    start, steps, stopped_by = time.process_time(), 0, "steps"
    while steps < args.max_steps:
        if time.process_time() - start >= args.seconds:
            stopped_by = "seconds"
            break
        x, y = task.batch(args.batch_size, length, stream)
        model.zero_grad()
        loss, grad = task.loss_and_grad(model(x), y)
        if not math.isfinite(loss):
            stopped_by = "diverged"
            break
        model.backward(grad)
        nn.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
        steps += 1
        if steps % args.eval_every == 0 and task.solved(*evaluate(model, task, x_val, y_val)):
            stopped_by = "solved"
            break
    seconds = time.process_time() - start
    x_test, y_test = task.batch(args.test_size, length, data_seed(args.seed, task, length, TEST))
    test_loss, test_acc = evaluate(model, task, x_test, y_test)
    solved = math.isfinite(test_loss) and task.solved(test_loss, test_acc)
    return RunResult(task.name, cell, length, test_loss, test_acc, task.baseline_loss(y_test),
                     solved, stopped_by, steps, seconds)


# --- report ---------------------------------------------------------------------------------------
def verdict(r: RunResult) -> str:
    if r.solved:
        return "yes"
    if r.stopped_by == "solved":
        return "validation only, not test"
    return "diverged" if r.stopped_by == "diverged" else "not solved within budget"


def print_table(results: list[RunResult]) -> None:
    print(f"{'task':6} {'cell':8} {'T':>4} {'test loss':>9} {'baseline':>8} {'acc':>6} "
          f"{'steps':>5} {'seconds':>7}  {'stopped by':10} solved")
    for r in results:
        acc = "-" if r.test_accuracy is None else f"{r.test_accuracy:.3f}"
        print(f"{r.task:6} {r.cell:8} {r.length:4d} {r.test_loss:9.4f} {r.baseline:8.4f} {acc:>6} "
              f"{r.steps:5d} {r.seconds:7.1f}  {r.stopped_by:10} {verdict(r)}")


def plot_results(results: list[RunResult], figures: Path) -> list[Path]:
    """One figure per task against length, per cell, with the baseline and the solved line:
    test MSE (log scale) for the adding problem, recall accuracy for the copy task."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    for name in sorted({r.task for r in results}):
        rows = [r for r in results if r.task == name]
        adding = name == "adding"
        fig, ax = plt.subplots(figsize=(6.4, 4.2))
        for cell in CELLS:
            pts = sorted((r.length, r.test_loss if adding else r.test_accuracy)
                         for r in rows if r.cell == cell and math.isfinite(r.test_loss))
            if pts:
                ax.plot(*zip(*pts), marker="o", label=cell)
        if adding:
            ax.axhline(ADDING_BASELINE_MSE, color="gray", ls="--", label="always answer 1 (0.167)")
            ax.axhline(ADDING_SOLVED_MSE, color="black", ls=":", label=f"solved: MSE < {ADDING_SOLVED_MSE}")
            ax.set_yscale("log")
            ax.set_ylabel("test MSE")
        else:
            ax.axhline(1 / N_SYMBOLS, color="gray", ls="--", label=f"guess (1/{N_SYMBOLS})")
            ax.axhline(COPY_SOLVED_ACCURACY, color="black", ls=":", label=f"solved: >= {COPY_SOLVED_ACCURACY}")
            ax.set_ylim(0, 1.05)
            ax.set_ylabel("test accuracy of the recalled symbols")
        ax.set_xscale("log", base=2)
        lengths = sorted({r.length for r in rows})
        ax.set_xticks(lengths, [str(n) for n in lengths])
        ax.set_xlabel("sequence length T")
        ax.set_title(f"{name}: result on the test batch at the end of the budget")
        ax.legend(fontsize=8, loc="best" if adding else "center right")
        fig.tight_layout()
        path = figures / f"{name}_solved.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


# --- clipping experiment --------------------------------------------------------------------------
def global_norm(model) -> float:
    """The 2-norm of all gradients as one vector, what ``clip_grad_norm_`` compares (inf once
    the gradients overflow)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return math.sqrt(sum(float(np.square(p.grad, dtype=np.float64).sum()) for p in model.parameters()))


def clipping_trace(args, clip: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Per-step training loss and gradient norm (before clipping) of a tanh RNN on the adding
    problem; ``clip=None`` trains without clipping. Same seed, so the same initial weights and
    the same batches in both runs."""
    task, length = Task("adding", 0), args.clip_length
    model = task.model("rnn-tanh", args.hidden, args.seed)
    w_hh = model[0].weight_hh_l0.data
    q, _ = np.linalg.qr(np.random.default_rng(args.seed).standard_normal(w_hh.shape))
    w_hh[:] = args.clip_gain * q  # orthogonal times a gain: every singular value is the gain
    optimizer = nn.SGD(model.parameters(), lr=args.clip_lr)
    stream = np.random.default_rng(data_seed(args.seed, task, length, TRAIN))
    losses, norms = np.full(args.clip_steps, np.nan), np.full(args.clip_steps, np.nan)
    for step in range(args.clip_steps):
        x, y = task.batch(args.batch_size, length, stream)
        model.zero_grad()
        with np.errstate(over="ignore", invalid="ignore"):  # the unclipped run may overflow
            loss, grad = task.loss_and_grad(model(x), y)
        if not math.isfinite(loss):
            break  # NaN from here on: the trace ends, and the figures say where
        model.backward(grad)
        losses[step], norms[step] = loss, global_norm(model)
        if clip is not None:
            nn.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
    return losses, norms


def plot_clipping(traces: dict, args, figures: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    setup = (f"tanh RNN, H={args.hidden}, adding T={args.clip_length}, SGD lr {args.clip_lr}, "
             f"W_hh = {args.clip_gain} x orthogonal")
    written = []
    for key, ylabel, name in (("loss", "training MSE (batch)", "clipping_loss.png"),
                              ("norm", "gradient norm before clipping", "clipping_gradnorm.png")):
        fig, ax = plt.subplots(figsize=(7, 4.2))
        top = LOSS_AXIS_TOP if key == "loss" else math.inf
        for label, trace in traces.items():
            line, = ax.plot(np.minimum(trace[key], top), lw=0.8, label=label)
            finite = np.flatnonzero(np.isfinite(trace[key]))
            if len(finite) < len(trace[key]):
                last = finite[-1]
                value = trace[key][last]
                ax.plot(last, min(value, top), "x", color=line.get_color(), ms=9)
                cut = " (off the scale)" if value > top else ""
                ax.annotate(f" {value:.1e}{cut} at step {last + 1}; loss not finite at step {last + 2}", (last, min(value, top)),
                            fontsize=8, color=line.get_color(), va="top")
        if key == "loss":
            lowest = min(np.nanmin(trace["loss"]) for trace in traces.values())
            ax.set_ylim(lowest / 2, LOSS_AXIS_TOP * 3)
            ax.axhline(ADDING_BASELINE_MSE, color="gray", ls="--", label="always answer 1 (0.167)")
        else:
            ax.axhline(args.clip, color="black", ls=":", label=f"clip threshold {args.clip:g}")
        ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel(ylabel)
        ax.set_title(setup, fontsize=9)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(figures / name, dpi=110)
        plt.close(fig)
        written.append(figures / name)
    return written


def clipping_experiment(args) -> dict:
    traces = {}
    for label, clip in ((f"clip_grad_norm_({args.clip:g})", args.clip), ("no clipping", None)):
        losses, norms = clipping_trace(args, clip)
        traces[label] = {"loss": losses, "norm": norms}
        done = int(np.isfinite(losses).sum())
        end = "" if done == args.clip_steps else f" (loss not finite at step {done + 1})"
        print(f"{label:22} finite steps {done:5d}{end}; mean loss of the last 100 "
              f"{np.mean(losses[:done][-100:]):.4g}; grad norm median {np.median(norms[:done]):.3g}, "
              f"max {np.max(norms[:done]):.3g}", flush=True)
    return traces


# --- main -----------------------------------------------------------------------------------------
def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tasks", default=",".join(TASKS))
    p.add_argument("--cells", default=",".join(CELLS))
    p.add_argument("--lengths", default="50,100,200,400")
    p.add_argument("--max-steps", type=int, default=3000, help="step budget per run")
    p.add_argument("--seconds", type=float, default=50.0, help="CPU-time budget per run")
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3, help="Adam lr for rnn-tanh, lstm, gru")
    p.add_argument("--irnn-lr", type=float, default=1e-4)
    p.add_argument("--clip", type=float, default=1.0, help="max global gradient norm")
    p.add_argument("--eval-every", type=int, default=100)
    p.add_argument("--val-size", type=int, default=256)
    p.add_argument("--test-size", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="BLAS threads")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: lengths 50,100, 400 steps or 8 s per run, 500 test sequences")
    p.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    p.add_argument("--figures", type=Path, help="write <task>_solved.png into this directory")
    p.add_argument("--clipping-figure", action="store_true",
                   help="instead of the grid, train a tanh RNN with and without clipping and write "
                        "clipping_loss.png and clipping_gradnorm.png into --figures (docs/figures)")
    p.add_argument("--clip-length", type=int, default=200)
    p.add_argument("--clip-steps", type=int, default=1500)
    p.add_argument("--clip-lr", type=float, default=0.05, help="SGD lr of the clipping experiment")
    p.add_argument("--clip-gain", type=float, default=1.5, help="singular values of the initial W_hh")
    args = p.parse_args(argv)
    if args.quick:
        args.lengths, args.max_steps, args.seconds, args.test_size = "50,100", 400, 8.0, 500
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=args.threads):
        if args.clipping_figure:
            figures = args.figures or Path("docs/figures")
            figures.mkdir(parents=True, exist_ok=True)
            for path in plot_clipping(clipping_experiment(args), args, figures):
                print(f"wrote {path}")
            return
        names, cells = args.tasks.split(","), args.cells.split(",")
        lengths = [int(n) for n in args.lengths.split(",")]
        for given, known in ((names, TASKS), (cells, CELLS)):
            if set(given) - set(known):
                sys.exit(f"memory_tasks: unknown {sorted(set(given) - set(known))}; choose from {known}")
        tasks = [Task(name, TASKS.index(name)) for name in names]
        results = []
        for task in tasks:
            for cell in cells:
                for length in lengths:
                    r = train_run(task, cell, length, args)
                    results.append(r)
                    print(f"{r.task} {r.cell} T={r.length}: loss {r.test_loss:.4f} after {r.steps} steps, "
                          f"{r.seconds:.1f} s ({r.stopped_by})", file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps({"config": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
                          "results": [asdict(r) for r in results]}, indent=1))
    else:
        print(f"hidden {args.hidden}, batch {args.batch_size}, Adam lr {args.lr} (irnn {args.irnn_lr}), "
              f"clip {args.clip}, budget {args.max_steps} steps or {args.seconds:g} s per run, "
              f"test {args.test_size} sequences, seed {args.seed}")
        print("baseline: MSE of always answering 1 on the test batch (adding; expected 1/6), "
              f"log {N_SYMBOLS} nats per symbol (copy: uniform guess)")
        print_table(results)
    if args.figures:
        args.figures.mkdir(parents=True, exist_ok=True)
        for path in plot_results(results, args.figures):
            print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
