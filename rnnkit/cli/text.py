"""Character model commands: ``rnnkit text train``, ``rnnkit text sample``, ``rnnkit text eval``.

Parsing only; the work is in ``rnnkit.text``. Results go to stdout, the progress bar to stderr.
"""
from __future__ import annotations

import json
from pathlib import Path

import click
from click.core import ParameterSource

from rnnkit.backends import backend_names
from rnnkit.cli._app import InputError, cli, warn
from rnnkit.cli._options import deprecated_option, output_option, seed_option
from rnnkit.nn.cell_table import CELL_NAMES


@cli.group()
def text():
    """Character-level language models: train on a text file, sample, measure.

    \b
    Example:
      rnnkit text train input.txt -o shakespeare.safetensors --seconds 300
      rnnkit text sample shakespeare.safetensors --prime "ROMEO:" --temperature 0.8
      rnnkit text eval shakespeare.safetensors other.txt
    """


def _report_lines(prefix: str, report: dict) -> list[str]:
    """Loss lines, e.g. ``val loss        1.6612 nats/char``."""
    rows = [("loss", f"{report['loss_nats']:.4f} nats/char"),
            ("bits/char", f"{report['bits_per_char']:.4f}"),
            ("perplexity", f"{report['perplexity']:.3f}")]
    return [f"{prefix}{name:<11}{value}" for name, value in rows]


# What a resumed run takes from its checkpoint, so none of these may be given with --resume.
_RUN_SETTINGS = {"cell", "hidden_size", "num_layers", "embedding_dim", "dropout", "seq_len", "batch_size",
                 "max_steps", "seconds", "lr", "clip_norm", "val_fraction", "eval_every", "eval_seconds", "seed"}


@text.command("train")
@click.argument("file", type=click.Path(dir_okay=False))
@output_option(required=True,
              help="Model file to write (safetensors).")
@click.option("--cell", type=click.Choice(CELL_NAMES), default="gru", show_default=True)
@click.option("--hidden-size", type=click.IntRange(min=1), default=256, show_default=True)
@click.option("--num-layers", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--embedding-dim", type=click.IntRange(min=0), default=64, show_default=True,
              help="Character vector size; 0 feeds one-hot vectors.")
@click.option("--dropout", type=click.FloatRange(0, 1, max_open=True), default=0.0, show_default=True)
@click.option("--seq-len", type=click.IntRange(min=1), default=100, show_default=True,
              help="Characters per chunk (gradient truncation; the state is carried across chunks).")
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True,
              help="Parallel streams.")
@click.option("--max-steps", type=click.IntRange(min=1), default=None,
              help="Optimiser steps [default: 1000 unless --seconds is given].")
@deprecated_option("--steps", "--max-steps", "max_steps", type=click.IntRange(min=1))
@click.option("--seconds", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Wall-time budget in seconds instead of (or as well as) --max-steps.")
@deprecated_option("--minutes", "--seconds", "seconds", convert=lambda minutes: minutes * 60.0,
                   type=click.FloatRange(min=0, min_open=True))
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=2e-3, show_default=True,
              help="Adam learning rate.")
@click.option("--clip-norm", type=click.FloatRange(min=0, min_open=True), default=5.0, show_default=True,
              help="Largest global gradient norm.")
@deprecated_option("--clip", "--clip-norm", "clip_norm", type=click.FloatRange(min=0, min_open=True))
@click.option("--val-fraction", type=click.FloatRange(0, 1, max_open=True), default=0.1,
              show_default=True, help="Last part of the text held out for validation.")
@click.option("--eval-every", type=click.IntRange(min=1), default=200, show_default=True,
              help="Steps between validation evaluations.")
