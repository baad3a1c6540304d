"""Several processes, one model: torchrun's environment, the process group, rank 0.

``torchrun`` (``python -m torch.distributed.run``) starts one process per worker and sets
``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR`` and ``MASTER_PORT`` in each;
:func:`init` reads them and joins the process group: gloo on CPU, nccl on CUDA GPUs. While a
group of more than one process is up, :class:`rnnkit.torch.forecast.TorchBackend` trains with
DistributedDataParallel, each rank on its slice of every global minibatch (:func:`shard`).
Files are written by rank 0 only (:func:`is_main`).

Nothing here imports torch until a group is actually started, so :func:`is_main` and
:func:`launched_by_torchrun` cost nothing in a plain single-process run without torch.

>>> from rnnkit.torch import distributed as dist
>>> with dist.process_group():                  # doctest: +SKIP
...     model = Forecaster(backend="torch").fit(panel)
...     if dist.is_main():
...         model.save("model.safetensors")
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

_TORCHRUN_VARS = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")


def launched_by_torchrun() -> bool:
    """True in a process started by torchrun (its environment variables are all set)."""
    return all(v in os.environ for v in _TORCHRUN_VARS)


def _dist():
    """``torch.distributed`` if torch is already imported, else None (then no group exists)."""
    if sys.modules.get("torch") is None:
        return None
    import torch.distributed as dist

    return dist if dist.is_available() else None


def is_initialized() -> bool:
    """True while a process group is up."""
    dist = _dist()
    return bool(dist is not None and dist.is_initialized())


def rank() -> int:
    """This process's rank in the group (0 without a group)."""
    return _dist().get_rank() if is_initialized() else 0


def world_size() -> int:
    """Processes in the group (1 without a group)."""
    return _dist().get_world_size() if is_initialized() else 1


def is_main() -> bool:
    """True on rank 0, or without a process group: the one process that writes files and
    prints results."""
    return rank() == 0


def init(device: str | torch.device | None = None, timeout_seconds: float = 1800.0) -> str:
    """Join the process group described by torchrun's environment.

    Parameters
    ----------
    device : str or None
        "cpu" uses gloo; "cuda" (or None with a GPU available) uses nccl, one GPU per process
        (``cuda:$LOCAL_RANK``).
    timeout_seconds : float
        How long collective operations wait for the other ranks before failing.

    Returns
    -------
    str
        The communication backend, "gloo" or "nccl".

    Raises
    ------
    ValueError
        Outside torchrun (the environment variables are missing), or for a bad device.
    """
    missing = [v for v in _TORCHRUN_VARS if v not in os.environ]
    if missing:
        raise ValueError(f"distributed: not started by torchrun (missing {', '.join(missing)}); "
                         "launch with `torchrun --nproc_per_node N ...`")
    from rnnkit.torch.devices import resolve_device, torch

    dev = resolve_device(device)
    backend = "nccl" if dev.type == "cuda" else "gloo"
    if is_initialized():
        return _dist().get_backend()
    if dev.type == "cuda":
        torch.cuda.set_device(dev)  # nccl needs each process bound to its own GPU first
    torch.distributed.init_process_group(backend=backend, timeout=timedelta(seconds=timeout_seconds))
    return backend


def teardown() -> None:
    """Leave the process group (nothing to do without one)."""
    if is_initialized():
        _dist().destroy_process_group()


@contextmanager
def process_group(device: str | torch.device | None = None) -> Iterator[None]:
    """Inside the block: in a group when launched by torchrun, a single process otherwise.
    The group is left on the way out, even after an error."""
    started = launched_by_torchrun() and not is_initialized()
    if started:
        init(device)
    try:
        yield
    except BaseException:
        if started:  # no barrier: another rank may be gone, and it would wait for it
            teardown()
        raise
    if started:
        # Every rank's last collective done before any leaves: a rank destroying the group
        # while gloo still held another's pending work was seen to abort (SIGABRT) at exit
        # on a loaded machine.
        _dist().barrier()
        teardown()


def _all_reduce(value: float, op: str) -> float:
    """``value`` reduced over every rank (``op``: "sum" or "min"); itself without a group."""
    if not is_initialized():
        return value
    import torch

    dist = _dist()
    device = f"cuda:{torch.cuda.current_device()}" if dist.get_backend() == "nccl" else "cpu"
    tensor = torch.tensor([value], dtype=torch.float64, device=device)
    dist.all_reduce(tensor, op=dist.ReduceOp.SUM if op == "sum" else dist.ReduceOp.MIN)
    return float(tensor.item())


def mean_over_ranks(value: float) -> float:
    """The mean of ``value`` over every rank, the same number on each."""
    return _all_reduce(value, "sum") / world_size()


def all_ok(ok: bool) -> bool:
    """True on every rank only if ``ok`` is true on every rank: a collective, so it also waits
    for all of them (e.g. for rank 0 to finish writing a file, and to learn whether it could)."""
    return _all_reduce(1.0 if ok else 0.0, "min") == 1.0


def shard(n: int, rank: int, world: int) -> slice:
    """This rank's contiguous part of ``n`` items split over ``world`` ranks.

    The first ``n % world`` ranks take one item more, so sizes differ by at most one and the
    parts cover ``range(n)`` in order. The same on every rank: no communication needed.
    """
    base, extra = divmod(n, world)
    start = rank * base + min(rank, extra)
    return slice(start, start + base + (rank < extra))
