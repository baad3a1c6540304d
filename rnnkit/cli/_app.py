"""The ``rnnkit`` command group and its error handling; commands live beside this file.

Exit codes: 0 success, 2 bad input or usage (one line ``rnnkit: error: ...`` on stderr, no
traceback), 1 a failure during the run or Ctrl-C, 143 SIGTERM (handled like Ctrl-C).
``-h`` and ``--help`` print help on every command (the group's ``help_option_names`` are
inherited by every subcommand, so no option may take ``-h``: the horizon is ``-H``). Options
shared by several commands are in ``_options.py``.
"""
from __future__ import annotations

import signal
import sys
import warnings

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


def warn(message: str) -> None:
    """One line ``rnnkit: warning: ...`` on stderr."""
    click.echo(f"rnnkit: warning: {message}", err=True)


class Terminated(KeyboardInterrupt):
    """SIGTERM (what ``timeout``, systemd and Kubernetes send), raised where the program is so
    that everything a Ctrl-C unwinds (temporary files, staging folders, worker pools, locks) is
    unwound the same way."""


def _terminate(signum, frame):
    raise Terminated()


def main(argv=None) -> int:
    """Entry point: one line on stderr for a user's mistake (2), a failure (1), Ctrl-C (1) or
    SIGTERM (143, as a shell reports a process ended by it)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _hint_old_horizon(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning  # one line each, like the errors
            return _run(argv)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    warn(str(message).splitlines()[0] if str(message) else category.__name__)


def _run(argv: list) -> int:
    try:
        cli.main(args=argv, prog_name="rnnkit", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt) as exc:
        if isinstance(exc, Terminated) or isinstance(exc.__cause__, Terminated):
            click.echo("rnnkit: error: terminated", err=True)
            return 128 + signal.SIGTERM
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


def _hint_old_horizon(argv: list) -> None:
    """``-h N`` was the horizon of forecast, fit and predict; now ``-h`` prints the help. Say so
    when a command with ``--horizon`` gets ``-h`` followed by a number."""
    command = cli.commands.get(argv[0]) if argv else None
    if command is None or not any(p.name == "horizon" for p in command.params):
        return
    for flag, value in zip(argv, argv[1:]):
        if flag == "-h" and str(value).isdigit():
            warn(f"-h is help; the horizon is -H {value} (or --horizon {value})")
            return


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__

