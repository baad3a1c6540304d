"""The ``rnnkit`` command group and its error handling; commands live beside this file.

Exit codes: 0 success, 2 bad input or usage (one line ``rnnkit: error: ...`` on stderr, no
traceback), 1 a failure during the run.
"""
from __future__ import annotations


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

