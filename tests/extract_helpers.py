"""Helpers for the extraction tests: build Articles from text the way ingest does."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flows.core.model import Article

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def make_article(text: str, name: str = "x.txt", **kw) -> Article:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Article(article_id=f"art_{digest[:16]}", source_path=name, format="txt", text=text, **kw)


def read_article(path: Path, **kw) -> Article:
    return make_article(path.read_text(encoding="utf-8"), path.name, **kw)
