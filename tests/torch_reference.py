"""Run the same computation in torch (float64, autograd) for comparison with the engine."""
from __future__ import annotations

import numpy as np

torch = __import__("pytest").importorskip("torch")


def relative_error(ours, theirs) -> float:
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    scale = np.linalg.norm(theirs)
    diff = np.linalg.norm(np.asarray(ours) - theirs)
    return float(diff if scale == 0 else diff / scale)


def torch_twin(module):
    """A torch.nn layer of the same kind and configuration holding the same weights."""
    kind = type(module).__name__
    kwargs = dict(num_layers=module.num_layers, bias=module.bias, batch_first=module.batch_first,
                  dropout=module.dropout, bidirectional=module.bidirectional, dtype=torch.float64)
    if kind == "RNN":
        kwargs["nonlinearity"] = module.nonlinearity
    twin = getattr(torch.nn, kind)(module.input_size, module.hidden_size, **kwargs)
    twin.load_state_dict({k: torch.from_numpy(v.astype(np.float64)) for k, v in module.state_dict().items()})
    return twin.train(module.training)


def torch_run(twin, x, hx, lengths):
    """Forward through torch with packed-sequence semantics when ``lengths`` is given; returns
    (output, h_n) with padded outputs zero, like the engine."""
    if lengths is None:
        return twin(x, hx)
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        x, torch.as_tensor(lengths), batch_first=twin.batch_first, enforce_sorted=False)
    out, h_n = twin(packed, hx)
    T = x.shape[1] if twin.batch_first else x.shape[0]
    out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=twin.batch_first, total_length=T)
    return out, h_n
