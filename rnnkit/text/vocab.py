"""The character vocabulary: which characters a model knows and the id of each.

Ids follow code-point order, so the same set of characters always gets the same ids whatever
order they appeared in (a vocabulary rebuilt from a shuffled text matches the saved one). The
vocabulary is stored in the model file as one string of its characters, in id order.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

_SHOWN = 5  # unknown characters named in an error message


class Vocab:
    """A sorted set of characters with ids ``0 .. len - 1``.

    Parameters
    ----------
    chars : str
        The characters, each once, in increasing code-point order (:meth:`from_text` builds
        one from any text).

    Examples
    --------
    >>> v = Vocab.from_text("hello world")
    >>> v.chars
    ' dehlorw'
    >>> v.decode(v.encode("hold"))
    'hold'
    """

    def __init__(self, chars: str):
        if not isinstance(chars, str):
            raise ValueError(f"vocabulary: expected a string of characters, got {type(chars).__name__}")
        if not chars:
            raise ValueError("vocabulary: expected at least one character, got an empty string")
        codes = np.frombuffer(chars.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        if np.any(np.diff(codes.astype(np.int64)) <= 0):
            raise ValueError("vocabulary: expected distinct characters in increasing code-point "
                             f"order, got {chars[:40]!r}")
        self.chars = chars
        # searchsorted over the sorted code points maps a whole text to ids without a Python loop
        self._codes = codes.astype(np.int64)

    @classmethod
    def from_text(cls, text: str) -> Vocab:
        """The vocabulary of every distinct character in ``text``."""
        if not isinstance(text, str) or not text:
            raise ValueError("text: expected a non-empty string to build a vocabulary from")
        return cls("".join(sorted(set(text))))

    def __len__(self) -> int:
        return len(self.chars)

    def __contains__(self, char: object) -> bool:
        return isinstance(char, str) and len(char) == 1 and char in self.chars

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and other.chars == self.chars

    def __hash__(self) -> int:
        return hash(self.chars)

    def __repr__(self) -> str:
        return f"Vocab({len(self)} characters: {self.chars[:30]!r}{'...' if len(self) > 30 else ''})"

    def unknown(self, text: str) -> list[str]:
        """The distinct characters of ``text`` missing from the vocabulary, in code-point order."""
        return sorted(set(text) - set(self.chars))

    def known(self, text: str) -> str:
        """``text`` without the characters missing from the vocabulary."""
        missing = set(self.unknown(text))
        return "".join(c for c in text if c not in missing) if missing else text

    def unknown_message(self, text: str, what: str | None = None) -> str | None:
        """One line naming up to five characters of ``text`` missing from the vocabulary
        (``"<what>: "`` before it when given), or None when there are none."""
        missing = self.unknown(text)
        if not missing:
            return None
        shown = ", ".join(repr(c) for c in missing[:_SHOWN])
        more = f" and {len(missing) - _SHOWN} more" if len(missing) > _SHOWN else ""
        prefix = f"{what}: " if what else ""
        return f"{prefix}{len(missing)} character(s) not in the model's vocabulary of {len(self)}: {shown}{more}"

    def encode(self, text: str, what: str = "text") -> np.ndarray:
        """Ids of the characters of ``text`` (int64 array).

        Raises ``ValueError`` naming up to five characters that are not in the vocabulary:
        a model gives them no probability, so silently dropping them would overstate its quality.
        """
        if not isinstance(text, str):
            raise ValueError(f"{what}: expected a string, got {type(text).__name__}")
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.int64)
        ids = np.searchsorted(self._codes, codes)
        np.minimum(ids, len(self._codes) - 1, out=ids)
        if not np.array_equal(self._codes[ids], codes):
            raise ValueError(self.unknown_message(text, what))
        return ids

    def decode(self, ids: ArrayLike) -> str:
        """The text of a sequence of ids."""
        ids = np.asarray(ids)
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids: expected values in [0, {len(self) - 1}], got min {ids.min()} "
                             f"and max {ids.max()}")
        return "".join(self.chars[i] for i in ids.reshape(-1).tolist())
