"""``rnnkit diagnose``: gradient flow, Jacobian norms and memory of a saved or fresh model."""
from __future__ import annotations

import csv
import io as _io
import json
from pathlib import Path

import click
import numpy as np

from rnnkit.cli._app import InputError, cli
from rnnkit.cli._options import deprecated_option, output_option, seed_option
from rnnkit.io import staged_files
from rnnkit.nn.cell_table import CELL_NAMES, NONLINEARITIES

OUTPUT_FILES = ("diagnosis.csv", "diagnosis.json", "gradient_flow.png", "jacobian.png", "memory.png")


def _fresh(cell, nonlinearity, hidden_size, num_layers, input_size, length, batch, seed):
    """A random Sequential(cell, LastStep, Linear) and a standard normal batch (batch-first)."""
    from rnnkit import nn
    from rnnkit.nn.cell_table import make_recurrent
    from rnnkit.nn.seeding import derive, rng

    rnn = make_recurrent(cell, input_size, hidden_size, num_layers=num_layers, batch_first=True,
                         nonlinearity=nonlinearity, seed=derive(seed, 0))
    model = nn.Sequential(rnn, nn.LastStep(batch_first=True), nn.Linear(hidden_size, 1, seed=derive(seed, 1)))
    x = rng(seed, 2).standard_normal((batch, length, input_size)).astype(np.float32)
    label = f"fresh {cell}{'-' + nonlinearity if cell == 'rnn' else ''} {num_layers}x{hidden_size}"
    return model, x, None, None, label


def _forecaster(path, batch, net):
    """The forecaster's network ``net`` on its own most recent history windows."""
    from rnnkit.forecast import Forecaster

    fc = Forecaster.load(path)
    if not 0 <= net < len(fc.nets_):
        raise InputError(f"--net: expected an index in [0, {len(fc.nets_) - 1}] "
                         f"(the forecaster has {len(fc.nets_)} networks), got {net}")
    series, where = getattr(fc, "series_", None), ""
    if series is None:  # a global model of several series: the first one's windows
        key, series = next(iter(fc.panel_.items()))
        where = f", series {key!r}"
    x = fc.recent_inputs(batch)
    return fc.nets_[net], x, None, None, f"forecaster {Path(path).name} (network {net}{where})"


def _charlm(path, batch, length, prime, seed):
    """The char model as Sequential(rnn, LastStep, head) on embedded ids; the loss is the
    cross-entropy of the true next character, whose logit the memory follows."""
    from rnnkit import nn
    from rnnkit.text.model import CharLM

    lm = CharLM.load(path)
    if prime is not None:
        if len(prime) < 2:
            raise InputError(f"--prime: expected at least 2 characters, got {len(prime)}")
        ids = lm.vocab.encode(prime, what="--prime")[:, None]  # (T+1, 1)
    else:
        ids = np.random.default_rng(seed).integers(len(lm.vocab), size=(length + 1, batch))
    inputs, target = ids[:-1], ids[-1]
    x = lm.embedding(inputs) if lm.embedding is not None else np.eye(len(lm.vocab), dtype=lm.dtype)[inputs]
    model = nn.Sequential(lm.rnn, nn.LastStep(), lm.head)
    model.eval()
    loss = nn.CrossEntropyLoss()
    loss(model(x), target)
    dout = loss.backward()
    return model, x, dout, target, f"char model {Path(path).name}"


def _shown_lags(T: int) -> list[int]:
    """0..10, then about 1-2-5 steps per decade, and the last lag."""
    lags = set(range(min(T, 11)))
    k = 10
    while k < T:
        lags.update(m * k for m in (1, 2, 5) if m * k < T)
        k *= 10
    lags.add(T - 1)
    return sorted(lags)


def _csv_text(diagnosis) -> str:
    from rnnkit.diagnostics import COLUMNS

    buf = _io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in diagnosis.rows():
        writer.writerow({k: (v if k == "lag" else f"{v:.6g}") for k, v in row.items()})
    return buf.getvalue()


