"""Wording of refusals: which rows, which values, without flooding the terminal.

Error messages name the offending rows so a user can open the file and fix it. A file with
ten thousand bad rows should still give a one-line message, so lists are cut after a few items.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: How many rows or values a message lists before it says "and N more".
SHOW = 5


def label(value: object) -> str:
    """Render one row label or offending value compactly (timestamps without midnight)."""
    if isinstance(value, pd.Timestamp):
        # str() rather than .date(): pandas holds years that Python's datetime cannot (-1000).
        text = str(value)
        return text[: -len(" 00:00:00")] if text.endswith(" 00:00:00") else text
    if isinstance(value, np.generic):
        value = value.item()
    return str(value)


def quoted(value: object, width: int = 30) -> str:
    """``repr`` of an offending value, cut so that binary junk cannot flood a message."""
    if isinstance(value, np.generic):
        value = value.item()
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def listing(items: Sequence[str], show: int = SHOW) -> str:
    """Join items with commas, cut after ``show`` with a count of the rest."""
    items = list(items)
    head = ", ".join(items[:show])
    rest = len(items) - show
    return head + (f" and {rest} more" if rest > 0 else "")


def at_rows(unit: str, labels: Sequence) -> str:
    """``"lines 3, 17"`` / ``"row 4"``: where something happened, in the user's terms."""
    labels = list(labels)
    noun = unit if len(labels) == 1 else unit + "s"
    return f"{noun} {listing([label(v) for v in labels])}"


def columns_available(columns: Sequence) -> str:
    """The list of columns a user could have meant, for 'column not found' messages."""
    names = [quoted(c) for c in columns]
    return listing(names, show=20) if names else "(none)"
