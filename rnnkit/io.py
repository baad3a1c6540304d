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
import re
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


def _umask() -> int:
    mask = os.umask(0o022)  # reading the mask means setting it: put it straight back
    os.umask(mask)
    return mask


def _honour_umask(path: Path, folder: bool = False) -> None:
    """mkstemp/mkdtemp make private (0600/0700) files; a finished output gets the modes any
    other file the user creates gets (0666/0777 less the umask)."""
    os.chmod(path, (0o777 if folder else 0o666) & ~_umask())


def check_output(path: str | os.PathLike[str], folder: bool = False) -> None:
    """Refuse, before any work, an output path that cannot be written: the wrong kind (a folder
    where a file goes or the reverse), a parent that is a file, or no permission to write in
    the nearest existing folder. ``ValueError`` naming the path and the reason."""
    path = Path(path)
    want = "a folder" if folder else "a file"
    if path.exists() and path.is_dir() != folder:
        raise ValueError(f"{str(path)!r} is {'a folder' if path.is_dir() else 'a file'}, expected {want}")
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ValueError(f"{str(path)!r}: {str(parent)!r} is a file, not a folder")
    try:  # the only sure test of permissions, ACLs and read-only mounts: try
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as exc:
        raise ValueError(f"{str(path)!r}: cannot write in {str(parent)!r} ({exc.strerror or exc})") from None
    if folder and path.exists() and not os.access(path, os.W_OK):
        raise ValueError(f"{str(path)!r}: the folder is not writable")


@contextmanager
def output_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold ``.<name>.lock`` beside ``path`` while a run writes there: a second run writing to
    the same place gets ``ValueError`` at once instead of silently overwriting the first one's
    outputs. The lock is the operating system's (released even if the process is killed)."""
    from filelock import FileLock, Timeout

    path = Path(path).absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.parent / f".{path.name}.lock"
    lock = FileLock(lock_path, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise ValueError(f"{str(path)!r}: another rnnkit run is writing there (lock {str(lock_path)!r}); "
                         "wait for it to finish or choose another output") from None
    try:
        _remove_leftovers(path)
        yield
    finally:
        lock_path.unlink(missing_ok=True)  # while still held, so no other run holds this file
        lock.release()


def _remove_leftovers(path: Path) -> None:
    """Remove the staging folders and temporary files (:func:`staged_files`,
    :func:`atomic_path`) that a killed run left beside ``path``. SIGKILL gives a run no chance
    to remove them itself; the caller holds the lock, so no live run owns them."""
    # mkdtemp/mkstemp's 8 random characters, then one of atomic_path's suffixes (a closed list,
    # so that another output named like ours plus a dot never loses its lock or files)
    suffixes = "|".join(re.escape(s) for s in TEMP_SUFFIXES)
    own = re.compile(re.escape(f".{path.name}.") + rf"[a-z0-9_]{{8}}({suffixes})?")
    for entry in path.parent.iterdir():
        if own.fullmatch(entry.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


#: The endings atomic_path gives its temporary files (writers that pick a format by the file's
#: ending need theirs); the leftovers of a killed run are recognised by them.
TEMP_SUFFIXES = (".tmp", ".safetensors", ".png")


@contextmanager
def atomic_path(path: str | os.PathLike[str], suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only if the block succeeds,
    so an interrupted write never leaves a half file. ``suffix``: one of :data:`TEMP_SUFFIXES`
    (default ".tmp")."""
    if (suffix or ".tmp") not in TEMP_SUFFIXES:
        raise ValueError(f"suffix: expected one of {TEMP_SUFFIXES}, got {suffix!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or ".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        _honour_umask(Path(tmp))
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
            if (stage / name).is_dir():
                _honour_umask(stage / name, folder=True)
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
    except (json.JSONDecodeError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise invalid(path, f"unreadable metadata ({type(exc).__name__})") from None
    if not isinstance(meta, dict):
        raise invalid(path, f"metadata is a JSON {type(meta).__name__}, expected an object")
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(f"model {str(path)!r}: format version {version!r}, "
                         f"this rnnkit reads version {FORMAT_VERSION}")
    if kind is not None and meta.get("kind") != kind:
        raise ValueError(f"model {str(path)!r}: expected a {kind} model, got {meta.get('kind')!r}")
    return tensors, meta


class InvalidModelFile(ValueError):
    """A file that reads but whose contents do not make a model (a ``ValueError``)."""


def invalid(path: str | os.PathLike[str], what: str) -> InvalidModelFile:
    """The error for a file that reads but whose contents do not make a model."""
    return InvalidModelFile(f"model {str(path)!r}: not a valid rnnkit model file: {what}")


def check_claimed_tensors(path: str | os.PathLike[str], tensors: dict[str, np.ndarray], claim: str,
                          needed: int) -> None:
    """Refuse a file whose metadata claims parts (``claim``, e.g. "2 networks of 3 layers")
    that need more tensors than the file holds: checked before the expected names are even
    listed, so a claim of 10**12 layers costs nothing."""
    if needed > len(tensors):
        raise invalid(path, f"{claim} needs at least {needed} tensors, the file holds {len(tensors)}")


def check_tensors(path: str | os.PathLike[str], tensors: dict[str, np.ndarray],
                  expected: dict[str, tuple[int, ...]], integer: Iterable[str] = ()) -> None:
    """Refuse ``tensors`` unless they are exactly the names and shapes in ``expected`` (what the
    metadata implies), floating point and finite, except the names in ``integer``, which must
    be 64-bit integers. Loaders call this before building anything from the metadata."""
    missing, extra = sorted(set(expected) - set(tensors)), sorted(set(tensors) - set(expected))
    if missing or extra:
        raise invalid(path, f"tensors missing {_few(missing)}, unexpected {_few(extra)}")
    integer = set(integer)
    for name, shape in expected.items():
        value = tensors[name]
        if tuple(value.shape) != tuple(shape):
            raise invalid(path, f"tensor {name!r} has shape {tuple(value.shape)}, the metadata implies {tuple(shape)}")
        want = "int64" if name in integer else "float32 or float64"
        if (value.dtype != np.int64) if name in integer else (value.dtype not in (np.float32, np.float64)):
            raise invalid(path, f"tensor {name!r} is {value.dtype}, expected {want}")
        if name not in integer and not np.all(np.isfinite(value)):
            raise invalid(path, f"tensor {name!r} holds NaN or infinite values")


def _few(names: list[str]) -> str:
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return ", ".join(map(repr, names[:3])) + more if names else "none"


def prefixed_state(prefix: str, module: Module) -> dict:
    """``module.state_dict()`` with names under ``prefix.``."""
    return {f"{prefix}.{k}": v for k, v in module.state_dict().items()}


def unprefixed_state(prefix: str, tensors: dict) -> dict:
    """The entries of ``tensors`` under ``prefix.``, with the prefix removed."""
    start = prefix + "."
    return {k[len(start):]: v for k, v in tensors.items() if k.startswith(start)}
