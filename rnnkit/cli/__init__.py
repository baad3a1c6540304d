"""Command line: argument parsing only; every command calls the library.

Each file here adds its commands to the one ``rnnkit`` group defined in ``_app.py``.
"""
from rnnkit.cli import cv, diagnose, engine, fit, forecast, text  # noqa: F401  (registers the commands)
from rnnkit.cli._app import InputError, cli, main

__all__ = ["cli", "main", "InputError"]
