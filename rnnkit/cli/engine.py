"""Engine commands: ``rnnkit gradcheck`` and ``rnnkit demo``."""
from __future__ import annotations

import json
import sys

import click

from rnnkit.cli._app import cli
from rnnkit.cli._options import output_option, seed_option


@cli.command()
@click.option("--quick", is_flag=True, help="Check the corners of the option grid only.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--tolerance", type=click.FloatRange(min=0, min_open=True), default=1e-6, show_default=True,
              help="Largest relative error that passes.")
def gradcheck(quick, as_json, tolerance):
    """Check every hand-derived gradient against central finite differences (float64).

    Covers RNN (tanh, relu), LSTM and GRU over layers x directions x bias x lengths x
    batch_first with dropout, plus Linear, Embedding, Dropout, the losses and a stacked model.
    Exits 1 if any check fails.

    \b
    Example:
      rnnkit gradcheck --quick
    """
    from rnnkit.nn.gradcheck import gradcheck as check
    from rnnkit.nn.gradcheck_grid import all_cases

    rows = []
    for name, module, inputs in all_cases(quick):
        result = check(module, inputs, tolerance=tolerance)
        worst = max(result.errors, key=result.errors.get)
        rows.append({"case": name, "tensors": len(result.errors), "max_rel_error": result.max_error,
                     "worst": worst, "passed": result.passed})
        if not as_json:
            mark = "ok  " if result.passed else "FAIL"
            click.echo(f"{mark} {result.max_error:9.2e}  {len(result.errors):3d} tensors  {name}")
    failed = [r for r in rows if not r["passed"]]
    if as_json:
        click.echo(json.dumps({"tolerance": tolerance, "cases": rows, "failed": len(failed)}, indent=2))
    else:
        click.echo(f"{len(rows) - len(failed)} passed, {len(failed)} failed "
                   f"(tolerance {tolerance:g} on the relative error)")
    if failed:
        sys.exit(1)


@cli.command()
@seed_option()
@output_option("out_dir", folder=True, default="demo-output", show_default=True, help="Folder for the reports.")
@click.option("--text-seconds", type=click.FloatRange(min=1), default=90, show_default=True,
              help="Time cap of the character model's 700 training steps (about 25 s on a quiet machine).")
def demo(seed, out_dir, text_seconds):
    """Run the main jobs on bundled real data and print the results.

    Forecasts the DAX index and Seattle's rainfall (with temperature and wind as covariates)
    against baselines, writing a report for each, then trains a character model on Python's
    documentation and samples from it.

    \b
    Example:
      rnnkit demo -o /tmp/demo
    """
    from rnnkit.demo import run_demo

    run_demo(seed=seed, out_dir=out_dir, text_seconds=text_seconds, echo=click.echo)
