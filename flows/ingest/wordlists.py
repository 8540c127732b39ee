"""Loading small versioned word lists (data beside the code) with validation."""

from __future__ import annotations

import re
from pathlib import Path

_WORD = re.compile(r"^[a-z][a-z’'-]*$")


class WordListError(ValueError):
    """A word list file is malformed; the message names the line."""


def load_words(name: str) -> frozenset[str]:
    """Words of flows/ingest/<name> ('#' starts a comment line); each must be a lowercase word."""
    path = Path(__file__).with_name(name)
    words: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        for word in line.split():
            if not _WORD.match(word):
                raise WordListError(f"{name} line {number}: {word!r} is not a lowercase word")
            words.add(word)
    if not words:
        raise WordListError(f"{name}: no words")
    return frozenset(words)
