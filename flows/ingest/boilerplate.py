"""Site furniture in article text (donation appeals, share buttons, image credits...) as char spans."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flows.ingest.wordlists import load_words

PATTERNS_PATH = Path(__file__).with_name("boilerplate_patterns.v1.jsonl")
KINDS = frozenset({"donation", "share", "image_credit", "navigation", "newsletter"})
SCOPES = frozenset({"line", "block_to_end"})
_KEYS = frozenset({"id", "pattern", "kind", "scope"})

# A trailing block counts as an appeal when it is short relative to the article and its words
# are dense in first/second person and giving vocabulary (news prose is not).
_APPEAL_WORDS = load_words("appeal_words.v1.txt")
_WORD_RE = re.compile(r"[a-z’']+")
_MIN_APPEAL_DENSITY = 0.10
_MAX_BLOCK_SHARE = 0.4
_MAX_LINE_CHARS = 400


class PatternFileError(ValueError):
    """The boilerplate pattern file is malformed; the message names the line."""


@dataclass(frozen=True)
class Pattern:
    id: str
    regex: re.Pattern[str]
    kind: str
    scope: str


def load_patterns(path: Path = PATTERNS_PATH) -> tuple[Pattern, ...]:
    """Read and validate the pattern file; any problem raises PatternFileError naming the line."""
    patterns: list[Pattern] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PatternFileError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or set(row) != _KEYS:
            raise PatternFileError(f"{where}: expected exactly the keys {sorted(_KEYS)}")
        if not all(isinstance(row[k], str) and row[k] for k in _KEYS):
            raise PatternFileError(f"{where}: every field must be a non-empty string")
        if row["kind"] not in KINDS:
            raise PatternFileError(f"{where}: unknown kind {row['kind']!r}")
        if row["scope"] not in SCOPES:
            raise PatternFileError(f"{where}: unknown scope {row['scope']!r}")
        if not row["pattern"].startswith("^"):
            raise PatternFileError(f"{where}: pattern must be anchored at the line start with ^")
        if row["id"] in seen:
            raise PatternFileError(f"{where}: duplicate id {row['id']!r}")
        seen.add(row["id"])
        try:
            regex = re.compile(row["pattern"])
        except re.error as exc:
            raise PatternFileError(f"{where}: bad regex in {row['id']!r}: {exc}") from None
        patterns.append(Pattern(row["id"], regex, row["kind"], row["scope"]))
    return tuple(patterns)


@lru_cache(maxsize=1)
def default_patterns() -> tuple[Pattern, ...]:
    return load_patterns(PATTERNS_PATH)


@lru_cache(maxsize=8)
def _combined(patterns: tuple[Pattern, ...]) -> re.Pattern[str]:
    """One alternation of every pattern: a single search per line rules most lines out."""
    return re.compile("|".join(f"(?:{p.regex.pattern})" for p in patterns))


def _lines(text: str):
    """(start, end) of each line's stripped content, skipping blank lines."""
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = pos + (len(raw) - len(raw.lstrip()))
            yield start, start + len(stripped), stripped
        pos += len(raw) + 1


def _is_appeal_block(text: str, start: int) -> bool:
    rest = text[start:]
    if len(rest.strip()) > _MAX_BLOCK_SHARE * len(text.strip()):
        return False
    words = _WORD_RE.findall(rest.lower())
    if not words:
        return False
    hits = sum(1 for w in words if w in _APPEAL_WORDS)
    return hits / len(words) >= _MIN_APPEAL_DENSITY


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def find_boilerplate(
    text: str, patterns: tuple[Pattern, ...] | None = None
) -> list[tuple[int, int]]:
    """Sorted, merged [start, end) spans of furniture lines, plus a trailing appeal block."""
    patterns = default_patterns() if patterns is None else patterns
    combined = _combined(patterns)
    spans: list[tuple[int, int]] = []
    block_start: int | None = None
    for start, end, line in _lines(text):
        if len(line) > _MAX_LINE_CHARS:
            continue
        if not combined.match(line):
            continue
        for pattern in patterns:
            if pattern.regex.match(line):
                spans.append((start, end))
                if (
                    pattern.scope == "block_to_end"
                    and block_start is None
                    and _is_appeal_block(text, start)
                ):
                    block_start = start
                break
    if block_start is not None:
        spans.append((block_start, len(text.rstrip())))
    return _merge(spans)


def words_outside(text: str, spans: list[tuple[int, int]]) -> int:
    """Number of whitespace-separated words in text outside the given spans."""
    count, pos = 0, 0
    for start, end in spans:
        count += len(text[pos:start].split())
        pos = max(pos, end)
    return count + len(text[pos:].split())
