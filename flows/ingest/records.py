"""Building Article records from decoded text, JSON objects, or a quarantine decision."""

from __future__ import annotations

import re
from typing import Any

from flows.core.model import Article
from flows.ingest.boilerplate import find_boilerplate, words_outside
from flows.ingest.identity import article_id_for_text, quarantine_id, sha256_text
from flows.ingest.language import detect_language

_HEADLINE_MAX_CHARS = 200
_HEADLINE_MAX_WORDS = 30
_NOT_HEADLINE_END = tuple(".,;:")
_HAS_LETTER = re.compile(r"[^\W\d_]")


def quarantined(source_path: str, fmt: str, reason: str, **fields) -> Article:
    """A quarantined record: id from the path, no text, a specific reason."""
    return Article(
        article_id=quarantine_id(source_path),
        source_path=source_path,
        format=fmt,
        status="quarantined",
        status_reason=reason,
        **fields,
    )


def guess_headline(text: str, boilerplate: list[tuple[int, int]]) -> str | None:
    """First non-empty line when it reads like a headline (short, no final period).

    Furniture lines are passed over, and so is a caption (a line directly followed by furniture
    such as an image credit)."""
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos + len(line) - len(line.lstrip()), line.strip()))
        pos += len(line) + 1
    if sum(1 for _, line in lines if line) < 2:
        return None

    def furniture(start: int) -> bool:
        return any(s <= start < e for s, e in boilerplate)

    for i, (start, line) in enumerate(lines):
        if not line or furniture(start):
            continue
        if i + 1 < len(lines) and lines[i + 1][1] and furniture(lines[i + 1][0]):
            continue
        if (
            len(line) <= _HEADLINE_MAX_CHARS
            and len(line.split()) <= _HEADLINE_MAX_WORDS
            and not line.endswith(_NOT_HEADLINE_END)
            and _HAS_LETTER.search(line)
        ):
            return " ".join(line.split())
        return None
    return None


def article_from_text(
    text: str,
    source_path: str,
    fmt: str,
    encoding: str | None,
    meta: dict,
    content_sha256: str | None,
    headline_from_text: bool = False,
) -> Article:
    """A readable Article (status None), or a quarantined one when the text is not English."""
    common: dict[str, Any] = {
        "encoding": encoding,
        "url": meta.get("url"),
        "publisher": meta.get("publisher"),
        "published_date": meta.get("published"),
        "date_source": "metadata" if meta.get("published") else "unknown",
        "content_sha256": content_sha256,
    }
    language = detect_language(text)
    boilerplate = find_boilerplate(text)
    title = meta.get("title")
    if title is None and headline_from_text:
        title = guess_headline(text, boilerplate)
    if language is not None and language != "en":
        return quarantined(
            source_path,
            fmt,
            f"not English (detected: {language})",
            language=language,
            title=title,
            **common,
        )
    return Article(
        article_id=article_id_for_text(text),
        source_path=source_path,
        format=fmt,
        text=text,
        title=title,
        language=language,
        boilerplate=boilerplate,
        word_count=words_outside(text, boilerplate),
        text_sha256=sha256_text(text),
        **common,
    )
