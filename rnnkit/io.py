"""Model files: one safetensors file per model, JSON metadata inside, atomic writes.

Tensors keep torch names prefixed by the module's place (``rnn.weight_ih_l0``, ``head.weight``),
so a recurrent layer from an rnnkit file loads into ``torch.nn.LSTM`` with ``load_state_dict``.
The metadata holds one JSON document under the key ``"rnnkit"``: format version, model kind,
configuration and whatever the model needs to predict (scaler, vocabulary, data signature).
Nothing is ever unpickled: safetensors stores raw little-endian arrays and a JSON header.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from rnnkit.nn.module import Module

FORMAT_VERSION = 1
_META_KEY = "rnnkit"


@contextmanager
def atomic_path(path: str | os.PathLike[str], suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only if the block succeeds,
    so an interrupted write never leaves a half file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or ".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def staged_files(out_dir: str | os.PathLike[str], names: Iterable[str]) -> Iterator[Path]:
    """Yield an empty staging folder beside ``out_dir``; when the block succeeds, move the
    files ``names`` from it into ``out_dir``. On failure nothing reaches ``out_dir`` and the
    staging folder is removed, so a run never leaves half of its outputs behind."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        yield stage
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            os.replace(stage / name, out_dir / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write a text file atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def save_model(path: str | os.PathLike[str], tensors: dict, kind: str, metadata: dict) -> None:
    """Write ``tensors`` (name -> array) and JSON-able ``metadata`` to a safetensors file."""
    from safetensors.numpy import save_file

    doc = {"format_version": FORMAT_VERSION, "kind": kind, **metadata}
    arrays = {name: np.ascontiguousarray(value) for name, value in tensors.items()}
    with atomic_path(path, suffix=".safetensors") as tmp:
        save_file(arrays, str(tmp), metadata={_META_KEY: json.dumps(doc)})


def _refuse_foreign(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(9)
    # A safetensors file is an 8-byte little-endian header length, then the JSON header; its
    # first byte can be anything (0x80 for a header of 128 + 256k bytes), so only a file whose
    # ninth byte does not open the JSON object is judged by its start: a pickle (0x80 + protocol)
    # or a zip (torch.save).
    if len(head) == 9 and head[8:9] == b"{":
        return
    if head[:1] == b"\x80" or head[:2] == b"PK":
        raise ValueError(f"model {str(path)!r}: this looks like a pickle or torch.save file; "
                         "rnnkit loads only its own safetensors files and never unpickles")
    if len(head) < 8:
        raise ValueError(f"model {str(path)!r}: not an rnnkit model file (only {len(head)} bytes)")


def load_model(path: str | os.PathLike[str], kind: str | None = None) -> tuple[dict, dict]:
    """Read a model file; returns ``(tensors, metadata)``.

    Raises ``ValueError`` for a missing, truncated, foreign or wrong-kind file, naming the path
    and what is wrong.
    """
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"model {str(path)!r}: no such file")
    _refuse_foreign(path)
    try:
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as fh:
            raw = fh.metadata() or {}
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError, json.JSONDecodeError) as exc:
        raise ValueError(f"model {str(path)!r}: not a readable safetensors file "
                         f"(truncated or corrupted?): {exc}") from None
    if _META_KEY not in raw:
        raise ValueError(f"model {str(path)!r}: a safetensors file, but not written by rnnkit")
    try:
        meta = json.loads(raw[_META_KEY])
    except json.JSONDecodeError as exc:
        raise ValueError(f"model {str(path)!r}: unreadable rnnkit metadata ({exc})") from None
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(f"model {str(path)!r}: format version {version!r}, "
                         f"this rnnkit reads version {FORMAT_VERSION}")
    if kind is not None and meta.get("kind") != kind:
        raise ValueError(f"model {str(path)!r}: expected a {kind} model, got {meta.get('kind')!r}")
    return tensors, meta


def prefixed_state(prefix: str, module: Module) -> dict:
    """``module.state_dict()`` with names under ``prefix.``."""
    return {f"{prefix}.{k}": v for k, v in module.state_dict().items()}


def unprefixed_state(prefix: str, tensors: dict) -> dict:
    """The entries of ``tensors`` under ``prefix.``, with the prefix removed."""
    start = prefix + "."
    return {k[len(start):]: v for k, v in tensors.items() if k.startswith(start)}
