"""Turn stage outputs into the three published tables: dedupe articles, ids, titles, counts, statuses."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

import pandas as pd

from flows.core.ids import evidence_ids
from flows.core.model import Article, ArticleExtraction
from flows.curate.titles import incident_title
from schemas.export import columns, conform

ARTICLE_COLUMNS = [c["name"] for c in columns("articles")]


def _path_id(prefix: str, source_path: str) -> str:
    return "art_" + hashlib.sha256(f"{prefix}:{source_path}".encode()).hexdigest()[:16]


def dedupe_articles(
    articles: Iterable[Article], published: Mapping[str, str] | None = None
) -> list[Article]:
    """The copy that keeps a text's content id: the file the previous release published with it
    (`published`: content article_id -> source_path), when that file is still there; otherwise
    the first file in source_path order. Other copies become 'duplicate' rows with an id of their
    own, pointing at it. So a copy collected later never turns a published article into a
    duplicate of itself, whatever its path."""
    published = published or {}
    ordered = sorted(articles, key=lambda a: a.source_path)
    present = {(a.article_id, a.source_path) for a in ordered if a.status != "quarantined"}
    out: list[Article] = []
    first: dict[str, Article] = {}
    for a in ordered:
        if a.status != "quarantined" and a.article_id not in first:
            kept = published.get(a.article_id)
            if kept is None or (a.article_id, kept) not in present or kept == a.source_path:
                first[a.article_id] = a
    for a in ordered:
        if a.status == "quarantined" or first.get(a.article_id) is a:
            out.append(a)
            continue
        original = first[a.article_id]
        a.duplicate_of = original.article_id
        a.article_id = _path_id("duplicate", a.source_path)
        a.status = "duplicate"
        a.status_reason = f"same text as {original.source_path}"
        out.append(a)
    return out


def articles_frame(
    articles: list[Article],
    extractions: dict[str, ArticleExtraction],
    evidence: pd.DataFrame,
    reasons: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One row per article; status and incident_count follow the final evidence table."""
    counts = (
        evidence.groupby("article_id")["incident_id"].nunique().to_dict() if len(evidence) else {}
    )
    rows = []
    for a in articles:
        x = extractions.get(a.article_id)
        published, source, how = a.published_date, a.date_source, a.date_inference
        if published is None and x is not None and x.reference_date is not None:
            published, source, how = x.reference_date, x.date_source, x.date_inference
        if published is None:
            source = "unknown"
        if source != "inferred":
            how = None
        n = counts.get(a.article_id, 0)
        status, reason = a.status, a.status_reason
        if status is None:
            if n:
                status, reason = "incidents_found", None
            else:
                status = "no_incident"
                reason = (reasons or {}).get(a.article_id) or (x.status_reason if x else None)
                reason = reason or "no police misconduct incident found"
        rows.append(
            {
                "article_id": a.article_id,
                "source_path": a.source_path,
                "url": a.url,
                "publisher": a.publisher,
                "title": a.title,
                "published_date": pd.Timestamp(published) if published else pd.NaT,
                "date_source": source,
                "date_inference": how,
                "word_count": int(a.word_count or 0),
                "status": status,
                "status_reason": reason,
                "duplicate_of": a.duplicate_of,
                "format": a.format,
                "encoding": a.encoding,
                "text_sha256": a.text_sha256,
                "incident_count": int(n),
            }
        )
    df = conform("articles", pd.DataFrame(rows, columns=ARTICLE_COLUMNS))
    return df.sort_values("source_path", kind="stable").reset_index(drop=True)


def finish_tables(
    incidents: pd.DataFrame, evidence: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Recompute counts from evidence, generate titles and evidence ids, order rows and columns."""
    evidence = evidence.copy()
    if "is_redacted" not in evidence:
        evidence["is_redacted"] = False
    if "redaction_reason" not in evidence:
        evidence["redaction_reason"] = None
    if "classifier_score" not in evidence:
        evidence["classifier_score"] = None
    evidence["evidence_id"] = evidence_ids(evidence)
    evidence = evidence.drop_duplicates("evidence_id")
    incidents = incidents[incidents["incident_id"].isin(set(evidence["incident_id"]))].copy()
    grouped = evidence.groupby("incident_id")
    arts = grouped["article_id"].agg(lambda s: sorted(set(s))).to_dict()
    n_ev = grouped.size().to_dict()
    incidents["article_ids"] = incidents["incident_id"].map(arts)
    incidents["source_count"] = incidents["article_ids"].map(len).astype("int64")
    incidents["evidence_count"] = incidents["incident_id"].map(n_ev).astype("int64")
    incidents["title"] = [incident_title(r) for r in incidents.to_dict("records")]
    # Typed from the schema: with zero incidents the columns above come out as float64.
    incidents = conform("incidents", incidents).sort_values("incident_id").reset_index(drop=True)
    evidence = (
        conform("evidence", evidence)
        .sort_values(["incident_id", "article_id", "char_start", "char_end"])
        .reset_index(drop=True)
    )
    return incidents, evidence
