"""Extraction stage: spaCy rule pipeline turning articles into evidence Mentions.

`link_mentions` is re-exported (extraction and linking are often run together) but loaded on
first use: extraction workers never load pandas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flows.extract.pipeline import extract_articles, load_nlp

if TYPE_CHECKING:
    from flows.link.keys import link_mentions

__all__ = ["extract_articles", "link_mentions", "load_nlp"]


def __getattr__(name: str) -> Any:
    if name == "link_mentions":
        from flows.link.keys import link_mentions

        return link_mentions
    raise AttributeError(f"module 'flows.extract' has no attribute {name!r}")
