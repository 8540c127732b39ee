"""Benchmark corpora of any size, built at run time from real articles outside the repository."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEVDATA = SHARED / "devdata"
DAILYMAIL = DEVDATA / "dailymail_dev.jsonl"
# The police-heavy mix: case summaries and descriptions where almost every sentence is about police.
POLICE_FILES = {
    "iopc_recommendations_dev.jsonl": "Independent Office for Police Conduct",
    "mpv_dev.jsonl": "Mapping Police Violence",
    "2020pb_dev.jsonl": "2020 Police Brutality",
}
MIXES = ("dailymail", "police")
CORPUS_RAW = SHARED / "corpus" / "raw"

# Generated text is only a fallback when the real articles are absent: sentences built from a
# news vocabulary with realistic article lengths (a few hundred to ~1,500 words).
_FALLBACK_WORDS = [
    "police",
    "officer",
    "officers",
    "said",
    "court",
    "told",
    "the",
    "a",
    "an",
    "of",
    "to",
    "in",
    "on",
    "at",
    "was",
    "were",
    "has",
    "had",
    "been",
    "after",
    "before",
    "during",
    "an",
    "investigation",
    "into",
    "misconduct",
    "complaint",
    "allegation",
    "arrested",
    "charged",
    "with",
    "assault",
    "constable",
    "sergeant",
    "inspector",
    "force",
    "metropolitan",
    "station",
    "custody",
    "hearing",
    "panel",
    "gross",
    "dismissed",
    "suspended",
    "independent",
    "office",
    "conduct",
    "iopc",
    "family",
    "spokesman",
    "statement",
    "yesterday",
    "last",
    "week",
    "month",
    "year",
    "man",
    "woman",
    "people",
    "home",
    "street",
    "car",
    "road",
    "london",
    "city",
    "council",
    "government",
    "minister",
    "school",
    "hospital",
    "report",
    "public",
    "community",
    "local",
    "national",
    "new",
    "old",
]


@dataclass(frozen=True)
class Source:
    """One real article used as a template: title, publication date (ISO) and text."""

    title: str
    published: str | None
    text: str
    publisher: str = "Daily Mail"


def load_sources(mix: str = "dailymail") -> list[Source]:
    """The real articles a mix repeats: 'dailymail' (the Daily Mail development articles and the
    shared raw samples) or 'police' (IOPC, Mapping Police Violence and 2020PB records, and the
    Daily Mail articles labelled misconduct in the development gold), when present."""
    if mix == "police":
        return _police_sources()
    if mix != "dailymail":
        raise ValueError(f"unknown corpus mix {mix!r}: one of {MIXES}")
    sources: list[Source] = []
    if DAILYMAIL.is_file():
        with DAILYMAIL.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    sources.append(
                        Source(row.get("title") or "", row.get("published"), row["text"])
                    )
    if CORPUS_RAW.is_dir():
        for path in sorted(CORPUS_RAW.glob("*.txt")):
            sources.append(Source("", None, path.read_text(encoding="utf-8")))
    return sources


def _police_sources() -> list[Source]:
    sources: list[Source] = []
    for name, publisher in POLICE_FILES.items():
        path = DEVDATA / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    date = row.get("date") or row.get("published")
                    sources.append(Source(row.get("title") or "", date, row["text"], publisher))
    gold = ROOT / "tests" / "gold" / "devdata"
    if DAILYMAIL.is_file() and gold.is_dir():
        from flows.evaluation.devgold import load_devgold

        for d in load_devgold(gold, DEVDATA, "labels"):
            if d.label == "misconduct" and d.source == "dailymail":
                r = d.record
                sources.append(Source(r.get("title") or "", r.get("published"), d.text))
    return sources


def _generated(rng: random.Random) -> Source:
    sentences = []
    for _ in range(rng.randint(15, 80)):
        words = rng.choices(_FALLBACK_WORDS, k=rng.randint(8, 30))
        sentences.append(" ".join(words).capitalize() + ".")
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return Source("Generated article", None, "\n\n".join(paragraphs))


def articles(n: int, seed: int = 0, mix: str = "dailymail") -> Iterator[tuple[int, Source]]:
    """n articles cycling over the real sources (generated ones only if none exist)."""
    sources = load_sources(mix)
    rng = random.Random(seed)
    for i in range(n):
        yield i, (sources[i % len(sources)] if sources else _generated(rng))


def closing_line(i: int) -> str:
    """A unique, plausible closing line, so every copy has its own content hash."""
    return f"Reference {i:07d}: contact the newsdesk with any further information."


def write_article(raw_dir: Path, i: int, source: Source) -> int:
    """Write article i (text + .meta.json sidecar) under raw_dir; returns its word count."""
    sub = raw_dir / f"{i // 1000:04d}"
    sub.mkdir(parents=True, exist_ok=True)
    body = source.text.rstrip() + "\n\n" + closing_line(i) + "\n"
    text = (source.title + "\n\n" + body) if source.title else body
    (sub / f"article_{i:07d}.txt").write_text(text, encoding="utf-8")
    if source.published:
        meta = {"title": source.title, "published": source.published, "publisher": source.publisher}
        (sub / f"article_{i:07d}.txt.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return len(text.split())


def build_corpus(raw_dir: Path, n: int, mix: str = "dailymail") -> dict:
    """Create (or reuse, when complete) a corpus of n articles; returns {'articles', 'words', ...}."""
    stamp = raw_dir.parent / "corpus.json"
    if stamp.is_file():
        info = json.loads(stamp.read_text())
        if info.get("articles") == n and info.get("mix", "dailymail") == mix and raw_dir.is_dir():
            return info
    shutil.rmtree(raw_dir, ignore_errors=True)
    words = sum(write_article(raw_dir, i, src) for i, src in articles(n, mix=mix))
    info = {"articles": n, "words": words, "real_sources": len(load_sources(mix)), "mix": mix}
    stamp.write_text(json.dumps(info))
    return info


def add_article(raw_dir: Path, i: int, mix: str = "dailymail") -> int:
    """Add one more article (number i) to an existing corpus; returns its word count."""
    sources = load_sources(mix)
    source = sources[i % len(sources)] if sources else _generated(random.Random(i))
    return write_article(raw_dir, i, source)
