"""Cheap relevance filter: does a feed item's title or summary carry a police term?"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

TERMS_PATH = Path(__file__).with_name("relevance_terms.v1.yaml")
TERMS_VERSION = "relevance_terms.v1"


@dataclass(frozen=True)
class Terms:
    """Validated relevance vocabulary."""

    terms: tuple[str, ...]
    case_sensitive_terms: tuple[str, ...]


@lru_cache(maxsize=16)
def _word_pattern(terms: tuple[str, ...], flags: int) -> re.Pattern[str] | None:
    if not terms:
        return None
    alternatives = sorted(
        (re.escape(t).replace(r"\ ", r"\s+") for t in terms), key=len, reverse=True
    )
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", flags)


@lru_cache(maxsize=4)
def load_terms(path: Path = TERMS_PATH) -> Terms:
    """Load the relevance vocabulary, checking its version and shape."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("version") != TERMS_VERSION:
        raise ValueError(f"{path}: expected version {TERMS_VERSION!r}")
    out = {}
    for key in ("terms", "case_sensitive_terms"):
        values = data.get(key) or []
        if not isinstance(values, list) or not all(
            isinstance(v, str) and v.strip() for v in values
        ):
            raise ValueError(f"{path}: `{key}` must be a list of non-empty strings")
        out[key] = tuple(v.strip() for v in values)
    return Terms(**out)


def police_term(
    text: str, extra_terms: tuple[str, ...] = (), terms: Terms | None = None
) -> str | None:
    """The first police term found in `text` (None when there is none)."""
    terms = terms or load_terms()
    for pattern in (
        _word_pattern(terms.terms + tuple(extra_terms), re.IGNORECASE),
        _word_pattern(terms.case_sensitive_terms, 0),
    ):
        if pattern is not None and (match := pattern.search(text or "")):
            return match.group(0)
    return None
