"""Command line: argument parsing only; every command calls the library.

Exit codes: 0 success, 2 bad input or usage (one line ``rnnkit: error: ...`` on stderr, no
traceback), 1 a failure during the run.
"""
from __future__ import annotations

import json
import sys

import click

from rnnkit import __version__


class InputError(click.ClickException):
    """A user's mistake: exit 2 with one line."""

    exit_code = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="rnnkit")
def cli():
    """rnnkit: recurrent neural networks from first principles.

    \b
    Examples:
      rnnkit demo                      # the main job on bundled real data
      rnnkit gradcheck                 # every gradient against finite differences
    """


@cli.command()
@click.option("--quick", is_flag=True, help="Check the corners of the option grid only.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--tolerance", type=float, default=1e-6, show_default=True,
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
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for every random choice.")
def demo(seed):
    """Run the main job on bundled real data and print the result."""
    from rnnkit.demo import run_demo

    run_demo(seed=seed)


def main(argv=None) -> int:
    """Entry point: one line on stderr for a user's mistake (2) or a failure (1)."""
    try:
        cli.main(args=argv, prog_name="rnnkit", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("rnnkit: error: interrupted", err=True)
        return 1
    except getattr(click.exceptions, "NoArgsIsHelpError", ()) as exc:  # bare `rnnkit`
        click.echo(exc.ctx.get_help())
        return 0
    except click.ClickException as exc:  # usage errors and InputError
        click.echo(f"rnnkit: error: {exc.format_message()}", err=True)
        return exc.exit_code
    except (ValueError, TypeError, FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        click.echo(f"rnnkit: error: {_one_line(exc)}", err=True)
        return 2
    except SystemExit as exc:
        return int(exc.code or 0)
    except Exception as exc:  # a failure during the run
        click.echo(f"rnnkit: error: {type(exc).__name__}: {_one_line(exc)}", err=True)
        return 1
    return 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
