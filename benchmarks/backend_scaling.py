"""Training throughput of a global forecasting model: numpy vs torch, one process vs two.

    python benchmarks/backend_scaling.py [--series 1000] [--length 240] [--steps 60]
                                         [--batch-size 256] [--repeats 5] [--quick]

1,000 synthetic series (seeded: level + trend + a season of 7 or 12 + noise) are cut into
normalised windows as the Forecaster does (window 24, horizon 7, direct), and one GRU
(hidden 64) is trained on all of them with the Forecaster's training loop for a fixed number
of steps. Reported: samples (examples) per second of training, the median of ``--repeats``
timed runs after one untimed warm-up, for

- numpy, one process (1 and 2 BLAS threads);
- torch, one process (1 and 2 intra-op threads);
- torch, two processes under torchrun (gloo, DistributedDataParallel), one thread each,
  the same *global* batch split over the two (so the same training as one process);
- torch, one process on half the batch: one rank's share of the work, to tell the cost of
  smaller per-process batches from the cost of communication and waiting.

Every configuration runs in its own subprocess with its thread settings fixed before numpy or
torch is imported. Scaling efficiency = throughput(2 processes) / (2 x throughput(1 process,
1 thread)): 1.0 would be perfect; it is also shown against one process using both cores
through threads (the fair rival: the same hardware). On a shared machine, other users' load
lowers every number; run it twice and look at the spread.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WINDOW, HORIZON, HIDDEN = 24, 7, 64


def make_data(n_series: int, length: int, seed: int = 0):
    """Normalised training windows (x (N, 24, 1), y (N, 7)) of ``n_series`` synthetic series."""
    import numpy as np

    from rnnkit.forecast._windows import WindowNormaliser

    rng = np.random.default_rng(seed)
    t = np.arange(length)
    xs, ys = [], []
    for _ in range(n_series):
        period = rng.choice([7, 12])
        values = (rng.uniform(10, 1000) * (1 + rng.uniform(-0.002, 0.004) * t)
                  * (1 + rng.uniform(0.05, 0.3) * np.sin(2 * np.pi * t / period + rng.uniform(0, 6)))
                  + rng.normal(0, rng.uniform(0.5, 5), length))
        x, y, _ = WindowNormaliser(WINDOW, HORIZON).fit(values, None).examples(values, None)
        xs.append(x)
        ys.append(y)
    return np.concatenate(xs), np.concatenate(ys).astype(np.float32)


def run_config(backend: str, args) -> list[float]:
    """Samples/second of ``args.repeats`` timed runs (after one warm-up) in this process."""
    from rnnkit.forecast._training import build_network, get_backend
    from rnnkit.torch import distributed

    x, y = make_data(args.series, args.length)
    trainer = get_backend(backend, "cpu" if backend == "torch" else None)
    rates = []
    for repeat in range(args.repeats + 1):
        net = build_network("gru", 1, HIDDEN, 1, HORIZON, seed=repeat)
        summary = trainer.train(net, x, y, lr=3e-3, batch_size=args.batch_size, max_steps=args.steps,
                                eval_every=args.steps, patience=1, clip_norm=1.0, seed=repeat,
                                fixed_steps=args.steps)
        if repeat:  # the first run is a warm-up (allocations, lazy imports, thread pools)
            rates.append(args.steps * args.batch_size / summary["seconds"])
    if distributed.is_main() and args.out:
        Path(args.out).write_text(json.dumps({"rates": rates, "examples": len(x)}))
    return rates


def worker(args) -> None:
    """One configuration, in this (sub)process: threads first, then the imports."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=args.threads):
        if args.backend == "torch":
            import torch

            torch.set_num_threads(args.threads)
            from rnnkit.torch import distributed

            with distributed.process_group("cpu"):
                run_config("torch", args)
        else:
            run_config("numpy", args)


def launch(backend: str, threads: int, processes: int, args) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rates.json"
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
                   OPENBLAS_NUM_THREADS=str(threads))
        common = [__file__, "--worker", "--backend", backend, "--threads", str(threads), "--out", str(out),
                  "--series", str(args.series), "--length", str(args.length), "--steps", str(args.steps),
                  "--batch-size", str(args.batch_size), "--repeats", str(args.repeats)]
        if processes == 1:
            cmd = [sys.executable, *common]
        else:
            cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone",
                   "--nproc_per_node", str(processes), *common]
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text())


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--series", type=int, default=1000)
    p.add_argument("--length", type=int, default=240)
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="100 series, 20 steps, 2 repeats: a smoke test")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--backend", default="numpy", help=argparse.SUPPRESS)
    p.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--out", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.series, args.steps, args.repeats = 100, 20, 2
    if args.worker:
        worker(args)
        return
    half = -(-args.batch_size // 2)
    # (backend, threads, processes, batch per step): the last row is one process doing the work
    # of one rank (half the global batch), so that the 2-process run can be split into "smaller
    # batches per process" and "communication and waiting" (ideal: 2 x that row).
    configs = [("numpy", 1, 1, args.batch_size), ("numpy", 2, 1, args.batch_size),
               ("torch", 1, 1, args.batch_size), ("torch", 2, 1, args.batch_size),
               ("torch", 1, 2, args.batch_size), ("torch", 1, 1, half)]
    print(f"global GRU({HIDDEN}) over {args.series} series x {args.length} points, window {WINDOW}, "
          f"horizon {HORIZON}; global batch {args.batch_size}, {args.steps} steps, float32, "
          f"median of {args.repeats} runs; {os.cpu_count()} CPUs visible, load average "
          f"{os.getloadavg()[0]:.1f} before starting", flush=True)
    results = {}
    start = time.perf_counter()
    for backend, threads, processes, batch in configs:
        got = launch(backend, threads, processes, argparse.Namespace(**{**vars(args), "batch_size": batch}))
        key = (backend, threads, processes, batch)
        results[key] = statistics.median(got["rates"])
        spread = f"{min(got['rates']):,.0f}-{max(got['rates']):,.0f}"
        print(f"  {backend:<6} {processes} process(es) x {threads} thread(s), batch {batch}: "
              f"{results[key]:>8,.0f} samples/s  (runs {spread}; {got['examples']:,} training examples)",
              flush=True)
    B = args.batch_size
    one, two_threads = results[("torch", 1, 1, B)], results[("torch", 2, 1, B)]
    two_procs, one_rank = results[("torch", 1, 2, B)], results[("torch", 1, 1, half)]
    print()
    print(f"{'configuration':<42}{'samples/s':>12}{'vs numpy 1x1':>14}")
    for (backend, threads, processes, batch), rate in results.items():
        label = f"{backend}, {processes} proc x {threads} thread, batch {batch}"
        print(f"{label:<42}{rate:>12,.0f}{rate / results[('numpy', 1, 1, B)]:>13.2f}x")
    print()
    print(f"scaling efficiency, torch 2 processes vs 2 x (1 process, 1 thread): {two_procs / (2 * one):.2f}")
    print(f"  of which smaller per-process batches ({half} vs {B}):                 {one_rank / one:.2f}")
    print(f"  and communication + waiting for the other rank:                    "
          f"{two_procs / (2 * one_rank):.2f}")
    print(f"torch 2 processes vs 1 process with 2 threads (same cores):        {two_procs / two_threads:.2f}x")
    print(f"(total {time.perf_counter() - start:.0f} s; load average {os.getloadavg()[0]:.1f} at the end: "
          "above 1 per CPU, other work competed for the cores and every number is lower for it)")


if __name__ == "__main__":
    main()
