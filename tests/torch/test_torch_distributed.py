"""Data-parallel training: two gloo processes on this machine (started by torchrun) train the
same weights as one process with the same global batch, also when the batch does not divide
by two, and ``rnnkit fit`` under torchrun writes one file, from rank 0, equal to a 1-process fit.

Tolerance 1e-10 in float64: each rank computes part of the batch and DDP sums the gradients,
so the only difference from one process is the order of a few additions (~1e-16 relative).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from ddp_cases import CASES, FIT_ARGS, case_data, panel_csv
from safetensors import safe_open
from safetensors.numpy import load_file

from rnnkit.cli import main
from rnnkit.forecast._training import train_network
from rnnkit.torch.backend import TorchBackend
from rnnkit.torch.distributed import is_main, shard, world_size

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def ddp_run(tmp_path_factory):
    """One torchrun launch (2 processes, --standalone picks a free port) for all the checks."""
    out = tmp_path_factory.mktemp("ddp")
    panel_csv(out / "panel.csv")
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           str(HERE / "ddp_worker.py"), str(out)]
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=600, env=env, cwd=out)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return out, proc


@pytest.mark.parametrize("name", list(CASES))
def test_two_processes_train_the_weights_of_one(ddp_run, name):
    out, _ = ddp_run
    ddp = load_file(str(out / "ddp.safetensors"))
    with safe_open(str(out / "ddp.safetensors"), framework="numpy") as fh:
        ddp_summary = json.loads(fh.metadata()["summaries"])[name]
    net, x, y, kwargs = case_data(name)
    summary = train_network(TorchBackend("cpu"), net, x, y, **kwargs)  # one process, no group
    for key, value in net.state_dict().items():
        np.testing.assert_allclose(ddp[f"{name}.{key}"], value, rtol=0, atol=1e-10, err_msg=key)
    assert ddp_summary["steps"] == summary["steps"] and ddp_summary["best_step"] == summary["best_step"]
    for curve in ("train_curve", "val_curve"):  # the loss curves are the global batch's too
        np.testing.assert_allclose(np.array(ddp_summary[curve]), np.array(summary[curve]), atol=1e-10)


def test_fit_under_torchrun_writes_once_and_matches_one_process(ddp_run, tmp_path, capsys):
    out, proc = ddp_run
    assert proc.stdout.count("saved ") == 1  # rank 0 alone reports and writes
    assert sorted(p.name for p in out.iterdir()) == ["cli.safetensors", "ddp.safetensors", "panel.csv"]
    code = main(["fit", str(out / "panel.csv"), *FIT_ARGS, "-o", str(tmp_path / "one.safetensors")])
    assert code == 0, capsys.readouterr().err
    two, one = load_file(str(out / "cli.safetensors")), load_file(str(tmp_path / "one.safetensors"))
    assert sorted(two) == sorted(one)
    for key in one:
        np.testing.assert_allclose(two[key], one[key], rtol=0, atol=1e-10, err_msg=key)


def test_without_a_group_this_process_is_rank_0_of_1():
    assert is_main() and world_size() == 1


@pytest.mark.parametrize("n,world", [(7, 2), (32, 2), (1, 2), (10, 3), (2, 4)])
def test_shards_cover_the_batch_in_order_with_sizes_within_one(n, world):
    parts = [shard(n, r, world) for r in range(world)]
    assert [i for s in parts for i in range(n)[s]] == list(range(n))
    sizes = [s.stop - s.start for s in parts]
    assert max(sizes) - min(sizes) <= 1
