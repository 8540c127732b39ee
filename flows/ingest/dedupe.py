"""Duplicate detection: the same normalised text under a second source_path."""

from __future__ import annotations

import dataclasses

from flows.core.model import Article


def mark_duplicates_against(articles: list[Article], seen: dict[str, str]) -> list[Article]:
    """Mark articles whose article_id is already in `seen` (id -> first source_path) as duplicates.

    Articles of this batch are considered in sorted source_path order; `seen` is updated in place
    so the next batch continues where this one left off. Quarantined and already-decided articles
    are passed through untouched. Returns new Article objects in the input order."""
    decided: dict[int, Article] = {}
    order = sorted(range(len(articles)), key=lambda i: articles[i].source_path)
    for i in order:
        article = articles[i]
        if article.status is not None:
            continue
        first = seen.get(article.article_id)
        if first is None:
            seen[article.article_id] = article.source_path
        elif first != article.source_path:
            decided[i] = dataclasses.replace(
                article,
                status="duplicate",
                status_reason=f"same text as {first}",
                duplicate_of=first,
            )
    return [decided.get(i, a) for i, a in enumerate(articles)]


def mark_duplicates(articles: list[Article]) -> list[Article]:
    """Duplicates within one list: the first in sorted source_path order is kept."""
    return mark_duplicates_against(articles, {})
