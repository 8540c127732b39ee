"""The published tables, defined once: pandera models whose fields carry type, description and allowed values.

Everything else (Parquet/Arrow types, CSV, datapackage.json, the data dictionary, SQLite and
Datasette metadata) is generated from these models by `schemas.export`.

In-memory conventions (what the pipeline hands to `validate`): strings are pandas strings or
None, dates are pandas datetime64 values normalised to midnight (NaT when empty), lists are
Python lists of strings, integers are int64.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.rowrules import date_precision_agrees
from schemas.vocab import (
    ALLEGATION_STATUSES,
    ARTICLE_STATUSES,
    CATEGORIES,
    DATE_PRECISIONS,
    DATE_SOURCES,
    OUTCOMES,
    REVIEW_REASONS,
)

ARTICLE_ID_RE = r"^art_[0-9a-f]{16}$"
INCIDENT_ID_RE = r"^inc_[0-9a-f]{12}$"
EVIDENCE_ID_RE = r"^ev_[0-9a-f]{16}$"


def _meta(arrow: str, description: str, allowed: tuple[str, ...] | None = None, **extra) -> dict:
    """Field metadata consumed by schemas.export. `arrow` is one of string, int64, float64, bool, date32, list<string>."""
    meta: dict[str, Any] = {"arrow": arrow, "description": description}
    if allowed is not None:
        meta["allowed"] = list(allowed)
    meta.update(extra)
    return {"pmd": meta}


def _is_str_list(value, allowed: tuple[str, ...] | None = None) -> bool:
    if not isinstance(value, list):
        return False
    if not all(isinstance(v, str) and v.strip() for v in value):
        return False
    return allowed is None or all(v in allowed for v in value)


class Articles(pa.DataFrameModel):
    """One row per raw file seen (or per object in a JSON/JSONL file): every input is accounted for."""

    article_id: Series[str] = pa.Field(
        unique=True,
        str_matches=ARTICLE_ID_RE,
        metadata=_meta(
            "string",
            "Content-derived id: 'art_' + the first 16 hex digits of the SHA-256 of the article's "
            "normalised text, so the same text under two names is one article. The later copies "
            "(status duplicate) and quarantined files get an id derived from their path instead.",
            primary_key=True,
        ),
    )
    source_path: Series[str] = pa.Field(
        unique=True,
        metadata=_meta(
            "string",
            "Path of the raw file relative to raw/, with '#N' appended for the Nth object of a "
            "JSON/JSONL file.",
        ),
    )
    url: Series[str] = pa.Field(
        nullable=True, metadata=_meta("string", "Canonical URL from metadata, when known.")
    )
    publisher: Series[str] = pa.Field(
        nullable=True, metadata=_meta("string", "Publisher from metadata, when known.")
    )
    title: Series[str] = pa.Field(
        nullable=True,
        metadata=_meta(
            "string", "Headline from metadata, or the first line of a plain-text article."
        ),
    )
    published_date: Series[pa.DateTime] = pa.Field(
        nullable=True,
        metadata=_meta(
            "date32",
            "Publication date (or the inferred reference date of the article, see date_source).",
        ),
    )
    date_source: Series[str] = pa.Field(
        isin=list(DATE_SOURCES),
        metadata=_meta(
            "string",
            "Where published_date came from: metadata (sidecar, HTML meta tag, JSON field), "
            "inferred (from the article's own text; see date_inference), unknown (empty date).",
            DATE_SOURCES,
        ),
    )
    date_inference: Series[str] = pa.Field(
        nullable=True,
        metadata=_meta(
            "string",
            "How an inferred reference date was reached (for example 'latest explicit year 2022; "
            "weekday Tuesday 1 February fits 2022'). Empty when date_source is not inferred.",
        ),
    )
    word_count: Series[int] = pa.Field(
        ge=0, metadata=_meta("int64", "Words in the article's main text (0 when quarantined).")
    )
    status: Series[str] = pa.Field(
        isin=list(ARTICLE_STATUSES),
        metadata=_meta(
            "string",
            "incidents_found: at least one incident was extracted; no_incident: read, nothing to "
            "record; duplicate: same text as duplicate_of; quarantined: could not be read safely "
            "(see status_reason).",
            ARTICLE_STATUSES,
        ),
    )
    status_reason: Series[str] = pa.Field(
        nullable=True,
        metadata=_meta(
            "string",
            "Specific reason for a duplicate, quarantined or no_incident status (for example "
            "'binary content (NUL bytes)', 'not English (detected: fr)').",
        ),
    )
    duplicate_of: Series[str] = pa.Field(
        nullable=True,
        metadata=_meta(
            "string",
            "article_id of the first file (in source_path order) with the same text, for duplicates.",
            foreign_key="articles.article_id",
        ),
    )
    format: Series[str] = pa.Field(
        isin=["txt", "html", "json", "jsonl", "unknown"],
        metadata=_meta(
            "string",
            "Input format the file was read as.",
            ("txt", "html", "json", "jsonl", "unknown"),
        ),
    )
    encoding: Series[str] = pa.Field(
        nullable=True, metadata=_meta("string", "Text encoding the file was decoded from.")
    )
    text_sha256: Series[str] = pa.Field(
        nullable=True,
        str_matches=r"^[0-9a-f]{64}$",
        metadata=_meta(
            "string",
            "SHA-256 of the article text that evidence offsets refer to (UTF-8, newlines as \\n).",
        ),
    )
    incident_count: Series[int] = pa.Field(
        ge=0, metadata=_meta("int64", "Number of incidents this article supplies evidence for.")
    )

    class Config:
        strict = True
        ordered = True
        coerce = True

    @pa.dataframe_check(
        error="status 'duplicate' requires duplicate_of, and only duplicates have it"
    )
    def duplicate_has_target(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["status"] == "duplicate") == df["duplicate_of"].notna()

    @pa.dataframe_check(
        error="quarantined, duplicate and no_incident articles need a status_reason"
    )
    def status_reason_present(cls, df: pd.DataFrame) -> Series[bool]:
        needs = df["status"].isin(["quarantined", "duplicate", "no_incident"])
        return ~needs | df["status_reason"].notna()


class Incidents(pa.DataFrameModel):
    """One row per real-world incident, however many articles report it."""

    incident_id: Series[str] = pa.Field(
        unique=True,
        str_matches=INCIDENT_ID_RE,
        metadata=_meta(
            "string",
            "Stable id: 'inc_' + 12 hex digits. An incident keeps its id across releases when later "
            "articles add evidence; retracted ids are never reused.",
            primary_key=True,
        ),
    )
    title: Series[str] = pa.Field(
        str_length={"min_value": 3},
        metadata=_meta("string", "Short neutral summary generated from the extracted fields."),
    )
    categories: Series[object] = pa.Field(
        metadata=_meta(
            "list<string>",
            "Misconduct categories (one or more) from the category vocabulary.",
            CATEGORIES,
        ),
    )
    date_start: Series[pa.DateTime] = pa.Field(
        nullable=True,
        metadata=_meta(
            "date32", "First day of the period in which the incident happened (empty if unknown)."
        ),
    )
    date_end: Series[pa.DateTime] = pa.Field(
        nullable=True,
        metadata=_meta("date32", "Last day of that period: equal to date_start for day precision."),
    )
    date_precision: Series[str] = pa.Field(
        isin=list(DATE_PRECISIONS),
        metadata=_meta(
            "string",
            "day, month or year: the period date_start..date_end covers that unit; unknown: both "
            "dates are empty.",
            DATE_PRECISIONS,
        ),
    )
    date_text: Series[str] = pa.Field(
        nullable=True,
        metadata=_meta(
            "string",
            "The words of the source the date was resolved from (for example 'In March 2021').",
        ),
    )
    first_reported: Series[pa.DateTime] = pa.Field(
        nullable=True,
        metadata=_meta(
            "date32",
            "Earliest publication date among the incident's articles (articles.published_date): a "
            "date to filter by when the incident's own date is unknown. Empty only when no article "
            "has a publication date.",
        ),
    )
    police_forces: Series[object] = pa.Field(
        metadata=_meta(
            "list<string>",
            "Agencies responsible, by canonical name: the force gazetteer for UK forces; elsewhere "
            "the agency's place and kind as in 'Minneapolis Police Department' or 'Polk County "
            "Sheriff's Office'. May be empty when no agency is named.",
        ),
    )
    location: Series[str] = pa.Field(
        nullable=True,
        metadata=_meta(
            "string",
            "The most specific place named for the incident (city, town, borough, station), when given.",
        ),
    )
    country: Series[str] = pa.Field(
        nullable=True,
        str_matches=r"^[A-Z]{2}$",
        metadata=_meta(
            "string",
            "Country of the incident, ISO 3166-1 alpha-2 (GB, US...), from the places and agencies "
            "named; empty when the sources do not say.",
        ),
    )
    region: Series[str] = pa.Field(
        nullable=True,
        str_matches=r"^[A-Z]{2}-[A-Z0-9]{1,3}$",
        metadata=_meta(
            "string",
            "ISO 3166-2 subdivision of the country: US state (US-MN), UK nation (GB-ENG, GB-SCT, "
            "GB-WLS, GB-NIR); empty when the sources do not say.",
        ),
    )
    subjects: Series[object] = pa.Field(
        metadata=_meta(
            "list<string>",
            "People harmed or otherwise subject of the incident, named only where lawful (see "
            "docs/policy.md); pseudonyms used by sources (Child Q, Officer A) are kept.",
        ),
    )
    officers: Series[object] = pa.Field(
        metadata=_meta(
            "list<string>",
            "Named officers or staff involved as perpetrators or subjects of the allegation.",
        ),
    )
    outcome: Series[str] = pa.Field(
        nullable=True,
        isin=list(OUTCOMES),
        metadata=_meta(
            "string",
            "Most advanced outcome reported by the sources, from the outcome vocabulary; empty when none is reported.",
            OUTCOMES,
        ),
    )
    outcome_text: Series[str] = pa.Field(
        nullable=True,
        metadata=_meta("string", "The source's own words for the outcome."),
    )
    allegation_status: Series[str] = pa.Field(
        isin=list(ALLEGATION_STATUSES),
        metadata=_meta(
            "string",
            "alleged until a source reports a finding, conviction, admission or official "
            "conclusion (then established); unknown when the sources do not say.",
            ALLEGATION_STATUSES,
        ),
    )
    source_count: Series[int] = pa.Field(
        ge=1, metadata=_meta("int64", "Number of distinct articles reporting the incident.")
    )
    article_ids: Series[object] = pa.Field(
        metadata=_meta(
            "list<string>", "Ids of the articles reporting the incident (see articles.article_id)."
        ),
    )
    evidence_count: Series[int] = pa.Field(
        ge=1, metadata=_meta("int64", "Number of evidence sentences supporting the incident.")
    )

    class Config:
        strict = True
        ordered = True
        coerce = True

    @pa.check(
        "categories",
        element_wise=True,
        error="categories must be a non-empty list of vocabulary codes",
    )
    def categories_in_vocabulary(cls, value) -> bool:
        return _is_str_list(value, CATEGORIES) and len(value) > 0

    @pa.check(
        "police_forces",
        "subjects",
        "officers",
        element_wise=True,
        error="must be a list of non-empty strings",
    )
    def string_lists(cls, value) -> bool:
        return _is_str_list(value)

    @pa.check(
        "article_ids",
        element_wise=True,
        error="article_ids must be a non-empty list of article ids",
    )
    def article_ids_well_formed(cls, value) -> bool:
        return _is_str_list(value) and len(value) > 0 and all(v.startswith("art_") for v in value)

    @pa.dataframe_check(error="source_count must equal the number of distinct article_ids")
    def source_count_matches(cls, df: pd.DataFrame) -> Series[bool]:
        return df["source_count"] == df["article_ids"].map(
            lambda v: len(set(v)) if isinstance(v, list) else -1
        )

    @pa.dataframe_check(error="date_precision disagrees with date_start/date_end")
    def date_precision_agrees(cls, df: pd.DataFrame) -> Series[bool]:
        return date_precision_agrees(df)

    @pa.dataframe_check(error="outcome_text requires an outcome")
    def outcome_text_needs_code(cls, df: pd.DataFrame) -> Series[bool]:
        return df["outcome_text"].isna() | df["outcome"].notna()


class Evidence(pa.DataFrameModel):
    """One row per sentence of an article that supports an incident."""

    evidence_id: Series[str] = pa.Field(
        unique=True,
        str_matches=EVIDENCE_ID_RE,
        metadata=_meta(
            "string",
            "'ev_' + 16 hex digits of the SHA-256 of incident_id, article_id and offsets.",
            primary_key=True,
        ),
    )
    incident_id: Series[str] = pa.Field(
        str_matches=INCIDENT_ID_RE,
        metadata=_meta(
            "string",
            "The incident this sentence supports (see incidents.incident_id).",
            foreign_key="incidents.incident_id",
        ),
    )
    article_id: Series[str] = pa.Field(
        str_matches=ARTICLE_ID_RE,
        metadata=_meta(
            "string",
            "The article the sentence comes from (see articles.article_id).",
            foreign_key="articles.article_id",
        ),
    )
    char_start: Series[int] = pa.Field(
        ge=0,
        metadata=_meta(
            "int64",
            "Offset of the sentence's first character in the article text (Python str index over "
            "the decoded text, newlines normalised to \\n).",
        ),
    )
    char_end: Series[int] = pa.Field(
        ge=1, metadata=_meta("int64", "Offset one past the sentence's last character.")
    )
    quote: Series[str] = pa.Field(
        str_length={"min_value": 1},
        metadata=_meta(
            "string",
            "The verbatim sentence: text[char_start:char_end], except where is_redacted, in which "
            "protected names are replaced by [REDACTED].",
        ),
    )
    is_redacted: Series[bool] = pa.Field(
        metadata=_meta("bool", "True when protected identities were removed from the quote.")
    )
    redaction_reason: Series[str] = pa.Field(
        nullable=True,
        metadata=_meta(
            "string", "Why the quote was redacted (for example 'child involved in proceedings')."
        ),
    )
    rule_id: Series[str] = pa.Field(
        nullable=True,
        metadata=_meta(
            "string", "Versioned id of the extraction rule that selected this sentence."
        ),
    )
    classifier_score: Series[float] = pa.Field(
        nullable=True,
        ge=0.0,
        le=1.0,
        metadata=_meta(
            "float64",
            "Probability, by the trained misconduct classifier, that the sentence with its "
            "neighbours reports police misconduct or a death or serious injury after police "
            "contact (model card: flows/extract/models/misconduct_textcat/README.md). Empty for "
            "sentences joined to an incident without being scored (outcome and back-reference "
            "continuations).",
        ),
    )

    class Config:
        strict = True
        ordered = True
        coerce = True

    @pa.dataframe_check(error="char_end must be greater than char_start")
    def offsets_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return df["char_end"] > df["char_start"]

    @pa.dataframe_check(error="redaction_reason is required exactly when is_redacted")
    def redaction_reason_present(cls, df: pd.DataFrame) -> Series[bool]:
        return df["is_redacted"] == df["redaction_reason"].notna()


TABLES: dict[str, type[pa.DataFrameModel]] = {
    "incidents": Incidents,
    "evidence": Evidence,
    "articles": Articles,
}


class LinkReview(pa.DataFrameModel):
    """The linking review queue (link_review.csv / .parquet, beside the tables of each release):
    pairs of incidents alike enough to be one but not linked, for a person to confirm (by adding
    the merge correction) or leave apart. Not a table of the dataset proper: its rows are
    questions, not facts."""

    incident_id: Series[str] = pa.Field(
        str_matches=INCIDENT_ID_RE,
        metadata=_meta(
            "string",
            "The older incident of the pair (earlier first_reported, then smaller id): the id a "
            "merge keeps.",
            foreign_key="incidents.incident_id",
        ),
    )
    other_incident_id: Series[str] = pa.Field(
        str_matches=INCIDENT_ID_RE,
        metadata=_meta(
            "string",
            "The other incident: a merge retires its id (changes.json then points it to "
            "incident_id).",
            foreign_key="incidents.incident_id",
        ),
    )
    agreement: Series[float] = pa.Field(
        ge=0.0,
        le=1.0,
        metadata=_meta(
            "float64",
            "Share of the fields known for both incidents that agree (surname of a person harmed, "
            "first name, place, kind of act, publication within 14 days).",
        ),
    )
    reason: Series[str] = pa.Field(
        isin=list(REVIEW_REASONS),
        metadata=_meta(
            "string",
            "Why the pair was not linked: a shared surname alone, published more than 14 days "
            "apart (`surname_only_far_apart`) or for different kinds of act "
            "(`surname_only_other_act`); a shared full name more than a year apart with no "
            "shared place (`full_name_far_apart`); a death reported without a name that matches "
            "several named deaths at the same place and day (`unnamed_death_ambiguous`).",
            REVIEW_REASONS,
        ),
    )
    quote: Series[str] = pa.Field(
        metadata=_meta("string", "The first evidence quote of incident_id, as published."),
    )
    other_quote: Series[str] = pa.Field(
        metadata=_meta("string", "The first evidence quote of other_incident_id, as published."),
    )
    merge_correction: Series[str] = pa.Field(
        metadata=_meta(
            "string",
            "The dataset/corrections.yaml entry that would merge the pair (one line in YAML flow "
            "style: add it as a list item and replace CNNNN by the next free correction id).",
        ),
    )

    class Config:
        strict = True
        ordered = True
        coerce = True


# Published beside the tables of a release, not part of the dataset's schema fingerprint
AUXILIARY_TABLES: dict[str, type[pa.DataFrameModel]] = {"link_review": LinkReview}
