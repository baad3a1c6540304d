"""A self-contained HTML report: tables and PNG figures embedded as base64, no external files."""
from __future__ import annotations

import base64
import html
import os
from pathlib import Path

import pandas as pd

from rnnkit.io import write_text

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 960px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; } .note { color: #555; font-size: 14px; }
"""


def _image(path: Path) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(Path(path).stem)}" src="data:image/png;base64,{data}">'


def html_report(path: str | os.PathLike[str], title: str, sections: list[tuple[str, object]]) -> None:
    """Write ``sections`` (heading, content) to ``path``; content is a DataFrame (table), a PNG
    path (figure) or text (paragraph)."""
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"]
    for heading, content in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        if isinstance(content, pd.DataFrame):
            parts.append(content.to_html(float_format=lambda v: f"{v:.4g}", border=0))
        elif isinstance(content, Path) and content.suffix == ".png":
            parts.append(_image(content))
        else:
            parts.append(f"<p class='note'>{html.escape(str(content))}</p>")
    parts.append("</body></html>")
    write_text(path, "\n".join(parts))
