"""Options that several commands share, spelled and parsed in one place.

- ``level_option``: ``--level`` as repeated (``--level 80 --level 95``) or comma form
  (``--level 80,95``), or both mixed; bad values are one line naming ``--level`` (exit 2).
- ``horizon_option``: ``-H``/``--horizon`` (``-h`` is help on every command).
- ``forecaster_options``: the Forecaster's network and training settings (``--cell``,
  ``--hidden-size``, ``--window``, ``--n-models``, ``--max-steps``, ...), with its defaults, for
  ``fit`` and ``forecast`` alike; the command receives them as one dict ``forecaster_settings``.
- ``number_format_options``: ``--sep``, ``--decimal``, ``--thousands`` (how a CSV is written),
  received as one dict ``number_format`` of ``load_series``/``load_panel`` keywords.
- ``output_option``: ``-o``/``--output``, checked writable (and of the right kind) at parse
  time, before any work, and locked while the command runs.
- ``seed_option``: ``--seed``, a non-negative integer, refused at parse time otherwise.
- ``deprecated_option``: an old spelling that still works for one release, prints
  ``rnnkit: warning: --old is deprecated; use --new`` to stderr and hands its (converted)
  value to the new option's parameter.
"""
from __future__ import annotations

import functools
import os

import click
from click.core import ParameterSource

from rnnkit.cli._app import InputError, warn
from rnnkit.nn.cell_table import CELL_NAMES

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


def seed_option(help: str = "Seed for every random choice."):
    """``--seed``: a non-negative integer (what ``numpy.random.SeedSequence`` takes)."""
    return click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help=help)


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


def _window(ctx, param, value):
    if value == "auto":
        return value
    try:
        window = int(value)
    except ValueError:
        window = 0
    if window < 2:
        raise InputError(f"--window: expected 'auto' or an integer >= 2, got {value!r}")
    return window


def names_list(text: str | None) -> list:
    """Column names from a comma-separated option value (blanks dropped); [] for None."""
    return [c.strip() for c in text.split(",") if c.strip()] if text else []


def _calendar(ctx, param, value):
    if value is None or value == "auto":
        return value
    from rnnkit.forecast._future import CALENDAR

    names = names_list(value)
    unknown = [n for n in names if n not in CALENDAR]
    if not names or unknown or len(set(names)) != len(names):
        raise InputError(f"--calendar: expected 'auto' or distinct names from {', '.join(CALENDAR)} "
                         f"separated by commas, got {value!r}")
    return names


def _holidays(ctx, param, value):
    if value is None:
        return value
    from rnnkit.forecast._future import check_holidays

    try:
        check_holidays(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"--{exc}") from None
    return value


# (flag, Forecaster parameter, default, type, help). The defaults are the Forecaster's own
# (tests/cli/test_cli_options.py checks that they stay equal), spelled here so that `--help`
# does not import the forecasting stack.
FORECASTER_OPTIONS = (
    ("--cell", "cell", "gru", click.Choice(CELL_NAMES), "Recurrent cell."),
    ("--hidden-size", "hidden_size", 32, click.IntRange(min=1), "Units per recurrent layer."),
    ("--num-layers", "num_layers", 1, click.IntRange(min=1), "Stacked recurrent layers."),
    ("--window", "window", "auto", str, "Past steps the network reads, or 'auto'."),
    ("--n-models", "n_models", 4, click.IntRange(min=1), "Networks in the ensemble."),
    ("--max-steps", "max_steps", 500, click.IntRange(min=1),
     "Training budget in minibatch steps (early stopping may end sooner)."),
    ("--batch-size", "batch_size", 64, click.IntRange(min=1),
     "Global minibatch size (split over the processes under torchrun)."),
    ("--lr", "lr", 3e-3, click.FloatRange(min=0, min_open=True), "Adam's learning rate."),
    ("--dtype", "dtype", "float32", click.Choice(["float32", "float64"]), "Precision of the networks."),
    ("--calendar", "calendar", None, str,
     "Calendar inputs read from the dates: 'auto' (by frequency) or names such as dayofweek,month."),
    ("--holidays", "holidays", None, str,
     "Public holidays as an input: a country code of the holidays package, e.g. US, DE, AU-VIC."),
)
_CALLBACKS = {"window": _window, "calendar": _calendar, "holidays": _holidays}


