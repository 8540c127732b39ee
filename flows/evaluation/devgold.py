"""Gold annotations of the development text in ../shared/devdata, kept as offsets plus a text hash.

The development text is not the project's and never enters the repository: an annotation stores,
for each document, the SHA-256 of its text and character offsets into it (evidence sentences,
names, place and date words). `load_devgold` joins the annotations back to the text at run time
and refuses a document whose text changed (hash mismatch).

Files (`tests/gold/devdata/`), one JSON object a line:
- `labels.<annotator>.jsonl`: article-level labels of the Daily Mail articles
  (`misconduct` / `police_not_misconduct` / `no_police`);
- `incidents.<annotator>.jsonl`: incident-level gold (`docs/annotation.md`, section 8).
`p1` is the first pass, `p2` the independent second pass over a fifth of the documents.
Which documents are train, dev or test is decided by `split_of` (a hash of the document id).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flows.core.model import Article

SOURCES = {
    "dailymail": "dailymail_dev.jsonl",
    "iopc": "iopc_recommendations_dev.jsonl",
    "mpv": "mpv_dev.jsonl",
    "2020pb": "2020pb_dev.jsonl",
    "link": "link_dev.jsonl",
}
LABELS = ("misconduct", "police_not_misconduct", "no_police")
SPLITS = (("train", 60), ("dev", 20), ("test", 20))  # percent of documents


def make_article(doc_id: str, text: str, published: str | None = None) -> Article:
    """An Article as ingest would make it from one devdata record."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    when = None
    if published:
        try:
            when = dt.date.fromisoformat(str(published)[:10])
        except ValueError:
            when = None
    return Article(
        article_id=f"art_{digest[:16]}",
        source_path=doc_id,
        format="jsonl",
        text=text,
        published_date=when,
        date_source="metadata" if when else "unknown",
        word_count=len(text.split()),
        text_sha256=digest,
    )


def ratio(num: int, den: int) -> float | None:
    """num / den to three places; None when there is nothing to divide by."""
    return round(num / den, 3) if den else None


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_of(doc_id: str) -> str:
    """train / dev / test, fixed by a hash of the document id (stable whatever else changes)."""
    bucket = int(hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    edge = 0
    for name, share in SPLITS:
        edge += share
        if bucket < edge:
            return name
    return SPLITS[-1][0]


def read_devdata(devdata: Path, source: str) -> dict[str, dict]:
    """doc id -> record of one devdata file."""
    path = devdata / SOURCES[source]
    with path.open(encoding="utf-8") as fh:
        return {r["id"]: r for r in (json.loads(line) for line in fh if line.strip())}


def _span(text: str, piece: str | None, hint: int = 0) -> list[int] | None:
    if not piece:
        return None
    at = text.find(piece, hint)
    if at < 0:
        at = text.find(piece)
    return None if at < 0 else [at, at + len(piece)]


def anchor_incident(text: str, incident: dict) -> dict:
    """An annotator's incident (verbatim strings) as offsets; strings not found are dropped."""
    evidence = [s for s in (_span(text, q) for q in incident.get("evidence", [])) if s]
    people = []
    for p in incident.get("people", []):
        span = _span(text, p.get("name"))
        if span:
            people.append(
                {"span": span, "role": p.get("role"), "protected": bool(p.get("protected"))}
            )
    out = {
        "gold_id": incident["gold_id"],
        "evidence": evidence,
        "categories": list(incident.get("categories") or []),
        "date": incident.get("date"),
        "date_precision": incident.get("date_precision") or "unknown",
        "date_text": _span(text, incident.get("date_text")),
        "location": _span(text, incident.get("location")),
        "city": incident.get("city"),
        "country": incident.get("country"),
        "region": incident.get("region"),
        "agencies": list(incident.get("agencies") or []),
        "people": people,
        "allegation_status": incident.get("allegation_status") or "unknown",
    }
    if incident.get("optional"):
        out["optional"] = True
    return out


def anchor_file(path: Path, devdata: Path) -> Iterator[dict]:
    """Convert one annotator file (verbatim strings) into offset records."""
    texts: dict[str, dict[str, dict]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            source = row.get("source") or ("dailymail" if row["id"].startswith("dm-") else None)
            if source is None:
                raise ValueError(f"{path}: {row['id']} has no source")
            if source not in texts:
                texts[source] = read_devdata(devdata, source)
            docs = texts[source]
            text = docs[row["id"]]["text"]
            out = {"doc_id": row["id"], "source": source, "text_sha256": text_sha256(text)}
            if "label" in row:
                if row["label"] not in LABELS:
                    raise ValueError(f"{path}: {row['id']}: unknown label {row['label']!r}")
                out["label"] = row["label"]
            else:
                out["incidents"] = [anchor_incident(text, i) for i in row.get("incidents", [])]
            yield out


@dataclass
class GoldDoc:
    """One annotated document joined back to its text."""

    doc_id: str
    source: str
    text: str
    record: dict
    split: str
    label: str | None = None
    incidents: list[dict] = field(default_factory=list)

    def quote(self, span: list[int] | None) -> str | None:
        return None if span is None else self.text[span[0] : span[1]]


def load_devgold(gold_dir: Path, devdata: Path, kind: str, annotator: str = "p1") -> list[GoldDoc]:
    """Annotations of `kind` ('labels' or 'incidents') joined to their text; hash-checked."""
    path = gold_dir / f"{kind}.{annotator}.jsonl"
    docs: dict[str, dict[str, dict]] = {}
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            source = rec["source"]
            if source not in docs:  # read each devdata file once
                docs[source] = read_devdata(devdata, source)
            table = docs[source]
            row = table.get(rec["doc_id"])
            if row is None:
                raise ValueError(f"{path}: {rec['doc_id']} is not in {SOURCES[source]}")
            if text_sha256(row["text"]) != rec["text_sha256"]:
                raise ValueError(f"{path}: the text of {rec['doc_id']} changed (hash mismatch)")
            out.append(
                GoldDoc(
                    doc_id=rec["doc_id"],
                    source=source,
                    text=row["text"],
                    record=row,
                    split=split_of(rec["doc_id"]),
                    label=rec.get("label"),
                    incidents=rec.get("incidents", []),
                )
            )
    return out


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    return n


def cohen_kappa(a: list[str], b: list[str]) -> float:
    """Agreement of two annotators beyond chance (1.0 perfect, 0.0 chance)."""
    if not a or len(a) != len(b):
        raise ValueError("two equally long, non-empty label lists are needed")
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    labels = set(a) | set(b)
    expected = sum((a.count(k) / n) * (b.count(k) / n) for k in labels)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)
