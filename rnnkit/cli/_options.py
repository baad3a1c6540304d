"""Options that several commands share, spelled and parsed in one place.

- ``level_option``: ``--level`` as repeated (``--level 80 --level 95``) or comma form
  (``--level 80,95``), or both mixed; bad values are one line naming ``--level`` (exit 2).
- ``horizon_option``: ``-H``/``--horizon`` (``-h`` is help on every command).
- ``deprecated_option``: an old spelling that still works for one release, prints
  ``rnnkit: warning: --old is deprecated; use --new`` to stderr and hands its (converted)
  value to the new option's parameter.
"""
from __future__ import annotations

import functools

import click
from click.core import ParameterSource

from rnnkit.cli._app import InputError, warn

LEVEL_EXAMPLE = "--level 80,95 or --level 80 --level 95"


def parse_levels(values) -> list:
    """Percent levels from the strings given to ``--level`` (each one number or a comma list;
    blanks around commas are ignored, a value without any number is not): numbers in (0, 100),
    whole ones as int, in the order given, duplicates dropped."""
    levels = []
    for text in values:
        parts = [part.strip() for part in str(text).split(",") if part.strip()] or [str(text)]
        for part in parts:
            try:
                v = float(part)
            except ValueError:
                v = None
            if v is None or not 0 < v < 100:  # also refuses nan and inf
                raise InputError(f"--level: expected a number in (0, 100) ({LEVEL_EXAMPLE}), "
                                 f"got {part!r}")
            v = int(v) if v.is_integer() else v
            if v not in levels:
                levels.append(v)
    return levels


def _levels_callback(ctx, param, value):
    return parse_levels(value)


def level_option(default=None, help="Interval levels in percent."):
    """``--level``: repeatable and comma-separated; the command receives a list (empty if not
    given and no ``default``), e.g. ``[80, 95]``."""
    extra = {} if default is None else {"default": [default], "show_default": True}
    return click.option("--level", "level", multiple=True, metavar="L[,L...]", callback=_levels_callback,
                        help=f"{help} Repeat or separate with commas ({LEVEL_EXAMPLE}).", **extra)


def horizon_option(**kwargs):
    """``-H``/``--horizon``: steps ahead (``-h`` is help)."""
    return click.option("-H", "--horizon", "horizon", type=click.IntRange(min=1), **kwargs)


def deprecated_option(old: str, new: str, dest: str, convert=None, **kwargs):
    """A hidden ``old`` option whose value, if given, replaces parameter ``dest`` (the ``new``
    option's) after ``convert``, with a one-line deprecation warning on stderr. Giving both
    spellings is refused (exit 2). Put it among the command's ``click.option`` decorators."""
    old_dest = "_deprecated_" + old.lstrip("-").replace("-", "_")

    def decorator(f):
        @functools.wraps(f)
        def command(*args, **params):
            value = params.pop(old_dest)
            if value is not None:
                ctx = click.get_current_context()
                if ctx.get_parameter_source(dest) not in (ParameterSource.DEFAULT, None):
                    raise InputError(f"{old}: the deprecated spelling of {new}; give {new} only")
                warn(f"{old} is deprecated; use {new}")
                params[dest] = convert(value) if convert else value
            return f(*args, **params)

        return click.option(old, old_dest, default=None, hidden=True, **kwargs)(command)

    return decorator
