"""Records passed between stages: an ingested Article, an extracted Mention, an article's extraction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(slots=True)
class Article:
    """One article as ingested. `text` is what evidence offsets refer to.

    text: decoded, BOM removed, CRLF/CR turned into LF, nothing else changed (non-breaking
    spaces are kept, so quotes are verbatim). Empty for quarantined files.
    status: None while the article is readable and waiting for extraction; 'duplicate' or
    'quarantined' when ingest already decided (then status_reason says why).
    boilerplate: [start, end) character spans of site furniture (donation appeals, share
    buttons, image credits...) from which no evidence may ever come.
    """

    article_id: str
    source_path: str
    format: str
    text: str = ""
    encoding: str | None = None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published_date: dt.date | None = None
    date_source: str = "unknown"
    date_inference: str | None = None
    status: str | None = None
    status_reason: str | None = None
    duplicate_of: str | None = None
    language: str | None = None
    boilerplate: list[tuple[int, int]] = field(default_factory=list)
    word_count: int = 0
    text_sha256: str | None = None
    content_sha256: str | None = None  # hash of the raw bytes (cache key), not published


@dataclass(slots=True)
class Mention:
    """One evidence sentence of one article, with the incident fields that sentence supports."""

    article_id: str
    char_start: int
    char_end: int
    quote: str
    rule_id: str
    categories: list[str] = field(default_factory=list)
    date_start: dt.date | None = None
    date_end: dt.date | None = None
    date_precision: str = "unknown"
    date_text: str | None = None
    police_forces: list[str] = field(default_factory=list)
    location: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    region: str | None = None  # ISO 3166-2
    reported: dt.date | None = None  # the article's publication (or inferred reference) date
    subjects: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    outcome: str | None = None
    outcome_text: str | None = None
    allegation_status: str = "unknown"
    # Keys used to link mentions of one incident within and across articles
    # (for example 'subject:sarah everard'); never a bare place or force.
    link_keys: list[str] = field(default_factory=list)
    # P(misconduct) of the sentence window by the trained classifier; None for sentences the
    # classifier did not score (continuations, or extraction without the classifier).
    classifier_score: float | None = None


@dataclass(frozen=True, slots=True)
class ProtectedName:
    """A person an article says must not be named (child, sexual-offence victim), and why.

    `withheld` is False for a person who would be protected but whom the article exempts
    (reported dead, or an adult who waived anonymity): the exemption is shared with the release.
    """

    name: str
    reason: str
    withheld: bool = True


@dataclass(slots=True)
class ArticleExtraction:
    """What extraction learned from one article."""

    article_id: str
    mentions: list[Mention] = field(default_factory=list)
    reference_date: dt.date | None = None
    date_source: str = "unknown"
    date_inference: str | None = None
    language: str | None = None
    status_reason: str | None = None  # why no incident was found, when none was
    # People the whole article says must be withheld (decided from the words around each name).
    protected: list[ProtectedName] = field(default_factory=list)
