"""Small hand-built article/incident worlds that pass schemas.checks.validate_tables, for publish tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flows.publish import assign_incident_ids, evidence_ids


@dataclass
class Doc:
    source_path: str
    sentences: list[str]
    publisher: str = "Example News"

    @property
    def text(self) -> str:
        return " ".join(self.sentences)

    @property
    def article_id(self) -> str:
        return "art_" + hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    def span(self, i: int) -> tuple[int, int]:
        start = sum(len(s) + 1 for s in self.sentences[:i])
        return start, start + len(self.sentences[i])


@dataclass
class Inc:
    """An incident: evidence as (doc index, sentence index) pairs, plus a few fields."""

    evidence: list[tuple[int, int]]
    categories: list[str] = field(default_factory=lambda: ["excessive_force"])
    outcome: str | None = None
    location: str | None = None
    officers: list[str] = field(default_factory=list)


DOCS = [
    Doc(
        "000_a.txt",
        [
            "A man was restrained by officers in Hackney in March 2021.",
            "The Independent Office for Police Conduct said an investigation was under way.",
            "Weather was\u00a0mild that week.",
        ],
    ),
    Doc(
        "001_b.txt",
        [
            "An officer was dismissed for gross misconduct after sending offensive messages.",
            "=SUM(A1) is not a formula here but must be neutralised in CSV.",
        ],
    ),
    Doc("002_c.txt", ["Nothing about policing appears in this article at all."]),
]
INCIDENTS = [
    Inc([(0, 0), (0, 1)], outcome="investigation_ongoing", location="Hackney"),
    Inc(
        [(1, 0)],
        categories=["discriminatory_conduct"],
        outcome="dismissed",
        officers=["PC Example"],
    ),
]


def keyed_frames(docs: list[Doc], incidents: list[Inc]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The link stage's output: incidents and evidence keyed by incident_key."""
    inc_rows, ev_rows = [], []
    for inc in incidents:
        d0, s0 = inc.evidence[0]
        key = f"{docs[d0].article_id}:{docs[d0].span(s0)[0]}"
        arts = sorted({docs[d].article_id for d, _ in inc.evidence})
        inc_rows.append(
            {
                "incident_key": key,
                "categories": list(inc.categories),
                "date_start": pd.NaT,
                "date_end": pd.NaT,
                "date_precision": "unknown",
                "date_text": None,
                "first_reported": pd.NaT,
                "police_forces": ["Metropolitan Police Service"],
                "location": inc.location,
                "country": None,
                "region": None,
                "subjects": [],
                "officers": list(inc.officers),
                "outcome": inc.outcome,
                "outcome_text": None,
                "allegation_status": "alleged",
                "source_count": len(arts),
                "article_ids": arts,
                "evidence_count": len(inc.evidence),
            }
        )
        for d, s in inc.evidence:
            start, end = docs[d].span(s)
            ev_rows.append(
                {
                    "incident_key": key,
                    "article_id": docs[d].article_id,
                    "char_start": start,
                    "char_end": end,
                    "quote": docs[d].sentences[s],
                    "rule_id": "test_rule.v1",
                    "classifier_score": 0.9,
                }
            )
    return pd.DataFrame(inc_rows), pd.DataFrame(ev_rows)


def finish(
    docs: list[Doc], incidents: pd.DataFrame, evidence: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Id-bearing frames -> the three published tables (titles, evidence ids, article rows)."""
    inc = incidents.copy()
    inc.insert(
        1,
        "title",
        inc["categories"].map(lambda c: c[0].replace("_", " ").capitalize()) + " reported",
    )
    ev = evidence.copy()
    ev["is_redacted"] = False
    ev["redaction_reason"] = None
    ev.insert(0, "evidence_id", evidence_ids(ev))
    ev = ev[
        [
            "evidence_id",
            "incident_id",
            "article_id",
            "char_start",
            "char_end",
            "quote",
            "is_redacted",
            "redaction_reason",
            "rule_id",
            "classifier_score",
        ]
    ]
    counts = ev.groupby("article_id")["incident_id"].nunique().to_dict()
    rows = []
    for d in docs:
        n = counts.get(d.article_id, 0)
        rows.append(
            {
                "article_id": d.article_id,
                "source_path": d.source_path,
                "url": None,
                "publisher": d.publisher,
                "title": d.sentences[0][:40],
                "published_date": pd.Timestamp("2022-02-01"),
                "date_source": "metadata",
                "date_inference": None,
                "word_count": len(d.text.split()),
                "status": "incidents_found" if n else "no_incident",
                "status_reason": None if n else "no misconduct sentence found",
                "duplicate_of": None,
                "format": "txt",
                "encoding": "utf-8",
                "text_sha256": hashlib.sha256(d.text.encode("utf-8")).hexdigest(),
                "incident_count": n,
            }
        )
    return {"incidents": inc, "evidence": ev, "articles": pd.DataFrame(rows)}


def build_tables(
    docs=None, incidents=None, previous=None, never_reuse=frozenset()
) -> dict[str, pd.DataFrame]:
    """The full chain link -> assign_incident_ids -> tables, as the pipeline runs it."""
    docs = DOCS if docs is None else docs
    incidents = INCIDENTS if incidents is None else incidents
    inc_k, ev_k = keyed_frames(docs, incidents)
    inc, ev = assign_incident_ids(inc_k, ev_k, previous, set(never_reuse))
    return finish(docs, inc, ev)


def write_raw(docs: list[Doc], raw_dir: Path) -> None:
    raw_dir.mkdir(parents=True, exist_ok=True)
    for d in docs:
        (raw_dir / d.source_path).write_text(d.text, encoding="utf-8")