def _write(out_dir: Path, diagnosis, label: str) -> None:
    """Stage every file beside ``out_dir`` and move them in only when all are written."""
    from rnnkit.diagnostics.figures import diagnosis_figures

    with staged_files(out_dir, OUTPUT_FILES) as stage:
        (stage / "diagnosis.csv").write_text(_csv_text(diagnosis), encoding="utf-8")
        doc = {"model": label, **diagnosis.to_dict()}
        (stage / "diagnosis.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
        diagnosis_figures(diagnosis, stage)


@cli.command()
@click.argument("model_path", metavar="[MODEL]", required=False, type=click.Path(dir_okay=False))
@output_option("out_dir", folder=True, default=None,
              help="Folder for diagnosis.csv, diagnosis.json and the PNG figures.")
@click.option("--cell", type=click.Choice(CELL_NAMES), default=None,
              help="Diagnose a fresh random model of this cell instead of a file.")
@click.option("--nonlinearity", type=click.Choice(NONLINEARITIES), default="tanh", show_default=True,
              help="Of a fresh rnn cell.")
@click.option("--hidden-size", type=click.IntRange(min=1), default=64, show_default=True)
@click.option("--num-layers", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--input-size", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--length", type=click.IntRange(min=2), default=100, show_default=True,
              help="Steps of the random batch (fresh model, char model without --prime).")
@click.option("--batch-size", "batch", type=click.IntRange(min=1), default=16, show_default=True,
              help="Sequences in the batch (a forecaster uses its most recent windows).")
@deprecated_option("--batch", "--batch-size", "batch", type=click.IntRange(min=1))
@click.option("--prime", default=None, help="Char model: diagnose on this text instead of random ids.")
@click.option("--net", type=click.IntRange(min=0), default=0, show_default=True,
              help="Forecaster: which network of the ensemble.")
@click.option("--rows", type=click.IntRange(min=1), default=4, show_default=True,
              help="Batch rows for the Jacobians (cost grows with it).")
@click.option("--no-spectral", "no_spectral", is_flag=True,
              help="Skip the Jacobians' spectral norms (one SVD per row and lag; the slow part).")
@click.option("--fraction", type=click.FloatRange(min=0, max=1, min_open=True), default=0.01,
              show_default=True, help="Memory horizon: last lag with at least this fraction of the peak.")
@seed_option()
@click.option("--json", "as_json", is_flag=True, help="Print the whole diagnosis as JSON.")
def diagnose(model_path, out_dir, cell, nonlinearity, hidden_size, num_layers, input_size, length, batch,
             prime, net, rows, no_spectral, fraction, seed, as_json):
    """See the gradient: gradient flow through time, Jacobian norms by lag, spectral radius of
    the recurrent weights and the memory horizon of a recurrent model.

    MODEL is a file saved by `rnnkit forecast -o` (model.safetensors, diagnosed on its own
    history windows) or by `rnnkit text train` (on --prime text or random ids); without
    MODEL, --cell builds a fresh random model. The table shows, by lag k back from the last
    step T: the gradient norm ||dL/dh_{T-k}|| of the top layer (L: the sum of the last outputs;
    for a char model the cross-entropy of the next character), the norms of dh_T/dh_{T-k},
    and the memory |dy_T/dx_{T-k}| (docs/diagnostics.md).

    \b
    Examples:
      rnnkit diagnose --cell lstm --hidden-size 64 --length 200 --seed 0 -o diag/
      rnnkit diagnose out/model.safetensors -o diag/
      rnnkit diagnose char.safetensors --prime "ROMEO: " --json
    """
    from rnnkit import io
    from rnnkit.diagnostics import diagnose as run

    if model_path is None and cell is None:
        raise InputError("MODEL: give a model file (MODEL.safetensors) or --cell for a fresh model")
    if model_path is not None and cell is not None:
        raise InputError("--cell: builds a fresh model; leave it out when diagnosing MODEL")
    if model_path is None:
        model, x, dout, outputs, label = _fresh(cell, nonlinearity, hidden_size, num_layers, input_size,
                                                length, batch, seed)
    else:
        _, meta = io.load_model(model_path)
        kind = meta.get("kind")
        if kind == "forecaster":
            model, x, dout, outputs, label = _forecaster(model_path, batch, net)
        elif kind == "charlm":
            model, x, dout, outputs, label = _charlm(model_path, batch, length, prime, seed)
        else:
            raise InputError(f"MODEL: expected a forecaster or charlm model, got kind {kind!r}")
    diagnosis = run(model, x, dout=dout, outputs=outputs, rows=rows, fraction=fraction, spectral=not no_spectral)
    if out_dir is not None:
        _write(Path(out_dir), diagnosis, label)
    if as_json:
        click.echo(json.dumps({"model": label, **diagnosis.to_dict()}, indent=2))
    else:
        _print_table(diagnosis, label)
    if out_dir is not None:
        click.echo(f"wrote {out_dir}/: {' '.join(OUTPUT_FILES)}", err=True)


def _print_table(d, label: str) -> None:
    info = d.info
    click.echo(f"{label}: {info['cell']} {info['num_layers']}x{info['hidden_size']}, {info['steps']} steps, "
               f"batch {info['batch']} (Jacobians on {info['jacobian_rows']} rows), top layer {info['layer']}")
    click.echo(f"{'lag':>5}  {'grad norm':>10}  {'jac spectral':>12}  {'jac frob':>10}  {'memory':>10}")
    rows = d.rows()
    for k in _shown_lags(len(rows)):
        r = rows[k]
        click.echo(f"{k:>5}  {r['grad_norm']:>10.3e}  {r['jacobian_spectral']:>12.3e}  "
                   f"{r['jacobian_frobenius']:>10.3e}  {r['memory']:>10.3e}")
    click.echo(f"memory horizon: {d.horizon} steps (last lag with memory >= {d.fraction:g} of its peak)")
    radii = ", ".join(f"{k} {v:.3f}" for k, v in d.spectral_radii.items())
    click.echo(f"spectral radius of the recurrent weights: {radii}")