@deprecated_option("--eval-interval", "--eval-every", "eval_every", type=click.IntRange(min=1))
@click.option("--eval-seconds", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Also evaluate after this many seconds of training since the last evaluation; 0: steps only.")
@seed_option("Seed for the initial weights.")
@click.option("--backend", type=click.Choice(backend_names()), default="numpy", show_default=True,
              help="Who computes: the NumPy engine or PyTorch (pip install 'rnnkit[torch]').")
@click.option("--device", default=None, help="torch only: cpu, cuda, cuda:1 [default: cuda if available].")
@click.option("--checkpoint-every", type=click.IntRange(min=1), default=None,
              help="Also write the checkpoint every N steps (numpy backend).")
@click.option("--checkpoint-seconds", type=click.FloatRange(min=0), default=300.0, show_default=True,
              help="Write a checkpoint (MODEL's name + .checkpoint) this often; 0 turns it off. "
                   "Removed once the model is saved.")
@click.option("--resume", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Continue an interrupted run from its checkpoint, on the same FILE; the model and "
                   "settings come from the checkpoint, and the result is the uninterrupted run's.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the training summary as JSON.")
def train_cmd(file, output, cell, hidden_size, num_layers, embedding_dim, dropout, seq_len,
              batch_size, max_steps, seconds, lr, clip_norm, val_fraction, eval_every, eval_seconds, seed, backend,
              device, checkpoint_every, checkpoint_seconds, resume, quiet, as_json):
    """Train a character model on the UTF-8 text FILE and save it to -o MODEL.

    Stateful truncated BPTT on parallel streams with Adam and gradient clipping; the last
    10% of the text is validation. The progress bar (stderr) shows the training and
    validation loss in nats per character.

    \b
    Example:
      rnnkit text train input.txt -o model.safetensors --cell lstm --seconds 120
      rnnkit text train input.txt -o model.safetensors --backend torch --device cuda
    """
    from rnnkit.text import ModelConfig, TrainConfig, read_text, train
    from rnnkit.text.checkpoint import Checkpoints

    ctx = click.get_current_context()
    settings = [p for p in ctx.command.params if p.name in _RUN_SETTINGS
                and ctx.get_parameter_source(p.name) not in (ParameterSource.DEFAULT, None)]
    if resume and settings:
        raise InputError(f"--resume: the model and settings come from the checkpoint; drop {settings[0].opts[-1]}")
    checkpoint = Path(output).with_name(Path(output).stem + ".checkpoint.safetensors")
    wanted = checkpoint_every is not None or checkpoint_seconds > 0
    if backend != "numpy" and (resume or checkpoint_every is not None):
        raise InputError(f"--backend: checkpoints and --resume need the numpy backend, got {backend!r}")
    checkpoints = Checkpoints(checkpoint, checkpoint_every, checkpoint_seconds or None) \
        if wanted and backend == "numpy" else None
    source = read_text(file)
    model_config = config = None
    if not resume:
        model_config = ModelConfig(cell=cell, hidden_size=hidden_size, num_layers=num_layers,
                                   embedding_dim=embedding_dim, dropout=dropout)
        config = TrainConfig(seq_len=seq_len, batch_size=batch_size, max_steps=max_steps,
                             seconds=seconds, lr=lr, clip_norm=clip_norm,
                             val_fraction=val_fraction, eval_every=eval_every, eval_seconds=eval_seconds or None,
                             seed=seed)
    try:
        result = train(source, model_config, config, progress=not quiet, backend=backend, device=device,
                       checkpoints=checkpoints, resume=resume)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: main() reports it (exit 1 or 143); no model file
        if checkpoints is not None and checkpoint.exists():
            click.echo(f"rnnkit: the last checkpoint is {checkpoint}; continue with the same command and "
                       f"--resume {checkpoint}", err=True)
        raise
    result.model.save(output, train_config=result.config.to_dict())
    if checkpoints is not None:
        checkpoint.unlink(missing_ok=True)  # the model supersedes it
    summary = {"model": output, "vocab_size": len(result.model.vocab), **result.model.summary}
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    s, shape = result.model.summary, result.model.config
    click.echo(f"saved {output}: {shape.cell} {shape.num_layers}x{shape.hidden_size}, "
               f"{len(result.model.vocab)} characters")
    chars_per_second = s["chars_trained"] / max(s["seconds"], 1e-9)
    click.echo(f"steps {s['steps']} in {s['seconds']:.1f} s ({chars_per_second:.0f} chars/s)")
    click.echo(f"train loss {s['train_loss']:.4f} nats/char (mean of the last {s['train_loss_steps']} steps)")
    if result.val is None:
        click.echo("no validation part (text too short for --val-fraction)")
    else:
        for line in _report_lines("val ", result.val.to_dict()):
            click.echo(line)


@text.command("sample")
@click.argument("model", type=click.Path(dir_okay=False))
@click.option("--prime", default="", help="Text to start from [default: a newline].")
@click.option("--length", type=click.IntRange(min=0), default=500, show_default=True,
              help="Characters to generate after the prime.")
@click.option("--temperature", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="0 is greedy; below 1 is more conservative, above 1 more random.")
@click.option("--top-k", type=click.IntRange(min=1), default=None,
              help="Draw only among the K most likely characters.")
@seed_option("Same seed, same text.")
def sample_cmd(model, prime, length, temperature, top_k, seed):
    """Generate text from MODEL; prints the prime and its continuation.

    \b
    Example:
      rnnkit text sample model.safetensors --prime "ROMEO:" --length 300 --temperature 0.8
    """
    from rnnkit.text import CharLM
    from rnnkit.text.sample import generate

    lm = CharLM.load(model)
    if prime and lm.vocab.unknown(prime):
        missing = ", ".join(repr(c) for c in lm.vocab.unknown(prime)[:5])
        raise InputError(f"--prime: character(s) not in the model's vocabulary: {missing}")
    # Streamed: any --length prints as it is generated, in bounded memory.
    for piece in generate(lm, prime=prime, length=length, temperature=temperature, top_k=top_k, seed=seed):
        click.echo(piece, nl=False)
    click.echo()


@text.command("eval")
@click.argument("model", type=click.Path(dir_okay=False))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--backend", type=click.Choice(backend_names()), default="numpy", show_default=True,
              help="Who computes: the NumPy engine or PyTorch (pip install 'rnnkit[torch]').")
@click.option("--device", default=None, help="torch only: cpu, cuda, cuda:1 [default: cuda if available].")
@click.option("--skip-unknown", is_flag=True,
              help="Leave out characters the model has never seen (counted and named on stderr) "
                   "instead of refusing the file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def eval_cmd(model, file, backend, device, skip_unknown, as_json):
    """Loss of MODEL on the UTF-8 text FILE: nats and bits per character, perplexity.

    Every character of FILE but the first is predicted from all before it (the state is
    carried across the whole text).

    \b
    Example:
      rnnkit text eval model.safetensors held_out.txt
    """
    from rnnkit.backends import check_backend
    from rnnkit.text import CharLM, evaluate, read_text

    check_backend(backend, device)
    lm = CharLM.load(model)
    text = read_text(file)
    skipped = 0
    unseen = lm.vocab.unknown_message(text)
    if unseen and not skip_unknown:
        raise InputError(f"FILE: {unseen} (--skip-unknown leaves them out)")
    if unseen:
        kept = lm.vocab.known(text)
        skipped = len(text) - len(kept)
        warn(f"left out {skipped} occurrence(s) of {unseen}")
        text = kept
    report = evaluate(lm, text, backend=backend, device=device).to_dict()
    if skip_unknown:
        report["skipped"] = skipped
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"{'chars':<11}{report['chars']}")
    for line in _report_lines("", report):
        click.echo(line)
