"""Extraction stage: spaCy rule pipeline turning articles into evidence Mentions, and linking them into incidents."""

from flows.extract.linking import link_mentions
from flows.extract.pipeline import extract_articles, load_nlp

__all__ = ["extract_articles", "link_mentions", "load_nlp"]
