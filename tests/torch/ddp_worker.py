"""Started by torchrun from test_torch_distributed.py: train every case of ``ddp_cases`` with
DistributedDataParallel (gloo, CPU), then run ``rnnkit fit`` inside the same process group.
Rank 0 writes the weights to ``OUT/ddp.safetensors``; ``rnnkit fit`` writes ``OUT/cli.safetensors``."""
import json
import sys
from pathlib import Path

from ddp_cases import CASES, FIT_ARGS, case_data
from safetensors.numpy import save_file

import torch
from rnnkit.cli import main
from rnnkit.forecast._training import train_network
from rnnkit.torch import distributed
from rnnkit.torch.backend import TorchBackend

torch.set_num_threads(1)
out = Path(sys.argv[1])
with distributed.process_group("cpu"):
    assert distributed.world_size() == 2, distributed.world_size()
    tensors, summaries = {}, {}
    for name in CASES:
        net, x, y, kwargs = case_data(name)
        summaries[name] = train_network(TorchBackend("cpu"), net, x, y, **kwargs)
        tensors.update({f"{name}.{k}": v for k, v in net.state_dict().items()})
    if distributed.is_main():
        save_file(tensors, str(out / "ddp.safetensors"),
                  metadata={"summaries": json.dumps(summaries)})
    code = main(["fit", str(out / "panel.csv"), *FIT_ARGS, "-o", str(out / "cli.safetensors")])
sys.exit(code)
