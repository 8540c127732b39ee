"""Extraction stage: spaCy rule pipeline turning articles into evidence Mentions."""

from flows.extract.pipeline import extract_articles, load_nlp
from flows.link import link_mentions  # re-exported: extraction and linking are often run together

__all__ = ["extract_articles", "link_mentions", "load_nlp"]