def forecaster_options(f):
    """Add :data:`FORECASTER_OPTIONS` to a command; it receives ``forecaster_settings``, a dict
    of Forecaster keyword arguments."""
    names = [name for _, name, *_ in FORECASTER_OPTIONS]

    @functools.wraps(f)
    def command(*args, **params):
        params["forecaster_settings"] = {name: params.pop(name) for name in names}
        return f(*args, **params)

    for flag, name, default, kind, text in reversed(FORECASTER_OPTIONS):
        command = click.option(flag, name, type=kind, default=default, show_default=True, help=text,
                               callback=_CALLBACKS.get(name))(command)
    return command


def _one_mark(ctx, param, value):
    from rnnkit.data._read import check_mark

    if value is not None:
        try:
            check_mark(f"--{param.name}", value)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    return value


def data_options(f):
    """What reads a series or a panel from a file (``rnnkit fit``, ``rnnkit cv``): ``--id-column``,
    ``--date``, ``--target``, ``--covariates``, ``--future-covariates``, ``--static``, ``--fill``,
    ``--freq``."""
    for option in reversed((
            click.option("--id-column", default=None,
                         help="Series id column of a long-format file [default: unique_id if present]."),
            click.option("--date", default=None, help="Date column [default: ds if present, else found]."),
            click.option("--target", default=None, help="Column to forecast [default: y]."),
            click.option("--covariates", default=None,
                         help="Comma-separated extra input columns, read up to the forecast origin."),
            click.option("--future-covariates", default=None,
                         help="Comma-separated columns whose future is known (prices set ahead, promotions): "
                              "read over the forecast steps too; `rnnkit predict --future FILE` gives them."),
            click.option("--static", "static_file", type=click.Path(dir_okay=False), default=None,
                         help="A global model's per-series attributes: a file with the id column and one row "
                              "per series (numbers, or text read as categories); dataset:NAME for a bundled panel's."),
            click.option("--fill", type=click.Choice(["ffill", "interpolate"]), default=None,
                         help="Fill missing values."),
            click.option("--freq", default=None, help="Frequency to use instead of the inferred one (e.g. D, MS).")
    )):
        f = option(f)
    return f


def number_format_options(f):
    """``--sep``, ``--decimal`` and ``--thousands``; the command receives ``number_format``, a
    dict of keyword arguments for ``load_series`` and ``load_panel``."""
    @functools.wraps(f)
    def command(*args, **params):
        params["number_format"] = {k: params.pop(k) for k in ("sep", "decimal", "thousands")}
        return f(*args, **params)

    command = click.option("--thousands", default=None, callback=_one_mark,
                           help="Thousands separator in numbers, e.g. '.' for 1.157,5 or ',' for 1,157.")(command)
    command = click.option("--decimal", default=".", show_default=True, callback=_one_mark,
                           help="Decimal mark in numbers, e.g. ',' for 1,5.")(command)
    return click.option("--sep", default=None, callback=_one_mark,
                        help="Column separator of a CSV [default: ',' (tab for .tsv)], e.g. ';'.")(command)


def _claim_output(folder: bool):
    def callback(ctx, param, value):
        if value is None:
            return value
        from rnnkit import io

        try:
            io.check_output(value, folder=folder)
            # Under torchrun every process parses the command; only rank 0 writes (and locks).
            if os.environ.get("RANK", "0") == "0":
                ctx.with_resource(io.output_lock(value))
        except ValueError as exc:
            raise InputError(f"{param.opts[-1]}: {exc}") from None
        return value
    return callback


def output_option(dest: str = "output", folder: bool = False, **kwargs):
    """``-o``/``--output``: a file (or with ``folder``, a folder) checked writable while the
    command line is parsed, before any work, and locked for the command's run so a second run
    writing to the same place stops at once (exit 2, naming the option and the path)."""
    return click.option("-o", "--output", dest, type=click.Path(file_okay=not folder, dir_okay=folder),
                        callback=_claim_output(folder), **kwargs)
