"""Forward + backward time of rnnkit's engine against torch.nn on the CPU, same weights.

    python benchmarks/engine_vs_torch.py [--repeats 15] [--threads 2] [--long]

Both run float32 with the same number of threads, alternating (rnnkit, torch, rnnkit, ...) so
that noise on the shared machine hits both; the table shows medians and the ratio rnnkit/torch
(below 1.0: rnnkit is faster). Each timed run follows an untimed run of the same library:
numpy's OpenBLAS threads and torch's OpenMP threads are two pools on the same two cores, and the
first call after the other library ran pays for waking its own pool (measured here: 4x on the
smallest shapes, for both libraries). A user runs one library at a time, so we time that. ``--long`` adds 100/200/400-step rows to show the time stays
linear in the sequence length (subnormal floats would break that).

The ``floor`` column is the time of the engine's GEMMs alone, the same calls on the same shapes
and threads as the kernels make them (rnnkit/nn/cells/common.py's layout): T per-step recurrent
GEMMs forward and T backward, the input projection, and the three after-loop weight/input
GEMMs, per layer. No change outside the GEMMs can take rnnkit below it; ``floor/torch`` above a
target ratio means that target needs a faster GEMM, not better NumPy.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from rnnkit import nn

SHAPES = [  # batch, seq, input, hidden, layers
    (64, 50, 1, 32, 1),
    (64, 50, 1, 128, 1),
    (64, 50, 8, 256, 1),
    (32, 100, 64, 512, 1),
    (64, 50, 1, 128, 2),
    (1, 25, 65, 100, 1),
]
LONG = [(32, 100, 8, 128, 1), (32, 200, 8, 128, 1), (32, 400, 8, 128, 1)]


def rnnkit_step(model, x, dout):
    out, _ = model(x)
    model.backward(dout)


def torch_step(model, x, dout):
    out, _ = model(x)
    out.backward(dout)


def measure(kind: str, shape, repeats: int, torch):
    B, T, I, H, L = shape
    ours = getattr(nn, kind)(I, H, num_layers=L, seed=0)
    theirs = getattr(torch.nn, kind)(I, H, num_layers=L)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    rng = np.random.default_rng(0)
    x = rng.standard_normal((T, B, I)).astype(np.float32)
    dout = rng.standard_normal((T, B, H)).astype(np.float32)
    xt, doutt = torch.from_numpy(x).requires_grad_(True), torch.from_numpy(dout)
    for _ in range(2):  # warm-up: allocations, oneDNN primitive creation
        rnnkit_step(ours, x, dout)
        torch_step(theirs, xt, doutt)
    t_ours, t_theirs = [], []
    for _ in range(repeats):
        t_ours.append(_time_after_warm_call(rnnkit_step, ours, x, dout))
        t_theirs.append(_time_after_warm_call(torch_step, theirs, xt, doutt))
    return statistics.median(t_ours), statistics.median(t_theirs)


def gemm_floor(kind: str, shape, repeats: int) -> float:
    """Median time of the GEMMs one forward+backward of the engine makes, and nothing else."""
    B, T, I, H, L = shape
    G = {"RNN": 1, "GRU": 3, "LSTM": 4}[kind] * H
    rng = np.random.default_rng(0)
    calls = []
    for layer in range(L):
        n_in = (I if layer == 0 else H) + 1  # + the row of ones that carries the bias
        w_ih, w_hh = rng.standard_normal((G, n_in), np.float32), rng.standard_normal((G, H), np.float32)
        x_f, proj = rng.standard_normal((T, n_in, B), np.float32), np.empty((T, G, B), np.float32)
        h, recur, w_hh_t = rng.standard_normal((H, B), np.float32), np.empty((G, B), np.float32), w_hh.T.copy()
        d_g, dh = rng.standard_normal((G, B), np.float32), np.empty((H, B), np.float32)
        flat, x2, h2 = (rng.standard_normal(s, np.float32) for s in ((G, T * B), (T * B, n_in - 1), (T * B, H)))
        w_in = w_ih[:, :-1]
        calls += [lambda w_ih=w_ih, x_f=x_f, proj=proj: np.matmul(w_ih, x_f, out=proj)]
        calls += [lambda w_hh=w_hh, h=h, recur=recur: np.matmul(w_hh, h, out=recur)] * T
        calls += [lambda w_hh_t=w_hh_t, d_g=d_g, dh=dh: np.matmul(w_hh_t, d_g, out=dh)] * T
        calls += [lambda flat=flat, w_in=w_in: flat.T @ w_in, lambda flat=flat, x2=x2: flat @ x2,
                  lambda flat=flat, h2=h2: flat @ h2]

    def run():
        for call in calls:
            call()

    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _time_after_warm_call(step, *args) -> float:
    step(*args)  # untimed: wakes this library's thread pool after the other library ran
    start = time.perf_counter()
    step(*args)
    return time.perf_counter() - start


def main() -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--long", action="store_true", help="add 100/200/400-step rows")
    parser.add_argument("--cells", default="RNN,LSTM,GRU")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    from threadpoolctl import threadpool_limits

    shapes = SHAPES + (LONG if args.long else [])
    print(f"torch {torch.__version__}, numpy {np.__version__}, {args.threads} threads, "
          f"float32, forward+backward, median of {args.repeats}")
    print(f"{'cell':5} {'B':>3} {'T':>4} {'I':>3} {'H':>4} {'L':>2} {'rnnkit ms':>10} {'torch ms':>9} {'ratio':>6}"
          f" {'floor ms':>9} {'floor/torch':>11}")
    with threadpool_limits(limits=args.threads):
        for kind in args.cells.split(","):
            for shape in shapes:
                ours, theirs = measure(kind, shape, args.repeats, torch)
                floor = gemm_floor(kind, shape, args.repeats)
                B, T, I, H, L = shape
                print(f"{kind:5} {B:3d} {T:4d} {I:3d} {H:4d} {L:2d} {ours * 1e3:10.2f} "
                      f"{theirs * 1e3:9.2f} {ours / theirs:6.2f} {floor * 1e3:9.2f} {floor / theirs:11.2f}",
                      flush=True)


if __name__ == "__main__":
    main()
